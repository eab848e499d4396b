"""Activations: worked values, naive formulas, gradients, stability, dtype, errors."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnnlib as cl
from cnnlib.functional import ACTIVATIONS, SELU_ALPHA, SELU_SCALE, get_activation
from cnnlib.gradcheck import numerical_gradient_of_output, rel_error


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))


# The formulas as the slides write them: fine for moderate inputs, unstable for large ones.
NAIVE = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(0, x),
    "leaky_relu": lambda x: np.maximum(0.1 * x, x),
    "sigmoid": naive_sigmoid,
    "tanh": lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: SELU_SCALE * np.where(x >= 0, x, SELU_ALPHA * (np.exp(x) - 1)),
    "softplus": lambda x: np.log(1 + np.exp(x)),
    "swish": lambda x: x * naive_sigmoid(x),
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True),
}
NAMES = list(ACTIVATIONS)
ELEMENTWISE = [name for name in NAMES if name != "softmax"]


def test_registry_names_and_lookup():
    assert set(NAMES) == set(NAIVE)
    assert get_activation(None) == ACTIVATIONS["linear"]
    with pytest.raises(ValueError, match=r"activation must be one of \['linear', 'relu'.*'gelu'"):
        get_activation("gelu")
    with pytest.raises(ValueError, match=r"activation must be one of"):
        get_activation(["relu"])


@pytest.mark.parametrize(
    ("function", "x", "expected"),
    [
        (cl.relu, [[2, 1, -1], [-1, 1, 3], [2, 1, -5]], [[2, 1, 0], [0, 1, 3], [2, 1, 0]]),  # E7
        (cl.relu, [[1, 0, 3], [4, 5, 6], [-5, 11, 13]], [[1, 0, 3], [4, 5, 6], [0, 11, 13]]),
        (cl.leaky_relu, [-10, -1, 0, 2], [-1, -0.1, 0, 2]),
        (lambda x: cl.leaky_relu(x, slope=0.2), [-10, 3], [-2, 3]),
        (cl.sigmoid, [0, np.log(3)], [0.5, 0.75]),
        (cl.tanh, [0, np.log(2)], [0, 0.6]),
        (cl.elu, [-np.log(2), 3], [-0.5, 3]),
        (lambda x: cl.elu(x, alpha=2.0), [-np.log(2)], [-1.0]),
        (cl.selu, [1, -np.log(2)], [SELU_SCALE, -SELU_SCALE * SELU_ALPHA / 2]),
        (cl.softplus, [0, np.log(3)], [np.log(2), np.log(4)]),
        (cl.swish, [0, np.log(3)], [0, 0.75 * np.log(3)]),
        (cl.softmax, [[0, np.log(3)], [5, 5]], [[0.25, 0.75], [0.5, 0.5]]),
        (cl.radial_basis, [0, 1, -2], [1, np.exp(-1), np.exp(-4)]),
        (lambda x: cl.radial_basis(x, center=1.0, epsilon=2.0), [1, 2], [1, np.exp(-4)]),
    ],
)
def test_worked_values(function, x, expected):
    np.testing.assert_allclose(function(x), expected, rtol=1e-12, atol=1e-15)


@given(
    st.lists(st.floats(-30, 30, allow_nan=False), min_size=1, max_size=12),
    st.sampled_from(NAMES),
)
def test_equal_to_the_naive_formula_for_moderate_inputs(values, name):
    x = np.array(values)
    forward, _ = get_activation(name)
    np.testing.assert_allclose(forward(x)[0], NAIVE[name](x), rtol=1e-10, atol=1e-12)


def away_from_zero(rng, shape):
    """Values at least 0.1 from the kinks at 0 of ReLU, leaky ReLU and ELU."""
    return rng.uniform(0.1, 3.0, shape) * rng.choice([-1.0, 1.0], shape)


@pytest.mark.parametrize(
    ("name", "options"),
    [(name, {}) for name in NAMES] + [("leaky_relu", {"slope": 0.3}), ("elu", {"alpha": 0.5})],
)
def test_gradients_match_numerical(name, options):
    rng = np.random.default_rng(0)
    x = away_from_zero(rng, (3, 2, 4))
    forward, backward = get_activation(name)
    out, cache = forward(x, **options)
    dout = rng.standard_normal(out.shape)
    numeric = numerical_gradient_of_output(lambda: forward(x, **options)[0], x, dout)
    assert rel_error(backward(dout, cache), numeric) < 1e-7


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_derivative_is_the_slope(name):
    x = away_from_zero(np.random.default_rng(1), 10)
    h = 1e-6
    forward, _ = get_activation(name)
    slope = (forward(x + h)[0] - forward(x - h)[0]) / (2 * h)
    np.testing.assert_allclose(cl.activation_derivative(name, x), slope, rtol=1e-6, atol=1e-9)


def test_activation_derivative_options_and_softmax():
    np.testing.assert_allclose(cl.activation_derivative("elu", [-np.log(2)], alpha=2.0), [1.0])
    with pytest.raises(ValueError, match=r"softmax has no element-wise derivative"):
        cl.activation_derivative("softmax", [1.0, 2.0])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("magnitude", [1e3, 1e4, 1e300])
def test_large_inputs_stay_finite_without_warnings(name, magnitude):
    x = np.array([[-magnitude, -1.0, 0.0, 1.0, magnitude]])
    forward, backward = get_activation(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = forward(x)
        dx = backward(np.ones_like(out), cache)
    assert np.isfinite(out).all()
    assert np.isfinite(dx).all()


@pytest.mark.parametrize("name", NAMES)
def test_nan_is_not_hidden(name):
    x = np.array([[1.0, np.nan, -2.0]])
    forward, backward = get_activation(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = forward(x)
        backward(np.ones_like(out), cache)
    assert np.isnan(out[0, 1])
    if name != "softmax":
        assert np.isfinite(out[0, [0, 2]]).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_dtype_is_kept(name, dtype):
    x = np.array([[-2.0, 0.5, 3.0]], dtype=dtype)
    forward, backward = get_activation(name)
    out, cache = forward(x)
    assert out.dtype == dtype
    assert backward(np.ones(out.shape, dtype=np.float64), cache).dtype == dtype
    assert backward([[1, 1, 1]], cache).dtype == dtype


@pytest.mark.parametrize("name", NAMES)
def test_integer_input_becomes_float64(name):
    forward, backward = get_activation(name)
    out, cache = forward([[1, -2, 3]])
    assert out.dtype == np.float64
    assert backward(np.ones((1, 3), dtype=np.int64), cache).dtype == np.float64


def test_plain_conveniences_keep_float32():
    x = np.array([-1.0, 2.0], dtype=np.float32)
    functions = [cl.relu, cl.leaky_relu, cl.sigmoid, cl.tanh, cl.elu, cl.selu, cl.softplus]
    functions += [cl.swish, cl.softmax, cl.radial_basis]
    for function in functions:
        assert function(x).dtype == np.float32, function.__name__


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: cl.leaky_relu([1.0], slope="0.1"), TypeError, r"slope must be a real number"),
        (
            lambda: cl.elu([1.0], alpha=None),
            TypeError,
            r"alpha must be a real number; received None",
        ),
        (lambda: cl.radial_basis([1.0], epsilon=[2]), TypeError, r"epsilon must be a real number"),
        (lambda: cl.softmax(3.0), ValueError, r"softmax.*received an array of shape \(\)"),
        (lambda: cl.softmax(np.zeros((2, 0))), ValueError, r"last axis of K >= 1"),
        (lambda: cl.relu([["a"]]), TypeError, r"x must be an array of numbers"),
    ],
)
def test_bad_input_raises_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("name", NAMES)
def test_backward_checks_dout_shape(name):
    forward, backward = get_activation(name)
    _, cache = forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(2, 3\)"):
        backward(np.zeros((3, 2)), cache)


def test_relu_derivative_is_zero_at_zero():
    # max(0, x) has no derivative at 0; cnnlib (as Keras and PyTorch) uses 0 there.
    from cnnlib.functional import relu_backward, relu_forward

    _, cache = relu_forward(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(relu_backward(np.ones(3), cache), [0.0, 0.0, 1.0])
    layer = cl.ReLU().build((3,))
    layer.forward(np.array([[0.0, 0.0, 3.0]]), training=True)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])
