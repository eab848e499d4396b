"""Optimisers: how each step changes the weights, with Keras' formulas and defaults.

An optimiser sees the weights and their gradients as two dicts with the same
keys (the model uses ``"layer_name/param_name"``, for example
``"conv2d/kernel"``). It keeps its own state (velocities, moment estimates)
under the same keys, and updates every weight *in place*, so the layers see
the new values at once and float32 weights stay float32.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlib._checks import check_bool, real_number


class Optimizer:
    """Base class: ``step(params, grads)`` updates each ``params[key]`` from ``grads[key]``.

    Parameters
    ----------
    learning_rate : float
        Size of the steps, ``> 0``.
    weight_decay : float, optional
        L2 weight decay, as Keras' ``weight_decay``: before each step every
        kernel (the weights named ``kernel``; not biases, nor batch
        normalisation's scale and shift) shrinks by ``learning_rate *
        weight_decay`` of itself, ``w -= learning_rate * weight_decay * w``.
        For SGD this is the gradient step of the penalty
        ``weight_decay / 2 * sum(w**2)`` added to the loss.
    """

    def __init__(self, learning_rate, weight_decay=None):
        self.learning_rate = learning_rate
        if weight_decay is not None:
            weight_decay = real_number(weight_decay, "weight_decay")
            if not 0 <= weight_decay < math.inf:
                raise ValueError(
                    f"weight_decay must be at least 0 and finite; received {weight_decay!r}"
                )
        self.weight_decay = weight_decay
        self.iterations = 0  # number of steps taken
        self.slots: dict[str, dict[str, np.ndarray]] = {}  # state per parameter

    @property
    def learning_rate(self) -> float:
        """Size of the steps; checked whenever it is set (by a schedule, say)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        rate = real_number(value, "learning_rate")
        if not 0 < rate < math.inf:
            raise ValueError(f"learning_rate must be positive and finite; received {value!r}")
        self._learning_rate = rate

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Take one step: update every array in ``params`` in place."""
        if params.keys() != grads.keys():
            raise ValueError(
                "params and grads must have the same keys; "
                f"missing gradients: {sorted(params.keys() - grads.keys())}, "
                f"gradients without a parameter: {sorted(grads.keys() - params.keys())}"
            )
        for key, param in params.items():
            grad = grads[key]
            if grad.shape != param.shape:
                raise ValueError(
                    f"the gradient of {key} has shape {grad.shape}; expected {param.shape}"
                )
            if self.weight_decay and key.rsplit("/", 1)[-1] == "kernel":
                param -= param * param.dtype.type(self.learning_rate * self.weight_decay)
            self.update(param, grad.astype(param.dtype, copy=False), self.slot(key, param))
        self.iterations += 1

    def slot(self, key: str, param: np.ndarray) -> dict[str, np.ndarray]:
        """The state kept for parameter ``key`` (created empty on first use)."""
        if key not in self.slots:
            self.slots[key] = {}
        return self.slots[key]

    def update(self, param: np.ndarray, grad: np.ndarray, slot: dict) -> None:
        """Change ``param`` in place; ``slot`` holds this parameter's state."""
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor's arguments (``weight_decay`` only when it is set)."""
        config = {"learning_rate": self.learning_rate}
        if self.weight_decay is not None:
            config["weight_decay"] = self.weight_decay
        return config

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Without momentum, ``w -= learning_rate * g``. With momentum ``m``, as Keras::

        velocity = m * velocity - learning_rate * g
        w += velocity                                    # classical momentum
        w += m * velocity - learning_rate * g            # nesterov=True

    Parameters
    ----------
    learning_rate : float
        Keras' default 0.01.
    momentum : float
        ``0 <= momentum < 1``; 0 (the default) is plain gradient descent.
    nesterov : bool
        Look ahead along the velocity (Nesterov's accelerated gradient).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None):
        super().__init__(learning_rate, weight_decay)
        self.momentum = real_number(momentum, "momentum")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); received momentum={momentum!r}")
        self.nesterov = check_bool(nesterov, "nesterov")

    def update(self, param, grad, slot):
        lr, m = self.learning_rate, self.momentum
        if m == 0:
            param -= lr * grad
            return
        if "velocity" not in slot:
            slot["velocity"] = np.zeros_like(param)
        velocity = slot["velocity"]
        velocity *= m
        velocity -= lr * grad
        if self.nesterov:
            param += m * velocity - lr * grad
        else:
            param += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and of its square.

    At step ``t`` (from 1), as Keras computes it::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w -= alpha * m / (sqrt(v) + epsilon)

    ``alpha`` corrects the bias of ``m`` and ``v`` towards their zero start.

    Parameters
    ----------
    learning_rate : float
        Keras' default 0.001.
    beta_1, beta_2 : float
        Decay of the averages of ``g`` and ``g**2``, in ``[0, 1)``.
    epsilon : float
        Keeps the division finite; Keras' default 1e-7.
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None
    ):
        super().__init__(learning_rate, weight_decay)
        self.beta_1 = real_number(beta_1, "beta_1")
        self.beta_2 = real_number(beta_2, "beta_2")
        self.epsilon = real_number(epsilon, "epsilon")
        for name, value in (("beta_1", self.beta_1), ("beta_2", self.beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"{name} must be in [0, 1); received {name}={value!r}")
        if not 0 < self.epsilon < math.inf:
            raise ValueError(f"epsilon must be positive and finite; received epsilon={epsilon!r}")

    def update(self, param, grad, slot):
        if "m" not in slot:
            slot["m"], slot["v"] = np.zeros_like(param), np.zeros_like(param)
        m, v = slot["m"], slot["v"]
        t = self.iterations + 1
        alpha = self.learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m += (1 - self.beta_1) * (grad - m)  # m = beta_1 m + (1 - beta_1) g
        v += (1 - self.beta_2) * (np.square(grad) - v)
        param -= alpha * m / (np.sqrt(v) + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def get_optimizer(optimizer) -> Optimizer:
    """An optimiser from its name ("sgd", "adam") with Keras' defaults, or the object itself."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        return OPTIMIZERS[optimizer.lower()]()
    raise ValueError(
        f"optimizer must be one of {list(OPTIMIZERS)} or an Optimizer object such as "
        f"cnnlib.optimizers.Adam(learning_rate=0.001); received {optimizer!r}"
    )
