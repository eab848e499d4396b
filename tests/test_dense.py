"""Flatten and dense: values, gradients, dtype, errors."""

import numpy as np
import pytest

from cnnlib.functional import dense_backward, dense_forward, flatten_backward, flatten_forward
from cnnlib.gradcheck import numerical_gradient_of_output, rel_error


@pytest.mark.parametrize(
    ("shape", "expected"),
    [((2, 3, 3, 1), (2, 9)), ((4, 7, 7, 5), (4, 245)), ((3, 5), (3, 5)), ((3,), (3, 1))],
)
def test_flatten_shapes_and_round_trip(shape, expected):
    x = np.arange(np.prod(shape), dtype=float).reshape(shape)
    out, cache = flatten_forward(x)
    assert out.shape == expected
    np.testing.assert_array_equal(out.ravel(), x.ravel())  # row-major, channels last
    np.testing.assert_array_equal(flatten_backward(out, cache), x)


def test_dense_equals_a_loop_over_units():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 6)), rng.standard_normal((6, 3)), rng.standard_normal(3)
    out, _ = dense_forward(x, w, b)
    for n in range(4):
        for j in range(3):
            assert out[n, j] == pytest.approx(sum(x[n, d] * w[d, j] for d in range(6)) + b[j])
    np.testing.assert_array_equal(dense_forward(x, w)[0], x @ w)


def test_dense_gradients_match_numerical():
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    out, cache = dense_forward(x, w, b)
    dout = rng.standard_normal(out.shape)
    grads = dense_backward(dout, cache)
    for analytic, param in zip(grads, (x, w, b), strict=True):
        numeric = numerical_gradient_of_output(lambda: dense_forward(x, w, b)[0], param, dout)
        assert analytic.shape == param.shape
        assert rel_error(analytic, numeric) < 1e-7


def test_flatten_gradient_matches_numerical():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 2, 2))
    out, cache = flatten_forward(x)
    dout = rng.standard_normal(out.shape)
    numeric = numerical_gradient_of_output(lambda: flatten_forward(x)[0], x, dout)
    assert rel_error(flatten_backward(dout, cache), numeric) < 1e-7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 3, 2)).astype(dtype)
    flat, cache = flatten_forward(x)
    assert flat.dtype == dtype
    assert flatten_backward(np.ones(flat.shape), cache).dtype == dtype
    w, b = rng.standard_normal((18, 4)).astype(dtype), np.zeros(4, dtype=dtype)
    out, cache = dense_forward(flat, w, b)
    assert out.dtype == dtype
    assert all(g.dtype == dtype for g in dense_backward(np.ones(out.shape), cache))


def test_integer_input_becomes_float64():
    out, _ = dense_forward([[1, 2]], [[1], [1]], [1])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[4.0]])


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((np.zeros((2, 5)), np.zeros((4, 3))), r"feature mismatch: x has D=5 features.*expects 4"),
        ((np.zeros((2, 2, 2)), np.zeros((4, 3))), r"x must be a 2-D array.*flatten"),
        ((np.zeros((2, 4)), np.zeros(4)), r"w must be a 2-D array of shape \(D, units\)"),
        ((np.zeros((2, 4)), np.zeros((4, 3)), np.zeros(4)), r"b must have one value per unit"),
    ],
)
def test_bad_input_raises_clear_errors(args, match):
    with pytest.raises(ValueError, match=match):
        dense_forward(*args)


def test_backward_checks_dout_shape():
    _, cache = dense_forward(np.zeros((2, 4)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(2, 3\)"):
        dense_backward(np.zeros((2, 4)), cache)
    _, cache = flatten_forward(np.zeros((2, 2, 2, 1)))
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(2, 4\)"):
        flatten_backward(np.zeros((2, 2, 2, 1)), cache)
    with pytest.raises(ValueError, match=r"x must have a batch axis"):
        flatten_forward(3.0)


def test_a_float64_bias_does_not_widen_float32_work():
    rng = np.random.default_rng(4)
    x, w = rng.random((3, 5), dtype=np.float32), rng.random((5, 2), dtype=np.float32)
    out, cache = dense_forward(x, w, [0.5, -0.5])
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in dense_backward(np.ones_like(out), cache))
