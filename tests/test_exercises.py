"""The exercise checkers: clean solutions pass, typical wrong ones fail with a pointed message.

The reference solutions below are written independently of cnnlib (plain
loops and NumPy), so that a passing reference also confirms the checkers'
expected values. ``CATALOGUE`` lists the wrong solutions a learner is likely
to write, each with a fragment its failure message must contain.
"""

from __future__ import annotations

import collections
import math

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.exercises import conv as conv_exercises
from cnnlib.exercises import pooling as pool_exercises
from tests import e1

ex = cl.exercises

# --- reference solutions ---------------------------------------------------------


def conv2d(x, k, stride=1, padding=0):
    """Cross-correlation of a 2-D image with a 2-D kernel, loop by loop."""
    x = np.pad(np.asarray(x, dtype=float), padding)
    kh, kw = k.shape
    h_out = (x.shape[0] - kh) // stride + 1
    w_out = (x.shape[1] - kw) // stride + 1
    out = np.zeros((h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(x[r : r + kh, c : c + kw] * k)
    return out


def output_size(n, f, padding, stride):
    """Window positions along one axis: the floor rule."""
    return (n + 2 * padding - f) // stride + 1


def pool2d(x, size, stride, mode):
    """Max, average or min pooling of a 2-D map, window by window."""
    reduce = {"max": np.max, "avg": np.mean, "min": np.min}[mode]
    h_out = (x.shape[0] - size) // stride + 1
    w_out = (x.shape[1] - size) // stride + 1
    out = np.zeros((h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            r, c = i * stride, j * stride
            out[i, j] = reduce(x[r : r + size, c : c + size])
    return out


def maxpool_backward(x, dout, size, stride):
    """Each window's gradient to its first maximum; overlapping windows add up."""
    dx = np.zeros(x.shape)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            r, c = i * stride, j * stride
            window = x[r : r + size, c : c + size]
            u, v = np.unravel_index(np.argmax(window), window.shape)
            dx[r + u, c + v] += dout[i, j]
    return dx


def relu_backward(x, dout):
    """The gradient passes where the input was positive."""
    return dout * (x > 0)


def softmax_cross_entropy(logits, labels):
    """Mean cross-entropy of the softmax and its gradient, stable for large logits."""
    n = len(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = -log_probs[rows, labels].mean()
    dlogits = np.exp(log_probs)
    dlogits[rows, labels] -= 1
    return loss, dlogits / n


def dense_backward(x, w, b, dout):
    """Gradients of x @ w + b."""
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def conv2d_backward(x, w, dout):
    """Gradients of a stride-1, unpadded NHWC convolution, one output position at a time."""
    kh, kw = w.shape[:2]
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            g = dout[:, i, j, :]  # (N, C_out)
            dw += np.einsum("nuvc,nk->uvck", x[:, i : i + kh, j : j + kw, :], g)
            dx[:, i : i + kh, j : j + kw, :] += np.einsum("uvck,nk->nuvc", w, g)
    return dx, dw, dout.sum(axis=(0, 1, 2))


REFERENCES = {
    ex.check_conv2d: conv2d,
    ex.check_output_size: output_size,
    ex.check_pool2d: pool2d,
    ex.check_maxpool_backward: maxpool_backward,
    ex.check_relu_backward: relu_backward,
    ex.check_softmax_cross_entropy: softmax_cross_entropy,
    ex.check_dense_backward: dense_backward,
    ex.check_conv2d_backward: conv2d_backward,
}

CASES = {
    ex.check_conv2d: conv_exercises.conv2d_cases,
    ex.check_output_size: conv_exercises.output_size_cases,
    ex.check_pool2d: pool_exercises.pool2d_cases,
    ex.check_maxpool_backward: pool_exercises.maxpool_backward_cases,
    ex.check_relu_backward: cl.exercises.backprop.relu_backward_cases,
    ex.check_softmax_cross_entropy: cl.exercises.backprop.softmax_cross_entropy_cases,
    ex.check_dense_backward: cl.exercises.backprop.dense_backward_cases,
    ex.check_conv2d_backward: conv_exercises.conv2d_backward_cases,
}

# --- typical wrong solutions -----------------------------------------------------


def conv2d_loop(x, k, stride=1, padding=0, flip=False, count=None, use_stride=True):
    """conv2d with one slip switched on: a flipped kernel, another window count, ..."""
    x = np.pad(np.asarray(x, dtype=float), padding)
    k = np.flip(k) if flip else k
    s = stride if use_stride else 1
    count = count or (lambda n, f: (n - f) // s + 1)
    kh, kw = k.shape
    out = np.zeros((count(x.shape[0], kh), count(x.shape[1], kw)))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i * s : i * s + kh, j * s : j * s + kw] * k)
    return out


def conv2d_range_n_minus_f(x, k, stride=1, padding=0):
    x = np.pad(x, padding)
    kh, kw = k.shape
    rows = range(0, x.shape[0] - kh, stride)  # misses the start n - f
    cols = range(0, x.shape[1] - kw, stride)
    return np.array([[np.sum(x[r : r + kh, c : c + kw] * k) for c in cols] for r in rows])


def conv2d_no_padding(x, k, stride=1, padding=0):
    return conv2d(x, k, stride, 0)


def conv2d_transposed(x, k, stride=1, padding=0):
    return conv2d(x, k, stride, padding).T


def conv2d_no_return(x, k, stride=1, padding=0):
    conv2d(x, k, stride, padding)


def conv2d_typo(x, k, stride=1, padding=0):
    return conv2d(x, kernel, stride, padding)  # noqa: F821 (the learner's typo)


def pool2d_zero_start(x, size, stride, mode):
    out = np.zeros(((x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            best = 0.0  # the slip: the maximum starts from 0
            for v in x[i * stride : i * stride + size, j * stride : j * stride + size].ravel():
                best = max(best, v) if mode == "max" else min(best, v)
            out[i, j] = best if mode != "avg" else pool2d(x, size, stride, "avg")[i, j]
    return out


def pool2d_int_output(x, size, stride, mode):
    out = np.zeros_like(x)[: (x.shape[0] - size) // stride + 1, : (x.shape[1] - size) // stride + 1]
    out[...] = pool2d(x, size, stride, mode)  # an integer x truncates the averages
    return out


def pool2d_avg_over_size(x, size, stride, mode):
    out = pool2d(x, size, stride, mode)
    return out * size if mode == "avg" else out


def pool2d_off_by_one(x, size, stride, mode):
    out = pool2d(x, size, stride, mode)
    return out[:-1, :-1] if (x.shape[0] - size) % stride == 0 else out


def maxpool_backward_with(ties="first", assign=None, ones=False):
    def backward(x, dout, size, stride):
        g = np.ones_like(dout) if ones else dout
        return pool_exercises.maxpool_backward_loop(x, g, size, stride, ties, assign)

    return backward


def maxpool_backward_avg(x, dout, size, stride):
    dx = np.zeros(x.shape)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            r, c = i * stride, j * stride
            dx[r : r + size, c : c + size] += dout[i, j] / size**2
    return dx


def relu_backward_in_place(x, dout):
    dout[x <= 0] = 0
    return dout


def softmax_ce_with(axis=1, shift=True, divide=True, twice=False, mean=True, one_hot=True):
    def loss_and_grad(logits, labels):
        n = len(labels)
        z = logits - logits.max(axis=axis, keepdims=True) if shift else logits
        p = np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)
        rows = np.arange(n)
        losses = -np.log(p[rows, labels])
        d = p.copy()
        if one_hot:
            d[rows, labels] -= 1
        d = d / n if divide else d
        d = d / n if twice else d
        return (losses.mean() if mean else losses), d

    return loss_and_grad


def conv2d_backward_unflipped_dx(x, w, dout):
    kh, kw = w.shape[:2]
    dx, dw, db = conv2d_backward(x, w, dout)
    dx = np.zeros(x.shape)
    for i in range(dout.shape[1]):
        for j in range(dout.shape[2]):
            g = dout[:, i, j, :]
            dx[:, i : i + kh, j : j + kw, :] += np.einsum("uvck,nk->nuvc", w[::-1, ::-1], g)
    return dx, dw, db


def conv2d_backward_one_channel(x, w, dout):
    dx, dw, db = conv2d_backward(x[..., :1], w[:, :, :1, :1], dout[..., :1])
    return dx, dw, db


def replace(position, compute):
    """A conv2d or dense backward whose output ``position`` is ``compute(x, w, dout)``."""

    def wrong(*args):
        right = list((conv2d_backward if len(args) == 3 else dense_backward)(*args))
        right[position] = compute(*args)
        return tuple(right)

    return wrong


C = ex  # short names for the table below
CATALOGUE = [
    # (checker, wrong solution, a fragment of its message, what the slip is)
    (C.check_conv2d, lambda x, k, s=1, p=0: conv2d_loop(x, k, s, p, flip=True),
     "rotated by 180°", "flips the kernel (true convolution)"),
    (C.check_conv2d, conv2d_range_n_minus_f, "range(n - f + 1)", "range(n - f): off by one"),
    (C.check_conv2d, lambda x, k, s=1, p=0: conv2d_loop(x, k, s, p, use_stride=False),
     "stride-1 result", "ignores the stride"),
    (C.check_conv2d, conv2d_no_padding, "without padding", "ignores the padding"),
    (C.check_conv2d,
     lambda x, k, s=1, p=0: conv2d_loop(x, k, s, p, count=lambda n, f: math.ceil((n - f) / s) + 1),
     '"stride 2 with the floor rule (6×6 input: a column left over)"', "ceil for the size"),
    (C.check_conv2d,
     lambda x, k, s=1, p=0: conv2d_loop(x, k, s, p, count=lambda n, f: round((n - f) / s) + 1),
     "floor rule", "round() for the size"),
    (C.check_conv2d, conv2d_transposed, "rows and the columns are swapped", "returns out.T"),
    (C.check_conv2d, conv2d_no_return, "without a `return`", "forgets to return"),
    (C.check_conv2d, conv2d_typo, "raised NameError: name 'kernel' is not defined",
     "raises an exception"),
    (C.check_output_size, lambda n, f, p, s: round((n + 2 * p - f) / s) + 1, "round()",
     "round instead of floor"),
    (C.check_output_size, lambda n, f, p, s: math.ceil((n + 2 * p - f) / s) + 1, "ceiling",
     "ceil instead of floor"),
    (C.check_output_size, lambda n, f, p, s: (n + 2 * p - f) / s + 1, "must be an int",
     "/ instead of //: a float"),
    (C.check_output_size, lambda n, f, p, s: (n + 2 * p - f) // s, "count the first window",
     "forgets the + 1"),
    (C.check_output_size, lambda n, f, p, s: (n + p - f) // s + 1, "both sides", "p, not 2p"),
    (C.check_output_size, lambda n, f, p, s: n + 2 * p - f + 1, "stride is missing",
     "ignores the stride"),
    (C.check_output_size, lambda n, f, p, s: print(n + 2 * p - f + 1), "The size is None",
     "prints instead of returning"),
    (C.check_pool2d, pool2d_zero_start, "start from 0", "the maximum starts from 0"),
    (C.check_pool2d, lambda x, size, s, mode: pool2d(x, size, s, "max"), "this is max pooling",
     "ignores the mode"),
    (C.check_pool2d, lambda x, size, s, mode: pool2d(x, size, size, mode), "placed `size` apart",
     "stride = size always"),
    (C.check_pool2d, pool2d_avg_over_size, "divide by that", "averages over size, not size²"),
    (C.check_pool2d, pool2d_int_output, "np.zeros_like(x)", "an integer output array"),
    (C.check_pool2d, pool2d_off_by_one, "the last window is missing", "range(n - size)"),
    (C.check_maxpool_backward, maxpool_backward_with(ties="last"), "last maximum",
     "the last maximum on ties"),
    (C.check_maxpool_backward, maxpool_backward_with(ties="all"), "every tied maximum",
     "spreads the gradient over all tied maxima"),
    (C.check_maxpool_backward, maxpool_backward_with(assign="cell"), "do not overwrite with =",
     "= instead of += where windows overlap"),
    (C.check_maxpool_backward, maxpool_backward_with(assign="window"), "wipes",
     "assigns the whole window"),
    (C.check_maxpool_backward, maxpool_backward_with(ones=True), "dout[i, j]",
     "ones instead of dout"),
    (C.check_maxpool_backward, maxpool_backward_avg, "average pooling's backward",
     "shares the gradient over the window"),
    (C.check_maxpool_backward, lambda x, dout, size, s: dout, "has shape (2, 2); expected (4, 4)",
     "returns the wrong shape"),
    (C.check_relu_backward, lambda x, dout: dout * (x >= 0), "not x >= 0", "x >= 0 at zero"),
    (C.check_relu_backward, lambda x, dout: dout * x, "not dout times x", "multiplies by x"),
    (C.check_relu_backward, lambda x, dout: (x > 0) * 1.0, "derivative of ReLU alone",
     "forgets dout"),
    (C.check_relu_backward, relu_backward_in_place, "changed its argument dout in place",
     "changes dout in place"),
    (C.check_relu_backward, lambda x, dout: (dout * (x > 0), x), "expected one array",
     "returns a tuple (dx, cache)"),
    (C.check_relu_backward, lambda x, dout: "dx", "not an array of numbers", "returns a str"),
    (C.check_softmax_cross_entropy, softmax_ce_with(axis=0), "wrong axis",
     "softmax over the batch axis"),
    (C.check_softmax_cross_entropy, softmax_ce_with(shift=False),
     "Subtract each row's largest logit", "overflows without the max subtracted"),
    (C.check_softmax_cross_entropy, softmax_ce_with(divide=False), "not divided by N",
     "forgets to divide by N"),
    (C.check_softmax_cross_entropy, softmax_ce_with(twice=True), "divided by N twice",
     "divides by N twice"),
    (C.check_softmax_cross_entropy, softmax_ce_with(mean=False), "expected one number",
     "returns per-example losses"),
    (C.check_softmax_cross_entropy, softmax_ce_with(one_hot=False), "one-hot label is not",
     "forgets to subtract the one-hot label"),
    (C.check_softmax_cross_entropy, lambda z, y: softmax_cross_entropy(z, y)[1],
     "expected a tuple (loss, dlogits)", "returns dlogits alone"),
    (C.check_dense_backward, replace(0, lambda x, w, b, dout: dout @ w), "dx = dout @ w.T",
     "dx with w instead of w.T"),
    (C.check_dense_backward, lambda x, w, b, dout: dense_backward(x, w, b, dout)[:2],
     "(dx, dw, db) of 3 values", "forgets db"),
    (C.check_dense_backward, replace(2, lambda x, w, b, dout: dout.sum(axis=1)), "wrong axis",
     "db summed over the wrong axis"),
    (C.check_dense_backward, replace(2, lambda x, w, b, dout: dout.mean(axis=0)), "not its mean",
     "db as a mean"),
    (C.check_dense_backward, replace(1, lambda x, w, b, dout: dout.T @ x), "transposed",
     "dw transposed"),
    (C.check_dense_backward, replace(1, lambda x, w, b, dout: x.T @ dout / len(x)),
     "dw is divided by N", "dw divided by N"),
    (C.check_conv2d_backward, conv2d_backward_unflipped_dx, "rotated by 180°",
     "dx without the flipped kernel"),
    (C.check_conv2d_backward, replace(1, lambda x, w, d: conv2d_backward(x, w, d)[1][::-1, ::-1]),
     "dw is the kernel rotated", "dw flipped"),
    (C.check_conv2d_backward, replace(2, lambda x, w, d: d.mean(axis=(0, 1, 2))), "not the mean",
     "db as a mean"),
    (C.check_conv2d_backward, replace(2, lambda x, w, d: d.sum(axis=(1, 2))),
     "over the batch axis too", "db without the batch axis"),
    (C.check_conv2d_backward, replace(1, lambda x, w, d: conv2d_backward(x[:1], w, d[:1])[1]),
     "first image's share", "dw from the first image only"),
    (C.check_conv2d_backward, replace(1, lambda x, w, d: conv2d_backward(x, w, d)[1] / len(x)),
     "divided by the batch size", "dw divided by N"),
    (C.check_conv2d_backward, conv2d_backward_one_channel, '"3 input channels and 2 filters"',
     "handles one channel only"),
]  # fmt: skip


# --- tests -----------------------------------------------------------------------


@pytest.mark.parametrize("checker", list(REFERENCES), ids=lambda c: c.__name__)
def test_each_reference_solution_passes_and_the_summary_lists_every_case(checker, capsys):
    assert checker(REFERENCES[checker]) is True
    out = capsys.readouterr().out
    cases = CASES[checker]()
    assert out.startswith(f"All {len(cases)} cases pass:\n")
    for case in cases:
        assert f"- {case.name}" in " ".join(out.split("\n  "))  # wrapped names rejoin
    assert len(cases) >= 5


@pytest.mark.parametrize(
    ("checker", "wrong", "fragment", "slip"),
    CATALOGUE,
    ids=[f"{c.__name__}: {slip}" for c, _, _, slip in CATALOGUE],
)
def test_each_typical_mistake_fails_with_a_message_that_points_at_it(
    checker, wrong, fragment, slip, capsys
):
    assert checker(wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet: case ")
    assert fragment in " ".join(out.split()), f"{slip}: {fragment!r} not in\n{out}"
    assert "Traceback" not in out


def test_the_catalogue_holds_at_least_three_mistakes_per_checker():
    counts = collections.Counter(checker.__name__ for checker, *_ in CATALOGUE)
    assert set(counts) == {c.__name__ for c in REFERENCES}
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize("checker", list(REFERENCES), ids=lambda c: c.__name__)
def test_the_first_case_of_every_checker_fails_first(checker, capsys):
    # A function that always raises stops at case 1 and names the exception.
    def broken(*args):
        raise RuntimeError("not written yet")

    assert checker(broken) is False
    out = capsys.readouterr().out
    n = len(CASES[checker]())
    assert out.startswith(f"Not yet: case 1 of {n}, ")
    assert "The function raised RuntimeError: not written yet" in " ".join(out.split())
    assert "Hint: " in out


def test_every_message_fits_76_columns_and_has_no_colour_codes(capsys):
    for checker, wrong, *_ in CATALOGUE:
        checker(wrong)
    for checker, right in REFERENCES.items():
        checker(right)
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 76
    assert "\x1b" not in out


def test_the_differing_cells_are_marked_under_the_received_values(capsys):
    flipped = CATALOGUE[0][1]
    ex.check_conv2d(flipped)
    lines = capsys.readouterr().out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("expected"))
    assert lines[head].split() == ["expected", "received"]
    row, marks = lines[head + 1 : head + 3]
    # E1's first row, then the flipped kernel's, all three cells marked.
    np.testing.assert_array_equal([float(v) for v in row.split()[:3]], [2, 1, -1])
    start = row.index("    ", row.index("-1")) + 4  # where the received block begins
    carets = [i for i, c in enumerate(marks) if c == "^"]
    assert len(carets) == 3
    assert all(i >= start and row[i].isdigit() for i in carets)


def test_array_likes_are_accepted(capsys):
    # A loop solution building nested lists is right: lists compare like arrays.
    assert ex.check_conv2d(lambda x, k, s=1, p=0: conv2d(x, k, s, p).tolist()) is True
    assert ex.check_relu_backward(lambda x, dout: (dout * (x > 0)).tolist()) is True
    assert ex.check_dense_backward(lambda *a: list(dense_backward(*a))) is True
    capsys.readouterr()


@pytest.mark.parametrize(
    ("result", "fragment"),
    [
        (None, "without a `return`"),
        ("a string", "not an array of numbers"),
        ([[1, 2], [3]], "not an array of numbers"),
        (np.ones((3, 3), dtype=complex), "complex values"),
        (np.full((3, 3), np.nan), "holds nan at index (0, 0), where the expected value is finite"),
        (np.zeros((3, 4)), "has shape (3, 4); expected (3, 3)"),
        ((np.zeros((3, 3)), None), "expected one array"),
        (object(), "not an array of numbers"),
        (3, "The result is the int 3; expected an array of shape (3, 3)"),
    ],
)
def test_odd_results_get_a_clear_message_and_no_traceback(result, fragment, capsys):
    assert ex.check_conv2d(lambda x, k, s=1, p=0: result) is False
    out = " ".join(capsys.readouterr().out.split())
    assert fragment in out
    assert '"the E1 example (5×5 image, 3×3 kernel)"' in out


@pytest.mark.parametrize("checker", list(REFERENCES), ids=lambda c: c.__name__)
@pytest.mark.parametrize("fn", [None, 3, np.zeros((3, 3)), "conv2d"])
def test_a_checker_refuses_what_is_not_a_function(checker, fn):
    with pytest.raises(ValueError, match=r"fn must be .*received fn="):
        checker(fn)


def test_a_called_function_gets_told_to_drop_the_parentheses():
    with pytest.raises(ValueError, match=r"without parentheses.*an array of shape \(3, 3\)"):
        ex.check_conv2d(conv2d(e1.IMAGE, e1.KERNEL))


def test_the_typed_inputs_of_e1_are_the_seed_example():
    np.testing.assert_array_equal(conv_exercises.E1_IMAGE, e1.IMAGE)
    np.testing.assert_array_equal(conv_exercises.E1_KERNEL, e1.KERNEL)
    first = conv_exercises.conv2d_cases()[0]
    # The E1 answer, as the seed gives it (tests/e1.py); everything else is computed.
    np.testing.assert_array_equal(first.expected, [[2, 1, -1], [-1, 1, 3], [2, 1, 1]])


def test_the_conv_backward_cases_agree_with_the_numerical_gradient():
    case = conv_exercises.conv2d_backward_cases()[-1]
    for got, numerical in zip(
        conv_exercises.conv_backward_reference(*case.inputs.values()), case.expected, strict=True
    ):
        assert cl.gradcheck.rel_error(got, numerical) < 1e-8


def test_the_reader_sees_the_line_of_their_code_that_raised(capsys):
    def conv(x, k, stride=1, padding=0):
        out = np.zeros((2, 2))
        out[5, 5] = 1.0
        return out

    ex.check_conv2d(conv)
    out = " ".join(capsys.readouterr().out.split())
    assert "IndexError: index 5 is out of bounds" in out
    assert "out[5, 5] = 1.0" in out


def test_warnings_of_the_readers_code_are_not_printed(recwarn, capsys):
    ex.check_softmax_cross_entropy(softmax_ce_with(shift=False))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    assert "holds nan" in capsys.readouterr().out


# --- check_answer ----------------------------------------------------------------


def test_check_answer_says_right(capsys):
    expected = cl.conv_output_size(28, 5, stride=2)
    assert ex.check_answer(expected, expected, what="the output width") is True
    assert capsys.readouterr().out == f"Right: {expected} is the output width.\n"


def test_check_answer_says_how_far_off(capsys):
    assert ex.check_answer(1200, 1216, what="the parameter count") is False
    assert capsys.readouterr().out == (
        "Not yet: 1,200 is 16 less than the answer (about 1.3% too small).\n"
    )
    assert ex.check_answer(30, 12) is False
    assert "18 more than the answer (150% too large)" in capsys.readouterr().out
    assert ex.check_answer(3, 0) is False
    assert capsys.readouterr().out == "Not yet: 3 is 3 more than the answer.\n"


def test_check_answer_before_an_answer_is_typed(capsys):
    assert ex.check_answer(None, 10, what="the number of windows") is False
    out = capsys.readouterr().out
    assert out.startswith("Type your answer in place of None")
    assert "the number of windows" in out
    assert "10" not in out


def test_check_answer_with_a_tolerance_and_a_hint(capsys):
    p = float(cl.sigmoid(1.0))
    assert ex.check_answer(0.73, p, what="sigmoid(1)", tolerance=0.005) is True
    assert "Right: 0.73 is sigmoid(1) (to within 0.005" in capsys.readouterr().out
    assert ex.check_answer(0.7, p, tolerance=0.005, hint="1 / (1 + e^-1)") is False
    out = capsys.readouterr().out
    assert "too small" in out
    assert "Hint: 1 / (1 + e^-1)" in out
    # Exact float arithmetic: 0.1 + 0.2 counts as 0.3.
    assert ex.check_answer(0.1 + 0.2, 0.3) is True


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [("26", "the text '26'"), ((26, 26), "one number"), (True, "one number"), (math.inf, "inf")],
)
def test_check_answer_refuses_what_is_not_a_number(answer, fragment, capsys):
    assert ex.check_answer(answer, 26) is False
    assert fragment in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"expected": "26"}, TypeError, "expected must be a real number"),
        ({"expected": math.nan}, ValueError, "expected must be a finite number"),
        ({"expected": 26, "tolerance": -1}, ValueError, r"tolerance must be >= 0; received"),
        ({"expected": 26, "what": 3}, TypeError, "what must be a str"),
    ],
)
def test_check_answer_validates_its_own_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ex.check_answer(26, **kwargs)
