"""Checkers for the backward passes of ReLU, softmax with cross-entropy, and a dense layer.

Expected values come from :mod:`cnnlib.functional` (``relu_backward``,
``softmax_cross_entropy``, ``dense_backward``).
"""

from __future__ import annotations

import numpy as np

from cnnlib.exercises.conv import E1_IMAGE, E1_KERNEL, small_ints
from cnnlib.exercises.report import Case, Exercise, Mistake, Output, check_fn, run
from cnnlib.functional.activations import relu_backward, relu_forward
from cnnlib.functional.dense import dense_backward, dense_forward
from cnnlib.functional.losses import softmax_cross_entropy
from cnnlib.ops import conv2d

RELU_BACKWARD = Exercise(
    call="fn(x, dout)",
    outputs=(Output("dx"),),
    mistakes=(
        Mistake(
            "dx",
            lambda x, dout: dout * (x >= 0),
            "at x = 0 the gradient passed through: the derivative of ReLU is taken as 0 "
            "there (as cnnlib, PyTorch and TensorFlow do), so the mask is x > 0, not x >= 0.",
        ),
        Mistake(
            "dx",
            lambda x, dout: dout * x,
            "dx is dout times the derivative of ReLU (1 where x > 0, else 0), not dout times x.",
        ),
        Mistake(
            "dx",
            lambda x, dout: dout * np.maximum(x, 0),
            "dx is dout times the derivative of ReLU (1 where x > 0, else 0), not dout "
            "times ReLU(x).",
        ),
        Mistake(
            "dx",
            lambda x, dout: (x > 0).astype(float),
            "this is the derivative of ReLU alone: multiply it by the gradient that "
            "arrives from above, dx = dout * (x > 0).",
        ),
        Mistake(
            "dx",
            lambda x, dout: dout.copy(),
            "dout passed through unchanged: where x <= 0 ReLU's output is flat, so "
            "the gradient there is 0.",
        ),
    ),
)


def relu_backward_reference(x, dout):
    """``dx`` of ReLU from :func:`cnnlib.functional.relu_backward`."""
    return relu_backward(dout, relu_forward(x)[1])


def relu_backward_cases() -> list[Case]:
    """The cases of :func:`check_relu_backward`, from the E1 feature map to zeros."""
    e1_map = conv2d(E1_IMAGE, E1_KERNEL)
    specs = [
        ("the E1 feature map, dout all ones", e1_map, np.ones((3, 3)),
         "ReLU passes the gradient where its input was positive and blocks it "
         "elsewhere: dx = dout * (x > 0)."),
        ("a gradient dout that is not all ones", small_ints(401, (3, 4)),
         small_ints(402, (3, 4), 1, 9),
         "the gradient from above is multiplied, not replaced: dx = dout * (x > 0)."),
        ("inputs exactly 0 (the derivative there is taken as 0)",
         np.array([[0.0, 1.0, -1.0], [2.0, 0.0, -3.0]]), small_ints(403, (2, 3), 1, 9),
         "at x = 0 ReLU has a corner; cnnlib, PyTorch and TensorFlow take its "
         "derivative as 0 there: the mask is x > 0."),
        ("negative values in dout", small_ints(404, (4, 3)), small_ints(405, (4, 3)),
         "dout may be negative; where x > 0 it passes through with its sign."),
        ("a batch of feature maps (N, H, W, C)", small_ints(406, (2, 3, 3, 2)),
         small_ints(407, (2, 3, 3, 2)),
         "ReLU works element by element on any shape: the mask x > 0 has the shape "
         "of x."),
        ("tiny inputs (1e-8 passes, -1e-8 does not)",
         np.array([[1e-8, -1e-8], [1e-3, -1e-3]]), np.array([[2.0, 3.0], [4.0, 5.0]]),
         "any positive input, however small, passes the gradient: compare with 0 "
         "exactly."),
    ]  # fmt: skip
    return [
        Case(name, {"x": x, "dout": dout}, relu_backward_reference(x, dout), hint)
        for name, x, dout, hint in specs
    ]


def check_relu_backward(fn) -> bool:
    """Check ReLU's backward pass ``fn(x, dout) -> dx``.

    ``x`` is ReLU's input (any shape) and ``dout`` the gradient of its
    output. ``fn`` must return ``dout`` where ``x > 0`` and 0 elsewhere,
    also at ``x = 0``. Expected values come from
    :func:`cnnlib.functional.relu_backward`. Prints the first failing case
    with a hint, or what passed; returns whether every case passed.

    Examples
    --------
    >>> check_relu_backward(lambda x, dout: dout * (x > 0))  # doctest: +ELLIPSIS
    All 6 cases pass:
    - the E1 feature map, dout all ones
    ...
    True
    """
    check_fn(fn, "check_relu_backward")
    return run(fn, relu_backward_cases(), RELU_BACKWARD)


def softmax_rows(logits, axis=1):
    """Softmax along ``axis``, computed stably."""
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy_axis0(logits, labels):
    """``(loss, dlogits)`` with the softmax taken over the batch axis by mistake."""
    n = len(labels)
    p = softmax_rows(logits, axis=0)
    rows = np.arange(n)
    loss = -np.log(p[rows, labels]).mean()
    d = p.copy()
    d[rows, labels] -= 1
    return loss, d / n


def loss_of(logits, labels):
    """The right mean loss, from cnnlib."""
    return softmax_cross_entropy(logits, labels)[0]


def dlogits_of(logits, labels):
    """The right ``dlogits``, from cnnlib."""
    return softmax_cross_entropy(logits, labels)[1]


SOFTMAX_CROSS_ENTROPY = Exercise(
    call="fn(logits, labels)",
    outputs=(Output("loss", kind="number", means="the mean over the batch"), Output("dlogits")),
    mistakes=(
        Mistake(
            "loss",
            lambda z, y: cross_entropy_axis0(z, y)[0],
            "the softmax was taken over the wrong axis: each row (example) has its own "
            "softmax over the K classes, axis=1 with keepdims=True.",
        ),
        Mistake(
            "dlogits",
            lambda z, y: cross_entropy_axis0(z, y)[1],
            "the softmax was taken over the wrong axis: each row (example) has its own "
            "softmax over the K classes, axis=1 with keepdims=True.",
        ),
        Mistake(
            "loss",
            lambda z, y: loss_of(z, y) * len(y),
            "this is the sum of the examples' losses: return their mean (divide by N).",
        ),
        Mistake(
            "loss",
            lambda z, y: -loss_of(z, y),
            "the sign is flipped: the loss is -log(p[label]), a positive number.",
        ),
        Mistake(
            "dlogits",
            lambda z, y: dlogits_of(z, y) * len(y),
            "dlogits is not divided by N: the loss is a mean over the batch, so its "
            "gradient is (softmax - one_hot) / N.",
        ),
        Mistake(
            "dlogits",
            lambda z, y: dlogits_of(z, y) / len(y),
            "dlogits is divided by N twice: (softmax - one_hot) / N once is enough.",
        ),
        Mistake(
            "dlogits",
            lambda z, y: softmax_rows(z) / len(y),
            "the one-hot label is not subtracted: dlogits = (softmax - one_hot) / N, "
            "so the correct class's entry is (p - 1) / N.",
        ),
        Mistake(
            "dlogits",
            lambda z, y: -dlogits_of(z, y),
            "the sign is flipped: dlogits = (softmax - one_hot) / N, negative only for "
            "the correct class.",
        ),
    ),
)


def softmax_cross_entropy_cases() -> list[Case]:
    """The cases of :func:`check_softmax_cross_entropy`, ending with logits of ±1000."""
    specs = [
        ("one example, three classes", [[2.0, 1.0, 0.1]], [0],
         "softmax p = exp(z) / sum(exp(z)) over the row, loss = -log(p[label]), and "
         "dlogits = p - one_hot(label) for a single example."),
        ("a batch of 4 examples (the mean over the batch)", small_ints(501, (4, 3)),
         [0, 2, 1, 2],
         "the loss is the mean of the 4 examples' losses, and dlogits = (softmax - "
         "one_hot) / N with N = 4."),
        ("as many examples as classes (3 × 3: the right axis)", small_ints(502, (3, 3)),
         [2, 0, 1],
         "take the softmax of each row: sums and maxima along axis=1 with "
         "keepdims=True, so that they broadcast against the rows."),
        ("all logits equal (the loss is ln K)", np.zeros((2, 4)), [3, 1],
         "equal logits give every class p = 1/K: the loss is ln K and dlogits "
         "(1/K - one_hot) / N."),
        ("a confident, correct prediction (a loss near 0)", [[10.0, -5.0], [-4.0, 9.0]],
         [0, 1],
         "a confident correct answer has p close to 1 and a loss close to 0, "
         "but not exactly 0."),
        ("large logits of ±1000 (must stay finite)",
         [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], [1, 2],
         "exp(1000) overflows to inf. Subtract each row's largest logit first, "
         "z - z.max(axis=1, keepdims=True): softmax does not change. Compute the "
         "loss as log(sum(exp(shifted))) - shifted[label], never log(0)."),
    ]  # fmt: skip
    cases = []
    for name, z, y, hint in specs:
        z, y = np.asarray(z, dtype=np.float64), np.asarray(y)
        cases.append(Case(name, {"logits": z, "labels": y}, softmax_cross_entropy(z, y), hint))
    return cases


def check_softmax_cross_entropy(fn) -> bool:
    """Check softmax with cross-entropy, ``fn(logits, labels) -> (loss, dlogits)``.

    ``logits`` has shape ``(N, K)``, ``labels`` holds ``N`` integer classes.
    ``fn`` must return the mean loss (one number) and its gradient
    ``(softmax(logits) - one_hot(labels)) / N``, shaped like ``logits``, and
    stay finite for logits of ±1000. Expected values come from
    :func:`cnnlib.functional.softmax_cross_entropy`. Prints the first failing
    case with a hint, or what passed; returns whether every case passed.

    Examples
    --------
    >>> from cnnlib.functional import softmax_cross_entropy
    >>> check_softmax_cross_entropy(softmax_cross_entropy)  # doctest: +ELLIPSIS
    All 6 cases pass:
    ...
    True
    """
    check_fn(fn, "check_softmax_cross_entropy")
    return run(fn, softmax_cross_entropy_cases(), SOFTMAX_CROSS_ENTROPY)


def dense_backward_reference(x, w, b, dout):
    """``(dx, dw, db)`` of ``x @ w + b`` from :func:`cnnlib.functional.dense_backward`."""
    return dense_backward(dout, dense_forward(x, w, b)[1])


DENSE_BACKWARD = Exercise(
    call="fn(x, w, b, dout)",
    outputs=(Output("dx"), Output("dw"), Output("db")),
    mistakes=(
        Mistake(
            "dx",
            lambda x, w, b, dout: dout @ w,
            "dx uses w where it needs w.T: dx = dout @ w.T, of shape (N, n_in) like x.",
        ),
        Mistake(
            "dw",
            lambda x, w, b, dout: dout.T @ x,
            "dw comes out transposed: dw = x.T @ dout has the shape of w, (n_in, n_out).",
        ),
        Mistake(
            "dw",
            lambda x, w, b, dout: x.T @ dout / len(x),
            "dw is divided by N: the mean over the batch is already in dout (the "
            "loss's gradient); dw = x.T @ dout just adds up every example's share.",
        ),
        Mistake(
            "db",
            lambda x, w, b, dout: dout.mean(axis=0),
            "db is the sum of dout over the batch, dout.sum(axis=0), not its mean.",
        ),
        Mistake(
            "db",
            lambda x, w, b, dout: dout.sum(axis=1),
            "db was summed over the wrong axis: one value per unit, dout.sum(axis=0).",
        ),
        Mistake(
            "db",
            lambda x, w, b, dout: dout.sum(),
            "db is one number here: it has one value per unit, dout.sum(axis=0).",
        ),
        Mistake(
            "db",
            lambda x, w, b, dout: b,
            "db is the bias itself: it is the gradient, dout.sum(axis=0).",
        ),
    ),
)


def dense_backward_cases() -> list[Case]:
    """The cases of :func:`check_dense_backward` (``w`` is ``(n_in, n_out)``, as in cnnlib)."""
    specs = [
        ("one example, 3 inputs, 2 units", 1, 3, 2,
         "out = x @ w + b, so dx = dout @ w.T (like x), dw = x.T @ dout (like w) and "
         "db = dout.sum(axis=0) (like b)."),
        ("a batch of 4 examples (dw and db add up over the batch)", 4, 3, 2,
         "dw = x.T @ dout and db = dout.sum(axis=0) sum over the examples; dx has one "
         "row per example."),
        ("as many inputs as units (3 → 3: w and w.T have one shape)", 2, 3, 3,
         "with a square w a wrong transpose keeps the shape: dx = dout @ w.T and "
         "dw = x.T @ dout."),
        ("a single unit (n_out = 1)", 3, 4, 1,
         "with one unit dout is (N, 1), dw is (n_in, 1) and db is (1,), still 1-D."),
        ("more units than inputs (2 → 5)", 3, 2, 5,
         "dx = dout @ w.T is (N, n_in) = (3, 2); dw = x.T @ dout is (2, 5)."),
    ]  # fmt: skip
    cases = []
    for seed, (name, n, n_in, n_out, hint) in enumerate(specs):
        x, w = small_ints(600 + seed, (n, n_in)), small_ints(620 + seed, (n_in, n_out))
        b, dout = small_ints(640 + seed, (n_out,)), small_ints(660 + seed, (n, n_out))
        expected = dense_backward_reference(x, w, b, dout)
        cases.append(Case(name, {"x": x, "w": w, "b": b, "dout": dout}, expected, hint))
    return cases


def check_dense_backward(fn) -> bool:
    """Check a dense layer's backward pass ``fn(x, w, b, dout) -> (dx, dw, db)``.

    The forward pass is cnnlib's (and Keras') ``out = x @ w + b`` with ``x``
    ``(N, n_in)``, ``w`` ``(n_in, n_out)`` and ``b`` ``(n_out,)``; ``dout``
    is the gradient of ``out``. ``fn`` must return the gradients with
    respect to ``x``, ``w`` and ``b``, shaped like them. Expected values
    come from :func:`cnnlib.functional.dense_backward`. Prints the first
    failing case with a hint, or what passed; returns whether all passed.

    Examples
    --------
    >>> def backward(x, w, b, dout):
    ...     return dout @ w.T, x.T @ dout, dout.sum(axis=0)
    >>> check_dense_backward(backward)  # doctest: +ELLIPSIS
    All 5 cases pass:
    ...
    True
    """
    check_fn(fn, "check_dense_backward")
    return run(fn, dense_backward_cases(), DENSE_BACKWARD)
