"""Pooling pictures: the windows, the element each keeps, subsampling against pooling."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.plotting import (
    draw_grid,
    draw_pooling,
    draw_shift_comparison,
    number_text,
    pooling_sources,
)

E6 = [[4, 123, 1, 34], [56, 99, 222, 253], [45, 122, 165, 12], [21, 187, 133, 124]]
E36_MAP = [[0, 1, 0, 0, 0], [0, 1, 1, 1, 0], [1, 0, 0, 2, 1], [1, 4, 2, 1, 0], [0, 0, 1, 2, 1]]


def test_number_text():
    assert [number_text(v) for v in (253.0, -1.0, 3.75, 2 / 3, -0.0)] == [
        "253",
        "−1",
        "3.75",
        "0.67",
        "0",
    ]


def test_sources_of_max_pooling_are_the_winners():
    out, sources = pooling_sources(E6)
    np.testing.assert_array_equal(out, [[123, 253], [187, 165]])
    assert sources.shape == (2, 2, 4, 4)
    assert sources.sum(axis=(2, 3)).tolist() == [[1, 1], [1, 1]]  # one element each
    assert [tuple(np.argwhere(s)[0]) for s in sources.reshape(4, 4, 4)] == [
        (0, 1),
        (1, 3),
        (3, 1),
        (2, 2),
    ]


def test_sources_of_average_and_partial_windows_are_the_covered_cells():
    _, sources = pooling_sources(E36_MAP, mode="avg", keep_partial=True)
    counts = sources.sum(axis=(2, 3))
    np.testing.assert_array_equal(counts, [[4, 4, 2], [4, 4, 2], [2, 2, 1]])
    _, sources = pooling_sources(np.arange(25).reshape(5, 5), 3, stride=2)
    assert sources[1, 1, 4, 4] and sources.sum() == 4  # overlapping windows, max at the corner


def test_draw_pooling_writes_the_pooled_values_and_marks_the_winners():
    fig = draw_pooling(E6)
    ax_in, ax_out = fig.axes[:2]
    assert [t.get_text() for t in ax_out.texts] == ["123", "253", "187", "165"]
    bold = [t.get_text() for t in ax_in.texts if t.get_fontweight() == "bold"]
    assert bold == ["123", "253", "165", "187"]
    assert fig.get_suptitle() == "max pooling: 4×4 → 2×2"
    assert ax_out.get_title() == "output 2×2"


def test_draw_pooling_shows_partial_and_dropped_cells():
    fig = draw_pooling(E36_MAP, keep_partial=True)
    assert fig.get_suptitle() == "max pooling: 5×5 → 3×3, partial windows kept"
    ax_in, ax_out = fig.axes[:2]
    assert [t.get_text() for t in ax_out.texts] == ["1", "1", "0", "4", "2", "1", "0", "2", "1"]
    dashed = [p for p in ax_in.patches if p.get_linestyle() == "--"]
    assert len(dashed) == 5  # the windows of the last row and the last column
    assert ax_in.get_xlim() == (-0.5, 5.5)  # room for the part that sticks out
    fig = draw_pooling(E36_MAP)
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 9  # the last row and column are in no window
    avg = draw_pooling(E36_MAP, mode="avg", keep_partial=True)
    assert not [t for t in avg.axes[0].texts if t.get_fontweight() == "bold"]
    with pytest.raises(ValueError, match=r"pool_size is larger than the input"):
        draw_pooling([[1, 2], [3, 4]], 3)


def test_shift_comparison_counts_the_changed_values():
    image = np.zeros((4, 4))
    image[1, 1] = 1.0  # one bright pixel
    shifted = np.zeros((4, 4))
    shifted[1, 2] = 1.0  # one pixel to the right
    fig = draw_shift_comparison(image, shifted)
    titles = [ax.get_title() for ax in fig.axes]
    # subsampling keeps pixels (0, 0), (0, 2), ...: it misses the pixel at (1, 1) and at (1, 2);
    # max pooling keeps it, moved from the first to the second window
    assert titles[4] == "0 of 4 values changed"
    assert titles[5] == "2 of 4 values changed"
    np.testing.assert_array_equal(cl.pool2d(image, 1, stride=2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"of one shape"):
        draw_shift_comparison(image, shifted[:3])


def test_draw_grid_options():
    ax = draw_grid([1.0, 2.0, 3.0], title="column", outlined=[[True], [False], [False]])
    assert ax.get_images()[0].get_array().shape == (3, 1)
    assert [t.get_text() for t in ax.texts] == ["1", "2", "3"]
    assert ax.get_title() == "column"
    with pytest.raises(ValueError, match=r"facecolors must have shape \(1, 2, 3\)"):
        draw_grid([[1, 2]], facecolors=np.ones((2, 2, 3)))
    with pytest.raises(ValueError, match=r"values must be a 1-D or 2-D array"):
        draw_grid(np.ones((2, 2, 2)))
