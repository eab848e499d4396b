"""cnnlib: a small, readable, vectorised NumPy library for convolutional networks.

The chapters of the book import it as ``import cnnlib as cl``.

- :mod:`cnnlib.functional`: forward and backward of every operation
  (convolution, pooling, activations, flatten, dense, dropout, batch
  normalisation) and the losses
- forward-only conveniences for small examples: :func:`conv2d`, :func:`pool2d`,
  :func:`global_max_pool`, :func:`global_avg_pool`, :func:`relu` and the other
  activations, :func:`radial_basis`
- :mod:`cnnlib.loops`: slow loop versions that read like the slides
- :func:`conv_output_size`: the one output-size formula (with dilation)
- :func:`receptive_field`: size, jump and start of every layer's receptive field
- :func:`conv_transpose2d`: transposed convolution, a convolution's input gradient
- :mod:`cnnlib.gradcheck`: numerical gradients
- :mod:`cnnlib.exercises`: checkers for the reader's own implementations
  (``check_conv2d``, ``check_maxpool_backward``, ...) and ``check_answer``
- Keras-style layers (:mod:`cnnlib.layers`: :class:`Conv2D`, :class:`MaxPooling2D`,
  :class:`Dense`, ...), the :class:`Sequential` model with ``summary()``,
  ``compile()``, ``fit()``, ``evaluate()``, ``predict()`` and ``save()``, the
  functional :class:`Model` (:func:`Input`, layers called on tensors, :class:`Add`)
  for networks that are not a chain, and :func:`load_model`
- :mod:`cnnlib.optimizers` (SGD, Adam), :mod:`cnnlib.losses`,
  :mod:`cnnlib.initializers`, :mod:`cnnlib.datasets` (digits, MNIST)
- training practice: :mod:`cnnlib.callbacks` (``LearningRateScheduler``,
  ``EarlyStopping``), ``weight_decay`` of the optimisers, :mod:`cnnlib.augment`
  (random shifts and rotations), :mod:`cnnlib.explain` (saliency and occlusion maps)
"""

from cnnlib import (
    augment,
    callbacks,
    datasets,
    exercises,
    explain,
    functional,
    gradcheck,
    initializers,
    layers,
    loops,
    losses,
    optimizers,
)
from cnnlib.graph import Input, Model
from cnnlib.layers import (
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
from cnnlib.model import Sequential
from cnnlib.ops import (
    activation_derivative,
    conv2d,
    conv_transpose2d,
    elu,
    global_avg_pool,
    global_max_pool,
    leaky_relu,
    pool2d,
    radial_basis,
    relu,
    selu,
    sigmoid,
    softmax,
    softplus,
    swish,
    tanh,
)
from cnnlib.optimizers import SGD, Adam
from cnnlib.receptive import ReceptiveField, receptive_field
from cnnlib.saving import load_model
from cnnlib.shapes import (
    conv_output_shape,
    conv_output_size,
    conv_transpose_output_size,
    same_padding,
)
from cnnlib.training import History

__version__ = "0.1.0"

__all__ = [
    "SGD",
    "Activation",
    "Adam",
    "Add",
    "AveragePooling2D",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "History",
    "Input",
    "LeakyReLU",
    "MaxPooling2D",
    "MinPooling2D",
    "Model",
    "ReLU",
    "ReceptiveField",
    "Sequential",
    "Softmax",
    "activation_derivative",
    "augment",
    "callbacks",
    "conv2d",
    "conv_output_shape",
    "conv_output_size",
    "conv_transpose2d",
    "conv_transpose_output_size",
    "datasets",
    "elu",
    "exercises",
    "explain",
    "functional",
    "global_avg_pool",
    "global_max_pool",
    "gradcheck",
    "initializers",
    "layers",
    "leaky_relu",
    "load_model",
    "loops",
    "losses",
    "optimizers",
    "pool2d",
    "radial_basis",
    "receptive_field",
    "relu",
    "same_padding",
    "selu",
    "sigmoid",
    "softmax",
    "softplus",
    "swish",
    "tanh",
]
