"""Pooling layers: max, average and min over windows, and global pooling.

Shapes of one example: ``(H, W, C)`` in; ``(H_out, W_out, C)`` out for window
pooling (from :func:`cnnlib.conv_output_shape`), ``(C,)`` for global pooling.
Pooling has no weights.

``padding="same"`` keeps the partial windows at the bottom and right border
(PyTorch's ``ceil_mode``), so the output has ``ceil((H - pool) / stride) + 1``
rows. When ``strides`` equals ``pool_size`` (the usual case) this is Keras'
"same", ``ceil(H / stride)``; with overlapping windows Keras also pads at the
top and left, and its sizes can differ.
"""

from __future__ import annotations

from cnnlib._checks import pair
from cnnlib.functional import (
    global_avg_pool_backward,
    global_avg_pool_forward,
    global_max_pool_backward,
    global_max_pool_forward,
    pool2d_backward,
    pool2d_forward,
)
from cnnlib.layers.base import Layer
from cnnlib.shapes import conv_output_shape


class Pooling2D(Layer):
    """Reduce each window of each channel to one value; see the subclasses.

    Parameters
    ----------
    pool_size : int or (int, int)
        Window height and width.
    strides : int or (int, int), optional
        Step of the window; defaults to ``pool_size`` (windows that touch).
    padding : "valid" or "same"
        "valid" drops windows that stick out of the input; "same" keeps them
        (they reduce over the values they cover).
    """

    mode = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else pair(strides, "strides")
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same'; received padding={padding!r}")
        self.padding = padding

    def compute_output_shape(self, input_shape):
        h, w, c = self.maps_shape(input_shape)
        keep_partial = self.padding == "same"
        if not keep_partial and (self.pool_size[0] > h or self.pool_size[1] > w):
            raise ValueError(
                f"{self.describe()}: pool_size={self.pool_size} is larger than its input "
                f"({h}, {w}) with padding='valid'; use a smaller pool_size or padding='same'"
            )
        hw = conv_output_shape(
            (h, w), self.pool_size, "valid", self.strides, ceil_mode=keep_partial
        )
        return (*hw, c)

    def forward_pass(self, x, training=False):
        """``(N, H, W, C)`` to ``(N, H_out, W_out, C)``."""
        return pool2d_forward(
            self.check_input(x),
            self.pool_size,
            self.strides,
            mode=self.mode,
            keep_partial=self.padding == "same",
        )

    def backward(self, dout):
        return pool2d_backward(dout, self.cache)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "strides": list(self.strides),
            "padding": self.padding,
        }


class MaxPooling2D(Pooling2D):
    """Keep the largest value of each window (its gradient goes to that value)."""

    mode = "max"


class AveragePooling2D(Pooling2D):
    """Keep the average of each window (its gradient is shared equally)."""

    mode = "avg"


class MinPooling2D(Pooling2D):
    """Keep the smallest value of each window (not in Keras; for the book's examples)."""

    mode = "min"


class GlobalMaxPooling2D(Layer):
    """The largest value of each channel: ``(H, W, C)`` becomes ``(C,)``."""

    def compute_output_shape(self, input_shape):
        return self.maps_shape(input_shape)[2:]  # (C,)

    def forward_pass(self, x, training=False):
        return global_max_pool_forward(self.check_input(x))

    def backward(self, dout):
        return global_max_pool_backward(dout, self.cache)


class GlobalAveragePooling2D(Layer):
    """The average of each channel: ``(H, W, C)`` becomes ``(C,)``."""

    def compute_output_shape(self, input_shape):
        return self.maps_shape(input_shape)[2:]  # (C,)

    def forward_pass(self, x, training=False):
        return global_avg_pool_forward(self.check_input(x))

    def backward(self, dout):
        return global_avg_pool_backward(dout, self.cache)
