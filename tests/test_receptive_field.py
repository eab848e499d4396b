"""Receptive fields: the recurrence against a brute-force experiment with gradients.

The experiment: give one output value a gradient of 1 and every other a 0,
backpropagate through the model, and see which input pixels receive a
non-zero gradient. With positive weights and a positive input nothing can
cancel, so those pixels are exactly the ones the value depends on. Average
pooling stands in for max pooling, which sends the gradient only to each
window's winner: the windows, which are all that decide the field, are the
same.
"""

import numpy as np
import pytest

import cnnlib as cl

ARCHITECTURES = {
    "E9, two 3x3 and a pool": (
        (16, 16),
        [cl.Conv2D(2, 3), cl.Conv2D(2, 3), cl.AveragePooling2D(2)],
    ),
    "strides and padding": (
        (29, 27),
        [
            cl.Conv2D(2, 5, strides=2, padding="same"),
            cl.Conv2D(2, 3, strides=2, padding=1),
            cl.AveragePooling2D(3, strides=2, padding="same"),
        ],
    ),
    "dilation 1, 2, 4": (
        (17, 17),
        [cl.Conv2D(2, 3, padding="same", dilation_rate=d) for d in (1, 2, 4)],
    ),
    "stride, then dilation, non-square": (
        (23, 21),
        [
            cl.Conv2D(2, 3, strides=2),
            cl.Conv2D(2, 3, dilation_rate=2, padding="same"),
            cl.Conv2D(2, (3, 2), dilation_rate=(1, 3), strides=(1, 2)),
        ],
    ),
    "AlexNet's first four layers": (
        (67, 67),
        [
            cl.Conv2D(2, 11, strides=4),
            cl.AveragePooling2D(3, strides=2),
            cl.Conv2D(2, 5, padding=2),
            cl.AveragePooling2D(3, strides=2),
        ],
    ),
    "layers that keep the layout": (
        (12, 13),
        [
            cl.Conv2D(2, 3, padding="same", activation="sigmoid"),
            cl.BatchNormalization(),
            cl.Dropout(0.5),
            cl.AveragePooling2D(2, strides=1),
            cl.Conv2D(1, 4, strides=3, dilation_rate=2, padding=(1, 2)),
        ],
    ),
}


def positive_model(hw, layers):
    """The layers in a float64 model whose kernels are positive averages and biases zero."""
    model = cl.Sequential(layers, input_shape=(*hw, 1), dtype="float64")
    for layer in model.layers:
        if "kernel" in layer.params:
            kernel = layer.params["kernel"]
            kernel[...] = 1 / np.prod(kernel.shape[:3])
    return model


def reached(model, depth):
    """``reached[b]``: the input pixels whose gradient is non-zero when output ``b`` of layer
    ``depth`` (in row-major order, channel 0) gets gradient 1, all of them in one batch."""
    layers = model.layers[: depth + 1]
    h, w = layers[-1].output_shape[:2]
    x = np.ones((h * w, *model.input_shape))
    for layer in layers:
        x = layer.forward(x)
    dout = np.zeros_like(x)
    rows, cols = np.unravel_index(np.arange(h * w), (h, w))
    dout[np.arange(h * w), rows, cols, 0] = 1
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return (dout != 0).any(axis=-1).reshape(h, w, *model.input_shape[:2])


def predicted_box(field, i, j):
    """The rows and columns (first, last) that output (i, j) sees, padding included."""
    return [
        (t + k * jump, t + k * jump + size - 1)
        for t, k, jump, size in zip(field.start, (i, j), field.jump, field.size, strict=True)
    ]


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_the_recurrence_agrees_with_backpropagated_one_hot_gradients(name):
    hw, layers = ARCHITECTURES[name]
    model = positive_model(hw, layers)
    fields = cl.receptive_field(model)
    assert [f.name for f in fields] == [layer.name for layer in model.layers]
    interior = 0
    for depth, field in enumerate(fields):
        seen = reached(model, depth)
        for i in range(seen.shape[0]):
            for j in range(seen.shape[1]):
                (top, bottom), (left, right) = predicted_box(field, i, j)
                rows, cols = np.nonzero(seen[i, j])
                # never a pixel outside the predicted box
                assert rows.min() >= max(top, 0) and rows.max() <= min(bottom, hw[0] - 1)
                assert cols.min() >= max(left, 0) and cols.max() <= min(right, hw[1] - 1)
                if top >= 0 and left >= 0 and bottom < hw[0] and right < hw[1]:
                    interior += 1  # a box inside the input: its edges are reached exactly
                    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (
                        top,
                        bottom,
                        left,
                        right,
                    ), (field, i, j)
    assert interior > 0


def test_undilated_fields_are_full_squares_and_dilated_ones_need_growing_rates():
    # 1, 2, 4 (Yu and Koltun's rates) fill their 15x15 field; 2, 2, 2 leaves the odd offsets out
    for rates, size, every in (((1, 1, 1), 7, 1), ((1, 2, 4), 15, 1), ((2, 2, 2), 13, 2)):
        model = positive_model((15, 15), [cl.Conv2D(1, 3, dilation_rate=d) for d in rates])
        assert cl.receptive_field(model)[-1].size == (size, size)
        seen = reached(model, len(rates) - 1)[0, 0]
        expected = np.zeros((15, 15), dtype=bool)
        expected[:size:every, :size:every] = True
        np.testing.assert_array_equal(seen, expected)


def test_max_pooling_has_the_windows_of_average_pooling():
    def fields(pool):
        model = cl.Sequential([cl.Conv2D(1, 3), pool(3, strides=2)], input_shape=(9, 9, 1))
        return [f[2:] for f in cl.receptive_field(model)]

    assert fields(cl.MaxPooling2D) == fields(cl.AveragePooling2D) == fields(cl.MinPooling2D)


def test_alexnet_fields_as_in_the_architectures_chapter():
    model = cl.Sequential(
        [
            cl.Conv2D(1, 11, strides=4),
            cl.MaxPooling2D(3, strides=2),
            cl.Conv2D(1, 5, padding=2),
            cl.MaxPooling2D(3, strides=2),
            *[cl.Conv2D(1, 3, padding=1) for _ in range(3)],
            cl.MaxPooling2D(3, strides=2),
            cl.Flatten(),
            cl.Dense(3),
        ],
        input_shape=(227, 227, 3),
    )
    fields = cl.receptive_field(model)
    assert [f.size[0] for f in fields] == [11, 19, 51, 67, 99, 131, 163, 195]
    assert [f.jump[0] for f in fields] == [4, 8, 8, 16, 16, 16, 16, 32]
    assert [f.start[0] for f in fields] == [0, 0, -16, -16, -32, -48, -64, -64]
    assert len(fields) == 8  # stops at the Flatten: every value after it sees the whole image


def test_same_padding_and_strides_give_the_start_in_the_padding():
    model = cl.Sequential(
        [cl.Conv2D(1, 4, strides=2, padding="same"), cl.Conv2D(1, 3, dilation_rate=(1, 2))],
        input_shape=(8, 9, 1),
    )
    first, second = cl.receptive_field(model)
    # "same": height 8, total (4 - 1) * 2 + 4 - 8 = 2 -> 1 zero before; width 9: 3 -> 1 before
    assert first == ("conv2d", "Conv2D", (4, 4), (2, 2), (-1, -1))
    assert second == ("conv2d_1", "Conv2D", (4 + 2 * 2, 4 + 4 * 2), (2, 2), (-1, -1))
