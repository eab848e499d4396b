"""Networks that are not a chain: Keras' functional API (``Input``, calling layers, ``Model``).

A layer called on a tensor returns a new tensor; nothing is computed yet,
the call only records which layer reads which tensor. ``Model(inputs,
outputs)`` then walks back from the output, builds every layer it meets
(in the order the data flow) and keeps that order for the forward pass:

>>> import cnnlib as cl
>>> x = cl.Input((8, 8, 4))
>>> y = cl.Conv2D(4, 3, padding="same", activation="relu")(x)
>>> y = cl.Conv2D(4, 3, padding="same")(y)
>>> y = cl.Activation("relu")(cl.Add()([y, x]))          # a residual block
>>> out = cl.Dense(10, activation="softmax")(cl.Flatten()(y))
>>> model = cl.Model(x, out, seed=0)
>>> [layer.name for layer in model.layers]
['conv2d', 'conv2d_1', 'add', 'activation', 'flatten', 'dense']
>>> model.count_params()  # two convolutions of (3*3*4 + 1)*4, a dense of 256*10 + 10
2866

The backward pass runs the layers in reverse. A tensor that feeds several
layers (``x`` above feeds the first convolution and the ``Add``) receives
the *sum* of their gradients, the multivariable chain rule. Everything else
(``compile``, ``fit``, ``evaluate``, ``predict``, ``save``) is the
:class:`~cnnlib.Sequential` model's. A model has one input and one output,
and each layer is called once.
"""

from __future__ import annotations

import numpy as np

from cnnlib.layers.base import Layer, shape_tuple
from cnnlib.model import Sequential, unique_name
from cnnlib.summary import LINE_LENGTH, fitted_table, totals_lines


class Tensor:
    """A symbolic batch: the shape of one example, and the layer call that makes it.

    Made by :func:`Input` and by calling a layer on tensors; it holds no numbers.
    """

    def __init__(self, shape, layer=None, inputs=(), name=None):
        self.shape = tuple(shape)
        self.layer: Layer | None = layer  # None for an Input
        self.inputs: tuple[Tensor, ...] = tuple(inputs)
        self.name = name  # the Input's name

    def __repr__(self) -> str:
        source = "Input" if self.layer is None else self.layer.describe()
        return f"<Tensor shape=(None, {', '.join(map(str, self.shape))}) from {source}>"


def Input(shape, name=None) -> Tensor:
    """The input of a :class:`Model`: a tensor for examples of ``shape`` (no batch axis).

    >>> Input((28, 28, 1))
    <Tensor shape=(None, 28, 28, 1) from Input>
    """
    if name is not None and (not isinstance(name, str) or not name or "/" in name):
        raise ValueError(f"name must be a non-empty string without '/'; received {name!r}")
    return Tensor(shape_tuple(shape, "shape"), name=name)


def call_layer(layer: Layer, inputs) -> Tensor:
    """``layer(inputs)``: record the call and return its output tensor (nothing is computed)."""
    many = getattr(layer, "multiple_inputs", False)
    tensors = list(inputs) if many and isinstance(inputs, (list, tuple)) else [inputs]
    if not all(isinstance(t, Tensor) for t in tensors):
        kinds = sorted({type(t).__name__ for t in tensors})
        raise TypeError(
            f"{layer.describe()} must be called on tensors made by cl.Input or by another "
            f"layer's call{' (a list of them)' if many else ''}; received {', '.join(kinds)}. "
            "To compute on arrays, build a cl.Model and call its predict"
        )
    if layer.built or getattr(layer, "called", False):
        raise ValueError(
            f"{layer.describe()} is already used (built, or called on another tensor); "
            "each layer is called once: make a new layer for each use"
        )
    shapes = [t.shape for t in tensors]
    output_shape = layer.compute_output_shape(shapes if many else shapes[0])  # checks them
    layer.called = True
    return Tensor(output_shape, layer, tensors)


class Model(Sequential):
    """A network given by its input and output tensors (Keras' functional ``Model``).

    Parameters
    ----------
    inputs : Tensor
        Made by :func:`Input`.
    outputs : Tensor
        Made by calling layers, starting from ``inputs``.
    seed, dtype, name
        As for :class:`~cnnlib.Sequential`: each layer's weights are drawn
        from its own generator, spawned in the order of ``model.layers``.
    """

    def __init__(self, inputs, outputs, seed=0, dtype="float32", name="functional"):
        super().__init__([], input_shape=None, seed=seed, dtype=dtype, name=name)
        if not isinstance(inputs, Tensor) or inputs.layer is not None:
            raise TypeError(f"inputs must be the tensor of cl.Input(...); received {inputs!r}")
        if not isinstance(outputs, Tensor) or outputs.layer is None:
            raise TypeError(
                f"outputs must be a tensor made by calling a layer; received {outputs!r}"
            )
        self.input_tensor, self.input_shape = inputs, inputs.shape
        self.input_name = inputs.name or "input_layer"
        order, seen = [], set()

        def visit(tensor: Tensor) -> None:  # depth first: a layer after all its inputs
            stack = [(tensor, False)]
            while stack:
                node, done = stack.pop()
                if id(node) in seen:
                    continue
                if done:
                    seen.add(id(node))
                    order.append(node)
                    continue
                stack.append((node, True))
                stack.extend((t, False) for t in reversed(node.inputs) if id(t) not in seen)

        visit(outputs)
        sources = [t for t in order if t.layer is None]
        if sources != [inputs]:
            raise ValueError(
                "outputs must be computed from inputs alone; the graph starts at "
                f"{len(sources)} other input tensor(s)"
                if inputs not in sources
                else "outputs must be computed from one input; the graph has several"
            )
        self.nodes = [t for t in order if t.layer is not None]  # data-flow order
        taken = {t.layer.name for t in self.nodes if t.layer.name}
        if len(taken) != len([t for t in self.nodes if t.layer.name]) or self.input_name in taken:
            raise ValueError("layer names must be unique (and differ from the input's name)")
        for tensor in self.nodes:
            layer = tensor.layer
            if layer.name is None:
                layer.name = unique_name(layer.default_name(), taken | {self.input_name})
                taken.add(layer.name)
            shapes = [t.shape for t in tensor.inputs]
            many = getattr(layer, "multiple_inputs", False)
            layer.build(
                shapes if many else shapes[0],
                np.random.default_rng(self.seeds.spawn(1)[0]),
                self.dtype,
            )
            self.layers.append(layer)

    # ----- structure -------------------------------------------------------------------------

    def inbound(self, layer: Layer) -> list[str]:
        """Names of what ``layer`` reads: other layers, or the input."""
        tensor = next(t for t in self.nodes if t.layer is layer)
        return [self.input_name if t.layer is None else t.layer.name for t in tensor.inputs]

    def add(self, layer):
        if not hasattr(self, "nodes"):  # Sequential.__init__ with no layers
            return super().add(layer)
        raise TypeError("a functional Model is fixed; call layers on tensors to make another")

    # ----- forward and backward ---------------------------------------------------------------

    def through(self, x, step, skip_final_activation=False) -> np.ndarray:
        """Every layer in data-flow order with ``step(layer, inputs, **options)``.

        Each layer reads the values of its input tensors; the last layer gets
        ``skip_activation=True`` if ``skip_final_activation``.
        """
        values = {id(self.input_tensor): x}
        for i, tensor in enumerate(self.nodes):
            args = [values[id(t)] for t in tensor.inputs]
            many = getattr(tensor.layer, "multiple_inputs", False)
            last = i == len(self.nodes) - 1 and skip_final_activation
            options = {"skip_activation": True} if last else {}
            values[id(tensor)] = step(tensor.layer, args if many else args[0], **options)
        return values[id(self.nodes[-1])]

    def backward(self, dout, skip_final_activation=False, input_grad=True):
        """Backward through the layers in reverse; a tensor read twice sums both gradients."""
        grads = {id(self.nodes[-1]): dout}
        for i in reversed(range(len(self.nodes))):
            tensor = self.nodes[i]
            layer, options = tensor.layer, {}
            if i == len(self.nodes) - 1 and skip_final_activation:
                options["skip_activation"] = True
            reads_input_only = all(t is self.input_tensor for t in tensor.inputs)
            if reads_input_only and not input_grad and layer.can_skip_input_grad:
                options["input_grad"] = False
            d_inputs = layer.backward(grads.pop(id(tensor)), **options)
            if options.get("input_grad") is False:
                continue
            many = getattr(layer, "multiple_inputs", False)
            for t, d in zip(tensor.inputs, d_inputs if many else [d_inputs], strict=True):
                grads[id(t)] = d if id(t) not in grads else grads[id(t)] + d
        return grads.get(id(self.input_tensor)) if input_grad else None

    # ----- summary ---------------------------------------------------------------------------

    def summary(self, print_fn=print, line_length=LINE_LENGTH) -> None:
        """Keras' table for a functional model: an input row, and a "Connected to" column.

        ``name[0][0]`` reads as Keras writes it: the first output of the first
        call of the layer ``name``. The table fits in ``line_length``
        characters (see :mod:`cnnlib.summary`).
        """
        for line in functional_summary_lines(self, line_length):
            print_fn(line)

    # ----- configuration ---------------------------------------------------------------------

    def get_config(self) -> dict:
        """The architecture as JSON-friendly values: each layer with what it reads."""
        return {
            "class_name": "Model",
            "name": self.name,
            "input_shape": list(self.input_shape),
            "input_name": self.input_name,
            "dtype": self.dtype.name,
            "seed": self.seed,
            "layers": [
                {
                    "class_name": type(layer).__name__,
                    "config": layer.get_config(),
                    "inbound": self.inbound(layer),
                }
                for layer in self.layers
            ],
        }


def functional_summary_lines(model: Model, line_length: int | None = LINE_LENGTH) -> list[str]:
    """The lines of the summary table of a functional ``model``, at most ``line_length`` wide."""
    header = ("Layer (type)", "Output Shape", "Param #", "Connected to")

    def table(split_inbound: bool) -> list[str]:
        # split_inbound: an entry wider than the longest layer name alone has
        # ``name`` and ``[0][0]`` on lines of their own
        width = max(len(name) for layer in model.layers for name in model.inbound(layer))

        def inbound(name):
            entry = f"{name}[0][0]"
            return [name, "[0][0]"] if split_inbound and len(entry) > width else [entry]

        rows = [((model.input_name, "InputLayer"), str((None, *model.input_shape)), "0", ["-"])]
        for layer in model.layers:
            rows.append(
                (
                    (layer.name, type(layer).__name__),
                    str((None, *layer.output_shape)),
                    f"{layer.count_params():,}",
                    [line for name in model.inbound(layer) for line in inbound(name)],
                )
            )
        return fitted_table(model.name, header, rows, (29, 22, 11, 17), "<<><", line_length)

    lines = table(split_inbound=False)
    if line_length is not None and max(map(len, lines)) > line_length:
        lines = table(split_inbound=True)
    lines.extend(totals_lines(model))
    return lines
