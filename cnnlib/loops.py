"""Readable loop versions of the operations, written the way the slides explain them.

They are slow on purpose: one Python loop per image, per output position and
per filter, so each line reads like a step of the hand calculation. The book
uses them to teach and the tests use them as the reference that the
vectorised functions in :mod:`cnnlib.functional` must match.
"""

from __future__ import annotations

import numpy as np

from cnnlib.functional.conv import check_conv_args, pad_hw
from cnnlib.functional.pooling import check_pool_args


def conv2d(x, w, b=None, stride=1, padding="valid", dilation=1):
    """Convolution (cross-correlation) with explicit loops.

    Same arguments, shapes and result as :func:`cnnlib.functional.conv2d_forward`
    (without the cache). With dilation ``d`` the window spans ``d (KH - 1) + 1``
    rows and keeps every ``d``-th of them (likewise for the columns).
    """
    x, w, b, (sh, sw), pads, (ho, wo) = check_conv_args(x, w, b, stride, padding, dilation)
    dh, dw = (dilation, dilation) if np.ndim(dilation) == 0 else dilation
    kh, kw, _, c_out = w.shape
    xp = pad_hw(x, pads)
    out = np.zeros((x.shape[0], ho, wo, c_out), dtype=x.dtype)
    for n in range(x.shape[0]):  # every image
        for i in range(ho):  # every output row
            for j in range(wo):  # every output column
                top, left = i * sh, j * sw
                bottom, right = top + dh * (kh - 1) + 1, left + dw * (kw - 1) + 1
                window = xp[n, top:bottom:dh, left:right:dw, :]  # (KH, KW, C_in)
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
