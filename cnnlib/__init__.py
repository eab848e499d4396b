"""cnnlib: a small, readable, vectorised NumPy library for convolutional networks.

The chapters of the book import it as ``import cnnlib as cl``.

- :mod:`cnnlib.functional`: forward and backward of every operation
- :mod:`cnnlib.loops`: slow loop versions that read like the slides
- :func:`conv_output_size`: the one output-size formula
- :mod:`cnnlib.gradcheck`: numerical gradients
"""

from cnnlib import functional, gradcheck, loops
from cnnlib.ops import conv2d, global_avg_pool, global_max_pool, pool2d
from cnnlib.shapes import conv_output_shape, conv_output_size, same_padding

__version__ = "0.1.0"

__all__ = [
    "conv2d",
    "conv_output_shape",
    "conv_output_size",
    "functional",
    "global_avg_pool",
    "global_max_pool",
    "gradcheck",
    "loops",
    "pool2d",
    "same_padding",
]
