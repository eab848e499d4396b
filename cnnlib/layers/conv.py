"""The 2-D convolution layer, Keras' ``Conv2D``.

Shapes of one example: ``(H, W, C_in)`` in, ``(H_out, W_out, filters)`` out,
with ``H_out`` and ``W_out`` from :func:`cnnlib.conv_output_shape`.
Weights: ``kernel`` of shape ``(KH, KW, C_in, filters)`` and ``bias`` of shape
``(filters,)``, so ``KH * KW * C_in * filters + filters`` parameters, and
``H_out * W_out * filters * KH * KW * C_in`` multiply-adds per example.
"""

from __future__ import annotations

from cnnlib._checks import non_negative_int, pair, positive_int
from cnnlib.functional import conv2d_backward, conv2d_forward
from cnnlib.functional.scratch import Scratch
from cnnlib.layers.core import KernelLayer
from cnnlib.shapes import conv_output_shape, dilated_size, resolve_padding


class Conv2D(KernelLayer):
    """Slide ``filters`` kernels over the input, then apply an activation.

    Parameters
    ----------
    filters : int
        Number of kernels, which is the number of output channels.
    kernel_size : int or (int, int)
        Height and width of each kernel.
    strides : int or (int, int)
        Step of the window along the height and the width.
    padding : "valid", "same", int or (int, int)
        "valid" adds no zeros, "same" adds those that keep ``ceil(H / stride)``
        outputs (Keras' rule); an int ``p`` adds ``p`` zeros on every side.
    dilation_rate : int or (int, int)
        Distance between the kernel's taps along the height and the width
        (Keras' name): a 3×3 kernel with ``dilation_rate=2`` covers 5×5 pixels
        with 9 weights. Unlike Keras, a stride and a dilation above 1 may be
        combined.
    activation : str or None
        Applied to the convolution's output; see :class:`Activation`.
    use_bias : bool
        Add one learned bias per filter.
    kernel_initializer, bias_initializer : str
        Names from :data:`cnnlib.initializers.INITIALIZERS`; Keras' defaults.

    Examples
    --------
    >>> layer = Conv2D(32, (3, 3), padding="same", activation="relu").build((64, 64, 3), rng=0)
    >>> layer.output_shape, layer.count_params()  # 3*3*3*32 weights + 32 biases
    ((64, 64, 32), 896)
    >>> Conv2D(8, 3, dilation_rate=2).build((9, 9, 1), rng=0).output_shape  # 9 - 5 + 1
    (5, 5, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        activation=None,
        dilation_rate=1,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        name=None,
        input_shape=None,
    ):
        super().__init__(
            activation, use_bias, kernel_initializer, bias_initializer, name, input_shape
        )
        self.filters = positive_int(filters, "filters")
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.strides = pair(strides, "strides")
        self.padding = check_padding(padding)
        self.dilation_rate = pair(dilation_rate, "dilation_rate")
        # The big temporaries of a training step's forward and backward, kept for the next.
        self.scratch = Scratch()

    def compute_output_shape(self, input_shape):
        h, w, _ = self.maps_shape(input_shape)
        pads = resolve_padding(
            self.padding, (h, w), self.kernel_size, self.strides, dilation_hw=self.dilation_rate
        )
        for axis, n, f, d, (before, after) in zip(
            ("height", "width"), (h, w), self.kernel_size, self.dilation_rate, pads, strict=True
        ):
            if dilated_size(f, d) > n + before + after:
                dilated = f" (dilation_rate={self.dilation_rate})" if d > 1 else ""
                raise ValueError(
                    f"{self.describe()}: kernel_size={self.kernel_size}{dilated} is larger than "
                    f"its input along the {axis} ({n}, padding={self.padding!r}); input shape "
                    f"{tuple(input_shape)}. Use a smaller kernel, padding='same' or a larger input"
                )
        hw = conv_output_shape((h, w), self.kernel_size, pads, self.strides, self.dilation_rate)
        return (*hw, self.filters)

    def padding_before(self) -> tuple[int, int]:
        """The zeros added before the first row and the first column (top, left)."""
        pads = resolve_padding(
            self.padding,
            self.input_shape[:2],
            self.kernel_size,
            self.strides,
            dilation_hw=self.dilation_rate,
        )
        return pads[0][0], pads[1][0]

    def count_mult_adds(self) -> int:
        """Multiply-adds of one example: each output value is a sum of KH·KW·C_in products."""
        h_out, w_out, filters = self.output_shape
        kh, kw = self.kernel_size
        return h_out * w_out * filters * kh * kw * self.input_shape[2]

    def kernel_shape(self, input_shape):
        return (*self.kernel_size, input_shape[2], self.filters)

    def forward_pass(self, x, training=False, skip_activation=False):
        """``(N, H, W, C_in)`` to ``(N, H_out, W_out, filters)``."""
        z, conv_cache = conv2d_forward(
            self.check_input(x),
            self.params["kernel"],
            self.params.get("bias"),
            stride=self.strides,
            padding=self.padding,
            dilation=self.dilation_rate,
            scratch=self.scratch if training else None,  # inference keeps no memory
        )
        out, activation_cache = self.activation.forward_pass(z, skip_activation=skip_activation)
        return out, (conv_cache, activation_cache)

    can_skip_input_grad = True

    def backward(self, dout, skip_activation=False, input_grad=True):
        conv_cache, activation_cache = self.cache
        dz = self.activation.backward_from(dout, activation_cache, skip_activation)
        dx, self.grads["kernel"], db = conv2d_backward(dz, conv_cache, input_grad=input_grad)
        if self.use_bias:
            self.grads["bias"] = db
        return dx

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": list(self.padding) if isinstance(self.padding, tuple) else self.padding,
            "dilation_rate": list(self.dilation_rate),
        }


def check_padding(padding):
    """Return ``padding`` as "valid", "same", or a pair of non-negative ints."""
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(
                f"padding must be 'valid', 'same', an int or a pair of ints; "
                f"received padding={padding!r}"
            )
        return padding
    return pair(padding, "padding", check=non_negative_int)
