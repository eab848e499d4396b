"""Output sizes and padding: the one place where they are computed.

Every layer, ``Sequential.summary()``, the tests and the book call
:func:`conv_output_size`, so the formula lives in exactly one function.
"""

from __future__ import annotations

import math

from cnnlib._checks import non_negative_int, pair, positive_int

PADDING_MODES = ("valid", "same")


def dilated_size(f: int, dilation: int = 1) -> int:
    """The span of a window of ``f`` taps, ``dilation`` apart: ``d (f - 1) + 1``.

    >>> dilated_size(3, 2)  # taps at 0, 2 and 4
    5
    """
    return dilation * (f - 1) + 1


def same_padding(n: int, f: int, stride: int = 1, dilation: int = 1) -> tuple[int, int]:
    """Zero padding ``(before, after)`` that "same" adds along one axis.

    Keras/TensorFlow semantics: the output has ``ceil(n / stride)`` elements,
    the total padding is ``max((out - 1) * stride + f_d - n, 0)`` with the
    dilated kernel's span ``f_d = d (f - 1) + 1``, and when it is odd the extra
    zero goes after (bottom or right).

    >>> same_padding(6, 4)  # 3 zeros: 1 before, 2 after
    (1, 2)
    >>> same_padding(7, 3, dilation=2)  # the dilated kernel spans 5 pixels
    (2, 2)
    """
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + dilated_size(f, dilation) - n, 0)
    return total // 2, total - total // 2


def padding_amounts(
    padding, n: int, f: int, stride: int = 1, name: str = "padding", dilation: int = 1
):
    """Resolve ``padding`` to ``(before, after)`` zeros along one axis.

    ``padding`` is "valid" (no padding), "same", a non-negative int ``p`` that
    adds ``p`` zeros on both sides, or an explicit ``(before, after)`` tuple.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            return same_padding(n, f, stride, dilation)
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


def resolve_padding(
    padding, in_hw, kernel_hw, stride_hw, name: str = "padding", dilation_hw=(1, 1)
):
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
        padding_amounts(p, n, f, s, name=name, dilation=d)
        for p, n, f, s, d in zip(per_axis, in_hw, kernel_hw, stride_hw, dilation_hw, strict=True)
    )


def conv_output_size(
    n: int, f: int, padding=0, stride: int = 1, dilation: int = 1, ceil_mode: bool = False
) -> int:
    r"""Number of positions a window of size ``f`` takes along an axis of size ``n``.

    With ``p`` zeros of padding on each side, stride ``s`` and dilation ``d``
    (the window's ``f`` taps ``d`` pixels apart, spanning ``d (f - 1) + 1``):

    .. math::

        n_\text{out} = \left\lfloor \frac{n + 2p - d(f - 1) - 1}{s} \right\rfloor + 1

    With ``d = 1`` this is the familiar :math:`\lfloor (n + 2p - f)/s \rfloor + 1`.
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
    dilation : int
        Distance between neighbouring taps of the window (1: no gaps).
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
    >>> conv_output_size(7, 3, dilation=2)  # (7 - 2 * 2 - 1) / 1 + 1: the taps span 5
    3
    """
    n = positive_int(n, "n")
    f = positive_int(f, "f")
    stride = positive_int(stride, "stride")
    dilation = positive_int(dilation, "dilation")
    span = dilated_size(f, dilation)
    before, after = padding_amounts(padding, n, f, stride, dilation=dilation)
    padded = n + before + after
    if not ceil_mode:
        if span > padded:
            dilated = f" (f={f} with dilation={dilation})" if dilation > 1 else ""
            raise ValueError(
                f"the window is larger than the padded input: f={span}{dilated} but "
                f"n + padding = {padded} (n={n}, padding={padding!r}); "
                f"expected a window of at most {padded} (or ceil_mode=True)"
            )
        return (padded - span) // stride + 1
    out = max(-((span - padded) // stride), 0) + 1  # ceil((padded - span) / stride) + 1, >= 1
    if (out - 1) * stride >= n + before:  # the last window would start in the padding
        out -= 1
    return out


def conv_output_shape(in_hw, kernel_hw, padding="valid", stride=1, dilation=1, ceil_mode=False):
    """``(H_out, W_out)`` of a 2-D input: :func:`conv_output_size` on each axis."""
    stride_hw = pair(stride, "stride")
    kernel_hw = pair(kernel_hw, "kernel_size")
    dilation_hw = pair(dilation, "dilation")
    pads = resolve_padding(padding, in_hw, kernel_hw, stride_hw, dilation_hw=dilation_hw)
    return tuple(
        conv_output_size(n, f, padding=p, stride=s, dilation=d, ceil_mode=ceil_mode)
        for n, f, p, s, d in zip(in_hw, kernel_hw, pads, stride_hw, dilation_hw, strict=True)
    )


def conv_transpose_output_size(
    n: int, f: int, padding: int = 0, stride: int = 1, dilation: int = 1, output_padding: int = 0
) -> int:
    r"""Output size of a transposed convolution along one axis.

    It undoes the size arithmetic of :func:`conv_output_size`:

    .. math::

        n_\text{out} = (n - 1)\,s - 2p + d(f - 1) + 1 + a

    where ``a = output_padding`` (``0 <= a < s``) picks one of the ``s`` input
    sizes that a convolution with stride ``s`` maps to ``n``.

    >>> conv_transpose_output_size(3, 3)  # the gradient of a 5 -> 3 convolution
    5
    >>> conv_transpose_output_size(4, 4, padding=1, stride=2)  # upsampling by 2
    8
    """
    n = positive_int(n, "n")
    f = positive_int(f, "f")
    padding = non_negative_int(padding, "padding")
    stride = positive_int(stride, "stride")
    dilation = positive_int(dilation, "dilation")
    output_padding = non_negative_int(output_padding, "output_padding")
    if output_padding >= stride:
        raise ValueError(
            f"output_padding must be smaller than the stride: expected 0 <= output_padding < "
            f"{stride}; received output_padding={output_padding}"
        )
    out = (n - 1) * stride - 2 * padding + dilated_size(f, dilation) + output_padding
    if out < 1:
        raise ValueError(
            f"padding={padding} removes the whole output: (n - 1) s - 2p + d (f - 1) + 1 + a "
            f"= {out} for n={n}, f={f}, stride={stride}, dilation={dilation}; expected >= 1"
        )
    return out
