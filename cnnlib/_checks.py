"""Argument checks shared by every cnnlib function.

Each check raises a ``ValueError`` or ``TypeError`` that names the argument,
what was expected and what was received, before NumPy gets a chance to fail
with a message about its own internals.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(value, name: str, int_dtype=np.float64) -> np.ndarray:
    """Return ``value`` as a floating-point array, keeping float32/float64.

    Integer and boolean input becomes ``int_dtype``: float64 by default, so
    worked examples typed as lists of integers give exact results.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested lists, for example
        raise TypeError(f"{name} must be an array of numbers; received {value!r}") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(
            f"{name} must be an array of numbers; received an array of dtype {arr.dtype}"
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real-valued; received dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating) or arr.dtype == np.float16:
        arr = arr.astype(int_dtype)
    return arr


def check_ndim(arr: np.ndarray, ndim: int, name: str, layout: str) -> None:
    """Raise unless ``arr`` has ``ndim`` dimensions laid out as ``layout``."""
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array of shape {layout}; "
            f"received an array of shape {arr.shape} ({arr.ndim}-D)"
        )


def positive_int(value, name: str) -> int:
    """Return ``value`` as an int, raising unless it is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; received {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (>= 1); received {name}={value!r}")
    return int(value)


def non_negative_int(value, name: str) -> int:
    """Return ``value`` as an int, raising unless it is a whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer; received {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer (>= 0); received {name}={value!r}")
    return int(value)


def pair(value, name: str, check=positive_int) -> tuple[int, int]:
    """Turn an int or a pair of ints into ``(height, width)``, checking both."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a pair (height, width); received {name}={value!r}"
            )
        return check(value[0], f"{name}[0]"), check(value[1], f"{name}[1]")
    one = check(value, name)
    return one, one


def real_number(value, name: str) -> float:
    """Return ``value`` as a Python float, raising unless it is a real number.

    A Python float never changes the dtype of a float32 array it multiplies,
    where a ``np.float64`` scalar would.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; received {value!r}")
    return float(value)


def check_dout(dout, shape, dtype) -> np.ndarray:
    """Return ``dout`` as an array of ``dtype``, raising unless it has ``shape``."""
    dout = np.asarray(dout, dtype=dtype)
    if dout.shape != tuple(shape):
        raise ValueError(
            f"dout must have the forward output's shape {tuple(shape)}; received {dout.shape}"
        )
    return dout


def cast_to_xw_dtype(x, w, b):
    """``x``, ``w`` and the bias ``b`` in the common dtype of ``x`` and ``w``.

    The bias follows the other two and never widens the result: a float64
    bias (a Python float, say) must not turn float32 work into float64.
    """
    dtype = np.result_type(x.dtype, w.dtype)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False)


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a bool, raising unless it is ``True`` or ``False``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; received {value!r}")
    return bool(value)
