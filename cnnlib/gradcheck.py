"""Numerical gradients by central differences, to check backward passes.

The derivative of a scalar function ``f`` at ``x`` along element ``i`` is
approximated by ``(f(x + h e_i) - f(x - h e_i)) / (2h)``; the error of this
estimate shrinks like ``h**2``. Compare it with an analytic gradient through
:func:`rel_error`.
"""

from __future__ import annotations

import numpy as np


def numerical_gradient(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f()`` with respect to ``x``.

    ``f`` takes no argument: it reads ``x``, which is changed in place one
    element at a time and restored afterwards.

    Parameters
    ----------
    f : callable
        ``f() -> float``, a scalar that depends on the array ``x``.
    x : ndarray (floating point)
        The array to differentiate with respect to, changed in place.
    h : float
        Step size.

    Returns
    -------
    ndarray, same shape as ``x``
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            "x must be a floating-point NumPy array (it is changed in place); "
            f"received {type(x).__name__}"
            + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else "")
        )
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)  # views into x and grad
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        plus = float(f())
        flat_x[i] = old - h
        minus = float(f())
        flat_x[i] = old
        flat_g[i] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_of_output(forward, x: np.ndarray, dout: np.ndarray, h: float = 1e-5):
    """Numerical gradient of ``sum(forward() * dout)`` with respect to ``x``.

    This is what a backward pass computes when the loss's gradient with respect
    to the output is ``dout``.
    """
    return numerical_gradient(lambda: np.sum(forward() * dout), x, h)


def rel_error(a, b) -> float:
    """Relative error ``||a - b|| / (||a|| + ||b||)`` between two arrays.

    Zero for identical arrays; about 1e-10 or below for a correct float64
    backward pass checked with central differences.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; received {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)
