"""Readable loop versions of the operations, written the way the slides explain them.

They are slow on purpose: one Python loop per image, per output position and
per filter, so each line reads like a step of the hand calculation. The book
uses them to teach and the tests use them as the reference that the
vectorised functions in :mod:`cnnlib.functional` must match.

They are also an independent reference: every padding amount and output
size below is worked out here, straight from the definitions (a window is
kept while it fits; "same" pads ``(ceil(n / s) - 1) * s + f - n`` zeros with
the odd one after), never borrowed from the code they check. Only the
argument checks of :mod:`cnnlib._checks`, which compute nothing, are shared.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import (
    as_float_array,
    cast_to_xw_dtype,
    check_bool,
    check_ndim,
    non_negative_int,
    pair,
)

POOL_MODES = ("max", "min", "avg")


def window_starts(n, f, stride, before=0, after=0, keep_partial=False):
    """Where each window starts along one axis of ``n`` values padded by ``before`` and ``after``.

    Counted one window at a time: the next window starts ``stride`` further on
    and is kept while it fits inside the padded axis. With ``keep_partial``
    (PyTorch's ``ceil_mode``) one more window that sticks out past the end is
    kept if the last one did not reach the end, and every window must start
    inside the input or the padding before it. Positions count from the first
    padded value.
    """
    padded = before + n + after
    starts, start = [], 0
    while start + f <= padded:
        starts.append(start)
        start += stride
    if keep_partial:
        if not starts or starts[-1] + f < padded:
            starts.append(start)
        starts = [start for start in starts if start < before + n]
    return starts


def same_pads(n, f, stride):
    """``(before, after)`` zeros of "same" padding: ``ceil(n / stride)`` outputs, odd zero after."""
    outputs = -(-n // stride)  # ceil(n / stride)
    total = max((outputs - 1) * stride + f - n, 0)
    return total // 2, total - total // 2


def padding_pair(padding, n, f, stride):
    """One axis' ``(before, after)`` zeros for "valid", "same", an int or a pair."""
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            return same_pads(n, f, stride)
        raise ValueError(
            f"padding must be one of ['valid', 'same'] or a non-negative int; "
            f"received padding={padding!r}"
        )
    if isinstance(padding, tuple):
        if len(padding) != 2:
            raise ValueError(f"padding as a tuple must be (before, after); received {padding!r}")
        return non_negative_int(padding[0], "padding[0]"), non_negative_int(
            padding[1], "padding[1]"
        )
    p = non_negative_int(padding, "padding")
    return p, p


def conv_pads(padding, in_hw, kernel_hw, stride):
    """``((top, bottom), (left, right))`` for a padding given for both axes or per axis."""
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2 or any(isinstance(p, str) for p in padding):
            raise ValueError(
                "padding must be 'valid', 'same', an int or a pair of ints (ph, pw); "
                f"received padding={padding!r}"
            )
        per_axis = padding
    else:
        per_axis = (padding, padding)
    return tuple(
        padding_pair(*args) for args in zip(per_axis, in_hw, kernel_hw, stride, strict=True)
    )


def check_conv_args(x, w, b, stride, padding, dilation=1):
    """The checked arguments of :func:`conv2d`, its padding, window starts and dilation.

    A kernel of ``f`` taps with dilation ``d`` covers ``d (f - 1) + 1`` values of
    an axis; padding and window starts are worked out for that span.
    """
    x, w = as_float_array(x, "x"), as_float_array(w, "w")
    check_ndim(x, 4, "x", "(N, H, W, C_in)")
    check_ndim(w, 4, "w", "(KH, KW, C_in, C_out)")
    if x.shape[3] != w.shape[2]:
        raise ValueError(
            f"channel mismatch: x has {x.shape[3]} channels but w expects C_in={w.shape[2]}"
        )
    if 0 in w.shape or 0 in x.shape[1:]:
        raise ValueError(f"x and w must not have an empty axis; received {x.shape} and {w.shape}")
    b = np.zeros(w.shape[3], dtype=w.dtype) if b is None else as_float_array(b, "b")
    if b.shape != (w.shape[3],):
        raise ValueError(
            f"b must have one value per filter: expected shape ({w.shape[3]},); "
            f"received b.shape={b.shape}"
        )
    x, w, b = cast_to_xw_dtype(x, w, b)
    stride = pair(stride, "stride")
    dilation = pair(dilation, "dilation")
    spans = tuple(d * (f - 1) + 1 for d, f in zip(dilation, w.shape[:2], strict=True))
    pads = conv_pads(padding, x.shape[1:3], spans, stride)
    for axis, n, f, d, span, (before, after) in zip(
        ("height", "width"), x.shape[1:3], w.shape[:2], dilation, spans, pads, strict=True
    ):
        if span > before + n + after:
            kernel = f"kernel {axis} {f}" + (f" with dilation {d} spans {span}" if d > 1 else "")
            raise ValueError(
                f"the kernel is larger than the padded input along the {axis}: "
                f"{kernel} > input {axis} {n} + padding {before + after}"
            )
    starts = [
        window_starts(n, f, s, before, after)
        for n, f, s, (before, after) in zip(x.shape[1:3], spans, stride, pads, strict=True)
    ]
    return x, w, b, pads, starts, dilation


def check_pool_args(x, pool_size, stride, mode, keep_partial):
    """``x, (ph, pw), (sh, sw), (H_out, W_out)``, the sizes counted window by window."""
    x = as_float_array(x, "x")
    check_ndim(x, 4, "x", "(N, H, W, C)")
    if 0 in x.shape[1:]:
        raise ValueError(f"x must not have an empty axis; received x.shape={x.shape}")
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {list(POOL_MODES)}; received mode={mode!r}")
    keep_partial = check_bool(keep_partial, "keep_partial")
    pool = pair(pool_size, "pool_size")
    stride = pool if stride is None else pair(stride, "stride")
    for axis, n, f in zip(("height", "width"), x.shape[1:3], pool, strict=True):
        if f > n and not keep_partial:
            raise ValueError(
                f"pool_size is larger than the input along the {axis}: pool {axis} {f} > "
                f"input {axis} {n}; use a smaller pool_size or keep_partial=True"
            )
    ho, wo = (
        len(window_starts(n, f, s, keep_partial=keep_partial))
        for n, f, s in zip(x.shape[1:3], pool, stride, strict=True)
    )
    return x, pool, stride, (ho, wo)


def conv2d(x, w, b=None, stride=1, padding="valid", dilation=1):
    """Convolution (cross-correlation) with explicit loops.

    Same arguments, shapes and result as :func:`cnnlib.functional.conv2d_forward`
    (without the cache). With dilation ``d`` the window spans ``d (KH - 1) + 1``
    rows and keeps every ``d``-th of them (likewise for the columns).
    """
    x, w, b, pads, (rows, cols), (dh, dw) = check_conv_args(x, w, b, stride, padding, dilation)
    (top, bottom), (left, right) = pads
    n_images, h, w_in, c_in = x.shape
    kh, kw, _, c_out = w.shape
    span_h, span_w = dh * (kh - 1) + 1, dw * (kw - 1) + 1  # rows and columns a window covers
    xp = np.zeros((n_images, top + h + bottom, left + w_in + right, c_in), dtype=x.dtype)
    xp[:, top : top + h, left : left + w_in, :] = x  # the input inside its frame of zeros
    out = np.zeros((n_images, len(rows), len(cols), c_out), dtype=x.dtype)
    for n in range(n_images):  # every image
        for i, row in enumerate(rows):  # every output row
            for j, col in enumerate(cols):  # every output column
                # every dh-th row and dw-th column of the window: (KH, KW, C_in)
                window = xp[n, row : row + span_h : dh, col : col + span_w : dw, :]
                for k in range(c_out):  # every filter
                    out[n, i, j, k] = np.sum(window * w[:, :, :, k]) + b[k]
    return out


def pool2d(x, pool_size, stride=None, mode="max", keep_partial=False):
    """Max, min or average pooling with explicit loops.

    Same arguments, shapes and result as :func:`cnnlib.functional.pool2d_forward`
    (without the cache). A partial window at the border is simply the slice
    that Python's indexing cuts off at the edge of the map.
    """
    x, (ph, pw), (sh, sw), (ho, wo) = check_pool_args(x, pool_size, stride, mode, keep_partial)
    reduce = {"max": np.max, "min": np.min, "avg": np.mean}[mode]
    out = np.zeros((x.shape[0], ho, wo, x.shape[3]), dtype=x.dtype)
    for n in range(x.shape[0]):  # every image
        for i in range(ho):  # every output row
            for j in range(wo):  # every output column
                top, left = i * sh, j * sw
                for c in range(x.shape[3]):  # every channel on its own
                    window = x[n, top : top + ph, left : left + pw, c]
                    out[n, i, j, c] = reduce(window)
    return out


def pool2d_backward(dout, x, pool_size, stride=None, mode="max", keep_partial=False):
    """Gradient of pooling with respect to ``x``, window by window.

    ``dout`` has the pooled output's shape. "max" and "min" give each window's
    gradient to its first largest (smallest) element in row-major order, which
    is what ``np.argmax`` returns; "avg" shares it equally among the window's
    elements. Overlapping windows add their contributions.
    """
    x, (ph, pw), (sh, sw), (ho, wo) = check_pool_args(x, pool_size, stride, mode, keep_partial)
    dout = np.asarray(dout, dtype=x.dtype)
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for i in range(ho):
            for j in range(wo):
                top, left = i * sh, j * sw
                for c in range(x.shape[3]):
                    window = x[n, top : top + ph, left : left + pw, c]
                    dwindow = dx[n, top : top + ph, left : left + pw, c]  # a view into dx
                    if mode == "avg":
                        dwindow += dout[n, i, j, c] / window.size
                    else:
                        pick = np.argmax(window) if mode == "max" else np.argmin(window)
                        u, v = np.unravel_index(pick, window.shape)
                        dwindow[u, v] += dout[n, i, j, c]
    return dx
