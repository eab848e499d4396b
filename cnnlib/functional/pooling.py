"""Max, min and average pooling, forward and backward, vectorised.

Shapes (NHWC, as Keras):

- ``x``: ``(N, H, W, C)``
- ``out``: ``(N, H_out, W_out, C)`` for :func:`pool2d_forward`, with ``H_out``
  and ``W_out`` from :func:`cnnlib.conv_output_size`; ``(N, C)`` for global
  pooling.

Each channel is pooled on its own. The code loops only over the few offsets
``(u, v)`` inside a window: the slice ``x[:, u::sh, v::sw]`` holds the element
at that offset of every window of every image and channel at once.

The cache of :func:`pool2d_forward` keeps the returned ``out``: change it in
place and the backward pass of "max" and "min" will look for the wrong values.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array, check_bool, check_dout, check_ndim, pair
from cnnlib.shapes import conv_output_shape

POOL_MODES = ("max", "min", "avg")


def check_maps(x):
    """``x`` as a floating-point batch of maps ``(N, H, W, C)`` with no empty axis."""
    x = as_float_array(x, "x")
    check_ndim(x, 4, "x", "(N, H, W, C)")
    if 0 in x.shape[1:]:
        raise ValueError(f"x must not have an empty axis; received x.shape={x.shape}")
    return x


def check_pool_args(x, pool_size, stride, mode, keep_partial):
    """Validate the arguments of a pooling.

    Returns ``x, (ph, pw), (sh, sw), (H_out, W_out)``, ``x`` as floating point.
    """
    x = check_maps(x)
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {list(POOL_MODES)}; received mode={mode!r}")
    keep_partial = check_bool(keep_partial, "keep_partial")
    pool = pair(pool_size, "pool_size")
    stride = pool if stride is None else pair(stride, "stride")
    for axis, n, f in (("height", x.shape[1], pool[0]), ("width", x.shape[2], pool[1])):
        if f > n and not keep_partial:
            raise ValueError(
                f"pool_size is larger than the input along the {axis}: pool {axis} {f} > "
                f"input {axis} {n} (x.shape={x.shape}); use a smaller pool_size "
                "or keep_partial=True"
            )
    out_hw = conv_output_shape(x.shape[1:3], pool, "valid", stride, ceil_mode=keep_partial)
    return x, pool, stride, out_hw


def window_slices(pool, stride, out_hw):
    """Yield, for each offset ``(u, v)`` inside a window, the index of that element.

    ``xp[index]`` has shape ``(N, H_out, W_out, C)``: the element at offset
    ``(u, v)`` of every window. Offsets come in row-major order, so the first
    match found is the first element of the window.
    """
    (ph, pw), (sh, sw), (ho, wo) = pool, stride, out_hw
    for u in range(ph):
        for v in range(pw):
            rows = slice(u, u + (ho - 1) * sh + 1, sh)
            cols = slice(v, v + (wo - 1) * sw + 1, sw)
            yield slice(None), rows, cols


def covered_counts(n, f, s, n_out):
    """How many input elements each window covers along one axis (``f`` unless partial)."""
    starts = np.arange(n_out) * s
    return np.minimum(starts + f, n) - starts


def pool2d_forward(x, pool_size, stride=None, mode="max", keep_partial=False):
    """Pool every channel of a batch of feature maps.

    Parameters
    ----------
    x : array, shape (N, H, W, C)
        Batch of feature maps.
    pool_size : int or (int, int)
        Window height and width ``(PH, PW)``.
    stride : int or (int, int), optional
        Step of the window; defaults to ``pool_size`` (windows that touch but
        do not overlap). A stride smaller than the pool makes windows overlap.
    mode : {"max", "min", "avg"}
        Keep the largest, the smallest or the average value of each window.
    keep_partial : bool
        Keep the windows at the bottom and right border that stick out of the
        input (only those that start inside it). They reduce over the elements
        they cover; "avg" divides by that count. Same as PyTorch's ``ceil_mode``.

    Returns
    -------
    out : array, shape (N, H_out, W_out, C)
        ``H_out = floor((H - PH) / sh) + 1``, or with ``keep_partial`` the
        ceiling instead of the floor, from :func:`cnnlib.conv_output_size`
        (``ceil_mode=keep_partial``); likewise ``W_out``.
    cache : tuple
        What :func:`pool2d_backward` needs.
    """
    x, pool, stride, out_hw = check_pool_args(x, pool_size, stride, mode, keep_partial)
    h, w = x.shape[1:3]
    (ph, pw), (sh, sw), (ho, wo) = pool, stride, out_hw
    pad_h, pad_w = max((ho - 1) * sh + ph - h, 0), max((wo - 1) * sw + pw - w, 0)
    fill = {"max": -np.inf, "min": np.inf, "avg": 0}[mode]
    xp = x
    if pad_h or pad_w:  # partial windows: padding that never wins (or adds zero)
        xp = np.pad(x, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), constant_values=fill)
    reduce = {"max": np.maximum, "min": np.minimum, "avg": np.add}[mode]
    slices = window_slices(pool, stride, out_hw)
    out = xp[next(slices)].copy()
    for index in slices:
        reduce(out, xp[index], out=out)
    count = None
    if mode == "avg":
        count = np.outer(covered_counts(h, ph, sh, ho), covered_counts(w, pw, sw, wo))
        count = count.astype(x.dtype)[:, :, None]  # (H_out, W_out, 1)
        out /= count
    return out, (x.shape, xp, out, pool, stride, mode, count)


def pool2d_backward(dout, cache):
    """Gradient of :func:`pool2d_forward` with respect to ``x``.

    Parameters
    ----------
    dout : array, shape (N, H_out, W_out, C)
        Gradient of the loss with respect to the pooled output.
    cache : tuple
        The cache returned by :func:`pool2d_forward`.

    Returns
    -------
    dx : array, shape (N, H, W, C)
        "max" and "min" send each window's gradient to its first largest
        (smallest) element in row-major order; "avg" shares it equally among
        the elements the window covers. Where windows overlap, the
        contributions add up.
    """
    x_shape, xp, out, pool, stride, mode, count = cache
    dout = check_dout(dout, out.shape, out.dtype)
    (ph, pw), (sh, sw), (ho, wo) = pool, stride, out.shape[1:3]
    overlapping = sh < ph or sw < pw
    # Windows that tile the input without gaps write every element exactly once below.
    tiled = (sh, sw) == (ph, pw) and (ho * sh, wo * sw) == xp.shape[1:3]
    dxp = np.empty_like(xp) if tiled else np.zeros_like(xp)
    if mode == "avg":
        share = dout / count  # every covered element gets an equal share
    else:
        unclaimed = np.ones(out.shape, dtype=bool)  # windows whose extreme is not found yet
        first = np.empty(out.shape, dtype=bool)
    for index in window_slices(pool, stride, (ho, wo)):
        if mode != "avg":
            np.equal(xp[index], out, out=first)
            first &= unclaimed
            unclaimed ^= first
        if overlapping:
            dxp[index] += share if mode == "avg" else dout * first
        elif mode == "avg":  # every element is in at most one window
            dxp[index] = share
        else:
            np.multiply(dout, first, out=dxp[index])
    return dxp[:, : x_shape[1], : x_shape[2]]


def global_max_pool_forward(x):
    """The largest value of each channel of each map.

    Parameters
    ----------
    x : array, shape (N, H, W, C)

    Returns
    -------
    out : array, shape (N, C)
    cache : tuple
        What :func:`global_max_pool_backward` needs.
    """
    x = check_maps(x)
    flat = x.reshape(x.shape[0], -1, x.shape[3])  # (N, H * W, C)
    first = flat.argmax(axis=1)[:, None, :]  # index of the first largest value
    return np.take_along_axis(flat, first, axis=1)[:, 0], (x.shape, x.dtype, first)


def global_max_pool_backward(dout, cache):
    """Gradient of :func:`global_max_pool_forward`: ``dout`` goes to the first maximum.

    Parameters
    ----------
    dout : array, shape (N, C)
    cache : tuple

    Returns
    -------
    dx : array, shape (N, H, W, C)
    """
    x_shape, dtype, first = cache
    dout = check_dout(dout, (x_shape[0], x_shape[3]), dtype)
    dflat = np.zeros((x_shape[0], x_shape[1] * x_shape[2], x_shape[3]), dtype=dtype)
    np.put_along_axis(dflat, first, dout[:, None, :], axis=1)
    return dflat.reshape(x_shape)


def global_avg_pool_forward(x):
    """The average of each channel of each map.

    Parameters
    ----------
    x : array, shape (N, H, W, C)

    Returns
    -------
    out : array, shape (N, C)
    cache : tuple
        What :func:`global_avg_pool_backward` needs.
    """
    x = check_maps(x)
    return x.mean(axis=(1, 2)), (x.shape, x.dtype)


def global_avg_pool_backward(dout, cache):
    """Gradient of :func:`global_avg_pool_forward`: ``dout / (H * W)`` everywhere.

    Parameters
    ----------
    dout : array, shape (N, C)
    cache : tuple

    Returns
    -------
    dx : array, shape (N, H, W, C)
    """
    x_shape, dtype = cache
    dout = check_dout(dout, (x_shape[0], x_shape[3]), dtype)
    share = dout / (x_shape[1] * x_shape[2])
    return np.broadcast_to(share[:, None, None, :], x_shape).copy()
