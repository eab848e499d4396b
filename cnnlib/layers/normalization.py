"""Batch normalisation as a layer, Keras' ``BatchNormalization``.

Shapes: output as input; every feature of the last axis (channel) has four
weights, so ``4 * C`` parameters: the trainable scale ``gamma`` and shift
``beta``, and the non-trainable ``moving_mean`` and ``moving_variance`` that
training updates and inference uses.
"""

from __future__ import annotations

from cnnlib import initializers
from cnnlib._checks import real_number
from cnnlib.functional import batchnorm_backward, batchnorm_forward
from cnnlib.layers.base import Layer


class BatchNormalization(Layer):
    """Normalise each channel over the batch, then scale and shift it.

    In training each channel is normalised with the batch's mean and
    variance, and the moving statistics move towards them:
    ``moving = momentum * moving + (1 - momentum) * batch``. At inference
    the moving statistics are used instead.

    Parameters
    ----------
    momentum : float
        How much of the moving statistics to keep at each step (Keras: 0.99).
    epsilon : float
        Added to the variance before the square root (Keras: 0.001).
    """

    def __init__(self, momentum=0.99, epsilon=1e-3, name=None, input_shape=None):
        super().__init__(name, input_shape)
        self.momentum = real_number(momentum, "momentum")
        self.epsilon = real_number(epsilon, "epsilon")
        if not 0 <= self.momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1]; received momentum={momentum!r}")
        if not self.epsilon > 0:
            raise ValueError(f"epsilon must be positive; received epsilon={epsilon!r}")

    def weight_shapes(self, input_shape):
        channels = (input_shape[-1],)
        return dict.fromkeys(("gamma", "beta", "moving_mean", "moving_variance"), channels)

    def init_weights(self, rng):
        channels = (self.input_shape[-1],)
        self.params["gamma"] = initializers.ones(channels, dtype=self.dtype)
        self.params["beta"] = initializers.zeros(channels, dtype=self.dtype)
        self.state["moving_mean"] = initializers.zeros(channels, dtype=self.dtype)
        self.state["moving_variance"] = initializers.ones(channels, dtype=self.dtype)

    def forward_pass(self, x, training=False):
        out, cache, mean, var = batchnorm_forward(
            self.check_input(x),
            self.params["gamma"],
            self.params["beta"],
            self.state["moving_mean"],
            self.state["moving_variance"],
            training,
            momentum=self.momentum,
            eps=self.epsilon,
        )
        if training:  # inference reads the moving statistics and leaves them alone
            self.state["moving_mean"], self.state["moving_variance"] = mean, var
        return out, cache

    def backward(self, dout):
        dx, self.grads["gamma"], self.grads["beta"] = batchnorm_backward(dout, self.cache)
        return dx

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}
