"""Batch normalisation: a per-feature loop, running statistics, gradients, dtype, errors."""

import numpy as np
import pytest

from cnnlib.functional import batchnorm_backward, batchnorm_forward
from cnnlib.gradcheck import numerical_gradient_of_output, rel_error

SHAPES = [(6, 4), (3, 4, 5, 2), (1, 2, 2, 3)]  # vectors, maps, a single image


def params(rng, c):
    gamma, beta = rng.uniform(0.5, 2.0, c), rng.standard_normal(c)
    return gamma, beta, rng.standard_normal(c), rng.uniform(0.5, 2.0, c)


def loop_batchnorm(x, gamma, beta, mean, var, eps):
    """One feature at a time, as the slides describe it."""
    out = np.empty_like(x)
    for c in range(x.shape[-1]):
        out[..., c] = gamma[c] * (x[..., c] - mean[c]) / np.sqrt(var[c] + eps) + beta[c]
    return out


@pytest.mark.parametrize("shape", SHAPES)
def test_training_uses_batch_statistics_and_updates_running_ones(shape):
    rng = np.random.default_rng(0)
    x = 3 + 2 * rng.standard_normal(shape)
    gamma, beta, running_mean, running_var = params(rng, shape[-1])
    before = running_mean.copy(), running_var.copy()
    out, _, new_mean, new_var = batchnorm_forward(
        x, gamma, beta, running_mean, running_var, training=True, momentum=0.9, eps=1e-3
    )
    axes = tuple(range(len(shape) - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    np.testing.assert_allclose(out, loop_batchnorm(x, gamma, beta, mean, var, 1e-3), rtol=1e-12)
    np.testing.assert_allclose(new_mean, 0.9 * running_mean + 0.1 * mean, rtol=1e-12)
    np.testing.assert_allclose(new_var, 0.9 * running_var + 0.1 * var, rtol=1e-12)
    np.testing.assert_array_equal(running_mean, before[0])  # the arguments are not changed
    np.testing.assert_array_equal(running_var, before[1])


def test_normalised_features_have_mean_zero_and_variance_one():
    x = 5 + 3 * np.random.default_rng(1).standard_normal((64, 3, 3, 2))
    c = x.shape[-1]
    out, *_ = batchnorm_forward(x, np.ones(c), np.zeros(c), np.zeros(c), np.ones(c), True, eps=1e-9)
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 1, 2)), 1, rtol=1e-6)


@pytest.mark.parametrize("shape", SHAPES)
def test_inference_uses_running_statistics(shape):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    gamma, beta, running_mean, running_var = params(rng, shape[-1])
    out, _, new_mean, new_var = batchnorm_forward(
        x, gamma, beta, running_mean, running_var, training=False
    )
    expected = loop_batchnorm(x, gamma, beta, running_mean, running_var, 1e-3)  # Keras' eps
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    np.testing.assert_array_equal(new_mean, running_mean)
    np.testing.assert_array_equal(new_var, running_var)


def test_default_momentum_is_keras():
    x = np.array([[0.0], [2.0]])  # batch mean 1, batch variance 1
    *_, mean, var = batchnorm_forward(x, [1.0], [0.0], [0.0], [1.0], training=True)
    np.testing.assert_allclose(mean, [0.01])  # 0.99 * 0 + 0.01 * 1
    np.testing.assert_allclose(var, [1.0])


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
def test_gradients_match_numerical(shape, training):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    gamma, beta, running_mean, running_var = params(rng, shape[-1])

    def forward():
        return batchnorm_forward(x, gamma, beta, running_mean, running_var, training)[0]

    out, cache, _, _ = batchnorm_forward(x, gamma, beta, running_mean, running_var, training)
    dout = rng.standard_normal(out.shape)
    grads = batchnorm_backward(dout, cache)
    for analytic, param in zip(grads, (x, gamma, beta), strict=True):
        numeric = numerical_gradient_of_output(forward, param, dout)
        assert analytic.shape == param.shape
        assert rel_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [True, False])
def test_dtype_is_kept(dtype, training):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 3, 3, 2)).astype(dtype)
    stats = [a.astype(dtype) for a in params(rng, 2)]
    out, cache, mean, var = batchnorm_forward(x, *stats, training)
    assert out.dtype == mean.dtype == var.dtype == dtype
    assert all(g.dtype == dtype for g in batchnorm_backward(np.ones(x.shape), cache))


def test_integer_input_becomes_float64():
    out, *_ = batchnorm_forward([[1, 2], [3, 4]], [1, 1], [0, 0], [0, 0], [1, 1], True)
    assert out.dtype == np.float64


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"gamma": np.ones(2)}, ValueError, r"gamma must have one value per feature.*\(3,\)"),
        ({"running_var": np.ones((3, 1))}, ValueError, r"running_var must have one value per"),
        ({"x": np.ones(3)}, ValueError, r"x must be a batch of shape \(N, C\)"),
        ({"x": np.ones((0, 3))}, ValueError, r"x must not have an empty axis"),
        ({"momentum": 1.5}, ValueError, r"momentum must be in \[0, 1\]; received momentum=1.5"),
        ({"eps": 0}, ValueError, r"eps must be positive; received eps=0"),
        ({"training": None}, TypeError, r"training must be True or False; received None"),
        ({"beta": "zero"}, TypeError, r"beta must be an array of numbers"),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, error, match):
    c = 3
    args = {
        "x": np.ones((2, c)),
        "gamma": np.ones(c),
        "beta": np.zeros(c),
        "running_mean": np.zeros(c),
        "running_var": np.ones(c),
        "training": True,
    } | kwargs
    with pytest.raises(error, match=match):
        batchnorm_forward(**args)


def test_backward_checks_dout_shape():
    _, cache, _, _ = batchnorm_forward(np.ones((2, 3)), *np.ones((4, 3)), training=True)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(2, 3\)"):
        batchnorm_backward(np.ones((3, 2)), cache)
