"""im2col: every window of a padded batch copied into one row of a matrix."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def im2col(xp: np.ndarray, kernel_hw, stride, out_hw, out=None, dilation=(1, 1)) -> np.ndarray:
    """Copy every receptive field of the padded input ``xp`` into one row.

    Returns ``(N * H_out * W_out, KH * KW * C)``, each row ordered like
    ``w.reshape(KH * KW * C, C_out)`` so that ``im2col(...) @ w2d`` is the
    convolution. ``out``, if given, is the array to write it into. With a
    ``dilation`` ``(dh, dw)`` the window spans ``dh (KH - 1) + 1`` rows and
    keeps every ``dh``-th of them (likewise for the columns): a view of the
    full-span windows, strided, so the copy is still one ``np.copyto``.
    """
    kh, kw = kernel_hw
    sh, sw = stride
    ho, wo = out_hw
    dh, dw = dilation
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = sliding_window_view(xp, span, axis=(1, 2))  # (N, H', W', C, span_h, span_w)
    windows = windows[:, : (ho - 1) * sh + 1 : sh, : (wo - 1) * sw + 1 : sw, :, ::dh, ::dw]
    n, c = xp.shape[0], xp.shape[3]
    if out is None:
        out = np.empty((n * ho * wo, kh * kw * c), dtype=xp.dtype)
    np.copyto(out.reshape(n, ho, wo, kh, kw, c), windows.transpose(0, 1, 2, 4, 5, 3))
    return out
