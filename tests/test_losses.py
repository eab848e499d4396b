"""Losses: worked values, a loop reference, gradients, stability, dtype, errors."""

import math
import warnings

import numpy as np
import pytest

from cnnlib.functional import binary_cross_entropy, mean_squared_error, softmax_cross_entropy
from cnnlib.gradcheck import numerical_gradient, rel_error


def loop_cross_entropy(logits, labels):
    """-log of the softmax probability of the correct class, averaged, one row at a time."""
    total = 0.0
    for row, label in zip(logits, labels, strict=True):
        total -= math.log(math.exp(row[label]) / sum(math.exp(z) for z in row))
    return total / len(labels)


def test_cross_entropy_worked_values():
    loss, dlogits = softmax_cross_entropy(np.zeros((2, 4)), [0, 3])
    assert loss == pytest.approx(math.log(4))  # uniform guess over 4 classes
    np.testing.assert_allclose(
        dlogits, [[-0.375, 0.125, 0.125, 0.125], [0.125, 0.125, 0.125, -0.375]]
    )
    loss, _ = softmax_cross_entropy([[0.0, math.log(3)]], [1])  # probability 3/4
    assert loss == pytest.approx(-math.log(0.75))


def test_cross_entropy_equals_the_loop_and_its_gradient_is_right():
    rng = np.random.default_rng(0)
    logits, labels = 3 * rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    loss, dlogits = softmax_cross_entropy(logits, labels)
    assert loss == pytest.approx(loop_cross_entropy(logits, labels), rel=1e-12)
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    assert rel_error(dlogits, numeric) < 1e-7


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_cross_entropy_gradient(from_logits):
    rng = np.random.default_rng(1)
    pred = rng.standard_normal((4, 3)) if from_logits else rng.uniform(0.1, 0.9, (4, 3))
    target = rng.integers(0, 2, (4, 3)).astype(float)
    target[0, 0] = 0.3  # soft targets work too
    _, dpred = binary_cross_entropy(pred, target, from_logits=from_logits)
    numeric = numerical_gradient(
        lambda: binary_cross_entropy(pred, target, from_logits=from_logits)[0], pred
    )
    assert rel_error(dpred, numeric) < 1e-7


def test_binary_cross_entropy_values_agree_for_probabilities_and_logits():
    z = np.array([-3.0, -0.5, 0.0, 2.0])
    t = np.array([0, 1, 1, 0])
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert binary_cross_entropy(p, t)[0] == pytest.approx(expected, rel=1e-12)
    assert binary_cross_entropy(z, t, from_logits=True)[0] == pytest.approx(expected, rel=1e-12)
    assert binary_cross_entropy([0.5], [1])[0] == pytest.approx(math.log(2))


def test_mean_squared_error_value_and_gradient():
    loss, dpred = mean_squared_error([[1.0, 2.0], [3.0, 5.0]], [[1, 1], [1, 1]])
    assert loss == pytest.approx((0 + 1 + 4 + 16) / 4)
    np.testing.assert_allclose(dpred, [[0, 0.5], [1, 2]])
    rng = np.random.default_rng(2)
    pred, target = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    numeric = numerical_gradient(lambda: mean_squared_error(pred, target)[0], pred)
    assert rel_error(mean_squared_error(pred, target)[1], numeric) < 1e-7


def test_large_logits_stay_finite_without_warnings():
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dlogits = softmax_cross_entropy(logits, [0, 0])
        bce, dz = binary_cross_entropy(logits, np.ones_like(logits), from_logits=True)
        clipped, dp = binary_cross_entropy([0.0, 1.0], [1, 0])  # certain and wrong
    assert loss == pytest.approx((0 + (2e4 + math.log(2))) / 2)
    assert np.isfinite(dlogits).all()
    np.testing.assert_allclose(dlogits.sum(axis=1), 0, atol=1e-12)
    assert np.isfinite([bce, clipped]).all()
    assert np.isfinite(dz).all() and np.isfinite(dp).all()
    assert clipped == pytest.approx(-math.log(1e-7), rel=1e-6)


def test_nan_is_not_hidden():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(softmax_cross_entropy([[0.0, np.nan]], [0])[0])
        assert np.isnan(binary_cross_entropy([np.nan], [1], from_logits=True)[0])
        assert np.isnan(binary_cross_entropy([np.nan], [1])[0])
        assert np.isnan(mean_squared_error([np.nan], [1])[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("label_dtype", [np.int64, np.int32, np.uint8])
def test_dtype_is_kept_with_integer_labels(dtype, label_dtype):
    logits = np.array([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], dtype=dtype)
    labels = np.array([1, 2], dtype=label_dtype)
    loss, dlogits = softmax_cross_entropy(logits, labels)
    assert loss.dtype == dlogits.dtype == dtype
    for from_logits in (False, True):
        loss, dpred = binary_cross_entropy(
            np.array([0.2, 0.7], dtype=dtype), labels - 1, from_logits=from_logits
        )
        assert loss.dtype == dpred.dtype == dtype
    loss, dpred = mean_squared_error(logits, np.ones((2, 3), dtype=label_dtype))
    assert loss.dtype == dpred.dtype == dtype


def test_integer_input_becomes_float64():
    assert softmax_cross_entropy([[1, 2]], [0])[1].dtype == np.float64
    assert mean_squared_error([1, 2], [0, 0])[1].dtype == np.float64


@pytest.mark.parametrize(
    ("logits", "labels", "error", "match"),
    [
        (np.zeros((2, 3)), [0.0, 1.0], TypeError, r"labels must be integer class indices.*float64"),
        (np.zeros((2, 3)), [True, False], TypeError, r"labels must be integer class indices"),
        (np.zeros((2, 3)), [0, 1, 2], ValueError, r"labels must have shape \(N,\) = \(2,\)"),
        (np.zeros((2, 3)), np.eye(3, dtype=int)[:2], ValueError, r"one-hot labels\?"),
        (
            np.zeros((2, 3)),
            [0, 3],
            ValueError,
            r"labels must be class indices in \[0, K\) = \[0, 3\)",
        ),
        (np.zeros((2, 3)), [-1, 0], ValueError, r"received values from -1 to 0"),
        (np.zeros(3), [0], ValueError, r"logits must be a 2-D array of shape \(N, K\)"),
        (
            np.zeros((0, 3)),
            np.zeros(0, dtype=int),
            ValueError,
            r"logits must not have an empty axis",
        ),
    ],
)
def test_cross_entropy_rejects_bad_input(logits, labels, error, match):
    with pytest.raises(error, match=match):
        softmax_cross_entropy(logits, labels)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: binary_cross_entropy([1.5], [1]),
            ValueError,
            r"pred must be probabilities in \[0, 1\] \(pass from_logits=True",
        ),
        (lambda: binary_cross_entropy([0.5], [2]), ValueError, r"target must be in \[0, 1\]"),
        (
            lambda: binary_cross_entropy([0.5], [1], eps=0.7),
            ValueError,
            r"eps must be in \(0, 0.5\)",
        ),
        (
            lambda: binary_cross_entropy([0.5], [1], from_logits=1),
            TypeError,
            r"from_logits must be True or False",
        ),
        (
            lambda: binary_cross_entropy(np.ones((3, 1)) / 2, np.ones(3)),
            ValueError,
            r"same shape.*\(3, 1\).*\(3,\)",
        ),
        (
            lambda: mean_squared_error(np.ones(2), np.ones(3)),
            ValueError,
            r"pred and target must have the same shape",
        ),
        (lambda: mean_squared_error([], []), ValueError, r"pred must not be empty"),
    ],
)
def test_other_losses_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
