"""Activation pictures: curves and slopes from cnnlib, the rectified map, the panels."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.plotting import (
    SEED_ACTIVATIONS,
    activation_curve,
    draw_rectified,
    plot_activation,
    plot_activations,
    plot_dead_units,
    plot_overlay,
)
from cnnlib.plotting.activations import with_gaps

E1_MAP = [[2, 1, -1], [-1, 1, 3], [2, 1, 1]]


@pytest.mark.parametrize(
    ("name", "options", "x", "y", "dy"),
    [
        ("relu", {}, [-2.0, 3.0], [0, 3], [0, 1]),
        ("leaky_relu", {"slope": 0.1}, [-2.0, 3.0], [-0.2, 3], [0.1, 1]),
        ("sigmoid", {}, [0.0], [0.5], [0.25]),
        ("tanh", {}, [0.0], [0.0], [1.0]),
        ("softplus", {}, [0.0], [np.log(2)], [0.5]),
        # softmax of the two scores (x, 0): the first probability is sigmoid(x)
        ("softmax", {}, [0.0, np.log(3)], [0.5, 0.75], [0.25, 0.1875]),
        (
            "radial_basis",
            {"center": 1.0, "epsilon": 2.0},
            [1.0, 2.0],
            [1, np.exp(-4)],
            [0, -8 * np.exp(-4)],
        ),
    ],
)
def test_curve_values_and_slopes(name, options, x, y, dy):
    values, slopes = activation_curve(name, x, **options)
    np.testing.assert_allclose(values, y, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(slopes, dy, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", SEED_ACTIVATIONS)
def test_every_slope_is_the_numerical_derivative(name):
    x = np.linspace(-3, 3, 25) + 0.05  # never exactly on a kink at 0
    h = 1e-6
    _, slopes = activation_curve(name, x)
    numeric = (activation_curve(name, x + h)[0] - activation_curve(name, x - h)[0]) / (2 * h)
    np.testing.assert_allclose(slopes, numeric, rtol=1e-6, atol=1e-8)


def test_curve_rejects_what_it_cannot_draw():
    with pytest.raises(ValueError, match=r"x must be a 1-D array"):
        activation_curve("relu", [[1.0]])
    with pytest.raises(ValueError, match=r"activation must be one of"):
        activation_curve("gelu", [1.0])
    with pytest.raises(TypeError, match=r"softmax takes no options"):
        activation_curve("softmax", [1.0], slope=0.1)


def test_plotted_lines_are_the_curve_and_the_slope():
    ax = plot_activation("leaky_relu", np.linspace(-2, 2, 5), slope=0.1)
    curve, slope = ax.get_lines()[:2]
    np.testing.assert_allclose(curve.get_ydata(), [-0.2, -0.1, 0, 1, 2])
    # the derivative breaks (NaN) at the jump from 0.1 to 1 instead of drawing a wall
    assert np.isnan(slope.get_ydata()).sum() == 1
    assert ax.get_title() == "leaky ReLU"


def test_with_gaps_breaks_only_jumps():
    x = np.linspace(-1, 1, 5)
    gx, gy = with_gaps(x, cl.activation_derivative("relu", x))
    assert len(gx) == 6 and np.isnan(gy).sum() == 1
    gx, gy = with_gaps(x, cl.activation_derivative("sigmoid", x))
    assert len(gx) == 5 and not np.isnan(gy).any()


def test_one_panel_per_activation_and_an_overlay():
    fig = plot_activations()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible][:3] == ["sigmoid", "tanh", "ReLU"]
    assert len(visible) == len(SEED_ACTIVATIONS) == 10
    fig = plot_activations(["relu", "elu", "selu"], ncols=2)
    assert sum(ax.get_visible() for ax in fig.axes) == 3
    fig = plot_overlay(["relu", "swish"], derivative=False)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) >= 2
    with pytest.raises(ValueError, match=r"at least one activation"):
        plot_activations([])


def test_rectified_map_outlines_the_cells_relu_changed():
    fig = draw_rectified(E1_MAP)
    after = fig.axes[1]
    written = [t.get_text() for t in after.texts]
    assert written == ["2", "1", "0", "0", "1", "3", "2", "1", "1"]
    outlines = [p for p in after.patches if not p.get_fill()]
    assert len(outlines) == 2  # the two negative cells of the E1 map
    assert "after ReLU" in after.get_title()
    fig = draw_rectified(np.linspace(-1, 1, 400).reshape(20, 20))  # large: an image, no numbers
    assert not fig.axes[0].texts
    with pytest.raises(ValueError, match=r"feature_map must be a 2-D array"):
        draw_rectified([1, -1])


def test_dead_units_plot():
    ax = plot_dead_units({"ReLU": [0, 5, 5], "leaky ReLU": [0, 2, 2]}, 10, boundary=1)
    assert ax.get_ylim() == (0, 10)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ReLU", "leaky ReLU"]


def test_rectified_map_of_a_photo_has_the_image_first():
    image = np.random.default_rng(0).random((30, 20))
    fmap = cl.conv2d(image, [[1, 0, -1]] * 3)
    fig = draw_rectified(fmap, image=image, titles=("edges", "rectified"))
    assert [ax.get_title() for ax in fig.axes] == ["image 30×20", "edges 28×18", "rectified 28×18"]
    shown = fig.axes[2].get_images()[0].get_array()
    np.testing.assert_array_equal(shown, cl.relu(fmap))


def test_with_gaps_keeps_steep_smooth_curves_whole():
    x = np.linspace(-5, 5, 401)
    _, dy = with_gaps(x, activation_curve("radial_basis", x, epsilon=2.0)[1])
    assert not np.isnan(dy).any()
    _, dy = with_gaps(x, activation_curve("selu", x)[1])
    assert np.isnan(dy).sum() == 1  # SELU's slope jumps from λα to λ at 0
