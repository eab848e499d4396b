"""Optimisers: each step against Keras' formulas worked out by hand, in place, in float32."""

import math

import numpy as np
import pytest

from cnnlib.optimizers import SGD, Adam, get_optimizer


def one_param(value=1.0, dtype=np.float64):
    return {"dense/kernel": np.array([value], dtype=dtype)}


def grads(value, dtype=np.float64):
    return {"dense/kernel": np.array([value], dtype=dtype)}


def test_sgd_steps_against_the_gradient():
    params = one_param(1.0)
    SGD(learning_rate=0.1).step(params, grads(2.0))
    np.testing.assert_allclose(params["dense/kernel"], [1.0 - 0.1 * 2.0])


def test_sgd_with_momentum_by_hand():
    # velocity = 0.9 v - 0.1 g; w += velocity
    params, opt = one_param(1.0), SGD(learning_rate=0.1, momentum=0.9)
    opt.step(params, grads(2.0))  # v = -0.2, w = 0.8
    opt.step(params, grads(1.0))  # v = -0.18 - 0.1 = -0.28, w = 0.52
    np.testing.assert_allclose(params["dense/kernel"], [0.52])
    np.testing.assert_allclose(opt.slots["dense/kernel"]["velocity"], [-0.28])


def test_sgd_with_nesterov_momentum_by_hand():
    # velocity = 0.9 v - 0.1 g; w += 0.9 velocity - 0.1 g
    params, opt = one_param(1.0), SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    opt.step(params, grads(2.0))  # v = -0.2, w = 1 - 0.18 - 0.2 = 0.62
    np.testing.assert_allclose(params["dense/kernel"], [0.62])
    opt.step(params, grads(1.0))  # v = -0.28, w = 0.62 - 0.252 - 0.1 = 0.268
    np.testing.assert_allclose(params["dense/kernel"], [0.268])


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    params, opt = one_param(1.0), Adam(learning_rate=lr)
    w, m, v = 1.0, 0.0, 0.0
    for t, g in ((1, 0.5), (2, -0.2)):
        opt.step(params, grads(g))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        w -= alpha * m / (math.sqrt(v) + eps)
        np.testing.assert_allclose(params["dense/kernel"], [w], rtol=1e-12)
    assert opt.iterations == 2


def test_adam_first_step_is_about_the_learning_rate():
    params = one_param(0.0)
    Adam(learning_rate=0.001).step(params, grads(123.0))  # m / sqrt(v) = 1 at t = 1
    np.testing.assert_allclose(params["dense/kernel"], [-0.001], rtol=1e-6)


def test_keras_defaults():
    assert SGD().get_config() == {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}
    assert Adam().get_config() == {
        "learning_rate": 0.001,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
    }


@pytest.mark.parametrize("optimizer", [SGD(), SGD(momentum=0.9, nesterov=True), Adam()])
def test_updates_are_in_place_and_keep_float32(optimizer):
    rng = np.random.default_rng(0)
    params = {
        "conv2d/kernel": rng.standard_normal((3, 3, 2, 4)).astype(np.float32),
        "conv2d/bias": np.zeros(4, dtype=np.float32),
    }
    arrays = dict(params)
    before = {k: v.copy() for k, v in params.items()}
    gradients = {k: rng.standard_normal(v.shape).astype(np.float32) for k, v in params.items()}
    for _ in range(3):
        optimizer.step(params, gradients)
    for key, param in params.items():
        assert param is arrays[key]  # the same array, changed in place
        assert param.dtype == np.float32
        assert not np.array_equal(param, before[key])
    for slot in optimizer.slots.values():
        assert all(state.dtype == np.float32 for state in slot.values())


def test_state_is_kept_per_parameter():
    opt = SGD(learning_rate=0.1, momentum=0.5)
    params = {"a/kernel": np.array([0.0]), "b/kernel": np.array([0.0])}
    opt.step(params, {"a/kernel": np.array([1.0]), "b/kernel": np.array([-1.0])})
    np.testing.assert_allclose(opt.slots["a/kernel"]["velocity"], [-0.1])
    np.testing.assert_allclose(opt.slots["b/kernel"]["velocity"], [0.1])


def test_get_optimizer_by_name_or_object():
    assert isinstance(get_optimizer("adam"), Adam)
    assert isinstance(get_optimizer("SGD"), SGD)
    opt = Adam(learning_rate=0.01)
    assert get_optimizer(opt) is opt
    with pytest.raises(ValueError, match=r"optimizer must be one of \['sgd', 'adam'\].*'rmsprop'"):
        get_optimizer("rmsprop")


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: SGD(learning_rate=0), ValueError, "learning_rate must be positive"),
        (lambda: SGD(learning_rate="fast"), TypeError, "learning_rate must be a real number"),
        (lambda: SGD(momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (lambda: SGD(nesterov="yes"), TypeError, "nesterov must be True or False"),
        (lambda: Adam(beta_1=1.0), ValueError, r"beta_1 must be in \[0, 1\)"),
        (lambda: Adam(epsilon=0), ValueError, "epsilon must be positive"),
    ],
)
def test_bad_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_step_checks_that_params_and_grads_match():
    with pytest.raises(ValueError, match=r"missing gradients: \['dense/kernel'\]"):
        SGD().step(one_param(), {})
    with pytest.raises(ValueError, match=r"the gradient of dense/kernel has shape \(2,\)"):
        SGD().step(one_param(), {"dense/kernel": np.zeros(2)})
