"""Initial weights, drawn as Keras draws them, from an explicit random generator.

Every initializer is a function ``init(shape, rng, dtype) -> array``. The
random ones scale their spread by the *fans* of the weight: for a dense kernel
``(D, units)`` the fan-in is ``D`` and the fan-out ``units``; for a
convolution kernel ``(KH, KW, C_in, C_out)`` each is multiplied by the
receptive field ``KH * KW``.

- Glorot (Xavier): variance ``2 / (fan_in + fan_out)``, Keras' default for
  ``Conv2D`` and ``Dense`` kernels; it keeps the signal's variance steady both
  forwards and backwards for tanh- or sigmoid-like units.
- He: variance ``2 / fan_in``, which makes up for ReLU zeroing half its inputs.

The "normal" variants draw from a normal distribution truncated at two
standard deviations, scaled (as Keras does) so that the variance is still the
one above.
"""

from __future__ import annotations

import math

import numpy as np

# The standard deviation of a standard normal truncated to [-2, 2].
TRUNCATED_STD = 0.87962566103423978


def fans(shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a kernel, as Keras computes them.

    >>> fans((3, 3, 32, 64))  # a 3×3 convolution from 32 to 64 channels
    (288, 576)
    >>> fans((9216, 128))  # a dense kernel
    (9216, 128)
    """
    shape = tuple(shape)
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])  # 1 for a dense kernel
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def truncated_normal(shape, std, rng) -> np.ndarray:
    """Normal values with mean 0 and standard deviation ``std``, redrawn until within 2 std."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():  # about 5% each round, so a few rounds suffice
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return values * std


def glorot_uniform(shape, rng, dtype=np.float32) -> np.ndarray:
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = fans(shape)
    limit = math.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(shape, rng, dtype=np.float32) -> np.ndarray:
    """Truncated normal with variance ``2 / (fan_in + fan_out)``."""
    fan_in, fan_out = fans(shape)
    std = math.sqrt(2 / (fan_in + fan_out)) / TRUNCATED_STD
    return truncated_normal(shape, std, rng).astype(dtype)


def he_uniform(shape, rng, dtype=np.float32) -> np.ndarray:
    """Uniform on ``[-limit, limit]`` with ``limit = sqrt(6 / fan_in)``."""
    fan_in, _ = fans(shape)
    limit = math.sqrt(6 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(shape, rng, dtype=np.float32) -> np.ndarray:
    """Truncated normal with variance ``2 / fan_in``."""
    fan_in, _ = fans(shape)
    std = math.sqrt(2 / fan_in) / TRUNCATED_STD
    return truncated_normal(shape, std, rng).astype(dtype)


def zeros(shape, rng=None, dtype=np.float32) -> np.ndarray:
    """All zeros (biases, batch normalisation's shift and moving mean)."""
    return np.zeros(shape, dtype=dtype)


def ones(shape, rng=None, dtype=np.float32) -> np.ndarray:
    """All ones (batch normalisation's scale and moving variance)."""
    return np.ones(shape, dtype=dtype)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "zeros": zeros,
    "ones": ones,
}


def get_initializer(name):
    """Return the initializer called ``name``, one of :data:`INITIALIZERS`.

    >>> init = get_initializer("he_normal")
    >>> init((3, 3, 1, 8), np.random.default_rng(0)).dtype
    dtype('float32')
    """
    if not isinstance(name, str) or name not in INITIALIZERS:
        raise ValueError(f"initializer must be one of {list(INITIALIZERS)}; received {name!r}")
    return INITIALIZERS[name]
