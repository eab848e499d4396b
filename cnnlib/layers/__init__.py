"""Keras-style layers that hold weights and call :mod:`cnnlib.functional`.

Each layer has ``build(input_shape, rng)``, ``compute_output_shape``,
``forward(x, training)``, ``backward(dout)``, ``params``/``grads`` dicts and
``get_config()``; see :class:`~cnnlib.layers.base.Layer`.
"""

from cnnlib.layers.base import Layer, ParamCounts
from cnnlib.layers.conv import Conv2D
from cnnlib.layers.core import Activation, Dense, Dropout, Flatten, LeakyReLU, ReLU, Softmax
from cnnlib.layers.merge import Add
from cnnlib.layers.normalization import BatchNormalization
from cnnlib.layers.pooling import (
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
    MinPooling2D,
)

# Every layer class by name, to rebuild a model from its saved architecture.
LAYER_CLASSES = {
    cls.__name__: cls
    for cls in (
        Activation,
        Add,
        AveragePooling2D,
        BatchNormalization,
        Conv2D,
        Dense,
        Dropout,
        Flatten,
        GlobalAveragePooling2D,
        GlobalMaxPooling2D,
        LeakyReLU,
        MaxPooling2D,
        MinPooling2D,
        ReLU,
        Softmax,
    )
}

__all__ = [
    "LAYER_CLASSES",
    "Activation",
    "Add",
    "AveragePooling2D",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "Layer",
    "LeakyReLU",
    "MaxPooling2D",
    "MinPooling2D",
    "ParamCounts",
    "ReLU",
    "Softmax",
]
