r"""Receptive fields: the patch of the input that one value of a layer depends on.

Follow one axis (rows; columns work the same way). A value of layer ``l``
at position ``i`` sees the input rows ``start + i * jump`` to
``start + i * jump + size - 1``. The three numbers follow from the layer
below, with ``k``, ``s``, ``p`` and ``d`` the kernel size, stride, padding
before the first row and dilation of layer ``l``, and ``k_d = d (k - 1) + 1``
the rows its window spans:

.. math::

    \text{size}_l = \text{size}_{l-1} + (k_d - 1)\,\text{jump}_{l-1}, \qquad
    \text{jump}_l = s\,\text{jump}_{l-1}, \qquad
    \text{start}_l = \text{start}_{l-1} - p\,\text{jump}_{l-1},

starting from the input itself: size 1, jump 1, start 0. Each step of a
window of layer ``l`` is ``jump_{l-1}`` input pixels, so its ``k_d - 1``
extra rows add that many steps; its stride multiplies the step; and its
first window starts ``p`` steps before row 0, in the padding. A negative
start means the first values also see padding. A dilated window spans
``k_d`` rows but reads only ``k`` of them: ``size`` is the extent of the
patch, which then has holes unless other layers fill them.
"""

from __future__ import annotations

from typing import NamedTuple

from cnnlib.layers.conv import Conv2D
from cnnlib.layers.pooling import Pooling2D


class ReceptiveField(NamedTuple):
    """Receptive field of a layer's values, ``(rows, columns)`` in each field.

    Output ``(i, j)`` of the layer sees input rows ``start[0] + i * jump[0]``
    to ``start[0] + i * jump[0] + size[0] - 1``, and likewise for the columns.
    """

    name: str
    type: str
    size: tuple[int, int]
    jump: tuple[int, int]
    start: tuple[int, int]


def window_of(layer):
    """``(kernel, stride, padding before, dilation)`` of a layer with a sliding window.

    ``None`` for a layer that keeps every value where it is (activations, batch
    normalisation, dropout).
    """
    if isinstance(layer, Conv2D):
        return layer.kernel_size, layer.strides, layer.padding_before(), layer.dilation_rate
    if isinstance(layer, Pooling2D):  # "same" pooling pads after the input only
        return layer.pool_size, layer.strides, (0, 0), (1, 1)
    return None


def receptive_field(model) -> list[ReceptiveField]:
    """Size, jump and start of the receptive field of every layer of ``model``.

    The rows stop at the first layer whose output has no height and width
    (``Flatten``, ``Dense``, global pooling): each of its values depends on
    the whole input.

    Examples
    --------
    >>> import cnnlib as cl
    >>> model = cl.Sequential([cl.Conv2D(8, 3), cl.Conv2D(8, 3), cl.MaxPooling2D(2)],
    ...                       input_shape=(28, 28, 1))
    >>> [(r.name, r.size[0], r.jump[0]) for r in receptive_field(model)]
    [('conv2d', 3, 1), ('conv2d_1', 5, 1), ('max_pooling2d', 6, 2)]
    """
    size, jump, start = (1, 1), (1, 1), (0, 0)
    rows = []
    for layer in model.layers:
        window = window_of(layer)
        if window is not None:
            kernel, stride, before, dilation = window
            span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
            size = tuple(r + (f - 1) * j for r, f, j in zip(size, span, jump, strict=True))
            start = tuple(t - p * j for t, p, j in zip(start, before, jump, strict=True))
            jump = tuple(j * s for j, s in zip(jump, stride, strict=True))
        elif len(layer.output_shape) != 3 or layer.output_shape != layer.input_shape:
            break  # no more height and width: every value sees everything
        rows.append(ReceptiveField(layer.name, type(layer).__name__, size, jump, start))
    return rows
