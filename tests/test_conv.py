"""Convolution: vectorised against loops and SciPy, gradients, errors."""

from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.signal import correlate2d

import cnnlib as cl
from cnnlib.functional import conv, conv2d_backward, conv2d_forward
from cnnlib.functional.scratch import Scratch
from cnnlib.gradcheck import numerical_gradient_of_output, rel_error
from tests.e1 import IMAGE, KERNEL

# Fewest input channels for each route: every case runs through both.
ROUTES = {"im2col": 10**9, "window rows": 1}


@pytest.fixture(params=list(ROUTES))
def route(request, monkeypatch):
    """Run the test with conv2d taking im2col, then the window-rows route where it can."""
    monkeypatch.setattr(conv, "ROWS_MIN_CHANNELS", ROUTES[request.param])
    return request.param


# (N, H, W, C_in, KH, KW, C_out, stride, padding[, dilation])
CASES = [
    (1, 5, 5, 1, 3, 3, 1, 1, "valid"),
    (2, 5, 5, 1, 3, 3, 1, 2, "valid"),
    (1, 5, 5, 1, 3, 3, 1, 1, 1),
    (2, 7, 6, 3, 3, 3, 4, 1, "same"),
    (2, 7, 6, 3, 3, 3, 4, 2, "same"),  # "same" with stride > 1
    (1, 8, 8, 2, 3, 3, 2, 2, "valid"),  # floor: (8 - 3) / 2 + 1 = 3.5
    (3, 6, 9, 2, 2, 4, 3, (1, 2), (1, 0)),  # non-square kernel, stride, padding
    (1, 9, 9, 1, 4, 4, 2, 3, "same"),  # even kernel: odd total padding
    (2, 4, 4, 5, 1, 1, 3, 1, "valid"),  # 1x1 convolution
    (1, 3, 3, 1, 3, 3, 1, 1, "valid"),  # kernel as large as the input
    (2, 7, 8, 2, 3, 3, 3, 1, "valid", 2),  # dilated: the 3x3 kernel spans 5x5
    (1, 9, 8, 3, 3, 2, 2, 1, "same", (2, 3)),  # dilated, "same", different per axis
    (2, 9, 9, 2, 3, 3, 2, 2, 1, 2),  # dilation and stride together
    (1, 8, 7, 1, 2, 3, 2, (1, 2), "same", 3),  # even kernel: odd total padding
]


def unpack(case):
    """``sizes, stride, padding, dilation`` of a row of CASES."""
    sizes, (stride, padding, *dilation) = case[:7], case[7:]
    return sizes, stride, padding, dilation[0] if dilation else 1


def random_case(rng, n, h, w, c_in, kh, kw, c_out, dtype=np.float64):
    x = rng.standard_normal((n, h, w, c_in)).astype(dtype)
    k = rng.standard_normal((kh, kw, c_in, c_out)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    return x, k, b


@pytest.mark.parametrize("case", CASES)
def test_vectorised_equals_loops_on_table(case, route):
    sizes, stride, padding, dilation = unpack(case)
    x, w, b = random_case(np.random.default_rng(0), *sizes)
    out, _ = conv2d_forward(x, w, b, stride=stride, padding=padding, dilation=dilation)
    expected = cl.loops.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)  # shapes too


@st.composite
def conv_problems(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding = draw(
        st.one_of(
            st.sampled_from(["valid", "same"]),
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
        )
    )
    stride = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    dh, dw = draw(st.sampled_from([(1, 1), (1, 1), (2, 2), (1, 2), (3, 2)]))
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    h, w = draw(st.integers(span_h, span_h + 6)), draw(st.integers(span_w, span_w + 6))
    sizes = (
        draw(st.integers(1, 3)),
        h,
        w,
        draw(st.integers(1, 3)),
        kh,
        kw,
        draw(st.integers(1, 3)),
    )
    return sizes, stride, padding, (dh, dw), draw(st.integers(0, 2**31))


@given(conv_problems(), st.sampled_from(list(ROUTES)))
def test_vectorised_equals_loops_on_generated_cases(problem, route):
    sizes, stride, padding, dilation, seed = problem
    x, w, b = random_case(np.random.default_rng(seed), *sizes)
    options = {"stride": stride, "padding": padding, "dilation": dilation}
    with patch.object(conv, "ROWS_MIN_CHANNELS", ROUTES[route]):
        out, cache = conv2d_forward(x, w, b, **options)
    stride_h = stride[0] if isinstance(stride, tuple) else stride
    assert cache[0] == ("rows" if route == "window rows" and stride_h == 1 else "im2col")
    np.testing.assert_allclose(out, cl.loops.conv2d(x, w, b, **options), rtol=1e-10, atol=1e-10)


@given(conv_problems())
def test_both_routes_give_the_same_gradients_on_generated_cases(problem):
    sizes, stride, padding, dilation, seed = problem
    rng = np.random.default_rng(seed)
    x, w, b = random_case(rng, *sizes)
    grads = {}
    for route, fewest_channels in ROUTES.items():
        with patch.object(conv, "ROWS_MIN_CHANNELS", fewest_channels):
            out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding, dilation=dilation)
        dout = np.random.default_rng(seed + 1).standard_normal(out.shape)
        grads[route] = conv2d_backward(dout, cache)
    for name, by_rows, by_im2col in zip("xwb", grads["window rows"], grads["im2col"], strict=True):
        np.testing.assert_allclose(by_rows, by_im2col, rtol=1e-10, atol=1e-10, err_msg=name)


@pytest.mark.parametrize(("h", "w", "kh", "kw"), [(5, 5, 3, 3), (7, 4, 2, 3), (6, 6, 1, 4)])
def test_2d_convenience_equals_scipy_correlate2d(h, w, kh, kw):
    rng = np.random.default_rng(1)
    image, kernel = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    np.testing.assert_allclose(cl.conv2d(image, kernel), correlate2d(image, kernel, mode="valid"))
    padded = cl.conv2d(image, kernel, padding=(kh - 1, kw - 1))
    np.testing.assert_allclose(padded, correlate2d(image, kernel, mode="full"))


def dilated_kernel(kernel, dilation):
    """The kernel with ``d - 1`` zeros between its taps: what a dilated convolution slides."""
    (dh, dw), (kh, kw) = dilation, kernel.shape
    spread = np.zeros((dh * (kh - 1) + 1, dw * (kw - 1) + 1))
    spread[::dh, ::dw] = kernel
    return spread


@pytest.mark.parametrize(
    ("h", "w", "kh", "kw", "dilation"),
    [(9, 9, 3, 3, (2, 2)), (8, 11, 2, 3, (3, 2)), (7, 6, 3, 1, (3, 1)), (6, 6, 2, 2, (5, 5))],
)
def test_dilated_convolution_equals_scipy_on_the_spread_kernel(h, w, kh, kw, dilation):
    rng = np.random.default_rng(12)
    image, kernel = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    spread = dilated_kernel(kernel, dilation)
    expected = correlate2d(image, spread, mode="valid")
    np.testing.assert_allclose(cl.conv2d(image, kernel, dilation=dilation), expected)
    full = cl.conv2d(image, kernel, dilation=dilation, padding=tuple(n - 1 for n in spread.shape))
    np.testing.assert_allclose(full, correlate2d(image, spread, mode="full"))


def test_dilation_with_same_padding_follows_keras():
    # TensorFlow: total = max((ceil(n / s) - 1) * s + d (f - 1) + 1 - n, 0), the odd zero after.
    x = np.random.default_rng(13).standard_normal((1, 8, 7, 2))
    w = np.random.default_rng(14).standard_normal((3, 2, 2, 1))
    out, _ = conv2d_forward(x, w, stride=(2, 1), padding="same", dilation=(2, 3))
    # height: ceil(8 / 2) = 4, total (4 - 1) * 2 + 5 - 8 = 3 -> (1, 2);
    # width: 7, total 6 + 4 - 7 = 3 -> (1, 2)
    explicit = cl.loops.conv2d(x, w, stride=(2, 1), padding=((1, 2), (1, 2)), dilation=(2, 3))
    assert out.shape == (1, 4, 7, 1)
    np.testing.assert_allclose(out, explicit, rtol=1e-12, atol=1e-12)


def test_dilated_convolution_agrees_with_pytorch_where_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(15)
    x, w, b = random_case(rng, 2, 11, 10, 3, 3, 2, 4)
    for stride, padding, dilation in [(1, 0, 2), (2, 1, (2, 3)), ((1, 2), (2, 1), 3)]:
        out, _ = conv2d_forward(x, w, b, stride=stride, padding=padding, dilation=dilation)
        expected = torch.nn.functional.conv2d(
            torch.from_numpy(x.transpose(0, 3, 1, 2)),
            torch.from_numpy(w.transpose(3, 2, 0, 1).copy()),
            torch.from_numpy(b),
            stride=stride,
            padding=padding,
            dilation=dilation,
        )
        np.testing.assert_allclose(out, expected.numpy().transpose(0, 2, 3, 1), atol=1e-10)


def test_worked_example_e1_stride_and_padding():
    np.testing.assert_array_equal(cl.conv2d(IMAGE, KERNEL), [[2, 1, -1], [-1, 1, 3], [2, 1, 1]])
    np.testing.assert_array_equal(cl.conv2d(IMAGE, KERNEL, stride=2), [[2, -1], [2, 1]])
    assert cl.conv2d(IMAGE, KERNEL, padding=1).shape == (5, 5)


def test_convenience_shapes_and_bias():
    rng = np.random.default_rng(2)
    volume = rng.standard_normal((5, 5, 3))
    assert cl.conv2d(volume, rng.standard_normal((3, 3, 3))).shape == (3, 3)
    assert cl.conv2d(volume, rng.standard_normal((3, 3, 3, 2))).shape == (3, 3, 2)
    batch = rng.standard_normal((4, 6, 6, 3))
    assert cl.conv2d(batch, rng.standard_normal((3, 3, 3, 2)), padding="same").shape == (4, 6, 6, 2)
    image = rng.standard_normal((4, 4))
    kernel = rng.standard_normal((2, 2))
    np.testing.assert_allclose(cl.conv2d(image, kernel, 1.5), cl.conv2d(image, kernel) + 1.5)


def test_channel_sum_equals_sum_of_per_channel_maps():
    rng = np.random.default_rng(3)
    volume, kernel = rng.standard_normal((5, 5, 3)), rng.standard_normal((3, 3, 3))
    per_channel = sum(cl.conv2d(volume[:, :, c], kernel[:, :, c]) for c in range(3))
    np.testing.assert_allclose(cl.conv2d(volume, kernel), per_channel)


@pytest.mark.parametrize("case", CASES)
def test_gradients_match_numerical(case, route):
    sizes, stride, padding, dilation = unpack(case)
    rng = np.random.default_rng(4)
    x, w, b = random_case(rng, *sizes)
    options = {"stride": stride, "padding": padding, "dilation": dilation}
    out, cache = conv2d_forward(x, w, b, **options)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv2d_backward(dout, cache)

    def forward():
        return conv2d_forward(x, w, b, **options)[0]

    for name, analytic, param in (("x", dx, x), ("w", dw, w), ("b", db, b)):
        numeric = numerical_gradient_of_output(forward, param, dout)
        assert analytic.shape == param.shape
        assert rel_error(analytic, numeric) < 1e-7, name


def test_route_choice():
    # The seed classifier: conv 1 has one channel (im2col), conv 2 has 32 (window rows).
    assert not conv.uses_window_rows((3, 3, 1, 32), (1, 1))
    assert conv.uses_window_rows((3, 3, 32, 64), (1, 1))
    assert conv.uses_window_rows((3, 3, 16, 32), (1, 2))  # any stride along the width
    assert not conv.uses_window_rows((3, 3, 16, 32), (2, 2))


@pytest.mark.parametrize(
    ("shape", "kernel", "stride", "padding", "dilation"),
    [
        ((4, 12, 11, 16), (3, 3), 1, "valid", 1),
        ((3, 10, 10, 8), (3, 3), 1, "same", 1),
        ((2, 9, 12, 9), (2, 4), (1, 2), (1, 2), 1),
        ((2, 6, 6, 8), (1, 1), 1, "valid", 1),
        ((2, 5, 7, 8), (5, 3), 1, ((0, 1), (2, 0)), 1),
        ((2, 11, 10, 8), (3, 3), 1, "same", 2),  # dilated
        ((2, 12, 13, 8), (3, 2), (1, 2), 1, (3, 2)),
    ],
)
@pytest.mark.parametrize("input_grad", [True, False])
def test_window_rows_equal_im2col_in_float32(shape, kernel, stride, padding, dilation, input_grad):
    rng = np.random.default_rng(6)
    x, w, b = random_case(rng, *shape, *kernel, 5, dtype=np.float32)
    options = {"stride": stride, "padding": padding, "dilation": dilation}
    out, cache = conv2d_forward(x, w, b, **options)
    assert cache[0] == "rows" and out.dtype == np.float32
    with patch.object(conv, "ROWS_MIN_CHANNELS", 10**9):
        ref, ref_cache = conv2d_forward(x, w, b, **options)
    assert ref_cache[0] == "im2col"
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    grads = conv2d_backward(dout, cache, input_grad=input_grad)
    expected = conv2d_backward(dout, ref_cache, input_grad=input_grad)
    for name, got, want in zip(("dx", "dw", "db"), grads, expected, strict=True):
        if want is None:
            assert got is None, name
            continue
        assert got.dtype == np.float32 and got.shape == want.shape, name
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype, route):
    x, w, b = random_case(np.random.default_rng(5), 2, 5, 5, 2, 3, 3, 3, dtype)
    out, cache = conv2d_forward(x, w, b, stride=2, padding="same")
    grads = conv2d_backward(np.ones_like(out), cache)
    assert out.dtype == dtype
    assert all(g.dtype == dtype for g in grads)


def test_integer_input_becomes_float64():
    assert cl.conv2d([[1, 2], [3, 4]], [[1]]).dtype == np.float64


X = np.zeros((2, 5, 5, 3))
W = np.zeros((3, 3, 3, 4))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"w": np.zeros((3, 3, 2, 4))}, ValueError, r"channel mismatch: x has 3 channels.*C_in=2"),
        (
            {"x": np.zeros((5, 5, 3))},
            ValueError,
            r"x must be a 4-D array of shape \(N, H, W, C_in\)",
        ),
        ({"w": np.zeros((3, 3, 3))}, ValueError, r"w must be a 4-D array.*received.*\(3, 3, 3\)"),
        (
            {"w": np.zeros((7, 3, 3, 4))},
            ValueError,
            r"kernel is larger than the padded input along the height",
        ),
        (
            {"w": np.zeros((3, 9, 3, 4)), "padding": 1},
            ValueError,
            r"along the width: kernel width 9 > input width 5",
        ),
        (
            {"b": np.zeros(3)},
            ValueError,
            r"b must have one value per filter: expected shape \(4,\).*\(3,\)",
        ),
        ({"stride": 0}, ValueError, r"stride must be a positive integer.*received stride=0"),
        ({"stride": (1, -2)}, ValueError, r"stride\[1\] must be a positive integer.*-2"),
        ({"stride": (1, 2, 3)}, ValueError, r"stride must be an int or a pair"),
        ({"stride": 1.5}, TypeError, r"stride must be a positive integer; received 1.5"),
        ({"padding": "full"}, ValueError, r"padding must be one of \['valid', 'same'\].*'full'"),
        ({"padding": -1}, ValueError, r"padding must be a non-negative integer.*-1"),
        ({"x": [["a"]]}, TypeError, r"x must be an array of numbers"),
        ({"dilation": 0}, ValueError, r"dilation must be a positive integer.*received dilation=0"),
        ({"dilation": (1, 0)}, ValueError, r"dilation\[1\] must be a positive.*dilation\[1\]=0"),
        ({"dilation": 2.0}, TypeError, r"dilation must be a positive integer; received 2.0"),
        (
            {"dilation": 3},
            ValueError,
            r"along the height: kernel height 3 with dilation 3 spans 7 > input height 5",
        ),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, error, match):
    args = {"x": X, "w": W, "b": None, "stride": 1, "padding": "valid", "dilation": 1} | kwargs
    with pytest.raises(error, match=match):
        conv2d_forward(**args)
    with pytest.raises(error, match=match):
        cl.loops.conv2d(**args)


def test_convenience_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"x must be an image of shape \(H, W\)"):
        cl.conv2d(np.zeros(5), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"kernel must have shape"):
        cl.conv2d(np.zeros((5, 5)), np.zeros(3))
    with pytest.raises(ValueError, match=r"channel mismatch"):
        cl.conv2d(np.zeros((5, 5, 3)), np.zeros((3, 3)))


def test_backward_checks_dout_shape():
    _, cache = conv2d_forward(X, W)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape"):
        conv2d_backward(np.zeros((1, 1, 1, 1)), cache)


def test_backward_without_input_gradient_gives_the_same_weight_gradients():
    x, w, b = random_case(np.random.default_rng(6), 2, 6, 5, 3, 3, 2, 4)
    out, cache = conv2d_forward(x, w, b, stride=2, padding="same")
    dout = np.random.default_rng(7).standard_normal(out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    none, dw2, db2 = conv2d_backward(dout, cache, input_grad=False)
    assert none is None and dx.shape == x.shape
    np.testing.assert_array_equal(dw2, dw)
    np.testing.assert_array_equal(db2, db)


SCRATCH_BUFFERS = {"im2col": {"cols", "dpatch"}, "window rows": {"rows", "grid"}}


def test_scratch_is_reused_and_changes_nothing(route):
    rng = np.random.default_rng(7)
    x, w, b = random_case(rng, 3, 9, 8, 8, 3, 3, 4, dtype=np.float32)
    dout = rng.standard_normal((3, 7, 6, 4)).astype(np.float32)
    expected_out, cache = conv2d_forward(x, w, b)
    expected = conv2d_backward(dout, cache)
    scratch = Scratch()
    held = None
    for _ in range(2):  # the second step runs in the memory of the first
        out, cache = conv2d_forward(x, w, b, scratch=scratch)
        grads = conv2d_backward(dout, cache)
        np.testing.assert_array_equal(out, expected_out)
        for name, got, want in zip(("dx", "dw", "db"), grads, expected, strict=True):
            if route == "im2col" and name == "dw":  # one product over the kept im2col matrix
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
            else:
                np.testing.assert_array_equal(got, want)
            assert not any(np.shares_memory(got, buf) for buf in scratch.buffers.values())
        addresses = {
            name: buf.__array_interface__["data"][0] for name, buf in scratch.buffers.items()
        }
        held = held or addresses
    assert set(held) == SCRATCH_BUFFERS[route]
    assert addresses == held


def test_the_kept_im2col_matrix_gives_the_kernel_gradient():
    """In training the im2col route keeps its matrix in scratch: dw = cols.T @ dout."""
    rng = np.random.default_rng(11)
    x, w, b = random_case(rng, 2, 7, 6, 1, 3, 2, 3)  # one channel: im2col
    out, cache = conv2d_forward(x, w, b, stride=(2, 1), padding=1, scratch=Scratch())
    assert cache[0] == "im2col" and cache[5][3] is not None  # (xp, stride, scratch, cols, ...)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    out_loops = cl.loops.conv2d(x, w, b, stride=(2, 1), padding=1)
    np.testing.assert_allclose(out, out_loops, rtol=1e-12, atol=1e-12)
    _, no_scratch = conv2d_forward(x, w, b, stride=(2, 1), padding=1)
    assert no_scratch[5][3] is None  # without scratch only the padded input is kept
    for got, want in zip((dx, dw, db), conv2d_backward(dout, no_scratch), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    none, dw_only, _ = conv2d_backward(dout, cache, input_grad=False)
    assert none is None
    np.testing.assert_array_equal(dw_only, dw)


def test_a_float64_bias_does_not_widen_float32_work():
    image = np.arange(16, dtype=np.float32).reshape(4, 4)
    kernel = np.ones((2, 2), dtype=np.float32)
    assert cl.conv2d(image, kernel, 1.5).dtype == np.float32  # a Python float is float64
    x, w, _ = random_case(np.random.default_rng(8), 1, 5, 5, 2, 3, 3, 2, dtype=np.float32)
    out, cache = conv2d_forward(x, w, np.array([0.5, -0.5]))
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv2d_backward(np.ones_like(out), cache))


def test_a_layer_keeps_scratch_for_training_only():
    layer = cl.Conv2D(4, 3).build((10, 10, 8), rng=0, dtype="float32")
    x = np.random.default_rng(9).random((6, 10, 10, 8), dtype=np.float32)
    layer.forward(x, training=False)
    assert layer.scratch.buffers == {}  # predict and evaluate allocate as usual
    out = layer.forward(x, training=True)
    layer.backward(np.ones_like(out))
    assert set(layer.scratch.buffers) == SCRATCH_BUFFERS["window rows"]


@pytest.mark.parametrize(
    ("h", "kh", "top_row_of_output"),
    [
        # "same" with an even kernel pads an odd number of zeros: the odd one goes
        # after (bottom), so the first output row sees no zero above the input.
        (4, 2, [1 + 2, 2 + 3, 3 + 4]),
        (5, 4, [0 + 1 + 2 + 3]),  # total 3 zeros: 1 before, 2 after
    ],
)
def test_same_padding_puts_the_odd_zero_after(h, kh, top_row_of_output):
    # A column of 1, 2, ..., h and a kernel of ones sums each window's rows.
    x = np.arange(1, h + 1, dtype=float).reshape(1, h, 1, 1)
    w = np.ones((kh, 1, 1, 1))
    for convolve in (lambda *a, **k: conv2d_forward(*a, **k)[0], cl.loops.conv2d):
        out = convolve(x, w, None, stride=1, padding="same")[0, :, 0, 0]
        assert out.shape == (h,)
        np.testing.assert_array_equal(out[: len(top_row_of_output)], top_row_of_output)


@pytest.mark.parametrize(
    ("h", "w", "kernel", "stride", "padding", "dilation"),
    [
        (5, 5, (3, 3), 1, 0, 1),  # E1's sizes: 3x3 back to 5x5
        (5, 5, (3, 3), 2, 0, 1),  # E2: stride 2, zeros between the gradients
        (8, 7, (3, 2), (2, 3), (1, 0), 1),  # rows the floor dropped: output_padding
        (9, 10, (3, 3), 1, 2, 2),  # dilated
        (11, 9, (2, 3), (3, 2), (1, 2), (2, 1)),
        (6, 6, (4, 4), 2, 1, 1),  # the usual upsampling layer: 3x3 -> 6x6
        (4, 4, (1, 1), 1, 0, 1),
    ],
)
def test_transposed_convolution_is_the_input_gradient(h, w, kernel, stride, padding, dilation):
    rng = np.random.default_rng(16)
    x, k, _ = random_case(rng, 2, h, w, 3, *kernel, 4)
    out, cache = conv2d_forward(x, k, stride=stride, padding=padding, dilation=dilation)
    dout = rng.standard_normal(out.shape)
    dx, _, _ = conv2d_backward(dout, cache)
    (sh, sw), (ph, pw), (dh, dw) = (
        v if isinstance(v, tuple) else (v, v) for v in (stride, padding, dilation)
    )
    dropped = [  # rows and columns past the last window: the floor of the forward pass
        (n + 2 * p - d * (f - 1) - 1) % s
        for n, p, d, f, s in zip((h, w), (ph, pw), (dh, dw), kernel, (sh, sw), strict=True)
    ]
    transposed = cl.conv_transpose2d(
        dout, k, stride=stride, padding=padding, dilation=dilation, output_padding=tuple(dropped)
    )
    np.testing.assert_allclose(transposed, dx, rtol=1e-12, atol=1e-12)


def test_transposed_convolution_checks_its_input():
    with pytest.raises(ValueError, match=r"channel mismatch: x has 2 channels.*is 3"):
        cl.conv_transpose2d(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 1, 3)))
    with pytest.raises(ValueError, match=r"output_padding must be smaller than the stride"):
        cl.conv_transpose2d(np.zeros((3, 3)), np.zeros((2, 2)), stride=2, output_padding=2)
    with pytest.raises(ValueError, match=r"takes x \(H, W\) with a kernel \(KH, KW\)"):
        cl.conv_transpose2d(np.zeros((3, 3)), np.zeros((2, 2, 1, 1)))
