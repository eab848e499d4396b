"""2-D convolution (cross-correlation), forward and backward, vectorised.

Shapes (NHWC, as Keras):

- ``x``: ``(N, H, W, C_in)``
- ``w``: ``(KH, KW, C_in, C_out)``
- ``b``: ``(C_out,)``
- ``out``: ``(N, H_out, W_out, C_out)`` with ``H_out`` and ``W_out`` from
  :func:`cnnlib.conv_output_size`.

The forward pass is im2col: every receptive field is copied into one row of a
matrix, and a single matrix product with the reshaped kernel computes every
output value at once. The backward pass goes through the kernel offsets
``(u, v)`` one at a time (nine for a 3×3 kernel): the input pixels that
offset touched, one per output position, are a strided slice of the input, so
two matrix products per offset give its share of ``dw`` and of ``dx``.

Layers that step one row at a time with enough channels take a faster route
with the same results, :mod:`cnnlib.functional.conv_rows`, which copies each
pixel ``KW`` times instead of ``KH * KW`` times.

Dilation (``dilation=d``: the kernel's taps ``d`` pixels apart) changes only
where the taps read, never how many there are, so both routes take it as it
comes: im2col picks every ``d``-th pixel of a window ``d (KH - 1) + 1`` wide,
the offset ``(u, v)`` reads the slice that starts at ``(u * dh, v * dw)``,
and in the window-rows layout kernel row ``u`` meets the padded row ``u * dh``
below the window's first. A dilated layer takes the route that an undilated
layer of the same stride and channels would take.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array, cast_to_xw_dtype, check_dout, check_ndim, pair
from cnnlib.functional import conv_rows
from cnnlib.functional.im2col import im2col
from cnnlib.functional.scratch import empty
from cnnlib.shapes import conv_output_shape, dilated_size, resolve_padding

# With fewer input channels than this, a window row is too short a vector for
# conv_rows' matrix products to beat im2col's single one.
ROWS_MIN_CHANNELS = 8


def uses_window_rows(w_shape, stride) -> bool:
    """Whether a convolution takes the window-rows route of :mod:`~cnnlib.functional.conv_rows`."""
    return stride[0] == 1 and w_shape[2] >= ROWS_MIN_CHANNELS


def check_conv_args(x, w, b, stride, padding, dilation=1):
    """Validate and normalise the arguments of a convolution.

    Returns ``x, w, b, (sh, sw), ((top, bottom), (left, right)), (H_out, W_out)``
    with the arrays as floating point of one common dtype.
    """
    x = as_float_array(x, "x")
    w = as_float_array(w, "w")
    check_ndim(x, 4, "x", "(N, H, W, C_in)")
    check_ndim(w, 4, "w", "(KH, KW, C_in, C_out)")
    kh, kw, c_in, c_out = w.shape
    if x.shape[3] != c_in:
        raise ValueError(
            f"channel mismatch: x has {x.shape[3]} channels (x.shape={x.shape}, last axis) "
            f"but w expects C_in={c_in} (w.shape={w.shape}, third axis); "
            f"expected w.shape[2] == {x.shape[3]}"
        )
    if 0 in w.shape:
        raise ValueError(f"w must not have an empty axis; received w.shape={w.shape}")
    if 0 in x.shape[1:]:
        raise ValueError(f"x must not have an empty axis; received x.shape={x.shape}")
    if b is None:
        b = np.zeros(c_out, dtype=w.dtype)
    b = as_float_array(b, "b")
    if b.shape != (c_out,):
        raise ValueError(
            f"b must have one value per filter: expected shape ({c_out},) "
            f"to match w.shape={w.shape}; received b.shape={b.shape}"
        )
    x, w, b = cast_to_xw_dtype(x, w, b)
    stride = pair(stride, "stride")
    dilation = pair(dilation, "dilation")
    pads = resolve_padding(padding, x.shape[1:3], (kh, kw), stride, dilation_hw=dilation)
    for axis, n, f, d, (before, after) in (
        ("height", x.shape[1], kh, dilation[0], pads[0]),
        ("width", x.shape[2], kw, dilation[1], pads[1]),
    ):
        if dilated_size(f, d) > n + before + after:
            spans = f" with dilation {d} spans {dilated_size(f, d)}" if d > 1 else ""
            raise ValueError(
                f"the kernel is larger than the padded input along the {axis}: "
                f"kernel {axis} {f}{spans} > input {axis} {n} + padding {before + after}; "
                f"use a smaller kernel or more padding (x.shape={x.shape}, w.shape={w.shape}, "
                f"padding={padding!r})"
            )
    out_hw = conv_output_shape(x.shape[1:3], (kh, kw), pads, stride, dilation)
    return x, w, b, stride, pads, out_hw


def pad_hw(x: np.ndarray, pads) -> np.ndarray:
    """Add zeros around the height and width axes of an NHWC array."""
    if pads == ((0, 0), (0, 0)):
        return x
    return np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))


def conv2d_forward(x, w, b=None, stride=1, padding="valid", dilation=1, scratch=None):
    """Convolve a batch of images with a bank of filters.

    As in every deep-learning framework, this is a cross-correlation: the
    kernel is not flipped. ``out[n, i, j, k] = b[k] + sum over (u, v, c) of
    x_padded[n, i*sh + u*dh, j*sw + v*dw, c] * w[u, v, c, k]``.

    Parameters
    ----------
    x : array, shape (N, H, W, C_in)
        Batch of images or feature maps.
    w : array, shape (KH, KW, C_in, C_out)
        One kernel of shape ``(KH, KW, C_in)`` for each of ``C_out`` filters.
    b : array, shape (C_out,), optional
        One bias per filter (zeros when ``None``).
    stride : int or (int, int)
        Step of the window along the height and the width.
    padding : "valid", "same", int or (int, int)
        "valid" adds no zeros; "same" adds the zeros that make
        ``H_out = ceil(H / sh)`` (Keras/TensorFlow rule; the odd zero goes to the
        bottom or right); an int ``p`` adds ``p`` zeros on every side.
    dilation : int or (int, int)
        Distance between neighbouring taps of the kernel (Keras'
        ``dilation_rate``): a 3×3 kernel with dilation 2 reads a 5×5 patch,
        every second pixel of it. 1 is the ordinary convolution.
    scratch : Scratch, optional
        Memory for the temporaries, reused from call to call (a layer passes
        its own; see :mod:`cnnlib.functional.scratch`). The cache then points
        into it: run the backward pass once, before the next forward pass (it
        may reuse the cached temporaries for its own).

    Returns
    -------
    out : array, shape (N, H_out, W_out, C_out)
        ``H_out = floor((H + 2p - dh (KH - 1) - 1) / sh) + 1``, from
        :func:`cnnlib.conv_output_size`.
    cache : tuple
        What :func:`conv2d_backward` needs.
    """
    x, w, b, stride, pads, out_hw = check_conv_args(x, w, b, stride, padding, dilation)
    dilation = pair(dilation, "dilation")
    kh, kw, c_in, c_out = w.shape
    xp = pad_hw(x, pads)
    if uses_window_rows(w.shape, stride):  # the same result, faster: see conv_rows
        out, rows_cache = conv_rows.forward(xp, w, b, stride[1], out_hw, scratch, dilation)
        return out, ("rows", x.shape, pads, w, out_hw, rows_cache)
    cols = empty(scratch, "cols", (x.shape[0] * out_hw[0] * out_hw[1], kh * kw * c_in), w.dtype)
    im2col(xp, (kh, kw), stride, out_hw, out=cols, dilation=dilation)  # (N*H_out*W_out, KH*KW*C)
    out = np.matmul(cols, w.reshape(kh * kw * c_in, c_out))
    out += b
    # The cache keeps the padded input, not the (KH * KW times larger) im2col
    # matrix; only in scratch, where it stays anyway, is the matrix kept for dw.
    kept = cols if scratch is not None else None
    cache = ("im2col", x.shape, pads, w, out_hw, (xp, stride, scratch, kept, dilation))
    return out.reshape(x.shape[0], *out_hw, c_out), cache


def conv2d_backward(dout, cache, input_grad=True):
    """Gradients of :func:`conv2d_forward` with respect to ``x``, ``w`` and ``b``.

    Parameters
    ----------
    dout : array, shape (N, H_out, W_out, C_out)
        Gradient of the loss with respect to the output.
    cache : tuple
        The cache returned by :func:`conv2d_forward`.
    input_grad : bool
        Compute ``dx``. A network's first layer does not need it (nothing
        comes before the image), and skipping it saves a third of the work.

    Returns
    -------
    dx : array, shape (N, H, W, C_in), or None when ``input_grad`` is False
        The output gradient spread back over every input pixel that each
        window touched (a "full" convolution with the flipped kernel).
    dw : array, shape (KH, KW, C_in, C_out)
        Each window's pixels weighted by the output gradient there, summed
        (a cross-correlation of the input with ``dout``).
    db : array, shape (C_out,)
        ``dout`` summed over the batch and every position.
    """
    route, x_shape, pads, w, out_hw, route_cache = cache
    dout = check_dout(dout, (x_shape[0], *out_hw, w.shape[3]), w.dtype)
    backward = conv_rows.backward if route == "rows" else backward_by_offsets
    dxp, dw = backward(dout, w, out_hw, route_cache, input_grad)
    d2 = dout.reshape(-1, w.shape[3])
    db = np.matmul(np.ones(len(d2), dout.dtype), d2)  # the column sums, as one fast product
    if dxp is None:
        return None, dw, db
    (top, _), (left, _) = pads
    return dxp[:, top : top + x_shape[1], left : left + x_shape[2]], dw, db


def backward_by_offsets(dout, w, out_hw, cache, input_grad=True):
    """``dxp`` (the gradient of the padded input, or None) and ``dw`` after im2col.

    One kernel offset ``(u, v)`` at a time: two matrix products give its
    share of both gradients. When the forward pass's im2col matrix is still
    at hand (in a layer's scratch), ``dw`` is instead the one product
    ``cols.T @ dout``.
    """
    xp, (sh, sw), scratch, cols, (rate_h, rate_w) = cache
    kh, kw, c_in, c_out = w.shape
    n, (ho, wo) = xp.shape[0], out_hw
    d2 = dout.reshape(-1, c_out)  # (N * H_out * W_out, C_out)
    dw = np.empty_like(w)
    if cols is not None:
        np.matmul(cols.T, d2, out=dw.reshape(-1, c_out))  # the dense layer's x.T @ dout
        if not input_grad:
            return None, dw
    dxp = np.zeros_like(xp) if input_grad else None
    patch = empty(scratch, "patch", (n, ho, wo, c_in), w.dtype) if cols is None else None
    dpatch = empty(scratch, "dpatch", (n * ho * wo, c_in), w.dtype) if input_grad else None
    # One kernel offset (u, v) at a time: the input pixels it touched form the
    # strided slice xp[:, u*rate_h::sh, v*rate_w::sw], one per output position.
    for u in range(kh):
        for v in range(kw):
            top, left = u * rate_h, v * rate_w  # where the dilated tap (u, v) reads
            window = (
                slice(None),
                slice(top, top + (ho - 1) * sh + 1, sh),
                slice(left, left + (wo - 1) * sw + 1, sw),
            )
            if cols is None:
                np.copyto(patch, xp[window])
                np.matmul(patch.reshape(-1, c_in).T, d2, out=dw[u, v])  # (C_in, C_out)
            if input_grad:
                np.matmul(d2, w[u, v].T, out=dpatch)  # (N * H_out * W_out, C_in)
                dxp[window] += dpatch.reshape(n, ho, wo, c_in)
    return dxp, dw
