"""Pictures of flattening, dense layers, probabilities and dropout."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.plotting import (
    draw_dense_layer,
    draw_dropout,
    draw_flatten,
    draw_probabilities,
    draw_steps,
    flat_positions,
)


def test_flat_positions_are_row_major_channels_last():
    positions = flat_positions((7, 7, 5))
    assert positions[0, 0, 0] == 0 and positions[0, 0, 1] == 1 and positions[0, 1, 0] == 5
    assert positions[3, 4, 2] == 3 * 35 + 4 * 5 + 2
    assert sorted(positions.ravel().tolist()) == list(range(245))


def test_draw_flatten_writes_the_vector_in_order():
    pooled = [[1, 1, 0], [4, 2, 1], [0, 2, 1]]
    fig = draw_flatten(pooled)
    vector = fig.axes[-1]
    assert [t.get_text() for t in vector.texts] == ["1", "1", "0", "4", "2", "1", "0", "2", "1"]
    assert fig.get_suptitle() == "flattening 3×3 → 9 values (row by row, channels last)"
    fig = draw_flatten(np.zeros((2, 2, 3)), show="index")
    channel_1 = fig.axes[1]
    assert [t.get_text() for t in channel_1.texts] == ["1", "4", "7", "10"]
    assert len(fig.axes) == 4  # three channels and the vector (as a row)
    fig = draw_flatten(np.zeros((7, 7, 5)), show="index")
    assert len(fig.axes) == 5  # 245 values: no vector drawn
    with pytest.raises(ValueError, match=r"show must be 'values' or 'index'"):
        draw_flatten(pooled, show="both")


def test_draw_steps_checks_its_arguments():
    fig = draw_steps([np.eye(2), [1.0, 2.0]], ["map", "vector"], ["flatten"])
    assert fig.axes[1].get_title() == "vector\n2"
    with pytest.raises(ValueError, match=r"expected 2 titles and 1 operations"):
        draw_steps([np.eye(2), [1.0, 2.0]], ["map"], [])


def test_dense_layer_counts_parameters_and_draws_every_weight():
    w = np.arange(18.0).reshape(9, 2) - 9
    ax = draw_dense_layer(w, [0.5, -0.5], output_labels=["awake", "drowsy"])
    assert ax.get_title() == "dense layer: 9 × 2 weights + 2 biases = 20 parameters"
    assert len(ax.get_lines()) == 18
    labels = [t.get_text() for t in ax.texts]
    assert "awake  (b = 0.5)" in labels and "drowsy  (b = −0.5)" in labels
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        draw_dense_layer(w, [1.0])


def test_probability_bars():
    ax = draw_probabilities(cl.softmax([2.0, 0.5]), ["awake", "drowsy"])
    assert [t.get_text() for t in ax.texts] == ["81.8 %", "18.2 %"]
    with pytest.raises(ValueError, match=r"one value per label \(3\)"):
        draw_probabilities([0.5, 0.5], ["a", "b", "c"])


def test_dropout_rows_follow_cnnlib():
    x = np.arange(1.0, 9.0)
    fig = draw_dropout(x, 0.5, 0, draws=2)
    rows = fig.axes
    assert len(rows) == 4
    rng = np.random.default_rng(0)
    first = cl.functional.dropout_forward(x, 0.5, training=True, rng=rng)[0]
    written = [float(t.get_text()) for t in rows[1].texts]
    np.testing.assert_array_equal(written, first)
    assert [float(t.get_text()) for t in rows[-1].texts] == x.tolist()
    assert rows[-1].get_ylabel() == "inference: unchanged"
    assert "× 1/(1 − 0.5) = 2" in fig.get_suptitle()
