"""Forward-only conveniences for the chapters: plain arrays in, plain arrays out.

They accept the small examples of the book as they are written (a single 2-D
image and a 2-D kernel, say) and call the vectorised functions of
:mod:`cnnlib.functional` underneath.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array
from cnnlib.functional import activations as act
from cnnlib.functional.activations import radial_basis
from cnnlib.functional.conv import conv2d_forward
from cnnlib.functional.pooling import (
    global_avg_pool_forward,
    global_max_pool_forward,
    pool2d_forward,
)


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
