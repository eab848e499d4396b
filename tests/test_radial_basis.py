"""The radial basis function: worked values, its derivative, dtype and errors."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.functional import radial_basis_backward, radial_basis_forward
from cnnlib.gradcheck import numerical_gradient_of_output, rel_error


@pytest.mark.parametrize(
    ("x", "options", "out", "slope"),
    [
        # phi = exp(-(eps (x - c))^2), phi' = -2 eps^2 (x - c) phi
        ([0.0], {}, [1.0], [0.0]),
        ([1.0, -1.0], {}, [np.exp(-1)] * 2, [-2 * np.exp(-1), 2 * np.exp(-1)]),
        ([2.0], {"center": 1.0, "epsilon": 2.0}, [np.exp(-4)], [-8 * np.exp(-4)]),
        ([0.5], {"center": 1.0, "epsilon": 0.5}, [np.exp(-1 / 16)], [0.25 * np.exp(-1 / 16)]),
    ],
)
def test_worked_values_and_slopes(x, options, out, slope):
    y, cache = radial_basis_forward(x, **options)
    np.testing.assert_allclose(y, out, rtol=1e-14)
    np.testing.assert_allclose(radial_basis_backward(np.ones_like(y), cache), slope, rtol=1e-14)
    np.testing.assert_array_equal(cl.radial_basis(x, **options), y)


@pytest.mark.parametrize("options", [{}, {"center": -0.5, "epsilon": 1.7}])
def test_backward_matches_numerical_gradient(options):
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, (4, 5))
    out, cache = radial_basis_forward(x, **options)
    dout = rng.standard_normal(out.shape)
    numeric = numerical_gradient_of_output(lambda: radial_basis_forward(x, **options)[0], x, dout)
    assert rel_error(radial_basis_backward(dout, cache), numeric) < 1e-8


def test_dtype_is_kept_and_dout_is_checked():
    x = np.array([-1.0, 2.0], dtype=np.float32)
    out, cache = radial_basis_forward(x, center=0.5)
    assert out.dtype == np.float32
    assert radial_basis_backward([1, 1], cache).dtype == np.float32
    with pytest.raises(ValueError, match=r"dout must have the forward output's shape \(2,\)"):
        radial_basis_backward(np.ones(3), cache)
    with pytest.raises(TypeError, match=r"center must be a real number"):
        radial_basis_forward(x, center="0")
