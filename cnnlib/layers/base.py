"""The base class of every layer: its weights, gradients, shapes and configuration.

A layer's life has four steps:

1. ``Conv2D(32, 3)`` records the hyper-parameters; there are no weights yet.
2. ``build(input_shape, rng)`` creates the weights for examples of that shape
   (one example, without the batch axis), drawing them from ``rng``.
3. ``forward(x, training)`` computes the output of a batch and keeps, in
   ``self.cache``, what the backward pass will need. ``infer(x)`` computes
   the output in inference mode and keeps nothing, so a prediction (in
   another thread, say) never disturbs a training step between its forward
   and backward passes.
4. ``backward(dout)`` turns the gradient of the loss with respect to the
   output into the gradients of the parameters (stored in ``grads``) and
   returns the gradient with respect to the input.

The math lives in :mod:`cnnlib.functional`; a layer only holds the arrays
and calls those functions. Layers do not own optimisers: the model hands the
``params`` and ``grads`` of every layer to one.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np

from cnnlib._checks import positive_int


class ParamCounts(NamedTuple):
    """Number of weights, as Keras' ``summary()`` counts them."""

    total: int
    trainable: int
    non_trainable: int


def shape_tuple(shape, name: str = "input_shape") -> tuple[int, ...]:
    """Return ``shape`` as a tuple of positive ints, for one example (no batch axis)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or len(shape) == 0:
        raise TypeError(
            f"{name} must be a tuple of sizes without the batch axis, for example (28, 28, 1); "
            f"received {name}={shape!r}"
        )
    return tuple(positive_int(n, f"{name}[{i}]") for i, n in enumerate(shape))


def snake_case(class_name: str) -> str:
    """Keras' default layer name for a class: ``MaxPooling2D`` gives ``max_pooling2d``."""
    words = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", words).lower()


def as_generator(rng, owner: str) -> np.random.Generator:
    """Return ``rng`` as a ``numpy.random.Generator`` (an int is a seed)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError(
        f"{owner} needs rng, a numpy.random.Generator or an int seed, to draw its weights; "
        f"received rng={rng!r}"
    )


class Layer:
    """Base class: a step of a network that holds its weights and their gradients.

    Parameters
    ----------
    name : str, optional
        Unique within a model. By default the model names layers as Keras
        does: ``conv2d``, ``conv2d_1``, ``max_pooling2d``, ...
    input_shape : tuple of int, optional
        Shape of one example, without the batch axis, for example
        ``(64, 64, 3)``; only for the first layer of a model (Keras style).

    Attributes
    ----------
    params : dict of str to array
        Trainable weights, for example ``{"kernel": ..., "bias": ...}``.
    grads : dict of str to array
        Gradients of the loss with respect to ``params``, filled by ``backward``.
    state : dict of str to array
        Non-trainable weights: batch normalisation's moving mean and variance.
    input_shape, output_shape : tuple of int
        Shapes of one example in and out, known after ``build``.
    final_activation : str or None
        Name of the activation a layer applies last (for example "softmax"),
        so that a model can combine it with the loss.
    """

    final_activation: str | None = None

    def __init__(self, name: str | None = None, input_shape=None):
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(f"name must be a non-empty string without '/'; received {name!r}")
        self.name = name
        self.input_shape = None if input_shape is None else shape_tuple(input_shape)
        self.output_shape: tuple[int, ...] | None = None
        self.dtype = np.dtype(np.float32)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.state: dict[str, np.ndarray] = {}
        self.cache = None
        self.built = False

    @classmethod
    def default_name(cls) -> str:
        """The name Keras gives the first layer of this class in a model."""
        return snake_case(cls.__name__)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __call__(self, inputs):
        """Call the layer on a tensor (functional API): records the call, returns a tensor.

        See :mod:`cnnlib.graph`; to compute on arrays use :meth:`forward`.
        """
        from cnnlib.graph import call_layer

        return call_layer(self, inputs)

    def describe(self) -> str:
        """``name (Type)`` as the summary shows it; ``Type`` alone before naming."""
        kind = type(self).__name__
        return kind if self.name is None else f"{self.name} ({kind})"

    def build(self, input_shape, rng=None, dtype=np.float32) -> Layer:
        """Create the weights for examples of shape ``input_shape`` (no batch axis).

        ``rng`` (a ``numpy.random.Generator`` or an int seed) draws the initial
        weights; layers without random weights do not need it. Returns the layer.
        """
        input_shape = shape_tuple(input_shape)
        if self.input_shape is not None and self.input_shape != input_shape:
            raise ValueError(
                f"{self.describe()} was declared with input_shape={self.input_shape} "
                f"but receives examples of shape {input_shape}"
            )
        self.output_shape = self.compute_output_shape(input_shape)  # also checks the shape
        self.input_shape, self.dtype = input_shape, np.dtype(dtype)
        self.params, self.grads, self.state = {}, {}, {}
        self.init_weights(rng)
        self.built = True
        return self

    def init_weights(self, rng) -> None:
        """Fill ``params`` and ``state`` for ``self.input_shape``; none by default."""

    def compute_output_shape(self, input_shape) -> tuple[int, ...]:
        """Shape of one output example for one input example; the identity by default."""
        return tuple(input_shape)

    def weight_shapes(self, input_shape) -> dict[str, tuple[int, ...]]:
        """The shape of each weight ``build(input_shape)`` creates, without creating any.

        (Loading a file checks these against the file before building anything.)
        None by default.
        """
        return {}

    def forward(self, x: np.ndarray, training: bool = False, **options) -> np.ndarray:
        """Output of a batch ``x`` of shape ``(N, *input_shape)``; keeps the cache for backward."""
        out, self.cache = self.forward_pass(x, training, **options)
        return out

    def forward_pass(self, x: np.ndarray, training: bool = False, **options):
        """``(output, cache)`` of a batch, changing nothing the backward pass reads."""
        raise NotImplementedError

    def infer(self, x: np.ndarray, **options) -> np.ndarray:
        """Output of a batch in inference mode, leaving ``self.cache`` as it is."""
        if type(self).forward_pass is Layer.forward_pass:  # a layer with only forward()
            return self.forward(x, False, **options)
        return self.forward_pass(x, False, **options)[0]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Fill ``grads`` from ``dout`` (shape of the output) and return ``dx``."""
        raise NotImplementedError

    #: Whether ``backward`` accepts ``input_grad=False`` to skip computing ``dx``
    #: (worth it where ``dx`` is expensive, as in a convolution).
    can_skip_input_grad = False

    def get_config(self) -> dict:
        """The constructor's arguments, as JSON-friendly values."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        """A new, unbuilt layer from the output of :meth:`get_config`."""
        return cls(**config)

    def param_counts(self) -> ParamCounts:
        """``(total, trainable, non_trainable)`` numbers of weights."""
        trainable = sum(p.size for p in self.params.values())
        non_trainable = sum(s.size for s in self.state.values())
        return ParamCounts(trainable + non_trainable, trainable, non_trainable)

    def count_params(self) -> int:
        """Total number of weights, trainable or not (Keras' ``count_params``)."""
        return self.param_counts().total

    def count_mult_adds(self) -> int:
        """Multiply-adds of the layer's weighted sums for one example; 0 by default.

        Convolutions and dense layers override it. Element-wise work
        (activations, pooling, normalisation) is not counted, as in the usual
        multiply-add counts of a network.
        """
        return 0

    def count_activations(self) -> int:
        """Number of values the layer outputs for one example."""
        return math.prod(self.output_shape)

    def weights(self) -> dict[str, np.ndarray]:
        """Every weight, trainable ones first: what is saved and loaded."""
        return {**self.params, **self.state}

    def check_built(self) -> None:
        """Raise unless :meth:`build` has run."""
        if not self.built:
            raise RuntimeError(
                f"{self.describe()} has no weights yet: build it first, "
                "or put it in a Sequential model with an input_shape"
            )

    def maps_shape(self, input_shape) -> tuple[int, int, int]:
        """``(H, W, C)`` of an example, raising unless it has exactly those three axes."""
        if len(input_shape) != 3:
            raise ValueError(
                f"{self.describe()} expects examples of shape (H, W, C); "
                f"received {tuple(input_shape)}"
            )
        return tuple(input_shape)

    def check_input(self, x) -> np.ndarray:
        """Return ``x`` as an array, raising unless it is a batch of ``input_shape`` examples."""
        self.check_built()
        x = np.asarray(x)
        if x.shape[1:] != self.input_shape:
            raise ValueError(
                f"{self.describe()} expects a batch of shape (N, "
                f"{', '.join(map(str, self.input_shape))}); received x.shape={x.shape}"
            )
        return x
