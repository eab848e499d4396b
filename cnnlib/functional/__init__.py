"""The math of every operation as pure functions.

Each ``*_forward`` function returns ``(out, cache)`` and its ``*_backward``
partner turns the gradient of the output into the gradients of the inputs.
The losses return ``(loss, gradient of the prediction)`` at once, and
:func:`batchnorm_forward` also returns the updated running statistics.
"""

from cnnlib.functional.activations import (
    ACTIVATIONS,
    SELU_ALPHA,
    SELU_SCALE,
    elu_backward,
    elu_forward,
    get_activation,
    leaky_relu_backward,
    leaky_relu_forward,
    linear_backward,
    linear_forward,
    radial_basis,
    radial_basis_backward,
    radial_basis_forward,
    relu_backward,
    relu_forward,
    selu_backward,
    selu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_backward,
    softmax_forward,
    softplus_backward,
    softplus_forward,
    swish_backward,
    swish_forward,
    tanh_backward,
    tanh_forward,
)
from cnnlib.functional.batchnorm import batchnorm_backward, batchnorm_forward
from cnnlib.functional.conv import conv2d_backward, conv2d_forward
from cnnlib.functional.dense import dense_backward, dense_forward, flatten_backward, flatten_forward
from cnnlib.functional.dropout import dropout_backward, dropout_forward
from cnnlib.functional.losses import binary_cross_entropy, mean_squared_error, softmax_cross_entropy
from cnnlib.functional.pooling import (
    global_avg_pool_backward,
    global_avg_pool_forward,
    global_max_pool_backward,
    global_max_pool_forward,
    pool2d_backward,
    pool2d_forward,
)

__all__ = [
    "ACTIVATIONS",
    "SELU_ALPHA",
    "SELU_SCALE",
    "batchnorm_backward",
    "batchnorm_forward",
    "binary_cross_entropy",
    "conv2d_backward",
    "conv2d_forward",
    "dense_backward",
    "dense_forward",
    "dropout_backward",
    "dropout_forward",
    "elu_backward",
    "elu_forward",
    "flatten_backward",
    "flatten_forward",
    "get_activation",
    "global_avg_pool_backward",
    "global_avg_pool_forward",
    "global_max_pool_backward",
    "global_max_pool_forward",
    "leaky_relu_backward",
    "leaky_relu_forward",
    "linear_backward",
    "linear_forward",
    "mean_squared_error",
    "pool2d_backward",
    "pool2d_forward",
    "radial_basis",
    "radial_basis_backward",
    "radial_basis_forward",
    "relu_backward",
    "relu_forward",
    "selu_backward",
    "selu_forward",
    "sigmoid_backward",
    "sigmoid_forward",
    "softmax_backward",
    "softmax_cross_entropy",
    "softmax_forward",
    "softplus_backward",
    "softplus_forward",
    "swish_backward",
    "swish_forward",
    "tanh_backward",
    "tanh_forward",
]
