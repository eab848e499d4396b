"""The kernel editor: presets fill the boxes, edits refilter with cnnlib.conv2d."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.widgets import KernelEditor

IMAGE = np.add.outer(np.arange(6.0), np.arange(7.0) ** 2) / 50
PRESETS = {
    "vertical edge": np.array([[1, 0, -1]] * 3),
    "box blur": np.ones((3, 3)) / 9,
}


def test_starts_with_the_first_preset_and_its_result():
    editor = KernelEditor(IMAGE, PRESETS)
    assert editor.dropdown.value == "vertical edge"
    np.testing.assert_array_equal(editor.kernel, PRESETS["vertical edge"])
    np.testing.assert_array_equal(editor.result, cl.conv2d(IMAGE, PRESETS["vertical edge"]))
    assert bytes(editor.picture.value).startswith(b"\x89PNG")
    assert editor.total.value == "weights add to <b>0</b>"


def test_choosing_a_preset_fills_the_boxes_and_refilters():
    editor = KernelEditor(IMAGE, PRESETS)
    editor.dropdown.value = "box blur"
    np.testing.assert_allclose(editor.kernel, PRESETS["box blur"])
    np.testing.assert_allclose(editor.result, cl.conv2d(IMAGE, PRESETS["box blur"]))
    assert editor.total.value == "weights add to <b>1</b>"


def test_editing_a_box_makes_a_custom_kernel_and_refilters():
    editor = KernelEditor(IMAGE, PRESETS)
    before = editor.picture.value
    editor.cells[4].value = 2.0  # the centre weight
    expected = PRESETS["vertical edge"].astype(float)
    expected[1, 1] = 2.0
    assert editor.dropdown.value == "custom"
    np.testing.assert_array_equal(editor.result, cl.conv2d(IMAGE, expected))
    assert bytes(editor.picture.value) != bytes(before)
    editor.cells[4].value = 0.0  # back to a preset's weights: the dropdown says so
    assert editor.dropdown.value == "vertical edge"


def test_set_kernel_and_initial():
    editor = KernelEditor(IMAGE, PRESETS, initial="box blur")
    np.testing.assert_allclose(editor.kernel, PRESETS["box blur"])
    editor.set_kernel(np.eye(3))
    assert editor.dropdown.value == "custom"
    np.testing.assert_array_equal(editor.result, cl.conv2d(IMAGE, np.eye(3)))


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.zeros((2, 5)), PRESETS), {}, r"image must be a grayscale image.*\(2, 5\)"),
        ((np.zeros((5, 5, 3)), PRESETS), {}, r"image must be a grayscale image"),
        ((IMAGE, {"big": np.ones((5, 5))}), {}, r"every preset must be a 3×3 kernel.*'big'"),
        ((IMAGE, {}), {}, r"at least one"),
        ((IMAGE, PRESETS), {"initial": "emboss"}, r"initial must be one of.*'emboss'"),
    ],
)
def test_bad_arguments_raise_clear_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        KernelEditor(*args, **kwargs)
