"""Readable loop versions of the operations, written the way the slides explain them.

They are slow on purpose: one Python loop per image, per output position and
per filter, so each line reads like a step of the hand calculation. The book
uses them to teach and the tests use them as the reference that the
vectorised functions in :mod:`cnnlib.functional` must match.
"""

from __future__ import annotations

import numpy as np

from cnnlib.functional.conv import check_conv_args, pad_hw


def conv2d(x, w, b=None, stride=1, padding="valid"):
    """Convolution (cross-correlation) with explicit loops.

    Same arguments, shapes and result as :func:`cnnlib.functional.conv2d_forward`
    (without the cache).
    """
    x, w, b, (sh, sw), pads, (ho, wo) = check_conv_args(x, w, b, stride, padding)
    kh, kw, _, c_out = w.shape
    xp = pad_hw(x, pads)
    out = np.zeros((x.shape[0], ho, wo, c_out), dtype=x.dtype)
    for n in range(x.shape[0]):  # every image
        for i in range(ho):  # every output row
            for j in range(wo):  # every output column
                top, left = i * sh, j * sw
                window = xp[n, top : top + kh, left : left + kw, :]  # (KH, KW, C_in)
                for k in range(c_out):  # every filter
                    out[n, i, j, k] = np.sum(window * w[:, :, :, k]) + b[k]
    return out
