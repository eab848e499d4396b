"""Losses by name (cnnlib.losses): values, gradients, fused and unfused, and accuracy."""

import numpy as np
import pytest

from cnnlib import losses
from cnnlib.functional import sigmoid_backward, sigmoid_forward, softmax_backward, softmax_forward
from cnnlib.gradcheck import numerical_gradient, rel_error

RNG = np.random.default_rng(0)


def test_names_are_keras_names():
    assert set(losses.LOSSES) == {
        "sparse_categorical_crossentropy",
        "categorical_crossentropy",
        "binary_crossentropy",
        "mean_squared_error",
        "mse",
    }
    with pytest.raises(
        ValueError, match=r"loss must be one of \['sparse_categorical_crossentropy'"
    ):
        losses.get_loss("hinge")


@pytest.mark.parametrize(
    ("loss", "target"),
    [
        (losses.SparseCategoricalCrossentropy(), np.array([0, 2, 1, 2])),
        (losses.CategoricalCrossentropy(), np.eye(3)[[0, 2, 1, 2]]),
        (losses.CategoricalCrossentropy(), np.array([[0.1, 0.8, 0.1]] * 4)),  # soft labels
    ],
)
def test_fused_softmax_gradient_equals_the_chain_through_softmax(loss, target):
    logits = RNG.standard_normal((4, 3))
    value, dlogits = loss(logits, target, from_logits=True)
    probs, cache = softmax_forward(logits)
    value_p, dprobs = loss(probs, target)
    assert value == pytest.approx(value_p)
    np.testing.assert_allclose(dlogits, softmax_backward(dprobs, cache), atol=1e-12)
    numeric = numerical_gradient(lambda: loss(logits, target, from_logits=True)[0], logits)
    assert rel_error(dlogits, numeric) < 1e-7


def test_fused_sigmoid_gradient_equals_the_chain_through_sigmoid():
    loss = losses.BinaryCrossentropy()
    logits, target = RNG.standard_normal((5, 1)), np.array([[0], [1], [1], [0], [1.0]])
    value, dlogits = loss(logits, target, from_logits=True)
    probs, cache = sigmoid_forward(logits)
    value_p, dprobs = loss(probs, target)
    assert value == pytest.approx(value_p)
    np.testing.assert_allclose(dlogits, sigmoid_backward(dprobs, cache), atol=1e-12)


def test_fused_cross_entropy_stays_finite_where_a_probability_underflows():
    logits = np.array([[0.0, 200.0]], dtype=np.float32)
    value, dlogits = losses.SparseCategoricalCrossentropy()(logits, np.array([0]), from_logits=True)
    assert value == pytest.approx(200.0)
    np.testing.assert_allclose(dlogits, [[-1.0, 1.0]])
    assert value.dtype == dlogits.dtype == np.float32


def test_mean_squared_error_value_and_gradient():
    value, dpred = losses.get_loss("mse")(np.array([[1.0, 2.0]]), np.array([[0.0, 4.0]]))
    assert value == pytest.approx(2.5)
    np.testing.assert_allclose(dpred, [[1.0, -2.0]])


def test_accuracy_for_each_kind_of_target():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    sparse = losses.SparseCategoricalCrossentropy().correct(scores, np.array([1, 1, 1]))
    np.testing.assert_array_equal(sparse, [True, False, True])
    onehot = losses.CategoricalCrossentropy().correct(scores, np.eye(2)[[1, 0, 0]])
    np.testing.assert_array_equal(onehot, [True, True, False])
    binary = losses.BinaryCrossentropy()
    np.testing.assert_array_equal(
        binary.correct(np.array([[0.7], [0.2]]), np.array([[1], [1]])), [[True], [False]]
    )
    np.testing.assert_array_equal(
        binary.correct(np.array([[0.1], [-0.1]]), np.array([[1], [0]]), from_logits=True),
        [[True], [True]],
    )
    assert not losses.MeanSquaredError().classification


def test_sparse_targets_are_checked():
    loss = losses.SparseCategoricalCrossentropy()
    np.testing.assert_array_equal(loss.check_targets(np.array([[1], [2]]), 2, (3,)), [1, 2])
    with pytest.raises(ValueError, match=r"labels must be class indices in \[0, K\) = \[0, 3\)"):
        loss.check_targets(np.array([0, 3]), 2, (3,))
    with pytest.raises(ValueError, match="one-hot labels"):
        loss.check_targets(np.eye(3)[[0, 1]].astype(int), 2, (3,))
    with pytest.raises(TypeError, match="labels must be integer class indices"):
        loss.check_targets(np.array([0.0, 1.0]), 2, (3,))


def test_other_targets_must_have_the_output_shape():
    with pytest.raises(ValueError, match=r"y must have shape \(2, 3\).*received y.shape=\(2,\)"):
        losses.CategoricalCrossentropy().check_targets(np.array([0, 1]), 2, (3,))


def test_one_target_per_example_fits_an_output_of_one_value():
    target = losses.BinaryCrossentropy().check_targets(np.array([0, 1, 1]), 3, (1,))
    np.testing.assert_array_equal(target, [[0.0], [1.0], [1.0]])


def test_sparse_cross_entropy_clips_a_zero_probability():
    # A softmax output can round to exactly 0: the loss is then -log(1e-7), not inf.
    value, dpred = losses.SparseCategoricalCrossentropy()(np.array([[0.0, 1.0]]), np.array([0]))
    assert value == pytest.approx(-np.log(1e-7))
    np.testing.assert_allclose(dpred, [[-1e7, 0.0]])


@pytest.mark.parametrize("target", [[[0.2, 0.3, 0.1]] * 2, [[1.0, 1.0, 0.0], [0.0, 0.5, 0.5]]])
def test_fused_categorical_gradient_with_targets_that_do_not_sum_to_one(target):
    # The fused gradient is softmax(z) * sum(y) - y; softmax(z) - y holds only when sum(y) = 1.
    loss, target = losses.CategoricalCrossentropy(), np.array(target)
    logits = RNG.standard_normal((2, 3))
    _, dlogits = loss(logits, target, from_logits=True)
    numeric = numerical_gradient(lambda: loss(logits, target, from_logits=True)[0], logits)
    assert rel_error(dlogits, numeric) < 1e-7
    probs, cache = softmax_forward(logits)
    np.testing.assert_allclose(dlogits, softmax_backward(loss(probs, target)[1], cache), atol=1e-12)
