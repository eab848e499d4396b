"""Batch normalisation, forward and backward, as Keras ``BatchNormalization``.

Every feature (the last axis: the ``C`` channels of ``(N, H, W, C)`` maps or
the ``D`` values of ``(N, D)`` vectors) is normalised over all other axes:
``x_hat = (x - mean) / sqrt(var + eps)`` and ``out = gamma * x_hat + beta``.

- Training uses the mean and (biased) variance of the batch, and returns
  running statistics moved towards them:
  ``running = momentum * running + (1 - momentum) * batch``.
- Inference uses the running statistics and returns them unchanged.

The function never changes the arrays passed in: the updated running mean and
variance are new arrays, returned beside ``out`` and the cache.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array, check_bool, check_dout, real_number


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    """Normalise each feature, then scale by ``gamma`` and shift by ``beta``.

    Parameters
    ----------
    x : array, shape (N, ..., C)
        For example ``(N, H, W, C)`` feature maps or ``(N, D)`` vectors.
    gamma, beta : array, shape (C,)
        Learned scale and shift.
    running_mean, running_var : array, shape (C,)
        Running statistics (start with zeros and ones).
    training : bool
        Use the batch statistics and update the running ones (``True``), or
        use the running ones (``False``).
    momentum : float
        How much of the old running statistics to keep, ``0 <= momentum <= 1``
        (Keras' convention and default; PyTorch's ``momentum=m`` is ``1 - m`` here).
    eps : float
        Added to the variance before the square root, ``eps > 0``.

    Returns
    -------
    out : array, shape (N, ..., C)
    cache : tuple
        For :func:`batchnorm_backward`.
    running_mean, running_var : array, shape (C,)
        The updated running statistics (new arrays) in training; the ones
        passed in, unchanged, at inference.
    """
    x, gamma, beta, running_mean, running_var = check_batchnorm_args(
        x, gamma, beta, running_mean, running_var
    )
    training = check_bool(training, "training")
    momentum, eps = real_number(momentum, "momentum"), real_number(eps, "eps")
    if not 0 <= momentum <= 1:
        raise ValueError(f"momentum must be in [0, 1]; received momentum={momentum!r}")
    if not eps > 0:
        raise ValueError(f"eps must be positive; received eps={eps!r}")
    axes = tuple(range(x.ndim - 1))  # every axis but the features
    if training:
        mean = x.mean(axis=axes)
        centred = x - mean
        var = np.square(centred).mean(axis=axes)  # biased: divides by the count, as Keras
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        centred, var = x - running_mean, running_var
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = centred * inv_std
    out = gamma * x_hat + beta
    return out, (x_hat, gamma, inv_std, axes, training), running_mean, running_var


def batchnorm_backward(dout, cache):
    """Gradients of :func:`batchnorm_forward` with respect to ``x``, ``gamma`` and ``beta``.

    Parameters
    ----------
    dout : array, shape (N, ..., C)
    cache : tuple

    Returns
    -------
    dx : array, shape (N, ..., C)
        In training the batch mean and variance depend on ``x`` too, which
        gives ``dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))`` with
        ``g = dout * gamma`` and means over the normalised axes; at inference
        simply ``dout * gamma * inv_std``.
    dgamma : array, shape (C,)
        ``sum(dout * x_hat)`` over the normalised axes.
    dbeta : array, shape (C,)
        ``sum(dout)`` over the normalised axes.
    """
    x_hat, gamma, inv_std, axes, training = cache
    dout = check_dout(dout, x_hat.shape, x_hat.dtype)
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * x_hat).sum(axis=axes)
    g = dout * gamma
    if training:
        dx = inv_std * (g - g.mean(axis=axes) - x_hat * (g * x_hat).mean(axis=axes))
    else:
        dx = g * inv_std
    return dx, dgamma, dbeta


def check_batchnorm_args(x, gamma, beta, running_mean, running_var):
    """Validate the arrays of a batch normalisation and give them one float dtype."""
    x = as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(
            "x must be a batch of shape (N, C) or (N, ..., C) with at least 2 axes; "
            f"received an array of shape {x.shape}"
        )
    if 0 in x.shape:
        raise ValueError(f"x must not have an empty axis; received x.shape={x.shape}")
    c = x.shape[-1]
    arrays = [x]
    for name, value in (
        ("gamma", gamma),
        ("beta", beta),
        ("running_mean", running_mean),
        ("running_var", running_var),
    ):
        value = as_float_array(value, name)
        if value.shape != (c,):
            raise ValueError(
                f"{name} must have one value per feature: expected shape ({c},) to match "
                f"the last axis of x.shape={x.shape}; received {name}.shape={value.shape}"
            )
        arrays.append(value)
    dtype = np.result_type(*arrays)
    return [a.astype(dtype, copy=False) for a in arrays]
