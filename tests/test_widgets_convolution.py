"""The convolution explorer builds without a browser and follows its controls."""

import ipywidgets as widgets
import pytest

from cnnlib.widgets import conv_explorer


def test_explorer_starts_on_the_worked_example():
    w = conv_explorer()
    assert isinstance(w, widgets.VBox)
    assert w.input_choice.value == "5×5 example (E1)"
    assert w.position.max == 8  # a 3×3 map: positions 0..8
    assert "= 3 rows" in w.summary.value
    assert bytes(w.picture.value).startswith(b"\x89PNG")


def test_explorer_reacts_to_stride_padding_and_position():
    w = conv_explorer()
    first = w.picture.value
    w.position.value = 4
    assert "Position 5 of 9: row 1, column 1" in w.summary.value
    assert bytes(w.picture.value) != bytes(first)
    w.stride.value = 2  # 2×2 map, back to the first position
    assert (w.position.max, w.position.value, w.play.max) == (3, 0, 3)
    w.padding.value = 1  # floor((5 + 2 - 3) / 2) + 1 = 3
    assert w.position.max == 8
    w.input_choice.value = "6×6 vertical edge"  # floor((6 + 2 - 3) / 2) + 1 = 3, rounded down
    assert "= 3 rows (the division rounded down)" in w.summary.value


def test_explorer_takes_your_own_arrays_and_explains_impossible_sizes():
    w = conv_explorer([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    assert (w.input_choice.value, w.kernel_choice.value) == ("your input", "your kernel")
    assert w.position.max == 3
    w.kernel_choice.value = "E1 kernel"
    w.padding.value = 0
    assert w.position.max == 0  # a 3×3 kernel on a 3×3 input: one position
    tiny = conv_explorer([[1, 2], [3, 4]])
    assert "No output" in tiny.summary.value and bytes(tiny.picture.value) == b""
    tiny.padding.value = 1
    assert tiny.position.max == 3 and bytes(tiny.picture.value)


def test_explorer_rejects_arrays_that_are_not_2d():
    with pytest.raises(ValueError, match=r"image must be a 2-D array"):
        conv_explorer([1, 2, 3])
