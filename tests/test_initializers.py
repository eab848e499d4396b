"""Initial weights: Keras' fans, spreads and dtypes, from an explicit generator."""

import math

import numpy as np
import pytest

from cnnlib import initializers
from cnnlib.initializers import fans, get_initializer


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((3, 3, 32, 64), (288, 576)),  # conv: receptive field 9 times the channels
        ((5, 3, 1, 8), (15, 120)),  # non-square kernel
        ((9216, 128), (9216, 128)),  # dense
        ((10,), (10, 10)),
    ],
)
def test_fans_follow_keras(shape, expected):
    assert fans(shape) == expected


@pytest.mark.parametrize(
    ("name", "variance"),
    [
        ("glorot_uniform", 2 / (300 + 200)),
        ("glorot_normal", 2 / (300 + 200)),
        ("he_uniform", 2 / 300),
        ("he_normal", 2 / 300),
    ],
)
def test_random_initializers_have_the_intended_variance(name, variance):
    w = get_initializer(name)((300, 200), np.random.default_rng(0))
    assert w.dtype == np.float32
    assert abs(w.mean()) < 0.01 * math.sqrt(variance) * 10
    assert w.var() == pytest.approx(variance, rel=0.02)


def test_uniform_initializers_stay_within_their_limit():
    w = initializers.glorot_uniform((3, 3, 4, 8), np.random.default_rng(0))
    limit = math.sqrt(6 / (36 + 72))
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.9 * limit


def test_truncated_normals_are_cut_at_two_standard_deviations():
    w = initializers.he_normal((200, 100), np.random.default_rng(1), dtype=np.float64)
    std = math.sqrt(2 / 200) / initializers.TRUNCATED_STD
    assert np.abs(w).max() <= 2 * std


def test_the_same_generator_state_gives_the_same_weights():
    a = initializers.glorot_uniform((4, 5), np.random.default_rng(7))
    b = initializers.glorot_uniform((4, 5), np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_constant_initializers_and_dtype():
    assert initializers.zeros((3,), dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(initializers.ones((2,)), [1, 1])


def test_unknown_initializer_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"initializer must be one of \['glorot_uniform'.*'lecun'"):
        get_initializer("lecun")
