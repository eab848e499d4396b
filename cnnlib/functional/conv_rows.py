"""The fast layout for convolutions that step one row at a time: window rows.

im2col (:mod:`cnnlib.functional.conv`) copies every pixel ``KH * KW`` times,
once for each window that covers it. When the window moves down one row at a
time (stride 1 along the height) most of that copying can be left to the
memory layout instead.

Cut every window into its ``KH`` rows. One *window row* is ``KW`` neighbouring
pixels of one input row, with all their channels: ``KW * C_in`` numbers. The
matrix ``R`` holds the window rows that start at every padded input row ``y``
and every output column ``j``, in the order ``(n, y, j)``, so each pixel is
copied only ``KW`` times. It is im2col with a window one row high and
``H_padded`` output rows. Window ``(i, j)`` of image ``n`` is made of the rows
``(n, i + u, j)`` for ``u = 0 .. KH - 1``, and in the flattened matrix row
``(n, i + u, j)`` sits exactly ``u * W_out`` rows below row ``(n, i, j)``. So
the rows that kernel row ``u`` meets, over the whole batch, are one
contiguous block of ``R`` shifted by ``u * W_out`` — a view, no copy:

    out = sum over u of  R[u * W_out : u * W_out + M] @ w[u]

with ``w[u]`` the kernel's row ``u`` as a ``(KW * C_in, C_out)`` matrix. The
products also compute "outputs" at the last ``KH - 1`` padded rows of each
image, where the window would hang over the next image; they are dropped.
That costs ``(KH - 1) / H_out`` extra work (8% for the seed classifier's
second layer) and saves two thirds of the copying. The backward pass moves
the shifts onto ``dout`` instead, copying it ``KH`` times side by side; then
each gradient is one larger matrix product, with no partial sums to add up,
and the gradient of ``R`` is spread back over the ``KW`` pixels of each
window row.

Dilation ``(dh, dw)`` fits the same layout: a window row holds ``KW`` pixels
``dw`` apart, and kernel row ``u`` meets the padded row ``u * dh`` below the
window's first, so its block of ``R`` is shifted by ``u * dh * W_out`` rows.
"""

from __future__ import annotations

import numpy as np

from cnnlib.functional.im2col import im2col
from cnnlib.functional.scratch import empty


def forward(xp, w, b, sw, out_hw, scratch=None, dilation=(1, 1)):
    """Convolution of the padded batch ``xp`` (height stride 1) by window rows.

    Returns ``out`` of shape ``(N, H_out, W_out, C_out)`` and the cache. The
    temporaries, ``R`` included, live in ``scratch`` if one is given (see
    :mod:`cnnlib.functional.scratch`).
    """
    kh, kw, c_in, c_out = w.shape
    n, hp = xp.shape[:2]
    ho, wo = out_hw
    dh, dw = dilation
    rows = empty(scratch, "rows", (n * hp * wo, kw * c_in), w.dtype)
    im2col(xp, (1, kw), (1, sw), (hp, wo), out=rows, dilation=(1, dw))  # one row high: R
    w_rows = w.reshape(kh, kw * c_in, c_out)  # kernel row u as a matrix
    m = n * hp * wo - (kh - 1) * dh * wo  # rows of R that start a window (and a few more)
    # The running sum and one term; the backward pass reuses this memory for G.
    acc, term = empty(scratch, "grid", (2, n * hp * wo, c_out), w.dtype)
    np.matmul(rows[:m], w_rows[0], out=acc[:m])
    term = term[:m]
    for u in range(1, kh):
        shift = u * dh * wo  # kernel row u reads the padded row u * dh below
        np.matmul(rows[shift : shift + m], w_rows[u], out=term)
        acc[:m] += term
    out = np.add(acc.reshape(n, hp, wo, c_out)[:, :ho], b)  # drop the overhanging rows
    return out, (rows, xp.shape, sw, scratch, dilation)


def backward(dout, w, out_hw, cache, input_grad=True):
    """Gradients ``dxp`` (of the padded input, or None when not ``input_grad``) and ``dw``.

    Row ``(n, y, j)`` of ``R`` is row ``u`` of the window that starts at
    ``(n, y - u dh, j)``, for each ``u`` for which that window exists. ``G``
    lines up the gradients of those windows side by side: ``G[n, y, j, u] =
    dout[n, y - u dh, j]``, or 0 where no window starts (``dout`` copied ``KH``
    times, shifted: im2col of ``dout`` along the height). Then each gradient is
    one matrix product, ``dW = R.T @ G`` (every kernel row at once) and
    ``dR = G @ W.T`` (every window a row belongs to at once).
    """
    rows, xp_shape, sw, scratch, (rate_h, rate_w) = cache
    ho, wo = out_hw
    kh, kw, c_in, c_out = w.shape
    n, hp = xp_shape[:2]
    g = empty(scratch, "grid", (n, hp, wo, kh, c_out), w.dtype)
    for u in range(kh):
        top = u * rate_h  # the window starting at row y - u dh reads row y with kernel row u
        g[:, :top, :, u] = 0
        g[:, top : top + ho, :, u] = dout
        g[:, top + ho :, :, u] = 0
    g = g.reshape(n * hp * wo, kh * c_out)
    dw = np.matmul(rows.T, g)  # (KW * C_in, KH * C_out): column block u is kernel row u
    dw = dw.reshape(kw, c_in, kh, c_out).transpose(2, 0, 1, 3).copy()
    if not input_grad:
        return None, dw
    w_t = w.reshape(kh, kw * c_in, c_out).transpose(0, 2, 1).reshape(kh * c_out, kw * c_in)
    # R is done with. In a scratch, its memory is a temporary anyway: dR takes it over.
    drows = rows if scratch is not None else np.empty(rows.shape, w.dtype)
    np.matmul(g, w_t, out=drows)
    # Each window row copied KW pixels: add their gradients back where they came from.
    drows = drows.reshape(n, hp, wo, kw, c_in)
    span = (wo - 1) * sw + 1  # the columns that pixel v of the window rows covers, from v dw
    if sw == 1:  # pixel 0 covers the first span columns: assign them, zero only the rest
        dxp = np.empty(xp_shape, dtype=w.dtype)
        dxp[:, :, span:] = 0
        dxp[:, :, :span] = drows[:, :, :, 0]
    else:  # wider steps leave gaps between the windows: start from zeros
        dxp = np.zeros(xp_shape, dtype=w.dtype)
    for v in range(1 if sw == 1 else 0, kw):
        dxp[:, :, v * rate_w : v * rate_w + span : sw] += drows[:, :, :, v]
    return dxp, dw
