"""Pictures of dilated kernels and receptive fields."""

import numpy as np
import pytest

from cnnlib.plotting import dilation_taps, draw_dilated_kernels, draw_receptive_fields


def test_taps_are_d_apart_and_centred():
    np.testing.assert_array_equal(dilation_taps(3, 1), np.ones((3, 3), bool))
    taps = dilation_taps(3, 2, span=7)
    assert taps.sum() == 9
    assert [int(i) for i in np.nonzero(taps[:, 1])[0]] == [1, 3, 5]  # offset 1, two apart
    with pytest.raises(ValueError, match=r"span must be at least the kernel's own span 5"):
        dilation_taps(3, 2, span=4)


def test_dilated_kernels_one_panel_each_with_its_span():
    fig = draw_dilated_kernels(3, (1, 2, 4))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "d = 1: 9 weights, 3×3 patch",
        "d = 2: 9 weights, 5×5 patch",
        "d = 4: 9 weights, 9×9 patch",
    ]
    for ax in fig.axes:
        assert ax.get_images()[0].get_array().shape == (9, 9)  # all as wide as the widest
        assert sum(t.get_text() == "w" for t in ax.texts) == 9
    outline = next(p for p in fig.axes[1].patches if p.get_linewidth() == 3.5)
    assert (outline.get_width(), outline.get_height()) == (5, 5)
    with pytest.raises(ValueError, match="at least one dilation"):
        draw_dilated_kernels(3, ())


def test_receptive_field_maps_outline_the_boxes():
    maps = [np.pad(np.ones((3, 3)), 2), np.ones((7, 7))]
    fig = draw_receptive_fields(
        maps, ["one layer", "two"], [(2, 2, 3, 3), (0, 0, 7, 7)], suptitle="fields"
    )
    assert [ax.get_title() for ax in fig.axes] == ["one layer", "two"]
    assert fig.get_suptitle() == "fields"
    assert len(fig.axes[0].texts) == 49
    plain = draw_receptive_fields(maps, ["a", "b"], numbers=False)
    assert not plain.axes[0].texts and not plain.axes[0].patches
    ones = plain.axes[1].get_images()[0]  # all equal: still grey, not white
    assert ones.norm(1.0) > 0.5 and ones.norm(0.0) == 0.0
    with pytest.raises(ValueError, match=r"as many titles and boxes as maps"):
        draw_receptive_fields(maps, ["a"])
