"""Figures and animations for the book, kept apart from the math.

Everything here needs matplotlib; the rest of cnnlib needs NumPy only.
Each module draws one kind of picture:

- :mod:`cnnlib.plotting.convolution`: the kernel over the input, the
  element-wise products, the feature map filling in.
- :mod:`cnnlib.plotting.images`: arrays as pictures, numbers over pixels,
  colour channels, filter results.
- :mod:`cnnlib.plotting.volumes`: convolution over volumes, channel by channel.
- :mod:`cnnlib.plotting.backprop`: the backward pass: a graph of operations,
  the gradients of convolution and pooling, im2col.
- :mod:`cnnlib.plotting.compact`: store figures as 256-colour PNGs, half the size.
"""

from cnnlib.plotting.backprop import (
    draw_computation_graph,
    draw_im2col,
    draw_input_gradient,
    draw_pool_routing,
    draw_weight_gradient,
    input_gradient_steps,
    pool_routes,
)
from cnnlib.plotting.compact import compact_png, use_compact_png
from cnnlib.plotting.convolution import (
    animate_conv,
    draw_conv_result,
    draw_conv_step,
    draw_matrix,
    sum_of_products_text,
)
from cnnlib.plotting.images import (
    show_channels,
    show_filter_grid,
    show_filter_result,
    show_image,
    show_pixel,
)
from cnnlib.plotting.volumes import show_channel_sum, show_windows

__all__ = [
    "animate_conv",
    "compact_png",
    "draw_computation_graph",
    "draw_conv_result",
    "draw_conv_step",
    "draw_im2col",
    "draw_input_gradient",
    "draw_matrix",
    "draw_pool_routing",
    "draw_weight_gradient",
    "input_gradient_steps",
    "pool_routes",
    "show_channel_sum",
    "show_channels",
    "show_filter_grid",
    "show_filter_result",
    "show_image",
    "show_pixel",
    "show_windows",
    "sum_of_products_text",
    "use_compact_png",
]
