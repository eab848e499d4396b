"""Checkers for the pooling exercises: max, min and average pooling, max pooling's backward.

Expected values come from :func:`cnnlib.pool2d` and
:func:`cnnlib.functional.pool2d_backward`; the typical mistakes are small
loops of their own (:func:`maxpool_backward_loop`), so that a wrong result
can be recognised and named.
"""

from __future__ import annotations

import numpy as np

from cnnlib.exercises.conv import small_ints
from cnnlib.exercises.report import Case, Exercise, Mistake, Output, check_fn, run
from cnnlib.functional.pooling import pool2d_backward, pool2d_forward
from cnnlib.ops import pool2d

# Worked example E6 of the seeds: a 4×4 map, max pooled 2×2 with stride 2.
E6_MAP = np.array([[4, 123, 1, 34], [56, 99, 222, 253], [45, 122, 165, 12], [21, 187, 133, 124]])


def only_if(condition: bool, value):
    """``value``, or an error that tells :func:`~cnnlib.exercises.report.diagnose` to skip."""
    if not condition:
        raise LookupError("this mistake gives the right answer here")
    return value


def last_window_dropped(out, n_hw, size, stride):
    """``out`` without the last window of each axis where it ends exactly at the border."""
    for axis, n in enumerate(n_hw):
        if (n - size) % stride == 0:
            out = out[:-1] if axis == 0 else out[:, :-1]
    return out


POOL2D = Exercise(
    call="fn(x, size, stride, mode)",
    outputs=(Output("the result"),),
    mistakes=(
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(
                mode != "avg",
                (np.maximum if mode == "max" else np.minimum)(
                    pool2d(x, size, stride=s, mode=mode), 0
                ),
            ),
            "the extreme of each window seems to start from 0: a window of negative "
            "numbers has a negative maximum (and one of positive numbers a positive "
            "minimum). Start from the window's first element, or use window.max().",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(mode != "max", pool2d(x, size, stride=s)),
            "this is max pooling: mode='min' keeps each window's smallest value and "
            "mode='avg' its mean.",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(mode != "min", pool2d(x, size, stride=s, mode="min")),
            "this is min pooling: mode='max' keeps each window's largest value and "
            "mode='avg' its mean.",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(mode != "avg", pool2d(x, size, stride=s, mode="avg")),
            "this is average pooling: mode='max' keeps each window's largest value and "
            "mode='min' its smallest.",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(
                mode == "avg", pool2d(x, size, stride=s, mode="avg") * size
            ),
            "each window is divided by size; it holds size * size values: divide by "
            "that (or use window.mean()).",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(
                mode == "avg", pool2d(x, size, stride=s, mode="avg") * size**2
            ),
            "these are the windows' sums: average pooling divides each by the "
            "number of values in it, size * size.",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(s != size, pool2d(x, size, stride=size, mode=mode)),
            "the windows are placed `size` apart, but stride is its own argument: window "
            "(i, j) starts at row i*stride, column j*stride.",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: only_if(s != 1, pool2d(x, size, stride=1, mode=mode)),
            "this is the result with stride 1: window (i, j) starts at row i*stride, "
            "column j*stride.",
        ),
        Mistake(
            "the result",
            lambda x, size, s, mode: last_window_dropped(
                pool2d(x, size, stride=s, mode=mode), x.shape, size, s
            ),
            "the last window is missing: there are (n - size) // stride + 1 windows "
            "along an axis of n values, the last one starting at n - size.",
        ),
    ),
)


def pool2d_cases() -> list[Case]:
    """The cases of :func:`check_pool2d`, from worked example E6 to the edge cases."""
    specs = [
        ("the E6 map: 2×2 max pooling, stride 2", E6_MAP, 2, 2, "max",
         "split the 4×4 map into four 2×2 windows and keep each one's largest value."),
        ("the E6 map with average pooling", E6_MAP, 2, 2, "avg",
         "mode='avg' keeps each window's mean: its sum divided by size * size."),
        ("the E6 map with min pooling", E6_MAP, 2, 2, "min",
         "mode='min' keeps each window's smallest value."),
        ("3×3 windows with stride 1 (they overlap)", small_ints(101, (5, 5)), 3, 1, "max",
         "with stride 1 the windows overlap: window (i, j) covers rows i to i + 2 and "
         "columns j to j + 2, and there are 5 - 3 + 1 = 3 of them per axis."),
        ("stride 2 with the floor rule (5×5: the last row and column are left over)",
         small_ints(102, (5, 5)), 2, 2, "avg",
         "(5 - 2) / 2 + 1 = 2.5 windows: round down. The last row and column belong to "
         "no full window and are left out: (n - size) // stride + 1 windows per axis."),
        ("a non-square 4×6 map", small_ints(103, (4, 6)), 2, 2, "min",
         "the map has 4 rows and 6 columns: (4 - 2) // 2 + 1 = 2 rows of windows and "
         "(6 - 2) // 2 + 1 = 3 columns."),
        ("stride 3, larger than the 2×2 window (gaps between windows)",
         small_ints(104, (7, 7)), 2, 3, "max",
         "window (i, j) starts at row 3i, column 3j: the stride is not the window size."),
        ("all-negative values (their maximum is negative)", small_ints(105, (4, 4), -9, -1),
         2, 2, "max",
         "the maximum of negative numbers is negative: start from -inf or from the "
         "window's first element, not from 0."),
        ("all-positive values with min pooling", small_ints(106, (4, 4), 1, 9), 2, 1, "min",
         "the minimum of positive numbers is positive: start from inf or from the "
         "window's first element, not from 0."),
        ("a window as large as the map (one value)", small_ints(107, (3, 3)), 3, 1, "avg",
         "one window covers the whole 3×3 map: the result is a 1×1 array."),
    ]  # fmt: skip
    return [
        Case(
            name,
            {"x": x, "size": size, "stride": s, "mode": mode},
            pool2d(x, size, stride=s, mode=mode),
            hint,
        )
        for name, x, size, s, mode, hint in specs
    ]


def check_pool2d(fn) -> bool:
    """Check a 2-D pooling ``fn(x, size, stride, mode)`` written by the reader.

    ``x`` is a 2-D map, the windows are ``size × size`` and start every
    ``stride`` pixels, and ``mode`` is "max", "avg" or "min". ``fn`` must
    return the 2-D pooled map, ``(n - size) // stride + 1`` values along each
    axis (windows that stick out are dropped). Expected maps come from
    :func:`cnnlib.pool2d`. Prints the first failing case with a hint, or
    what passed; returns whether every case passed.

    Examples
    --------
    >>> import cnnlib as cl
    >>> check_pool2d(lambda x, size, stride, mode: cl.pool2d(
    ...     x, size, stride=stride, mode=mode))  # doctest: +ELLIPSIS
    All 10 cases pass:
    - the E6 map: 2×2 max pooling, stride 2
    ...
    True
    """
    check_fn(fn, "check_pool2d")
    return run(fn, pool2d_cases(), POOL2D)


def maxpool_backward_reference(x, dout, size, stride):
    """``dx`` of 2-D max pooling from :func:`cnnlib.functional.pool2d_backward`."""
    _, cache = pool2d_forward(x[None, :, :, None], size, stride=stride)
    return pool2d_backward(dout[None, :, :, None], cache)[0, :, :, 0]


def maxpool_backward_loop(x, dout, size, stride, ties="first", assign=None):
    """Max pooling's ``dx`` the way a learner may write it, right or wrong.

    ``ties`` is "first", "last" (the last maximum in row-major order gets the
    gradient) or "all" (every tied maximum gets it). ``assign`` is ``None``
    (contributions add up, right), "cell" (``dx[r, c] = ...``: a later window
    overwrites) or "window" (``dx[window] = mask * dout``: a later window
    wipes the whole patch).
    """
    dx = np.zeros_like(x, dtype=np.float64)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            r, c = i * stride, j * stride
            window = x[r : r + size, c : c + size]
            mask = window == window.max()
            if ties != "all":
                flat = np.flatnonzero(mask)
                pick = flat[0] if ties == "first" else flat[-1]
                mask = np.zeros_like(mask)
                mask.flat[pick] = True
            if assign == "window":
                dx[r : r + size, c : c + size] = mask * dout[i, j]
            elif assign == "cell":
                for u, v in np.argwhere(mask):
                    dx[r + u, c + v] = dout[i, j]
            else:
                dx[r : r + size, c : c + size] += mask * dout[i, j]
    return dx


MAXPOOL_BACKWARD = Exercise(
    call="fn(x, dout, size, stride)",
    outputs=(Output("dx"),),
    mistakes=(
        Mistake(
            "dx",
            lambda x, dout, size, s: maxpool_backward_loop(x, dout, size, s, ties="last"),
            "on a tie the gradient went to the last maximum: it goes to the first one in "
            "row-major order (what np.argmax returns), so only one element gets it.",
        ),
        Mistake(
            "dx",
            lambda x, dout, size, s: maxpool_backward_loop(x, dout, size, s, ties="all"),
            "every tied maximum got the gradient: only the first one (row-major, as "
            "np.argmax finds it) is the one the forward pass kept, so only it gets dout.",
        ),
        Mistake(
            "dx",
            lambda x, dout, size, s: maxpool_backward_loop(x, dout, size, s, assign="cell"),
            "where windows overlap, one element can be the maximum of several windows: "
            "add their gradients (dx[r, c] += ...), do not overwrite with =.",
        ),
        Mistake(
            "dx",
            lambda x, dout, size, s: maxpool_backward_loop(x, dout, size, s, assign="window"),
            "assigning a whole window (dx[window] = mask * dout) wipes what the "
            "overlapping windows before it put there: add with += instead.",
        ),
        Mistake(
            "dx",
            lambda x, dout, size, s: maxpool_backward_loop(x, np.ones_like(dout), size, s),
            "the maxima got 1 each: they get the window's upstream gradient, dout[i, j].",
        ),
        Mistake(
            "dx",
            lambda x, dout, size, s: pool2d_backward(
                dout[None, :, :, None],
                pool2d_forward(x[None, :, :, None], size, stride=s, mode="avg")[1],
            )[0, :, :, 0],
            "the gradient was shared over the whole window: that is average pooling's "
            "backward. Max pooling gives all of dout[i, j] to the window's maximum.",
        ),
    ),
)


def maxpool_backward_cases() -> list[Case]:
    """The cases of :func:`check_maxpool_backward`, from E6 to ties and overlaps."""
    ties = np.array([[1, 3, 2, 2], [3, 0, 1, 0], [5, 5, 4, 1], [5, 5, 1, 4]], dtype=float)
    peak = np.array([[1, 2, 1], [2, 9, 3], [0, 4, 1]], dtype=float)
    ramp = np.arange(16.0).reshape(4, 4)
    distinct = np.random.default_rng(201).permutation(25).reshape(5, 5).astype(float)
    specs = [
        ("the E6 map: 2×2 windows, stride 2, no ties", E6_MAP.astype(float), 2, 2,
         "each window sends dout[i, j] to the position of its maximum; the other "
         "elements of the window get 0, and dx has the shape of x."),
        ("ties inside a window: the first maximum (row-major) gets it", ties, 2, 2,
         "with two equal maxima, only the first in row-major order (np.argmax's "
         "choice) gets the gradient."),
        ("overlapping 2×2 windows on an increasing ramp (no shared maxima)", ramp, 2, 1,
         "each window's maximum is its bottom-right element; a window's gradient must "
         "not erase what the windows before it left in dx: add with +=."),
        ("3×3 windows with stride 1 (overlapping windows add up)", distinct, 3, 1,
         "with stride 1 the windows overlap: an element that is the maximum of several "
         "windows collects the sum of their gradients (+=)."),
        ("overlapping windows that share their maximum", peak, 2, 1,
         "the 9 in the middle is the maximum of all four 2×2 windows: it gets the sum "
         "of their four gradients."),
        ("stride 2 with the floor rule (the last row and column get nothing)",
         small_ints(202, (5, 5), 0, 30), 2, 2,
         "(5 - 2) // 2 + 1 = 2 windows per axis: the last row and column were never "
         "pooled, so their gradient is 0, but dx still has the 5×5 shape of x."),
        ("a constant map (ties in overlapping windows)", np.full((4, 4), 7.0), 3, 1,
         "every element ties: each window's gradient goes to its first element, and "
         "overlapping windows add up where those coincide."),
        ("all-negative values", small_ints(203, (4, 4), -20, -1), 2, 2,
         "the maximum of negative numbers is negative: find it with window.max() or "
         "np.argmax, not by comparing with 0."),
        ("a non-square 4×6 map, 3×3 windows, stride 2", small_ints(204, (4, 6), 0, 9), 3, 2,
         "rows and columns have their own counts: (4 - 3) // 2 + 1 = 1 and "
         "(6 - 3) // 2 + 1 = 2 windows."),
        ("stride 3, larger than the 2×2 window", small_ints(205, (7, 7), 0, 9), 2, 3,
         "window (i, j) starts at row 3i, column 3j; the pixels between windows get 0."),
    ]  # fmt: skip
    cases = []
    for seed, (name, x, size, s, hint) in enumerate(specs):
        h_out, w_out = ((n - size) // s + 1 for n in x.shape)
        dout = small_ints(300 + seed, (h_out, w_out), 1, 6)
        expected = maxpool_backward_reference(x, dout, size, s)
        cases.append(Case(name, {"x": x, "dout": dout, "size": size, "stride": s}, expected, hint))
    return cases


def check_maxpool_backward(fn) -> bool:
    """Check max pooling's backward pass ``fn(x, dout, size, stride) -> dx``, 2-D.

    ``x`` is the 2-D map that was max pooled with ``size × size`` windows
    every ``stride`` pixels, and ``dout`` the gradient of the pooled map.
    ``fn`` must return ``dx``, shaped like ``x``: each window's gradient goes
    to its maximum, on a tie to the first one in row-major order (as
    ``np.argmax`` finds it), and overlapping windows add up. Expected values
    come from :func:`cnnlib.functional.pool2d_backward`. Prints the first
    failing case with a hint, or what passed; returns whether all passed.

    Examples
    --------
    >>> from cnnlib.exercises.pooling import maxpool_backward_reference
    >>> check_maxpool_backward(maxpool_backward_reference)  # doctest: +ELLIPSIS
    All 10 cases pass:
    ...
    True
    """
    check_fn(fn, "check_maxpool_backward")
    return run(fn, maxpool_backward_cases(), MAXPOOL_BACKWARD)
