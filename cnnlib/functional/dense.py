"""Flatten and the dense (fully connected) layer, forward and backward.

Shapes (as Keras):

- flatten: ``x`` of shape ``(N, d1, d2, ...)``, for example ``(N, H, W, C)``,
  becomes ``(N, D)`` with ``D = d1 * d2 * ...`` (row-major, channels last).
- dense: ``x`` ``(N, D)``, ``w`` ``(D, units)``, ``b`` ``(units,)`` and
  ``out = x @ w + b`` of shape ``(N, units)``; ``D * units + units`` parameters.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlib._checks import as_float_array, cast_to_xw_dtype, check_dout, check_ndim


def flatten_forward(x):
    """Lay out every example's values in one row.

    Parameters
    ----------
    x : array, shape (N, ...)
        A batch, for example of feature maps ``(N, H, W, C)``.

    Returns
    -------
    out : array, shape (N, D)
        ``D`` is the product of the other axes (``H * W * C``).
    cache : tuple
        The input's shape and dtype, for :func:`flatten_backward`.
    """
    x = as_float_array(x, "x")
    if x.ndim < 1:
        raise ValueError("x must have a batch axis, shape (N, ...); received a scalar")
    out = x.reshape(x.shape[0], math.prod(x.shape[1:]))
    return out, (x.shape, x.dtype)


def flatten_backward(dout, cache):
    """Give ``dout`` of shape ``(N, D)`` back the input's shape ``(N, ...)``."""
    x_shape, dtype = cache
    dout = check_dout(dout, (x_shape[0], math.prod(x_shape[1:])), dtype)
    return dout.reshape(x_shape)


def dense_forward(x, w, b=None):
    """Fully connected layer: every output is a weighted sum of every input, plus a bias.

    Parameters
    ----------
    x : array, shape (N, D)
        A batch of vectors (flatten feature maps first).
    w : array, shape (D, units)
        One column of ``D`` weights per output unit.
    b : array, shape (units,), optional
        One bias per unit (zeros when ``None``).

    Returns
    -------
    out : array, shape (N, units)
        ``x @ w + b``.
    cache : tuple
        ``(x, w)``, for :func:`dense_backward`.
    """
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    check_ndim(x, 2, "x", "(N, D) (flatten feature maps first)")
    check_ndim(w, 2, "w", "(D, units)")
    if x.shape[1] != w.shape[0]:
        raise ValueError(
            f"feature mismatch: x has D={x.shape[1]} features (x.shape={x.shape}) but w "
            f"expects {w.shape[0]} (w.shape={w.shape}, first axis); "
            f"expected w.shape[0] == {x.shape[1]}"
        )
    b = np.zeros(w.shape[1], dtype=w.dtype) if b is None else as_float_array(b, "b")
    if b.shape != (w.shape[1],):
        raise ValueError(
            f"b must have one value per unit: expected shape ({w.shape[1]},) "
            f"to match w.shape={w.shape}; received b.shape={b.shape}"
        )
    x, w, b = cast_to_xw_dtype(x, w, b)
    out = x @ w
    out += b
    return out, (x, w)


def dense_backward(dout, cache):
    """Gradients of :func:`dense_forward` with respect to ``x``, ``w`` and ``b``.

    Parameters
    ----------
    dout : array, shape (N, units)
    cache : tuple

    Returns
    -------
    dx : array, shape (N, D)
        ``dout @ w.T``.
    dw : array, shape (D, units)
        ``x.T @ dout``: each input times each output's gradient, summed over the batch.
    db : array, shape (units,)
        ``dout`` summed over the batch.
    """
    x, w = cache
    dout = check_dout(dout, (x.shape[0], w.shape[1]), x.dtype)
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)
