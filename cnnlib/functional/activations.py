"""Activation functions, each forward beside its derivative.

Every ``*_forward(x) -> (out, cache)`` works element by element on an array of
any shape (softmax along the last axis), so ``out`` has the shape of ``x``.
Every ``*_backward(dout, cache) -> dx`` multiplies ``dout`` (shape of ``out``)
by the derivative, giving ``dx`` of the shape of ``x``.

The formulas are written so that no ``exp`` can overflow: large inputs give
finite results without warnings, and a NaN in the input stays a NaN.
:data:`ACTIVATIONS` maps names, as Keras spells them, to the pairs.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array, check_dout, real_number

SELU_SCALE = 1.0507009873554804934193349852946  # lambda of Klambauer et al. (2017)
SELU_ALPHA = 1.6732632423543772848170429916717


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` computed through ``exp(-|x|)``, which never overflows."""
    e = np.exp(-np.abs(x))  # in (0, 1]
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def linear_forward(x):
    """The identity, ``f(x) = x`` (no activation). Shapes: ``out`` as ``x``."""
    x = as_float_array(x, "x")
    return x, (x.shape, x.dtype)


def linear_backward(dout, cache):
    """Derivative 1: ``dx = dout``, of the shape of ``x``."""
    return check_dout(dout, *cache)


def relu_forward(x):
    """ReLU, ``f(x) = max(0, x)``: negative values become 0.

    Parameters
    ----------
    x : array, any shape

    Returns
    -------
    out : array, same shape as ``x``
    cache : array
        ``x``, for :func:`relu_backward`.
    """
    x = as_float_array(x, "x")
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    """Derivative 1 where ``x > 0`` and 0 elsewhere (also at 0): ``dx`` as ``x``."""
    x = cache
    # Multiplying by the mask is many times faster than np.where on large arrays.
    return check_dout(dout, x.shape, x.dtype) * (x > 0)


def leaky_relu_forward(x, slope=0.1):
    """Leaky ReLU, ``f(x) = x`` for ``x > 0`` and ``slope * x`` otherwise.

    With ``0 <= slope <= 1`` this is the seeds' ``max(slope * x, x)``.

    Parameters
    ----------
    x : array, any shape
    slope : float
        Slope for negative inputs (the seeds use 0.1; Keras defaults to 0.2,
        PyTorch to 0.01).

    Returns
    -------
    out : array, same shape as ``x``
    cache : tuple
        ``(x, slope)``, for :func:`leaky_relu_backward`.
    """
    x = as_float_array(x, "x")
    slope = real_number(slope, "slope")
    return np.where(x > 0, x, slope * x), (x, slope)


def leaky_relu_backward(dout, cache):
    """Derivative 1 where ``x > 0`` and ``slope`` elsewhere: ``dx`` as ``x``."""
    x, slope = cache
    dout = check_dout(dout, x.shape, x.dtype)
    return np.where(x > 0, dout, slope * dout)


def sigmoid_forward(x):
    """The logistic sigmoid, ``f(x) = 1 / (1 + exp(-x))``, between 0 and 1.

    Parameters
    ----------
    x : array, any shape

    Returns
    -------
    out : array, same shape as ``x``
    cache : array
        ``out``, for :func:`sigmoid_backward`.
    """
    out = stable_sigmoid(as_float_array(x, "x"))
    return out, out


def sigmoid_backward(dout, cache):
    """Derivative ``f(x) (1 - f(x))``: ``dx`` as ``x``."""
    out = cache
    return check_dout(dout, out.shape, out.dtype) * out * (1 - out)


def tanh_forward(x):
    """Hyperbolic tangent, ``f(x) = (e^x - e^-x) / (e^x + e^-x)``, between -1 and 1.

    Parameters
    ----------
    x : array, any shape

    Returns
    -------
    out : array, same shape as ``x``
    cache : array
        ``out``, for :func:`tanh_backward`.
    """
    out = np.tanh(as_float_array(x, "x"))
    return out, out


def tanh_backward(dout, cache):
    """Derivative ``1 - f(x)^2``: ``dx`` as ``x``."""
    out = cache
    return check_dout(dout, out.shape, out.dtype) * (1 - out * out)


def elu_forward(x, alpha=1.0):
    """ELU, ``f(x) = x`` for ``x > 0`` and ``alpha (e^x - 1)`` otherwise.

    Parameters
    ----------
    x : array, any shape
    alpha : float
        The value that ``f`` approaches for very negative ``x`` is ``-alpha``.

    Returns
    -------
    out : array, same shape as ``x``
    cache : tuple
        ``(x, out, alpha)``, for :func:`elu_backward`.
    """
    x = as_float_array(x, "x")
    alpha = real_number(alpha, "alpha")
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))  # exp only sees x <= 0
    return out, (x, out, alpha)


def elu_backward(dout, cache):
    """Derivative 1 where ``x > 0`` and ``alpha e^x = f(x) + alpha`` elsewhere."""
    x, out, alpha = cache
    dout = check_dout(dout, x.shape, x.dtype)
    return np.where(x > 0, dout, dout * (out + alpha))


def selu_forward(x):
    """SELU, ``f(x) = lambda * elu(x, alpha)`` with the fixed constants of the paper.

    ``lambda`` is :data:`SELU_SCALE` (about 1.0507) and ``alpha`` is
    :data:`SELU_ALPHA` (about 1.6733); they keep the mean and variance of the
    activations near 0 and 1.

    Parameters
    ----------
    x : array, any shape

    Returns
    -------
    out : array, same shape as ``x``
    cache : tuple
        The cache of :func:`elu_forward`, for :func:`selu_backward`.
    """
    out, cache = elu_forward(x, SELU_ALPHA)
    return SELU_SCALE * out, cache


def selu_backward(dout, cache):
    """Derivative ``lambda`` where ``x > 0`` and ``lambda alpha e^x`` elsewhere."""
    return SELU_SCALE * elu_backward(dout, cache)


def softplus_forward(x):
    """Softplus, ``f(x) = ln(1 + e^x)``, a smooth ReLU.

    Parameters
    ----------
    x : array, any shape

    Returns
    -------
    out : array, same shape as ``x``
    cache : array
        ``x``, for :func:`softplus_backward`.
    """
    x = as_float_array(x, "x")
    # ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): the exp never overflows
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x))), x


def softplus_backward(dout, cache):
    """Derivative ``sigmoid(x)``: ``dx`` as ``x``."""
    x = cache
    return check_dout(dout, x.shape, x.dtype) * stable_sigmoid(x)


def swish_forward(x):
    """Swish (SiLU), ``f(x) = x * sigmoid(x)``.

    Parameters
    ----------
    x : array, any shape

    Returns
    -------
    out : array, same shape as ``x``
    cache : tuple
        ``(x, sigmoid(x))``, for :func:`swish_backward`.
    """
    x = as_float_array(x, "x")
    s = stable_sigmoid(x)
    return x * s, (x, s)


def swish_backward(dout, cache):
    """Derivative ``s + x s (1 - s)`` with ``s = sigmoid(x)``: ``dx`` as ``x``."""
    x, s = cache
    return check_dout(dout, x.shape, x.dtype) * s * (1 + x * (1 - s))


def softmax_forward(x):
    """Softmax along the last axis: ``f(x)_i = e^(x_i) / sum_j e^(x_j)``.

    The largest score is subtracted first, which changes nothing in the
    result but keeps every ``exp`` at most 1.

    Parameters
    ----------
    x : array, shape (..., K)
        Scores (logits) of ``K`` classes, for example ``(N, K)``.

    Returns
    -------
    out : array, shape (..., K)
        Probabilities: each slice along the last axis is positive and sums to 1.
    cache : array
        ``out``, for :func:`softmax_backward`.
    """
    x = as_float_array(x, "x")
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(
            "x must have a last axis of K >= 1 class scores for softmax; "
            f"received an array of shape {x.shape}"
        )
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    out = e / e.sum(axis=-1, keepdims=True)
    return out, out


def softmax_backward(dout, cache):
    """Jacobian-vector product ``dx_i = f_i (dout_i - sum_j dout_j f_j)``, shape ``(..., K)``."""
    out = cache
    dout = check_dout(dout, out.shape, out.dtype)
    return out * (dout - np.sum(dout * out, axis=-1, keepdims=True))


def radial_basis_forward(x, center=0.0, epsilon=1.0):
    """The seeds' radial basis function ``phi(x, c) = exp(-(epsilon |x - c|)^2)``, element-wise.

    A bell that is 1 at ``x = center`` and falls towards 0 away from it; a
    larger ``epsilon`` makes it narrower (``epsilon**2`` is the ``gamma`` of
    ``exp(-gamma (x - c)^2)``). It is not in :data:`ACTIVATIONS`: it has a
    centre of its own, so it is used on its own terms (in radial basis
    function networks), not as a drop-in activation of a layer.

    Parameters
    ----------
    x : array, any shape
    center : float
    epsilon : float

    Returns
    -------
    out : array, same shape as ``x``
    cache : tuple
        ``(x, out, center, epsilon)``, for :func:`radial_basis_backward`.
    """
    x = as_float_array(x, "x")
    center, epsilon = real_number(center, "center"), real_number(epsilon, "epsilon")
    out = np.exp(-np.square(epsilon * (x - center)))
    return out, (x, out, center, epsilon)


def radial_basis_backward(dout, cache):
    """Derivative ``-2 epsilon^2 (x - c) phi(x, c)``: ``dx`` as ``x``."""
    x, out, center, epsilon = cache
    dout = check_dout(dout, x.shape, x.dtype)
    return dout * (-2 * epsilon * epsilon) * (x - center) * out


def radial_basis(x, center=0.0, epsilon=1.0):
    """The radial basis function ``exp(-(epsilon |x - c|)^2)`` of every element of ``x``.

    The output alone; :func:`radial_basis_forward` also returns the cache
    for :func:`radial_basis_backward`.

    >>> radial_basis([0.0, 1.0], center=1.0)
    array([0.36787944, 1.        ])
    """
    return radial_basis_forward(x, center, epsilon)[0]


ACTIVATIONS = {
    "linear": (linear_forward, linear_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "elu": (elu_forward, elu_backward),
    "selu": (selu_forward, selu_backward),
    "softplus": (softplus_forward, softplus_backward),
    "swish": (swish_forward, swish_backward),
    "softmax": (softmax_forward, softmax_backward),
}


def get_activation(name):
    """Return ``(forward, backward)`` for an activation's name; ``None`` means "linear".

    >>> forward, backward = get_activation("relu")
    >>> forward([-1.0, 2.0])[0]
    array([0., 2.])
    """
    name = "linear" if name is None else name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}; received {name!r}")
    return ACTIVATIONS[name]
