"""Forward-only conveniences for the chapters: plain arrays in, plain arrays out.

They accept the small examples of the book as they are written (a single 2-D
image and a 2-D kernel, say) and call the vectorised functions of
:mod:`cnnlib.functional` underneath.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array, non_negative_int, pair
from cnnlib.functional import activations as act
from cnnlib.functional.activations import radial_basis
from cnnlib.functional.conv import conv2d_forward
from cnnlib.functional.pooling import (
    global_avg_pool_forward,
    global_max_pool_forward,
    pool2d_forward,
)
from cnnlib.shapes import conv_transpose_output_size


def conv2d(x, kernel, bias=None, *, stride=1, padding="valid", dilation=1):
    """Convolve an image with a kernel (cross-correlation, as in every framework).

    Accepts the shapes of the book's examples and returns matching ones:

    ==================  ======================  ====================
    ``x``               ``kernel``              result
    ==================  ======================  ====================
    ``(H, W)``          ``(KH, KW)``            ``(H_out, W_out)``
    ``(H, W, C)``       ``(KH, KW, C)``         ``(H_out, W_out)``
    ``(H, W, C)``       ``(KH, KW, C, F)``      ``(H_out, W_out, F)``
    ``(N, H, W, C)``    ``(KH, KW, C, F)``      ``(N, H_out, W_out, F)``
    ==================  ======================  ====================

    ``bias`` is a number or one value per filter. ``stride``, ``padding`` and
    ``dilation`` are as in :func:`cnnlib.functional.conv2d_forward`; sizes
    follow :func:`cnnlib.conv_output_size`.

    Examples
    --------
    >>> conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[-4., -4.],
           [-4., -4.]])
    """
    x = as_float_array(x, "x")
    kernel = as_float_array(kernel, "kernel")
    if x.ndim not in (2, 3, 4):
        raise ValueError(
            "x must be an image of shape (H, W) or (H, W, C), or a batch (N, H, W, C); "
            f"received an array of shape {x.shape}"
        )
    if kernel.ndim not in (2, 3, 4):
        raise ValueError(
            "kernel must have shape (KH, KW), (KH, KW, C) or (KH, KW, C, F); "
            f"received an array of shape {kernel.shape}"
        )
    if x.ndim == 4 and kernel.ndim != 4:
        raise ValueError(
            "a batch x of shape (N, H, W, C) needs a kernel of shape (KH, KW, C, F); "
            f"received kernel.shape={kernel.shape}"
        )
    batch = x if x.ndim == 4 else (x[None, :, :, None] if x.ndim == 2 else x[None])
    w = kernel.reshape(kernel.shape + (1,) * (4 - kernel.ndim))
    if bias is not None:
        bias = as_float_array(bias, "bias")
        bias = np.broadcast_to(bias, (w.shape[3],)) if bias.ndim == 0 else bias
    out, _ = conv2d_forward(batch, w, bias, stride=stride, padding=padding, dilation=dilation)
    if kernel.ndim < 4:
        out = out[..., 0]
    return out if x.ndim == 4 else out[0]


def conv_transpose2d(x, kernel, *, stride=1, padding=0, dilation=1, output_padding=0):
    """Transposed convolution: the map that takes a convolution's output gradient to its input's.

    For a convolution with ``kernel`` of shape ``(KH, KW, C, F)`` (``C``
    channels in, ``F`` out), ``conv_transpose2d(dout, kernel, ...)`` with the
    same ``stride``, ``padding`` and ``dilation`` is the gradient with respect
    to the convolution's input, and it enlarges the map: an ``(H, W)`` input
    gives ``(H_out, W_out)`` with, along each axis,
    ``(n - 1) s - 2p + d (f - 1) + 1 + output_padding``
    (:func:`cnnlib.shapes.conv_transpose_output_size`).

    It is computed as the book derives it: put ``s - 1`` zeros between the
    input's pixels, pad with ``d (f - 1) - p`` zeros (``output_padding`` more
    at the bottom and right), and convolve with the kernel rotated by 180°,
    its input and output channels swapped.

    ``x`` is ``(H, W)`` with a ``(KH, KW)`` kernel, or a batch ``(N, H, W, F)``
    with a kernel ``(KH, KW, C, F)``, giving ``(N, H_out, W_out, C)``.
    ``padding`` is an int or a pair of ints; ``stride``, ``dilation`` and
    ``output_padding`` are ints or pairs.

    Examples
    --------
    >>> conv_transpose2d([[1, 2], [3, 4]], [[1, 1], [1, 1]], stride=2)  # each pixel to a block
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])
    """
    x = as_float_array(x, "x")
    kernel = as_float_array(kernel, "kernel")
    if (x.ndim, kernel.ndim) not in ((2, 2), (4, 4)):
        raise ValueError(
            "conv_transpose2d takes x (H, W) with a kernel (KH, KW), or x (N, H, W, F) with a "
            f"kernel (KH, KW, C, F); received x.shape={x.shape}, kernel.shape={kernel.shape}"
        )
    batch = x if x.ndim == 4 else x[None, :, :, None]
    w = kernel if kernel.ndim == 4 else kernel[:, :, None, None]
    if batch.shape[3] != w.shape[3]:
        raise ValueError(
            f"channel mismatch: x has {batch.shape[3]} channels but the kernel's last axis "
            f"(the convolution's output channels) is {w.shape[3]}; expected them equal"
        )
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    padding = pair(padding, "padding", check=non_negative_int)
    extra = pair(output_padding, "output_padding", check=non_negative_int)
    for n, f, p, s, d, a in zip(
        batch.shape[1:3], w.shape[:2], padding, stride, dilation, extra, strict=True
    ):
        conv_transpose_output_size(n, f, p, s, d, a)  # checks the values, and that out >= 1
    (sh, sw), (n, h, wd, f) = stride, batch.shape
    spread = np.zeros((n, (h - 1) * sh + 1, (wd - 1) * sw + 1, f), dtype=batch.dtype)
    spread[:, ::sh, ::sw] = batch  # s - 1 zeros between neighbouring pixels
    reach = [d * (k - 1) - p for k, d, p in zip(w.shape[:2], dilation, padding, strict=True)]
    before = [max(r, 0) for r in reach]
    after = [max(r + a, 0) for r, a in zip(reach, extra, strict=True)]
    spread = np.pad(spread, ((0, 0), (before[0], after[0]), (before[1], after[1]), (0, 0)))
    cut = [max(-r, 0) for r in reach]  # more padding than the kernel reaches: cut rows instead
    spread = spread[:, cut[0] : spread.shape[1] - cut[0], cut[1] : spread.shape[2] - cut[1]]
    rotated = np.rot90(w, 2).transpose(0, 1, 3, 2)  # (KH, KW, F, C), rotated by 180°
    out, _ = conv2d_forward(spread, rotated, dilation=dilation)
    return out if x.ndim == 4 else out[0, :, :, 0]


def as_batch(x):
    """Return ``x`` as an ``(N, H, W, C)`` batch, accepting ``(H, W)`` and ``(H, W, C)``."""
    x = as_float_array(x, "x")
    if x.ndim not in (2, 3, 4):
        raise ValueError(
            "x must be a map of shape (H, W) or (H, W, C), or a batch (N, H, W, C); "
            f"received an array of shape {x.shape}"
        )
    return x if x.ndim == 4 else (x[None, :, :, None] if x.ndim == 2 else x[None])


def pool2d(x, pool_size=2, *, stride=None, mode="max", keep_partial=False):
    """Max, min or average pooling of a map, a stack of maps or a batch.

    ``x`` of shape ``(H, W)`` gives ``(H_out, W_out)``; ``(H, W, C)`` gives
    ``(H_out, W_out, C)``; ``(N, H, W, C)`` gives ``(N, H_out, W_out, C)``.
    Arguments as in :func:`cnnlib.functional.pool2d_forward`; sizes follow
    :func:`cnnlib.conv_output_size` (with ``ceil_mode=keep_partial``).

    Examples
    --------
    >>> pool2d([[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [9, 8, 6, 5]])
    array([[6., 8.],
           [9., 6.]])
    >>> pool2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], mode="avg", keep_partial=True)
    array([[3. , 4.5],
           [7.5, 9. ]])
    """
    batch = as_batch(x)
    out, _ = pool2d_forward(batch, pool_size, stride=stride, mode=mode, keep_partial=keep_partial)
    ndim = np.ndim(x)
    return out if ndim == 4 else (out[0, :, :, 0] if ndim == 2 else out[0])


def global_max_pool(x):
    """The largest value of each channel of a map, a stack of maps or a batch.

    ``(H, W)`` gives a number, ``(H, W, C)`` gives ``(C,)`` and
    ``(N, H, W, C)`` gives ``(N, C)``. See :func:`cnnlib.functional.global_max_pool_forward`.

    Examples
    --------
    >>> global_max_pool([[1, 2], [3, 4]])
    np.float64(4.0)
    """
    return unbatch_global(global_max_pool_forward(as_batch(x))[0], np.ndim(x))


def global_avg_pool(x):
    """The average of each channel of a map, a stack of maps or a batch.

    ``(H, W)`` gives a number, ``(H, W, C)`` gives ``(C,)`` and
    ``(N, H, W, C)`` gives ``(N, C)``. See :func:`cnnlib.functional.global_avg_pool_forward`.

    Examples
    --------
    >>> global_avg_pool([[1, 2], [3, 4]])
    np.float64(2.5)
    """
    return unbatch_global(global_avg_pool_forward(as_batch(x))[0], np.ndim(x))


def unbatch_global(out, ndim):
    """Drop the batch (and channel) axes that :func:`as_batch` added."""
    return out if ndim == 4 else (out[0, 0] if ndim == 2 else out[0])


def relu(x):
    """ReLU, ``max(0, x)``, element-wise; the result has the shape of ``x``.

    >>> relu([[2, 1, -1], [-1, 1, 3], [2, 1, -5]])
    array([[2., 1., 0.],
           [0., 1., 3.],
           [2., 1., 0.]])
    """
    return act.relu_forward(x)[0]


def leaky_relu(x, slope=0.1):
    """Leaky ReLU, ``x`` for ``x > 0`` and ``slope * x`` otherwise (the seeds' ``max(0.1x, x)``).

    >>> leaky_relu([-10, 0, 5])
    array([-1.,  0.,  5.])
    """
    return act.leaky_relu_forward(x, slope)[0]


def sigmoid(x):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``, element-wise."""
    return act.sigmoid_forward(x)[0]


def tanh(x):
    """Hyperbolic tangent, element-wise."""
    return act.tanh_forward(x)[0]


def elu(x, alpha=1.0):
    """ELU, ``x`` for ``x > 0`` and ``alpha (exp(x) - 1)`` otherwise, element-wise."""
    return act.elu_forward(x, alpha)[0]


def selu(x):
    """SELU, ``SELU_SCALE * elu(x, SELU_ALPHA)``, element-wise."""
    return act.selu_forward(x)[0]


def softplus(x):
    """Softplus, ``ln(1 + exp(x))``, element-wise."""
    return act.softplus_forward(x)[0]


def swish(x):
    """Swish (SiLU), ``x * sigmoid(x)``, element-wise."""
    return act.swish_forward(x)[0]


def softmax(x):
    """Softmax along the last axis: ``(..., K)`` scores give ``(..., K)`` probabilities.

    >>> softmax([0.0, np.log(3.0)])
    array([0.25, 0.75])
    """
    return act.softmax_forward(x)[0]


def activation_derivative(name, x, **options):
    """The derivative of an element-wise activation at every point of ``x``.

    ``name`` is a key of :data:`cnnlib.functional.ACTIVATIONS` other than
    "softmax" (whose derivative is a matrix per row); ``options`` go to the
    forward function (``slope`` or ``alpha``). Handy for plotting.

    >>> activation_derivative("leaky_relu", [-2.0, 3.0])
    array([0.1, 1. ])
    """
    if name == "softmax":
        raise ValueError(
            "softmax has no element-wise derivative (each output depends on every "
            "input of its row); use cnnlib.functional.softmax_backward"
        )
    forward, backward = act.get_activation(name)
    out, cache = forward(x, **options)
    return backward(np.ones_like(out), cache)


__all__ = [
    "activation_derivative",
    "conv2d",
    "elu",
    "global_avg_pool",
    "global_max_pool",
    "leaky_relu",
    "pool2d",
    "radial_basis",
    "relu",
    "selu",
    "sigmoid",
    "softmax",
    "softplus",
    "swish",
    "tanh",
]
