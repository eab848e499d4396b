"""Forward-only conveniences for the chapters: plain arrays in, plain arrays out.

They accept the small examples of the book as they are written (a single 2-D
image and a 2-D kernel, say) and call the vectorised functions of
:mod:`cnnlib.functional` underneath.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array
from cnnlib.functional.conv import conv2d_forward


def conv2d(x, kernel, bias=None, *, stride=1, padding="valid"):
    """Convolve an image with a kernel (cross-correlation, as in every framework).

    Accepts the shapes of the book's examples and returns matching ones:

    ==================  ======================  ====================
    ``x``               ``kernel``              result
    ==================  ======================  ====================
    ``(H, W)``          ``(KH, KW)``            ``(H_out, W_out)``
    ``(H, W, C)``       ``(KH, KW, C)``         ``(H_out, W_out)``
    ``(H, W, C)``       ``(KH, KW, C, F)``      ``(H_out, W_out, F)``
    ``(N, H, W, C)``    ``(KH, KW, C, F)``      ``(N, H_out, W_out, F)``
    ==================  ======================  ====================

    ``bias`` is a number or one value per filter. ``stride`` and ``padding`` are
    as in :func:`cnnlib.functional.conv2d_forward`; sizes follow
    :func:`cnnlib.conv_output_size`.

    Examples
    --------
    >>> conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[-4., -4.],
           [-4., -4.]])
    """
    x = as_float_array(x, "x")
    kernel = as_float_array(kernel, "kernel")
    if x.ndim not in (2, 3, 4):
        raise ValueError(
            "x must be an image of shape (H, W) or (H, W, C), or a batch (N, H, W, C); "
            f"received an array of shape {x.shape}"
        )
    if kernel.ndim not in (2, 3, 4):
        raise ValueError(
            "kernel must have shape (KH, KW), (KH, KW, C) or (KH, KW, C, F); "
            f"received an array of shape {kernel.shape}"
        )
    if x.ndim == 4 and kernel.ndim != 4:
        raise ValueError(
            "a batch x of shape (N, H, W, C) needs a kernel of shape (KH, KW, C, F); "
            f"received kernel.shape={kernel.shape}"
        )
    batch = x if x.ndim == 4 else (x[None, :, :, None] if x.ndim == 2 else x[None])
    w = kernel.reshape(kernel.shape + (1,) * (4 - kernel.ndim))
    if bias is not None:
        bias = as_float_array(bias, "bias")
        bias = np.broadcast_to(bias, (w.shape[3],)) if bias.ndim == 0 else bias
    out, _ = conv2d_forward(batch, w, bias, stride=stride, padding=padding)
    if kernel.ndim < 4:
        out = out[..., 0]
    return out if x.ndim == 4 else out[0]
