"""Inverted dropout, forward and backward.

In training, every value is dropped (set to 0) with probability ``rate`` and
the kept ones are divided by ``1 - rate``, so the expected value of each output
equals its input and inference needs no rescaling: it is the identity.
"""

from __future__ import annotations

import numbers

import numpy as np

from cnnlib._checks import as_float_array, check_bool, check_dout, real_number


def dropout_forward(x, rate, training, rng=None, mask=None):
    """Drop a random fraction ``rate`` of the values of ``x`` in training.

    Parameters
    ----------
    x : array, any shape
    rate : float
        Probability of dropping each value, ``0 <= rate < 1``.
    training : bool
        ``False`` (inference) returns ``x`` unchanged.
    rng : numpy.random.Generator or int, optional
        Source of randomness in training, or a seed for a new generator.
        Needed in training with ``rate > 0`` unless ``mask`` is given: there
        is no hidden global random state.
    mask : array of bool or of 0 and 1, same shape as ``x``, optional
        Which values to keep (``True``), instead of drawing them; for tests
        and for showing a fixed example. Used only in training.

    Returns
    -------
    out : array, same shape as ``x``
        ``x * keep / (1 - rate)`` in training, ``x`` at inference.
    cache : array or None
        The scaled mask ``keep / (1 - rate)``, or ``None`` when nothing is
        dropped; for :func:`dropout_backward`.
    """
    x = as_float_array(x, "x")
    rate = real_number(rate, "rate")
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1) (the fraction dropped); received rate={rate!r}")
    training = check_bool(training, "training")
    if not training or (rate == 0 and mask is None):
        return x, (x.shape, x.dtype, None)
    keep = draw_keep(x.shape, rate, rng) if mask is None else check_mask(mask, x.shape)
    scaled = keep.astype(x.dtype)
    scaled /= 1 - rate
    return x * scaled, (x.shape, x.dtype, scaled)


def dropout_backward(dout, cache):
    """Gradient of :func:`dropout_forward`: ``dout`` times the same scaled mask.

    Parameters
    ----------
    dout : array, same shape as ``x``
    cache : tuple

    Returns
    -------
    dx : array, same shape as ``x``
        0 where a value was dropped, ``dout / (1 - rate)`` where it was kept,
        and ``dout`` at inference.
    """
    x_shape, dtype, scaled = cache
    dout = check_dout(dout, x_shape, dtype)
    return dout if scaled is None else dout * scaled


def draw_keep(shape, rate, rng):
    """Draw which values to keep: ``True`` with probability ``1 - rate``."""
    if rng is None:
        raise TypeError(
            "dropout in training needs rng, a numpy.random.Generator or an int seed "
            "(for example rng=0), or a fixed mask; received rng=None"
        )
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        rng = np.random.default_rng(rng)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or an int seed; received {rng!r}")
    return rng.random(shape) >= rate


def check_mask(mask, shape):
    """Return ``mask`` as booleans, raising unless it is 0/1 or bool of ``shape``."""
    mask = np.asarray(mask)
    if mask.shape != shape:
        raise ValueError(f"mask must have the shape of x {shape}; received {mask.shape}")
    if mask.dtype != bool and not np.isin(mask, (0, 1)).all():
        raise ValueError("mask must hold only True/False or 0/1 (1 keeps a value)")
    return mask.astype(bool)
