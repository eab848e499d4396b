"""The backward-pass pictures show what cnnlib's backward functions compute."""

import numpy as np
import pytest
from matplotlib.patches import ConnectionPatch, FancyBboxPatch

import cnnlib as cl
from cnnlib.functional import conv2d_backward, conv2d_forward, pool2d_backward, pool2d_forward
from cnnlib.plotting import (
    draw_computation_graph,
    draw_im2col,
    draw_input_gradient,
    draw_pool_routing,
    draw_weight_gradient,
    input_gradient_steps,
    pool_routes,
)
from tests.e1 import IMAGE, KERNEL

DOUT = np.array([[1, 0, -1], [2, 1, 0], [0, -1, 1]])


def cell_texts(ax):
    """The numbers written in the cells of a grid, in drawing (reading) order."""
    return [t.get_text() for t in ax.texts]


def as_texts(values):
    return [str(int(v)).replace("-", "−") for v in np.ravel(values)]


def library_dx(x_shape, kernel, dout, stride, padding):
    """``dx`` of cnnlib's vectorised backward pass for a single-channel 2-D case."""
    x = np.zeros((1, *x_shape, 1))
    _, cache = conv2d_forward(x, kernel[:, :, None, None], stride=stride, padding=padding)
    dx, _, _ = conv2d_backward(dout[None, :, :, None], cache)
    return dx[0, :, :, 0]


@pytest.mark.parametrize(
    ("x_shape", "k_shape", "stride", "padding"),
    [
        ((5, 5), (3, 3), 1, 0),  # worked example E1
        ((5, 5), (3, 3), 2, 0),  # E2: the stride divides n - f exactly
        ((5, 5), (3, 3), 1, 1),  # E3: padding is cropped away
        ((8, 8), (3, 3), 2, 0),  # E13: the last row and column get no gradient
        ((7, 6), (2, 3), (2, 3), 1),  # non-square everything
        ((6, 6), (4, 4), 1, "same"),  # uneven padding: one zero before, two after
        ((9, 7), (3, 2), 3, "same"),
    ],
)
def test_input_gradient_steps_equal_the_vectorised_backward_pass(x_shape, k_shape, stride, padding):
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal(k_shape)
    out_hw = cl.conv_output_shape(x_shape, k_shape, padding, stride)
    dout = rng.standard_normal(out_hw)
    steps = input_gradient_steps(dout, kernel, x_shape, stride=stride, padding=padding)
    np.testing.assert_allclose(steps.dx, library_dx(x_shape, kernel, dout, stride, padding))
    np.testing.assert_array_equal(steps.flipped, kernel[::-1, ::-1])
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    np.testing.assert_array_equal(steps.dilated[::sh, ::sw], dout)
    assert np.count_nonzero(steps.dilated) == np.count_nonzero(dout)


def test_input_gradient_of_e13_is_zero_where_no_window_reached():
    steps = input_gradient_steps(np.ones((3, 3)), np.ones((3, 3)), (8, 8), stride=2)
    assert steps.dilated.shape == (5, 5)  # three values, one zero between neighbours
    assert steps.padded.shape == (2 + 5 + 2 + 1, 2 + 5 + 2 + 1)  # and one more zero: 8 - 7 = 1
    np.testing.assert_array_equal(steps.dx[7, :], 0)
    np.testing.assert_array_equal(steps.dx[:, 7], 0)
    assert steps.dx[6, 6] == 1


def test_input_gradient_steps_check_the_shape_of_dout():
    with pytest.raises(ValueError, match=r"dout must have the output's shape \(3, 3\).*\(2, 2\)"):
        input_gradient_steps(np.ones((2, 2)), KERNEL, (5, 5))


def test_input_gradient_figure_shows_the_library_gradient():
    fig = draw_input_gradient(DOUT, KERNEL, (5, 5), position=(0, 0))
    ax_dout, ax_padded, ax_flipped, ax_dx = fig.axes
    assert cell_texts(ax_dout) == as_texts(DOUT)
    assert len(cell_texts(ax_padded)) == 49
    assert cell_texts(ax_flipped) == as_texts(np.rot90(KERNEL, 2))
    assert ax_dx.get_title() == "∂L/∂x 5×5"
    assert cell_texts(ax_dx) == as_texts(library_dx((5, 5), KERNEL, DOUT, 1, 0))
    symbols = [t.get_text() for t in fig.texts if t.get_gid() == "symbol"]
    assert symbols == ["→", r"$\star$", "="]


def test_input_gradient_figure_with_padding_adds_the_cropped_panel():
    dout = np.arange(25).reshape(5, 5) - 12
    fig = draw_input_gradient(dout, KERNEL, (5, 5), padding=1)
    assert len(fig.axes) == 5
    assert fig.axes[3].get_title() == "∂L/∂(padded x) 7×7"
    assert cell_texts(fig.axes[4]) == as_texts(library_dx((5, 5), KERNEL, dout, 1, 1))
    with pytest.raises(ValueError, match=r"position must be inside the 5×5 result"):
        draw_input_gradient(DOUT, KERNEL, (5, 5), position=(5, 0))


def test_weight_gradient_figure_is_the_correlation_of_input_and_dout():
    fig = draw_weight_gradient(IMAGE, DOUT, 1, 1)
    ax_x, ax_dout, ax_dw = fig.axes
    expected = cl.conv2d(IMAGE, DOUT)  # the input correlated with the output gradient
    assert cell_texts(ax_x) == as_texts(IMAGE)
    assert cell_texts(ax_dout) == as_texts(DOUT)
    assert cell_texts(ax_dw) == as_texts(expected)
    assert ax_dw.get_title() == "∂L/∂w 3×3"
    (caption,) = [t for t in fig.texts if t.get_gid() == "sum"]
    assert caption.get_text().startswith("∂L/∂w[1, 1] = ")
    assert caption.get_text().endswith(f"= {int(expected[1, 1])}   (zero products left out)")
    with pytest.raises(ValueError, match=r"kernel offset, 0 <= u < 3"):
        draw_weight_gradient(IMAGE, DOUT, 3, 0)


def test_pool_routes_send_max_gradients_to_the_first_largest_element():
    x = np.array([[1, 5, 0, 2], [5, 2, 2, 1], [0, 0, 3, 3], [0, 0, 3, 3]])
    routes = pool_routes(x, 2)
    assert routes == {(0, 0): [(0, 1)], (0, 1): [(0, 3)], (1, 0): [(2, 0)], (1, 1): [(2, 2)]}
    assert pool_routes(x, 2, mode="min")[(0, 0)] == [(0, 0)]
    assert pool_routes(x, 2, mode="avg")[(1, 1)] == [(2, 2), (2, 3), (3, 2), (3, 3)]


def test_pool_routing_figure_draws_one_arrow_per_window_and_the_library_gradient():
    x = np.array([[1, 2, 0], [3, 9, 4], [0, 5, 1]])
    dout = np.array([[1, 2], [3, 4]])
    fig = draw_pool_routing(x, dout, 2, stride=1)
    _, ax_dout, ax_dx = fig.axes
    assert cell_texts(ax_dout) == ["1", "2", "3", "4"]
    arrows = [a for a in fig.artists if isinstance(a, ConnectionPatch)]
    assert len(arrows) == 4  # one per window, all ending at the 9 in the middle
    assert all(abs(a.xy2[0] - 1) < 0.5 and abs(a.xy2[1] - 1) < 0.5 for a in arrows)
    _, cache = pool2d_forward(x[None, :, :, None].astype(float), 2, stride=1)
    dx = pool2d_backward(dout[None, :, :, None].astype(float), cache)[0, :, :, 0]
    assert cell_texts(ax_dx) == as_texts(dx)
    assert cell_texts(ax_dx)[4] == "10"  # 1 + 2 + 3 + 4
    assert "overlap" in fig._suptitle.get_text()


def test_average_pooling_figure_writes_fractions_and_draws_no_arrows():
    fig = draw_pool_routing(np.arange(16).reshape(4, 4), np.ones((2, 2)), 2, mode="avg")
    assert not [a for a in fig.artists if isinstance(a, ConnectionPatch)]
    assert set(cell_texts(fig.axes[2])) == {"0.25"}
    fig = draw_pool_routing(np.arange(9).reshape(3, 3), np.ones((1, 1)), 3, mode="avg")
    assert set(cell_texts(fig.axes[2])) == {"1/9"}
    with pytest.raises(ValueError, match=r"pooled output's shape \(2, 2\)"):
        draw_pool_routing(np.zeros((4, 4)), np.ones((3, 3)), 2)


def test_im2col_figure_is_one_matrix_product():
    fig = draw_im2col(IMAGE, KERNEL)
    ax_x, ax_cols, ax_w, ax_p, ax_map = fig.axes
    assert cell_texts(ax_x) == as_texts(IMAGE)
    assert ax_cols.get_title() == "im2col(x): 9×9\none row per window (i, j)"
    assert cell_texts(ax_cols)[:9] == as_texts(IMAGE[0:3, 0:3])  # the first window, row by row
    assert cell_texts(ax_cols)[9:18] == as_texts(IMAGE[0:3, 1:4])
    assert cell_texts(ax_w) == as_texts(KERNEL)
    assert cell_texts(ax_p) == as_texts(cl.conv2d(IMAGE, KERNEL))
    assert cell_texts(ax_map) == as_texts(cl.conv2d(IMAGE, KERNEL))
    assert [t.get_text() for t in ax_cols.get_yticklabels()][:2] == ["(0,0)", "(0,1)"]


def test_im2col_figure_with_stride_and_padding():
    fig = draw_im2col(IMAGE, KERNEL, stride=2, padding=1)
    assert fig.axes[1].get_title() == "im2col(x): 9×9\none row per window (i, j)"
    assert cell_texts(fig.axes[4]) == as_texts(cl.conv2d(IMAGE, KERNEL, stride=2, padding=1))
    with pytest.raises(ValueError, match=r"rows must be output positions 0 to 8.*\[9\]"):
        draw_im2col(IMAGE, KERNEL, rows=(0, 9))


def test_computation_graph_has_a_box_per_operation_and_a_gradient_per_value():
    fig = draw_computation_graph(
        ["conv", "ReLU", "loss"], ["x\n(1, 5, 5, 1)", "z", "a", "L"], {0: "w, b"}
    )
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch) and p.get_gid() == "op"]
    assert len(boxes) == 3
    grads = [t.get_text() for t in ax.texts if t.get_gid() == "gradient"]
    assert grads == [
        r"$\partial L/\partial x$",
        r"$\partial L/\partial z$",
        r"$\partial L/\partial a$",
        "1",
    ]
    texts = [t.get_text() for t in ax.texts]
    assert r"$\partial L/\partial w$, $\partial L/\partial b$" in texts


def test_computation_graph_checks_its_arguments():
    with pytest.raises(ValueError, match=r"expected len\(ops\) \+ 1 = 3 names; received 2"):
        draw_computation_graph(["conv", "ReLU"], ["x", "L"])
    with pytest.raises(ValueError, match=r"operation indices 0 to 1; received \[2\]"):
        draw_computation_graph(["conv", "ReLU"], ["x", "z", "L"], {2: "w"})
    with pytest.raises(ValueError, match=r"at least one operation"):
        draw_computation_graph([], ["x"])
