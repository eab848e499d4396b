"""Output sizes and padding: the one place where they are computed.

Every layer, ``Sequential.summary()``, the tests and the book call
:func:`conv_output_size`, so the formula lives in exactly one function.
"""

from __future__ import annotations

import math

from cnnlib._checks import non_negative_int, pair, positive_int

PADDING_MODES = ("valid", "same")


def same_padding(n: int, f: int, stride: int = 1) -> tuple[int, int]:
    """Zero padding ``(before, after)`` that "same" adds along one axis.

    Keras/TensorFlow semantics: the output has ``ceil(n / stride)`` elements,
    the total padding is ``max((out - 1) * stride + f - n, 0)``, and when it is
    odd the extra zero goes after (bottom or right).
    """
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + f - n, 0)
    return total // 2, total - total // 2


def padding_amounts(padding, n: int, f: int, stride: int = 1, name: str = "padding"):
    """Resolve ``padding`` to ``(before, after)`` zeros along one axis.

    ``padding`` is "valid" (no padding), "same", a non-negative int ``p`` that
    adds ``p`` zeros on both sides, or an explicit ``(before, after)`` tuple.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            return same_padding(n, f, stride)
        raise ValueError(
            f"{name} must be one of {list(PADDING_MODES)} or a non-negative int; "
            f"received {name}={padding!r}"
        )
    if isinstance(padding, tuple):
        if len(padding) != 2:
            raise ValueError(
                f"{name} as a tuple must be (before, after); received {name}={padding!r}"
            )
        return non_negative_int(padding[0], f"{name}[0]"), non_negative_int(
            padding[1], f"{name}[1]"
        )
    p = non_negative_int(padding, name)
    return p, p


def resolve_padding(padding, in_hw, kernel_hw, stride_hw, name: str = "padding"):
    """Return ``((top, bottom), (left, right))`` zero padding for a 2-D map.

    ``padding`` is "valid", "same", an int, or a pair ``(ph, pw)`` of ints.
    """
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2 or any(isinstance(p, str) for p in padding):
            raise ValueError(
                f"{name} must be 'valid', 'same', an int or a pair of ints (ph, pw); "
                f"received {name}={padding!r}"
            )
        per_axis = padding
    else:
        per_axis = (padding, padding)
    return tuple(
        padding_amounts(p, n, f, s, name=name)
        for p, n, f, s in zip(per_axis, in_hw, kernel_hw, stride_hw, strict=True)
    )


def conv_output_size(n: int, f: int, padding=0, stride: int = 1, ceil_mode: bool = False) -> int:
    r"""Number of positions a window of size ``f`` takes along an axis of size ``n``.

    With ``p`` zeros of padding on each side and stride ``s``:

    .. math::

        n_\text{out} = \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1

    The floor means a window that would stick out past the (padded) border is
    dropped. ``padding`` may also be "valid" (``p = 0``) or "same" (the
    Keras/TensorFlow rule, giving ``ceil(n / s)``); with "same" and an odd total
    padding, ``2p`` above stands for the total number of zeros added.

    ``ceil_mode=True`` rounds up instead of down, keeping the partial windows
    at the end of the axis, but only windows that start inside the padded input
    (PyTorch's ``ceil_mode``; pooling's ``keep_partial`` uses it). A window
    larger than the input is then allowed: it gives one (partial) window.

    Parameters
    ----------
    n : int
        Input size along the axis (height or width).
    f : int
        Window (kernel or pool) size along that axis.
    padding : int, (int, int) or {"valid", "same"}
        Zeros added on each side, ``(before, after)``, or a padding mode.
    stride : int
        Step between neighbouring windows.
    ceil_mode : bool
        Round up instead of down (keep partial windows).

    Returns
    -------
    int
        The output size.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size(5, 3, padding=1)
    5
    >>> conv_output_size(8, 3, stride=2)  # (8 - 3) / 2 + 1 = 3.5, rounded down
    3
    """
    n = positive_int(n, "n")
    f = positive_int(f, "f")
    stride = positive_int(stride, "stride")
    before, after = padding_amounts(padding, n, f, stride)
    padded = n + before + after
    if not ceil_mode:
        if f > padded:
            raise ValueError(
                f"the window is larger than the padded input: f={f} but n + padding = {padded} "
                f"(n={n}, padding={padding!r}); expected f <= {padded} (or ceil_mode=True)"
            )
        return (padded - f) // stride + 1
    out = max(-((f - padded) // stride), 0) + 1  # ceil((padded - f) / stride) + 1, at least 1
    if (out - 1) * stride >= n + before:  # the last window would start in the padding
        out -= 1
    return out


def conv_output_shape(in_hw, kernel_hw, padding="valid", stride=1, ceil_mode=False):
    """``(H_out, W_out)`` of a 2-D input: :func:`conv_output_size` on each axis."""
    stride_hw = pair(stride, "stride")
    kernel_hw = pair(kernel_hw, "kernel_size")
    pads = resolve_padding(padding, in_hw, kernel_hw, stride_hw)
    return tuple(
        conv_output_size(n, f, padding=p, stride=s, ceil_mode=ceil_mode)
        for n, f, p, s in zip(in_hw, kernel_hw, pads, stride_hw, strict=True)
    )
