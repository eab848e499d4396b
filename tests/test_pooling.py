"""Pooling: worked examples, vectorised against loops, ties, gradients, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnnlib as cl
from cnnlib.functional import (
    global_avg_pool_backward,
    global_avg_pool_forward,
    global_max_pool_backward,
    global_max_pool_forward,
    pool2d_backward,
    pool2d_forward,
)
from cnnlib.gradcheck import numerical_gradient_of_output, rel_error

E24 = [[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [9, 8, 6, 5]]
ONE_TO_16 = np.arange(1, 17).reshape(4, 4)
E36_MAP = [[0, 1, 0, 0, 0], [0, 1, 1, 1, 0], [1, 0, 1, 2, 1], [1, 4, 2, 1, 0], [0, 0, 1, 2, 1]]


@pytest.mark.parametrize(
    ("image", "kwargs", "expected"),
    [
        (E24, {"mode": "max"}, [[6, 8], [9, 6]]),
        (ONE_TO_16, {"mode": "min"}, [[1, 3], [9, 11]]),
        (ONE_TO_16, {"mode": "avg"}, [[3.5, 5.5], [11.5, 13.5]]),
        (
            E24,
            {"mode": "avg"},
            [[3.75, 5.25], [5.5, 3.0]],
        ),  # E24's "average pooling" is of this map
        (E36_MAP, {"keep_partial": True}, [[1, 1, 0], [4, 2, 1], [0, 2, 1]]),  # E37
        (E36_MAP, {}, [[1, 1], [4, 2]]),  # without the partial windows
        (
            [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
            {"mode": "avg", "keep_partial": True},
            [[3, 4.5], [7.5, 9]],
        ),
        ([[1, 2, 3], [4, 5, 6], [7, 8, 9]], {"pool_size": 2, "stride": 1}, [[5, 6], [8, 9]]),
        ([[1, 2, 3], [4, 5, 6]], {"pool_size": (1, 3), "mode": "min"}, [[1], [4]]),
        ([[1, 2, 3], [4, 5, 6]], {"pool_size": 5, "keep_partial": True}, [[6]]),
    ],
)
def test_worked_examples(image, kwargs, expected):
    out = cl.pool2d(image, **kwargs)
    np.testing.assert_array_equal(out, expected)


def test_global_pooling_worked_example():
    assert cl.global_avg_pool(ONE_TO_16) == 8.5  # 136 / 16
    assert cl.global_max_pool(ONE_TO_16) == 16


def test_convenience_shapes():
    rng = np.random.default_rng(0)
    assert cl.pool2d(rng.standard_normal((6, 7))).shape == (3, 3)
    assert cl.pool2d(rng.standard_normal((6, 7, 4)), keep_partial=True).shape == (3, 4, 4)
    assert cl.pool2d(rng.standard_normal((2, 6, 7, 4)), 3, stride=1).shape == (2, 4, 5, 4)
    volume = rng.standard_normal((5, 5, 3))
    np.testing.assert_array_equal(cl.global_max_pool(volume), volume.max(axis=(0, 1)))
    np.testing.assert_allclose(cl.global_avg_pool(volume[None]), volume.mean(axis=(0, 1))[None])


# (N, H, W, C, pool_size, stride, keep_partial)
CASES = [
    (2, 4, 4, 3, 2, None, False),  # the usual 2x2, stride 2
    (1, 5, 5, 2, 2, None, True),  # partial windows at the right and bottom
    (2, 5, 6, 2, 3, 1, False),  # overlapping windows
    (1, 7, 7, 1, 3, 2, False),  # overlapping, stride 2 (AlexNet style)
    (1, 7, 8, 2, 3, 2, True),  # overlapping and partial
    (2, 6, 7, 2, (2, 3), (1, 2), False),  # non-square pool and stride
    (1, 7, 5, 3, (3, 2), (2, 3), True),  # non-square, stride > pool on one axis, partial
    (1, 5, 5, 1, 1, 2, False),  # 1x1 pool, stride 2: subsampling
    (1, 4, 6, 2, 1, 2, False),  # gaps between windows, the last one flush with the edge
    (1, 3, 4, 2, 5, 5, True),  # pool larger than the input: one partial window
]
MODES = ["max", "min", "avg"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_vectorised_equals_loops_on_table(case, mode):
    *shape, pool, stride, partial = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    out, cache = pool2d_forward(x, pool, stride, mode, partial)
    np.testing.assert_allclose(out, cl.loops.pool2d(x, pool, stride, mode, partial), rtol=1e-12)
    dout = rng.standard_normal(out.shape)
    expected = cl.loops.pool2d_backward(dout, x, pool, stride, mode, partial)
    np.testing.assert_allclose(pool2d_backward(dout, cache), expected, rtol=1e-12, atol=1e-15)


@st.composite
def pool_problems(draw):
    ph, pw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(
        st.one_of(st.none(), st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4)))
    )
    partial = draw(st.booleans())
    low_h, low_w = (1, 1) if partial else (ph, pw)
    shape = (
        draw(st.integers(1, 2)),
        draw(st.integers(low_h, 9)),
        draw(st.integers(low_w, 9)),
        draw(st.integers(1, 3)),
    )
    ties = draw(st.booleans())  # small integers make ties in most windows
    return (
        shape,
        (ph, pw),
        stride,
        draw(st.sampled_from(MODES)),
        partial,
        ties,
        draw(st.integers(0, 2**31)),
    )


@given(pool_problems())
def test_vectorised_equals_loops_on_generated_cases(problem):
    shape, pool, stride, mode, partial, ties, seed = problem
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, shape).astype(float) if ties else rng.standard_normal(shape)
    out, cache = pool2d_forward(x, pool, stride, mode, partial)
    np.testing.assert_allclose(out, cl.loops.pool2d(x, pool, stride, mode, partial), rtol=1e-12)
    dout = rng.standard_normal(out.shape)
    expected = cl.loops.pool2d_backward(dout, x, pool, stride, mode, partial)
    np.testing.assert_allclose(pool2d_backward(dout, cache), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("mode", "stride", "expected"),
    [
        # every window of a constant map is a tie: the first element takes it all
        ("max", 2, [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]),
        ("min", 2, [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]),
        ("avg", 2, np.repeat(np.repeat([[1, 2], [3, 4]], 2, 0), 2, 1) / 4),
        # stride 1: overlapping windows, each gives its gradient to its own top-left
        ("max", 1, [[1, 2, 3, 0], [4, 5, 6, 0], [7, 8, 9, 0], [0, 0, 0, 0]]),
    ],
)
def test_ties_go_to_the_first_element(mode, stride, expected):
    x = np.ones((1, 4, 4, 1))
    out, cache = pool2d_forward(x, 2, stride, mode)
    dout = np.arange(1, out.size + 1, dtype=float).reshape(out.shape)
    np.testing.assert_array_equal(pool2d_backward(dout, cache)[0, :, :, 0], expected)


def test_tie_in_a_partial_window_and_overlap_accumulates():
    x = np.array([[5, 1, 5], [5, 5, 5]], dtype=float)[None, :, :, None]
    out, cache = pool2d_forward(x, 2, 2, "max", keep_partial=True)
    np.testing.assert_array_equal(out[0, :, :, 0], [[5, 5]])
    dx = pool2d_backward(np.array([[2.0, 3.0]])[None, :, :, None], cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[2, 0, 3], [0, 0, 0]])
    # a maximum shared by two overlapping windows receives both gradients
    x = np.array([[0, 0, 0], [0, 9, 0], [0, 0, 0]], dtype=float)[None, :, :, None]
    out, cache = pool2d_forward(x, 2, 1, "max")
    dx = pool2d_backward(np.ones_like(out), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0, 0, 0], [0, 4, 0], [0, 0, 0]])


def no_ties(rng, shape):
    """A random permutation: distinct values, so finite differences never cross a tie."""
    return rng.permutation(np.prod(shape)).reshape(shape) / 7.0


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_gradients_match_numerical(case, mode):
    *shape, pool, stride, partial = case
    rng = np.random.default_rng(2)
    x = no_ties(rng, shape)
    out, cache = pool2d_forward(x, pool, stride, mode, partial)
    dout = rng.standard_normal(out.shape)
    dx = pool2d_backward(dout, cache)
    numeric = numerical_gradient_of_output(
        lambda: pool2d_forward(x, pool, stride, mode, partial)[0], x, dout
    )
    assert rel_error(dx, numeric) < 1e-7


@pytest.mark.parametrize(
    ("forward", "backward"),
    [
        (global_max_pool_forward, global_max_pool_backward),
        (global_avg_pool_forward, global_avg_pool_backward),
    ],
)
def test_global_pooling_gradients(forward, backward):
    rng = np.random.default_rng(3)
    x = no_ties(rng, (2, 3, 4, 3))
    out, cache = forward(x)
    assert out.shape == (2, 3)
    dout = rng.standard_normal(out.shape)
    numeric = numerical_gradient_of_output(lambda: forward(x)[0], x, dout)
    assert rel_error(backward(dout, cache), numeric) < 1e-7


def test_global_max_pool_tie_goes_to_the_first_element():
    x = np.array([[1, 7], [7, 7]], dtype=float)[None, :, :, None]
    _, cache = global_max_pool_forward(x)
    dx = global_max_pool_backward(np.array([[2.0]]), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0, 2], [0, 0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", MODES)
def test_dtype_is_kept(dtype, mode):
    x = np.random.default_rng(4).standard_normal((2, 5, 5, 2)).astype(dtype)
    out, cache = pool2d_forward(x, 2, 2, mode, keep_partial=True)
    assert out.dtype == dtype
    assert pool2d_backward(np.ones(out.shape, dtype=np.float64), cache).dtype == dtype
    for forward, backward in (
        (global_max_pool_forward, global_max_pool_backward),
        (global_avg_pool_forward, global_avg_pool_backward),
    ):
        out, cache = forward(x)
        assert out.dtype == dtype
        assert backward(np.ones(out.shape, dtype=np.float64), cache).dtype == dtype


def test_integer_input_becomes_float64():
    assert cl.pool2d(ONE_TO_16, mode="avg").dtype == np.float64
    assert cl.global_max_pool(ONE_TO_16).dtype == np.float64


def test_nan_is_not_hidden():
    x = np.array([[1.0, np.nan], [3.0, 4.0]])
    for mode in MODES:
        assert np.isnan(cl.pool2d(x, mode=mode)[0, 0])
    assert np.isnan(cl.global_max_pool(x))
    assert np.isnan(cl.global_avg_pool(x))


X = np.zeros((2, 4, 4, 3))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"pool_size": 0},
            ValueError,
            r"pool_size must be a positive integer.*received pool_size=0",
        ),
        ({"pool_size": (2, 0)}, ValueError, r"pool_size\[1\] must be a positive integer"),
        ({"pool_size": 2.0}, TypeError, r"pool_size must be a positive integer; received 2.0"),
        (
            {"pool_size": 5},
            ValueError,
            r"larger than the input along the height: pool height 5 > input height 4.*keep_partial",
        ),
        ({"pool_size": (2, 6)}, ValueError, r"along the width: pool width 6 > input width 4"),
        ({"stride": 0}, ValueError, r"stride must be a positive integer.*received stride=0"),
        (
            {"mode": "mean"},
            ValueError,
            r"mode must be one of \['max', 'min', 'avg'\]; received mode='mean'",
        ),
        ({"keep_partial": "yes"}, TypeError, r"keep_partial must be True or False; received 'yes'"),
        ({"x": np.zeros((4, 4))}, ValueError, r"x must be a 4-D array of shape \(N, H, W, C\)"),
        ({"x": np.zeros((1, 0, 4, 1))}, ValueError, r"x must not have an empty axis"),
        ({"x": [["a"]]}, TypeError, r"x must be an array of numbers"),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, error, match):
    args = {"x": X, "pool_size": 2, "stride": None, "mode": "max", "keep_partial": False} | kwargs
    with pytest.raises(error, match=match):
        pool2d_forward(**args)
    with pytest.raises(error, match=match):
        cl.loops.pool2d(**args)


def test_convenience_and_global_pooling_reject_bad_shapes():
    with pytest.raises(ValueError, match=r"x must be a map of shape \(H, W\)"):
        cl.pool2d(np.zeros(5))
    with pytest.raises(ValueError, match=r"x must be a map of shape"):
        cl.global_max_pool(np.zeros((1, 2, 2, 1, 1)))
    with pytest.raises(ValueError, match=r"x must be a 4-D array"):
        global_avg_pool_forward(np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("forward", "backward", "args"),
    [
        (pool2d_forward, pool2d_backward, (2,)),
        (global_max_pool_forward, global_max_pool_backward, ()),
        (global_avg_pool_forward, global_avg_pool_backward, ()),
    ],
)
def test_backward_checks_dout_shape(forward, backward, args):
    _, cache = forward(X, *args)
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape"):
        backward(np.zeros((1, 1)), cache)


@pytest.mark.parametrize("mode", ["max", "min"])
def test_partial_windows_never_see_a_padding_value(mode):
    # Every value is negative (for min: positive), so a zero used to fill the
    # partial windows at the border would win them.
    sign = -1 if mode == "max" else 1
    x = sign * np.arange(1, 26, dtype=float).reshape(1, 5, 5, 1)
    out, _ = pool2d_forward(x, 2, None, mode, keep_partial=True)
    assert out.shape == (1, 3, 3, 1)
    # The last row and column of windows cover only the fifth row and column of
    # x; the winner of each is its first value (nearest zero for max, smallest for min).
    np.testing.assert_array_equal(out[0, 2, :, 0], sign * np.array([21.0, 23.0, 25.0]))
    np.testing.assert_array_equal(out[0, :, 2, 0], sign * np.array([5.0, 15.0, 25.0]))
    np.testing.assert_array_equal(cl.loops.pool2d(x, 2, None, mode, True), out)
