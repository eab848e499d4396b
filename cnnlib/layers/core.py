"""Activations, Flatten, Dense and Dropout as layers.

Shapes of one example (the batch axis ``N`` comes first in every array):

- ``Activation``, ``ReLU``, ``LeakyReLU``, ``Softmax``, ``Dropout``: output as input.
- ``Flatten``: ``(H, W, C)`` becomes ``(H * W * C,)``.
- ``Dense(units)``: ``(D,)`` becomes ``(units,)``, with ``D * units + units`` parameters.
"""

from __future__ import annotations

import inspect
import math

from cnnlib import initializers
from cnnlib._checks import check_bool, positive_int, real_number
from cnnlib.functional import (
    dense_backward,
    dense_forward,
    dropout_backward,
    dropout_forward,
    flatten_backward,
    flatten_forward,
    get_activation,
)
from cnnlib.layers.base import Layer, as_generator


class Activation(Layer):
    """Apply an activation function element by element (softmax: along the last axis).

    Parameters
    ----------
    activation : str or None
        A name from :data:`cnnlib.functional.ACTIVATIONS` ("relu", "sigmoid",
        "tanh", "softmax", ...); ``None`` means "linear" (the identity).
    **options
        Passed to the activation, for example ``slope`` for "leaky_relu".

    ``forward`` and ``backward`` take ``skip_activation=True`` to pass values
    through unchanged; the model uses it to fuse a final softmax with the
    cross-entropy loss.
    """

    def __init__(self, activation, name=None, input_shape=None, **options):
        super().__init__(name, input_shape)
        self.forward_fn, self.backward_fn = get_activation(activation)
        self.activation = "linear" if activation is None else activation
        allowed = list(inspect.signature(self.forward_fn).parameters)[1:]
        unknown = sorted(set(options) - set(allowed))
        if unknown:
            raise TypeError(
                f"activation {self.activation!r} takes the options {allowed}; received {unknown}"
            )
        self.options = {key: real_number(value, key) for key, value in options.items()}

    @property
    def final_activation(self) -> str:
        return self.activation

    def forward_pass(self, x, training=False, skip_activation=False):
        """``f(x)``, of the shape of ``x``; ``x`` itself with ``skip_activation``."""
        if skip_activation:
            return x, None
        return self.forward_fn(x, **self.options)

    def backward(self, dout, skip_activation=False):
        """``dout * f'(x)`` (softmax: its Jacobian times ``dout``)."""
        return self.backward_from(dout, self.cache, skip_activation)

    def backward_from(self, dout, cache, skip_activation=False):
        """The backward pass for the ``cache`` of a :meth:`forward_pass`."""
        if skip_activation:
            return dout
        return self.backward_fn(dout, cache)

    def get_config(self):
        return {**super().get_config(), "activation": self.activation, **self.options}


class ReLU(Activation):
    """``max(0, x)``, as a layer of its own."""

    def __init__(self, name=None, input_shape=None):
        super().__init__("relu", name, input_shape)

    def get_config(self):
        return {"name": self.name}


class LeakyReLU(Activation):
    """``x`` for ``x > 0`` and ``negative_slope * x`` otherwise (Keras' default slope 0.3)."""

    def __init__(self, negative_slope=0.3, name=None, input_shape=None):
        super().__init__("leaky_relu", name, input_shape, slope=negative_slope)
        self.negative_slope = self.options["slope"]

    def get_config(self):
        return {"name": self.name, "negative_slope": self.negative_slope}


class Softmax(Activation):
    """Softmax over the last axis: positive values that sum to 1."""

    def __init__(self, name=None, input_shape=None):
        super().__init__("softmax", name, input_shape)

    def get_config(self):
        return {"name": self.name}


class KernelLayer(Layer):
    """A layer with a kernel, an optional bias and an activation (Conv2D, Dense).

    Subclasses say the kernel's shape in :meth:`kernel_shape`; the bias has one
    value per output channel or unit (the kernel's last axis).
    """

    def __init__(
        self, activation, use_bias, kernel_initializer, bias_initializer, name, input_shape
    ):
        super().__init__(name, input_shape)
        self.activation = Activation(activation)
        self.use_bias = check_bool(use_bias, "use_bias")
        self.kernel_initializer = initializers.get_initializer(kernel_initializer)
        self.bias_initializer = initializers.get_initializer(bias_initializer)

    @property
    def final_activation(self) -> str:
        return self.activation.activation

    def kernel_shape(self, input_shape) -> tuple[int, ...]:
        """Shape of the kernel for examples of ``input_shape``."""
        raise NotImplementedError

    def weight_shapes(self, input_shape):
        shape = self.kernel_shape(input_shape)
        return {"kernel": shape, **({"bias": (shape[-1],)} if self.use_bias else {})}

    def init_weights(self, rng):
        rng = as_generator(rng, self.describe())
        shape = self.kernel_shape(self.input_shape)
        self.params["kernel"] = self.kernel_initializer(shape, rng, self.dtype)
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((shape[-1],), rng, self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "activation": self.final_activation,
            "use_bias": self.use_bias,
            "kernel_initializer": self.kernel_initializer.__name__,
            "bias_initializer": self.bias_initializer.__name__,
        }


class Flatten(Layer):
    """Lay out each example's values in one row: ``(H, W, C)`` becomes ``(H * W * C,)``."""

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward_pass(self, x, training=False):
        return flatten_forward(self.check_input(x))

    def backward(self, dout):
        return flatten_backward(dout, self.cache)


class Dense(KernelLayer):
    """Fully connected layer: ``activation(x @ kernel + bias)``.

    Parameters
    ----------
    units : int
        Number of outputs.
    activation : str or None
        Applied to ``x @ kernel + bias``; see :class:`Activation`.
    use_bias : bool
        Add a learned bias (``units`` more parameters).
    kernel_initializer, bias_initializer : str
        Names from :data:`cnnlib.initializers.INITIALIZERS`; Keras' defaults.

    Weights: ``kernel`` of shape ``(D, units)`` and ``bias`` of shape ``(units,)``.
    The input must be flat, ``(N, D)``: put a :class:`Flatten` before it.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        name=None,
        input_shape=None,
    ):
        super().__init__(
            activation, use_bias, kernel_initializer, bias_initializer, name, input_shape
        )
        self.units = positive_int(units, "units")

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError(
                f"{self.describe()} expects flat examples of shape (D,); received examples of "
                f"shape {tuple(input_shape)}: put a Flatten() layer before it"
            )
        return (self.units,)

    def kernel_shape(self, input_shape):
        return (input_shape[0], self.units)

    def count_mult_adds(self) -> int:
        """``D * units``: each output is a sum of ``D`` products."""
        return self.input_shape[0] * self.units

    def forward_pass(self, x, training=False, skip_activation=False):
        """``(N, D)`` to ``(N, units)``; ``skip_activation`` returns ``x @ kernel + bias``."""
        z, dense_cache = dense_forward(
            self.check_input(x), self.params["kernel"], self.params.get("bias")
        )
        out, activation_cache = self.activation.forward_pass(z, skip_activation=skip_activation)
        return out, (dense_cache, activation_cache)

    def backward(self, dout, skip_activation=False):
        dense_cache, activation_cache = self.cache
        dz = self.activation.backward_from(dout, activation_cache, skip_activation)
        dx, self.grads["kernel"], db = dense_backward(dz, dense_cache)
        if self.use_bias:
            self.grads["bias"] = db
        return dx

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
        }


class Dropout(Layer):
    """In training, zero a random fraction ``rate`` of the values and scale up the rest.

    At inference it is the identity. The random masks come from the generator
    the layer is built with (the model gives each layer its own), or from
    ``seed`` when given.

    Parameters
    ----------
    rate : float
        Fraction of values dropped, ``0 <= rate < 1``.
    seed : int, optional
        Seed of this layer's own generator.
    """

    def __init__(self, rate, seed=None, name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.rate = real_number(rate, "rate")
        if not 0 <= self.rate < 1:
            raise ValueError(
                f"rate must be in [0, 1) (the fraction dropped); received rate={rate!r}"
            )
        self.seed = seed
        self.rng = None

    def init_weights(self, rng):
        if self.seed is not None:
            self.rng = as_generator(self.seed, self.describe())
        elif rng is not None:
            self.rng = as_generator(rng, self.describe())

    def forward_pass(self, x, training=False):
        return dropout_forward(self.check_input(x), self.rate, training, rng=self.rng)

    def backward(self, dout):
        return dropout_backward(dout, self.cache)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
