"""Dropout: inverted scaling, training against inference, explicit randomness, errors."""

import numpy as np
import pytest

from cnnlib.functional import dropout_backward, dropout_forward
from cnnlib.gradcheck import numerical_gradient_of_output, rel_error


def test_fixed_mask_drops_and_scales():
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    mask = np.array([[1, 0, 1, 0]])
    out, cache = dropout_forward(x, 0.5, training=True, mask=mask)
    np.testing.assert_array_equal(out, [[2.0, 0.0, 6.0, 0.0]])  # kept values / (1 - 0.5)
    np.testing.assert_array_equal(dropout_backward(np.ones((1, 4)), cache), [[2, 0, 2, 0]])


def test_inference_is_the_identity():
    x = np.random.default_rng(0).standard_normal((3, 4))
    out, cache = dropout_forward(x, 0.5, training=False)  # no rng needed
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(dropout_backward(np.ones_like(x), cache), np.ones_like(x))
    out, _ = dropout_forward(x, 0.0, training=True)
    np.testing.assert_array_equal(out, x)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_training_drops_about_rate_and_keeps_the_expected_value(rate):
    x = np.ones((200, 500))
    out, _ = dropout_forward(x, rate, training=True, rng=np.random.default_rng(1))
    dropped = np.mean(out == 0)
    assert abs(dropped - rate) < 0.01  # 100,000 draws: standard error below 0.002
    np.testing.assert_allclose(out[out != 0], 1 / (1 - rate))
    assert abs(out.mean() - 1) < 0.05


def test_randomness_is_explicit_and_reproducible():
    x = np.ones((20, 30))
    global_state = np.random.get_state()[1].copy()  # noqa: NPY002 (checked, not used)
    a, _ = dropout_forward(x, 0.5, training=True, rng=7)
    b, _ = dropout_forward(x, 0.5, training=True, rng=np.random.default_rng(7))
    c, _ = dropout_forward(x, 0.5, training=True, rng=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(np.random.get_state()[1], global_state)  # noqa: NPY002
    rng = np.random.default_rng(3)
    first, _ = dropout_forward(x, 0.5, training=True, rng=rng)
    second, _ = dropout_forward(x, 0.5, training=True, rng=rng)
    assert not np.array_equal(first, second)  # a generator moves on


def test_gradient_with_a_fixed_mask_matches_numerical():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 2, 2, 4))
    mask = rng.random(x.shape) >= 0.3
    out, cache = dropout_forward(x, 0.3, training=True, mask=mask)
    dout = rng.standard_normal(out.shape)
    numeric = numerical_gradient_of_output(
        lambda: dropout_forward(x, 0.3, training=True, mask=mask)[0], x, dout
    )
    assert rel_error(dropout_backward(dout, cache), numeric) < 1e-7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [True, False])
def test_dtype_is_kept(dtype, training):
    x = np.ones((4, 5), dtype=dtype)
    out, cache = dropout_forward(x, 0.3, training=training, rng=0)
    assert out.dtype == dtype
    assert dropout_backward(np.ones((4, 5)), cache).dtype == dtype


def test_integer_input_becomes_float64():
    out, _ = dropout_forward([[1, 2]], 0.5, training=True, mask=[[1, 1]])
    assert out.dtype == np.float64


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rate": 1.0}, ValueError, r"rate must be in \[0, 1\).*received rate=1.0"),
        ({"rate": -0.1}, ValueError, r"rate must be in \[0, 1\).*received rate=-0.1"),
        ({"rate": float("nan")}, ValueError, r"rate must be in \[0, 1\)"),
        ({"rate": "0.5"}, TypeError, r"rate must be a real number; received '0.5'"),
        ({"training": "yes"}, TypeError, r"training must be True or False; received 'yes'"),
        ({"rng": None}, TypeError, r"dropout in training needs rng.*received rng=None"),
        ({"rng": "seed"}, TypeError, r"rng must be a numpy.random.Generator or an int seed"),
        ({"rng": None, "mask": np.ones((2, 2))}, ValueError, r"mask must have the shape of x"),
        ({"rng": None, "mask": np.full((2, 3), 2)}, ValueError, r"mask must hold only True/False"),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, error, match):
    args = {"x": np.ones((2, 3)), "rate": 0.5, "training": True, "rng": 0} | kwargs
    with pytest.raises(error, match=match):
        dropout_forward(**args)


def test_backward_checks_dout_shape():
    _, cache = dropout_forward(np.ones((2, 3)), 0.5, training=True, rng=0)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(2, 3\)"):
        dropout_backward(np.ones((3, 2)), cache)
