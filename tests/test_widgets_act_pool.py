"""The activation and pooling explorers build without a browser and follow their controls."""

import ipywidgets as widgets
import pytest

from cnnlib.widgets import activation_explorer, pooling_explorer


def test_activation_explorer_reads_values_at_a_point():
    w = activation_explorer()
    assert isinstance(w, widgets.VBox)
    assert w.choice.value == ("relu", "leaky_relu", "sigmoid")
    assert bytes(w.picture.value).startswith(b"\x89PNG")
    w.point.value = -2.0
    assert "<td>leaky ReLU</td><td>−0.2</td><td>0.1</td>" in w.table.value
    w.slope.value = 0.2
    assert "<td>leaky ReLU</td><td>−0.4</td><td>0.2</td>" in w.table.value
    first = bytes(w.picture.value)
    w.choice.value = ("radial_basis",)
    w.point.value = 1.0
    assert "<td>radial basis</td><td>0.3679</td><td>−0.7358</td>" in w.table.value
    assert bytes(w.picture.value) != first
    with pytest.raises(ValueError, match=r"names must be among"):
        activation_explorer(["gelu"])


def test_pooling_explorer_follows_its_controls():
    w = pooling_explorer()
    assert w.input_choice.value == "E6 (4×4)"
    assert "⌊(4 − 2) / 2⌋ + 1 = 2 rows" in w.summary.value
    assert bytes(w.picture.value).startswith(b"\x89PNG")
    w.input_choice.value = "E36 feature map (5×5)"
    assert "⌊(5 − 2) / 2⌋ + 1 = 2 rows" in w.summary.value
    w.keep_partial.value = True
    assert "⌈(5 − 2) / 2⌉ + 1 = 3 rows" in w.summary.value
    w.stride.value = 3
    assert "hatched" in w.summary.value
    w.pool_size.value = 4
    w.keep_partial.value = False
    w.input_choice.value = "1 … 16 (4×4)"
    assert "= 1 rows" in w.summary.value


def test_pooling_explorer_takes_your_map_and_explains_impossible_sizes():
    w = pooling_explorer([[1, 2], [3, 4]], pool_size=2)
    assert w.input_choice.value == "your input"
    w.pool_size.value = 3
    assert "No output" in w.summary.value and bytes(w.picture.value) == b""
    w.keep_partial.value = True
    assert bytes(w.picture.value).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match=r"x must be a 2-D array"):
        pooling_explorer([1, 2, 3])
