"""Checkers for the convolution exercises: the 2-D map, its size, its backward pass.

Every expected value is computed by cnnlib (:func:`cnnlib.conv2d`,
:func:`cnnlib.conv_output_size`, :func:`cnnlib.functional.conv2d_backward`)
or, for the backward pass, also by central differences
(:mod:`cnnlib.gradcheck`). Only the inputs of worked example E1 are typed in.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlib.exercises.report import Case, Exercise, Mistake, Output, check_fn, run
from cnnlib.functional.conv import conv2d_backward, conv2d_forward
from cnnlib.gradcheck import numerical_gradient_of_output
from cnnlib.ops import conv2d
from cnnlib.shapes import conv_output_size

# Worked example E1 of the seeds: a 5×5 binary image and a 3×3 kernel.
E1_IMAGE = np.array(
    [[1, 0, 1, 0, 1], [1, 0, 0, 1, 1], [0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 1, 0]]
)
E1_KERNEL = np.array([[0, 1, 0], [1, 0, -1], [0, 1, 0]])


def small_ints(seed: int, shape, low: int = -3, high: int = 4) -> np.ndarray:
    """A float array of whole numbers in ``[low, high)``: easy to read in a message."""
    return np.random.default_rng(seed).integers(low, high, shape).astype(np.float64)


def drop_last_window(out, x, k, stride, padding):
    """What ``range(n - f)`` instead of ``range(n - f + 1)`` gives: the last window lost.

    That window is lost only on an axis where it ends exactly at the border.
    """
    for axis in (0, 1):
        n = x.shape[axis] + 2 * padding
        if (n - k.shape[axis]) % stride == 0:
            out = out[:-1] if axis == 0 else out[:, :-1]
    return out


CONV2D = Exercise(
    call="fn(x, k, stride=1, padding=0)",
    outputs=(Output("the result"),),
    mistakes=(
        Mistake(
            "the result",
            lambda x, k, s, p: conv2d(x, np.flip(k), stride=s, padding=p),
            "this is what the kernel rotated by 180° gives (a true convolution, as in "
            "signal processing). CNN layers do not flip: multiply x[i + u, j + v] by "
            "k[u, v] (cross-correlation).",
        ),
        Mistake(
            "the result",
            lambda x, k, s, p: drop_last_window(conv2d(x, k, stride=s, padding=p), x, k, s, p),
            "the last window is missing: the window starts run up to n - f inclusive, so "
            "a stride-1 loop is range(n - f + 1), not range(n - f).",
        ),
        Mistake(
            "the result",
            lambda x, k, s, p: conv2d(x, k, stride=1, padding=p),
            "this is the stride-1 result: the window must move `stride` pixels at a time "
            "(output (i, j) reads the window starting at row i*stride, column j*stride).",
        ),
        Mistake(
            "the result",
            lambda x, k, s, p: conv2d(x, k, stride=s, padding=0),
            "this is the result without padding: first add `padding` rows and columns of "
            "zeros on every side (np.pad(x, padding)), then slide the kernel.",
        ),
    ),
)


def conv2d_cases() -> list[Case]:
    """The cases of :func:`check_conv2d`, from worked example E1 to the edge cases."""
    specs = [
        ("the E1 example (5×5 image, 3×3 kernel)", E1_IMAGE, E1_KERNEL, 1, 0,
         "follow E1 by hand: output (i, j) is the sum of x[i:i+3, j:j+3] * k."),
        ("a non-square 2×3 kernel", small_ints(1, (4, 5)), small_ints(2, (2, 3)), 1, 0,
         "use the kernel's own height and width, kh, kw = k.shape: the output is "
         "(H - kh + 1) × (W - kw + 1)."),
        ("a non-square 4×6 input", small_ints(3, (4, 6)), small_ints(4, (3, 3)), 1, 0,
         "rows and columns have their own sizes: loop i over the output rows and j "
         "over the output columns, H_out = H - kh + 1 and W_out = W - kw + 1."),
        ("stride 2 on E1 (the windows fit exactly)", E1_IMAGE, E1_KERNEL, 2, 0,
         "with stride s the window of output (i, j) starts at row i*s, column j*s, "
         "and there are (n - f) // s + 1 of them along each axis."),
        ("stride 2 with the floor rule (6×6 input: a column left over)",
         small_ints(5, (6, 6)), small_ints(6, (3, 3)), 2, 0,
         "(6 - 3) / 2 + 1 = 2.5 windows: round down. A window that would stick out past "
         "the border is dropped: the size is (n - f) // s + 1."),
        ("stride 3, larger than the 2×2 kernel", small_ints(7, (7, 7)),
         small_ints(8, (2, 2)), 3, 0,
         "the stride and the kernel size are separate numbers: windows start every "
         "`stride` pixels, and some pixels are then never read."),
        ("padding 1 on E1 (a 5×5 map)", E1_IMAGE, E1_KERNEL, 1, 1,
         "pad first, with `padding` zeros on every side (np.pad(x, padding)), then "
         "convolve the padded image; the output is (n + 2p - f) // s + 1 wide."),
        ("padding 1 with stride 2 and a 4×4 kernel", small_ints(9, (6, 7)),
         small_ints(10, (4, 4)), 2, 1,
         "padding and stride together: (n + 2p - f) // s + 1 windows along each axis, "
         "starting at 0, s, 2s, ... in the padded image."),
        ("a kernel as large as the input (one value)", small_ints(11, (3, 3)),
         small_ints(12, (3, 3)), 1, 0,
         "with f = n there is exactly one window: the output is 1 × 1, a 2-D array."),
        ("a 1×1 kernel (a scaled copy of the input)", small_ints(13, (3, 4)),
         np.array([[2.0]]), 1, 0,
         "a 1×1 kernel multiplies every pixel by its one weight: n - 1 + 1 = n windows."),
    ]  # fmt: skip
    return [
        Case(
            name,
            {"x": x, "k": k, "stride": s, "padding": p},
            conv2d(x, k, stride=s, padding=p),
            hint,
        )
        for name, x, k, s, p, hint in specs
    ]


def check_conv2d(fn) -> bool:
    """Check a 2-D convolution ``fn(x, k, stride=1, padding=0)`` written by the reader.

    ``x`` and ``k`` are 2-D arrays; ``fn`` must return the 2-D feature map of
    size ``(n + 2 padding - f) // stride + 1`` along each axis, computed as
    every framework does (cross-correlation: the kernel is not flipped).
    The arguments are passed by position, ``fn(x, k, stride, padding)``. The
    cases run from worked example E1 to non-square kernels, strides other
    than the kernel size, the floor rule and padding; each expected map is
    :func:`cnnlib.conv2d`'s. Prints the first failing case with a hint, or
    what passed; returns whether every case passed.

    Examples
    --------
    >>> import cnnlib as cl
    >>> def conv(x, k, stride=1, padding=0):
    ...     return cl.conv2d(x, k, stride=stride, padding=padding)
    >>> check_conv2d(conv)  # doctest: +ELLIPSIS
    All 10 cases pass:
    - the E1 example (5×5 image, 3×3 kernel)
    ...
    True
    """
    check_fn(fn, "check_conv2d")
    return run(fn, conv2d_cases(), CONV2D)


# A slip that an earlier case can tell apart comes later: without the + 1 the
# first case already fails, so on a padding case "n + p" is the likelier slip.
OUTPUT_SIZE = Exercise(
    call="fn(n, f, padding, stride)",
    outputs=(Output("the size", kind="int"),),
    mistakes=(
        Mistake(
            "the size",
            lambda n, f, p, s: round((n + 2 * p - f) / s) + 1,
            "that is round() where the formula floors: a window that would stick out "
            "past the border is dropped, so use (n + 2p - f) // s + 1.",
        ),
        Mistake(
            "the size",
            lambda n, f, p, s: math.ceil((n + 2 * p - f) / s) + 1,
            "that is the ceiling; the formula rounds down: (n + 2p - f) // s + 1 "
            "(a window that would stick out past the border is dropped).",
        ),
        Mistake(
            "the size",
            lambda n, f, p, s: (n + p - f) // s + 1,
            "the padding goes on both sides: n + 2p, not n + p.",
        ),
        Mistake(
            "the size",
            lambda n, f, p, s: (n - f) // s + 1,
            "the padding is missing: the padded input has n + 2p pixels.",
        ),
        Mistake(
            "the size",
            lambda n, f, p, s: (n + 2 * p - f) // s,
            "one too few: count the first window too, (n + 2p - f) // s + 1.",
        ),
        Mistake(
            "the size",
            lambda n, f, p, s: n + 2 * p - f + 1,
            "the stride is missing: divide the free room n + 2p - f by s (rounding "
            "down) before adding 1.",
        ),
        Mistake(
            "the size",
            lambda n, f, p, s: (n + 2 * p - f + 1) // s,
            "the + 1 is inside the division: (n + 2p - f) // s + 1, the 1 counting the "
            "first window.",
        ),
    ),
)


def output_size_cases() -> list[Case]:
    """The cases of :func:`check_output_size`, each expected size from cnnlib."""
    specs = [
        ("E1: n=5, f=3, no padding, stride 1", 5, 3, 0, 1),
        ("E4: n=5, f=3, padding 1 (the size is kept)", 5, 3, 1, 1),
        ("E4: n=5, f=3, stride 2 (the windows fit exactly)", 5, 3, 0, 2),
        ("E13: n=8, f=3, stride 2 (2.5 rounds down to 2, then + 1)", 8, 3, 0, 2),
        ("E12: n=6, f=3, padding 1 ('same' for stride 1)", 6, 3, 1, 1),
        ("n=7, f=2, stride 3 (5/3 = 1.67 rounds down)", 7, 2, 0, 3),
        ("n=9, f=3, padding 1, stride 4 (1.5 rounds down)", 9, 3, 1, 4),
        ("n=3, f=3: a window as large as the input", 3, 3, 0, 1),
        ("n=227, f=11, stride 4 (AlexNet's first layer)", 227, 11, 0, 4),
        ("n=28, f=5, padding 2 (LeNet-style 'same')", 28, 5, 2, 1),
        ("n=1, f=1: the smallest input", 1, 1, 0, 1),
    ]
    hints = {
        1: "with stride s the formula is (n + 2p - f) // s + 1.",
        3: "(8 - 3) / 2 = 2.5: the formula rounds down, // in Python, before the + 1.",
    }
    return [
        Case(
            name,
            {"n": n, "f": f, "padding": p, "stride": s},
            conv_output_size(n, f, padding=p, stride=s),
            hints.get(i, "the size is (n + 2p - f) // s + 1: p zeros on each side, the "
                      "floor of the division, and + 1 for the first window."),
        )
        for i, (name, n, f, p, s) in enumerate(specs)
    ]  # fmt: skip


def check_output_size(fn) -> bool:
    """Check ``fn(n, f, padding, stride)``, the number of window positions along an axis.

    ``fn`` must return an int, ``floor((n + 2 padding - f) / stride) + 1``,
    for an input of ``n`` pixels, a window of ``f``, ``padding`` zeros on
    each side and the given stride. A float such as ``3.0`` is refused: a
    size is used in ``range()`` and ``np.zeros``, which need ints. Expected
    sizes come from :func:`cnnlib.conv_output_size`. Prints the first
    failing case with a hint, or what passed; returns whether all passed.

    Examples
    --------
    >>> check_output_size(lambda n, f, p, s: (n + 2 * p - f) // s + 1)  # doctest: +ELLIPSIS
    All 11 cases pass:
    - E1: n=5, f=3, no padding, stride 1
    ...
    True
    """
    check_fn(fn, "check_output_size")
    return run(fn, output_size_cases(), OUTPUT_SIZE)


def conv_backward_reference(x, w, dout):
    """``(dx, dw, db)`` of a stride-1, unpadded convolution, from cnnlib."""
    _, cache = conv2d_forward(x, w)
    return conv2d_backward(dout, cache)


def numerical_conv_backward(x, w, dout):
    """``(dx, dw, db)`` by central differences of ``sum(conv(x, w, b) * dout)``."""
    x, w = x.copy(), w.copy()
    b = np.zeros(w.shape[3])

    def forward():
        return conv2d_forward(x, w, b)[0]

    return tuple(numerical_gradient_of_output(forward, a, dout) for a in (x, w, b))


CONV2D_BACKWARD = Exercise(
    call="fn(x, w, dout)",
    outputs=(Output("dx", panel=(1, 2)), Output("dw", panel=(0, 1)), Output("db")),
    mistakes=(
        Mistake(
            "dx",
            lambda x, w, dout: conv_backward_reference(x, w[::-1, ::-1], dout)[0],
            "dx is a 'full' convolution of dout with the kernel rotated by 180°: "
            "dx[n, i + u, j + v, c] += dout[n, i, j, k] * w[u, v, c, k]. Sliding the "
            "unrotated kernel over the padded dout is the mistake this result shows.",
        ),
        Mistake(
            "dw",
            lambda x, w, dout: conv_backward_reference(x, w, dout)[1][::-1, ::-1],
            "dw is the kernel rotated by 180°: dw[u, v] pairs dout[i, j] with "
            "x[i + u, j + v], not x[i - u, j - v].",
        ),
        Mistake(
            "dw",
            lambda x, w, dout: conv_backward_reference(x[:1], w, dout[:1])[1],
            "dw holds only the first image's share: sum over the whole batch (the "
            "same kernel is used on every image).",
        ),
        Mistake(
            "dw",
            lambda x, w, dout: conv_backward_reference(x, w, dout)[1] / len(x),
            "dw is divided by the batch size: the mean over the batch is already in "
            "dout (the loss's gradient); here just add up every image's share.",
        ),
        Mistake(
            "db",
            lambda x, w, dout: dout.mean(axis=(0, 1, 2)),
            "db is the sum of dout over the batch and every position, not the mean.",
        ),
        Mistake(
            "db",
            lambda x, w, dout: dout.sum(axis=(1, 2)),
            "db has one value per filter: sum dout over the batch axis too, "
            "dout.sum(axis=(0, 1, 2)).",
        ),
    ),
)


def conv2d_backward_cases() -> list[Case]:
    """The cases of :func:`check_conv2d_backward`; the last is checked numerically."""
    specs = [
        ("one 4×4 image, one channel, a 3×3 kernel", (1, 4, 4, 1), (3, 3, 1, 1),
         "start from the forward loop out[n, i, j, k] += x[n, i+u, j+v, c] * "
         "w[u, v, c, k] and give each product's two factors their share: "
         "dx[n, i+u, j+v, c] += dout[n, i, j, k] * w[u, v, c, k], "
         "dw[u, v, c, k] += dout[n, i, j, k] * x[n, i+u, j+v, c]."),
        ("a non-square 2×3 kernel on a 4×5 image", (1, 4, 5, 1), (2, 3, 1, 1),
         "the kernel's height and width differ: use kh, kw = w.shape[:2] and the "
         "output size H - kh + 1, W - kw + 1."),
        ("a batch of 2 images (dw and db add up over the batch)", (2, 4, 4, 1),
         (3, 3, 1, 1),
         "the same kernel is applied to every image, so dw and db sum the "
         "contributions of all of them; dx keeps one slice per image."),
        ("3 input channels and 2 filters", (2, 5, 4, 3), (3, 2, 3, 2),
         "dx[..., c] gathers from every filter k, and dw[:, :, c, k] pairs input "
         "channel c with filter k's output gradient; db has one value per filter."),
        ("a kernel as large as the input (a 1×1 output)", (2, 3, 3, 2), (3, 3, 2, 2),
         "one output position per filter: dw is then the input weighted by dout, "
         "and dx the kernel weighted by dout."),
    ]  # fmt: skip
    cases = []
    for seed, (name, x_shape, w_shape, hint) in enumerate(specs):
        x, w = small_ints(20 + seed, x_shape), small_ints(40 + seed, w_shape)
        out_shape = (x_shape[0], x_shape[1] - w_shape[0] + 1, x_shape[2] - w_shape[1] + 1)
        dout = small_ints(60 + seed, (*out_shape, w_shape[3]))
        expected = conv_backward_reference(x, w, dout)
        cases.append(Case(name, {"x": x, "w": w, "dout": dout}, expected, hint))
    rng = np.random.default_rng(80)
    x, w = rng.standard_normal((2, 5, 5, 2)), rng.standard_normal((3, 3, 2, 3))
    dout = rng.standard_normal((2, 3, 3, 3))
    cases.append(
        Case(
            "random values, against a numerical gradient (central differences)",
            {"x": x, "w": w, "dout": dout},
            numerical_conv_backward(x, w, dout),
            "the numerical gradient nudges each input and weight and watches the "
            "loss: a sum of dout * output. Check the index arithmetic in your loops.",
        )
    )
    return cases


def check_conv2d_backward(fn) -> bool:
    """Check a convolution's backward pass ``fn(x, w, dout) -> (dx, dw, db)``.

    The forward pass is the stride-1 convolution without padding of the
    batch ``x`` ``(N, H, W, C_in)`` with the kernel ``w``
    ``(KH, KW, C_in, C_out)``, plus a bias ``b`` ``(C_out,)``; ``dout`` is
    the gradient of the loss with respect to its output
    ``(N, H - KH + 1, W - KW + 1, C_out)``. ``fn`` must return the gradients
    with respect to ``x``, ``w`` and ``b``, shaped like them. Expected values
    come from :func:`cnnlib.functional.conv2d_backward`; the last case
    compares with a numerical gradient (:mod:`cnnlib.gradcheck`) instead.
    Prints the first failing case with a hint, or what passed; returns
    whether every case passed.

    Examples
    --------
    >>> from cnnlib.functional import conv2d_forward, conv2d_backward
    >>> def backward(x, w, dout):
    ...     return conv2d_backward(dout, conv2d_forward(x, w)[1])
    >>> check_conv2d_backward(backward)  # doctest: +ELLIPSIS
    All 6 cases pass:
    ...
    True
    """
    check_fn(fn, "check_conv2d_backward")
    return run(fn, conv2d_backward_cases(), CONV2D_BACKWARD)
