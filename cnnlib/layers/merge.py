"""``Add``: the layer that joins paths of a network, as in a residual block.

It takes a list of batches of the same shape and returns their sum,
``y = x_1 + x_2 + ... + x_k``. Since ``∂y/∂x_i = 1``, its backward pass hands
the same gradient to every input unchanged: this is why the identity path of
a residual block carries the gradient past the layers beside it.

>>> import numpy as np
>>> import cnnlib as cl
>>> add = cl.Add().build([(2,), (2,)])
>>> add.forward([np.array([[1.0, 2.0]]), np.array([[10.0, 20.0]])])
array([[11., 22.]])
>>> [g.tolist() for g in add.backward(np.array([[0.5, -1.0]]))]
[[[0.5, -1.0]], [[0.5, -1.0]]]
"""

from __future__ import annotations

import numpy as np

from cnnlib.layers.base import Layer, shape_tuple


class Add(Layer):
    """Element-wise sum of two or more inputs of the same shape (Keras' ``Add``).

    Call it on a list of tensors in a :class:`~cnnlib.Model`:
    ``y = cl.Add()([x, shortcut])``.
    """

    #: Takes a list of inputs (the model passes one batch per input).
    multiple_inputs = True

    def build(self, input_shape, rng=None, dtype=np.float32) -> Add:
        """Check the list of input shapes; ``Add`` has no weights."""
        shapes = self.input_shapes(input_shape)
        self.output_shape = self.compute_output_shape(shapes)
        self.input_shape, self.dtype = shapes, np.dtype(dtype)
        self.params, self.grads, self.state = {}, {}, {}
        self.built = True
        return self

    def input_shapes(self, input_shape) -> list[tuple[int, ...]]:
        """The input shapes as a list of tuples, raising unless there are at least two."""
        if not isinstance(input_shape, (list, tuple)) or not all(
            isinstance(s, (list, tuple)) for s in input_shape
        ):
            raise ValueError(
                f"{self.describe()} takes a list of inputs, for example Add()([x, y]); "
                f"received input shape {input_shape!r}"
            )
        if len(input_shape) < 2:
            raise ValueError(
                f"{self.describe()} adds two or more inputs; received {len(input_shape)}"
            )
        return [shape_tuple(s) for s in input_shape]

    def compute_output_shape(self, input_shape) -> tuple[int, ...]:
        shapes = self.input_shapes(input_shape)
        if any(s != shapes[0] for s in shapes):
            raise ValueError(
                f"{self.describe()} adds inputs of the same shape; received shapes {shapes}"
            )
        return shapes[0]

    def forward_pass(self, x, training=False, **options):
        self.check_built()
        if len(x) != len(self.input_shape):
            raise ValueError(
                f"{self.describe()} expects {len(self.input_shape)} inputs; received {len(x)}"
            )
        for xi, shape in zip(x, self.input_shape, strict=True):
            if np.shape(xi)[1:] != shape:
                raise ValueError(
                    f"{self.describe()} expects inputs of shape (N, "
                    f"{', '.join(map(str, shape))}); received {np.shape(xi)}"
                )
        out = x[0]
        for xi in x[1:]:
            out = out + xi  # a new array: the inputs are left alone
        return out, len(x)

    def backward(self, dout):
        """The same gradient for every input: ``∂(x_1 + ... + x_k)/∂x_i = 1``."""
        if self.cache is None:
            raise RuntimeError(f"{self.describe()}: call forward before backward")
        return [dout] * self.cache
