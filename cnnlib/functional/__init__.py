"""The math of every operation as pure functions.

Each ``*_forward`` function returns ``(out, cache)`` and its ``*_backward``
partner turns the gradient of the output into the gradients of the inputs.
"""

from cnnlib.functional.conv import conv2d_backward, conv2d_forward
from cnnlib.functional.pooling import (
    global_avg_pool_backward,
    global_avg_pool_forward,
    global_max_pool_backward,
    global_max_pool_forward,
    pool2d_backward,
    pool2d_forward,
)

__all__ = [
    "conv2d_backward",
    "conv2d_forward",
    "global_avg_pool_backward",
    "global_avg_pool_forward",
    "global_max_pool_backward",
    "global_max_pool_forward",
    "pool2d_backward",
    "pool2d_forward",
]
