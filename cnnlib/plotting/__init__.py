"""Figures and animations for the book, kept apart from the math.

Everything here needs matplotlib; the rest of cnnlib needs NumPy only.
Each module draws one kind of picture:

- :mod:`cnnlib.plotting.convolution`: the kernel over the input, the
  element-wise products, the feature map filling in.
- :mod:`cnnlib.plotting.images`: arrays as pictures, numbers over pixels,
  colour channels, filter results.
- :mod:`cnnlib.plotting.volumes`: convolution over volumes, channel by channel.
- :mod:`cnnlib.plotting.models`: a model as a column of layer boxes, drawn
  from the model itself.
- :mod:`cnnlib.plotting.training`: learning curves, confusion matrices,
  labelled images, learned filters, feature maps at each depth.
- :mod:`cnnlib.plotting.compact`: store figures as 256-colour PNGs, half the size.
"""

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
from cnnlib.plotting.models import draw_model
from cnnlib.plotting.training import (
    plot_history,
    show_confusion_matrix,
    show_feature_maps_by_depth,
    show_image_grid,
    show_kernels,
)
from cnnlib.plotting.volumes import show_channel_sum, show_windows

__all__ = [
    "animate_conv",
    "compact_png",
    "draw_conv_result",
    "draw_conv_step",
    "draw_matrix",
    "draw_model",
    "plot_history",
    "show_channel_sum",
    "show_channels",
    "show_confusion_matrix",
    "show_feature_maps_by_depth",
    "show_filter_grid",
    "show_filter_result",
    "show_image",
    "show_image_grid",
    "show_kernels",
    "show_pixel",
    "show_windows",
    "sum_of_products_text",
    "use_compact_png",
]
