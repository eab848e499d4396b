"""The convolution pictures show what cnnlib computes, position by position."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation

import cnnlib as cl
from cnnlib.plotting import (
    animate_conv,
    draw_conv_result,
    draw_conv_step,
    draw_matrix,
    sum_of_products_text,
)
from tests.e1 import IMAGE, KERNEL


def cell_texts(ax):
    """The numbers written in the cells of a grid, in drawing (reading) order."""
    return [t.get_text() for t in ax.texts]


def test_sum_of_products_text_writes_the_slide_sums():
    assert sum_of_products_text(IMAGE[0:3, 0:3], KERNEL) == (
        "(1×0) + (0×1) + (1×0) + (1×1) + (0×0) + (0×-1) + (0×0) + (1×1) + (1×0) = 2"
    )
    assert sum_of_products_text(IMAGE[0:3, 1:4], KERNEL).endswith("(0×0) = 1")
    assert sum_of_products_text([[0.5]], [[-3]]) == "(0.5×-3) = -1.5"
    with pytest.raises(ValueError, match=r"same shape.*\(2, 2\).*\(3, 3\)"):
        sum_of_products_text(np.zeros((2, 2)), KERNEL)


def test_step_figure_has_the_four_panels_and_the_sum():
    fig = draw_conv_step(IMAGE, KERNEL, 0, 1)
    ax_in, ax_k, ax_p, ax_map = fig.axes
    assert len(fig.axes) == 4
    assert ax_in.get_title() == "input 5×5"
    assert len(cell_texts(ax_in)) == 25
    assert cell_texts(ax_k) == ["0", "1", "0", "1", "0", "−1", "0", "1", "0"]
    # the products of the window at rows 0-2, columns 1-3, each written as a×b
    assert cell_texts(ax_p)[:3] == ["0×0\n= 0", "1×1\n= 1", "0×0\n= 0"]
    assert cell_texts(ax_p)[5] == "1×(−1)\n= −1"
    # the map so far: the first two values, from cnnlib
    assert cell_texts(ax_map) == ["2", "1"]
    (caption,) = [t for t in fig.texts if t.get_gid() == "sum"]
    assert caption.get_text().endswith("(1×1) + (0×0) = 1")
    assert "row 0, column 1" in fig._suptitle.get_text()


def test_step_figure_with_padding_shows_the_padded_input_and_the_map_so_far():
    fig = draw_conv_step(IMAGE, KERNEL, 1, 0, padding=1)
    ax_in, _, _, ax_map = fig.axes
    assert ax_in.get_title() == "input 5×5, padded to 7×7"
    assert len(cell_texts(ax_in)) == 49
    expected = cl.conv2d(IMAGE, KERNEL, padding=1).ravel()[:6]
    assert cell_texts(ax_map) == [str(int(v)).replace("-", "−") for v in expected]


def test_step_position_must_be_inside_the_map():
    with pytest.raises(ValueError, match=r"col must be between 0 and 1 .*2×2.*col=2"):
        draw_conv_step(IMAGE, KERNEL, 0, 2, stride=2)
    with pytest.raises(ValueError, match=r"image must be a 2-D array"):
        draw_conv_step(np.zeros((2, 5, 5)), KERNEL, 0, 0)


@pytest.mark.parametrize(
    ("kwargs", "frames"), [({}, 9), ({"stride": 2}, 4), ({"padding": 1}, 25), ({"stride": 3}, 1)]
)
def test_animation_has_one_frame_per_output_position(kwargs, frames):
    anim = animate_conv(IMAGE, KERNEL, **kwargs)
    assert isinstance(anim, FuncAnimation)
    assert len(list(anim.new_frame_seq())) == frames
    h_out, w_out = cl.conv2d(IMAGE, KERNEL, **kwargs).shape
    assert frames == h_out * w_out
    anim._func(frames - 1)  # the last frame shows the whole map
    assert len(cell_texts(anim.fig.axes[3])) == frames
    anim._func(0)
    assert len(cell_texts(anim.fig.axes[3])) == 1
    anim._draw_was_started = True  # silence the "deleted without rendering" warning


def test_animation_plays_in_static_html():
    anim = animate_conv(IMAGE, KERNEL, stride=2)
    plt.close(anim.fig)
    html = anim.to_jshtml()
    assert html.count("data:image/png;base64") == 4


def test_draw_matrix_marks_and_blanks_cells():
    values = np.arange(6).reshape(2, 3)
    ax = draw_matrix(values, marked=values == 4, blank=values == 5, window=(0, 0, 1, 2))
    assert cell_texts(ax) == ["0", "1", "2", "3", "4"]
    assert len(ax.patches) == 2  # one marked cell, one window


def test_conv_result_shows_the_map_of_conv2d():
    edge = np.zeros((6, 6))
    edge[:, :3] = 10
    fig = draw_conv_result(edge, [[1, 0, -1]] * 3)
    assert [ax.get_title() for ax in fig.axes] == ["input 6×6", "kernel 3×3", "feature map 4×4"]
    assert cell_texts(fig.axes[2]) == ["0", "30", "30", "0"] * 4
    big = draw_conv_result(np.zeros((20, 20)), np.ones((3, 3)))
    assert cell_texts(big.axes[0]) == []  # too large to write every number
