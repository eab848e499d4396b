"""Figures and animations for the book, kept apart from the math.

Everything here needs matplotlib; the rest of cnnlib needs NumPy only.
Each module draws one kind of picture:

- :mod:`cnnlib.plotting.convolution`: the kernel over the input, the
  element-wise products, the feature map filling in.
"""

from cnnlib.plotting.convolution import (
    animate_conv,
    draw_conv_result,
    draw_conv_step,
    draw_matrix,
    sum_of_products_text,
)

__all__ = [
    "animate_conv",
    "draw_conv_result",
    "draw_conv_step",
    "draw_matrix",
    "sum_of_products_text",
]
