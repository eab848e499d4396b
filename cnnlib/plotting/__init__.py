"""Figures and animations for the book, kept apart from the math.

Everything here needs matplotlib; the rest of cnnlib needs NumPy only.
Each module draws one kind of picture:

- :mod:`cnnlib.plotting.convolution`: the kernel over the input, the
  element-wise products, the feature map filling in.
- :mod:`cnnlib.plotting.images`: arrays as pictures, numbers over pixels,
  colour channels, filter results.
- :mod:`cnnlib.plotting.volumes`: convolution over volumes, channel by
  channel.
- :mod:`cnnlib.plotting.animation`: an animation as HTML that shows its
  first frame before any script runs.
- :mod:`cnnlib.plotting.compact`: store figures as 256-colour PNGs, half the
  size.
- :mod:`cnnlib.plotting.grids`: a small matrix as a grid of numbered cells,
  the building block of the pictures below.
- :mod:`cnnlib.plotting.activations`: activation functions beside their
  derivatives, a feature map before and after ReLU, dead units.
- :mod:`cnnlib.plotting.pooling`: pooling windows and what each keeps;
  subsampling against pooling on a shifted image.
- :mod:`cnnlib.plotting.dense`: flattening, fully connected layers, class
  probabilities and dropout.
- :mod:`cnnlib.plotting.models`: a model as a column of layer boxes, drawn
  from the model itself.
- :mod:`cnnlib.plotting.training`: learning curves, confusion matrices,
  labelled images, learned filters, feature maps at each depth.
- :mod:`cnnlib.plotting.backprop`: the backward pass: a graph of operations,
  the gradients of convolution and pooling, im2col.
- :mod:`cnnlib.plotting.receptive`: dilated kernels, and the pixels that one
  value of a layer depends on.
"""

from cnnlib.plotting.activations import (
    SEED_ACTIVATIONS,
    activation_curve,
    draw_rectified,
    plot_activation,
    plot_activations,
    plot_dead_units,
    plot_overlay,
)
from cnnlib.plotting.animation import animation_html
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
from cnnlib.plotting.dense import (
    draw_dense_layer,
    draw_dropout,
    draw_flatten,
    draw_probabilities,
    draw_steps,
    flat_positions,
)
from cnnlib.plotting.grids import draw_grid, number_text
from cnnlib.plotting.images import (
    show_channels,
    show_filter_grid,
    show_filter_result,
    show_image,
    show_pixel,
)
from cnnlib.plotting.models import draw_model
from cnnlib.plotting.pooling import draw_pooling, draw_shift_comparison, pooling_sources
from cnnlib.plotting.receptive import dilation_taps, draw_dilated_kernels, draw_receptive_fields
from cnnlib.plotting.training import (
    plot_history,
    show_confusion_matrix,
    show_feature_maps_by_depth,
    show_image_grid,
    show_kernels,
)
from cnnlib.plotting.volumes import show_channel_sum, show_windows

__all__ = [
    "SEED_ACTIVATIONS",
    "activation_curve",
    "animate_conv",
    "animation_html",
    "compact_png",
    "dilation_taps",
    "draw_computation_graph",
    "draw_conv_result",
    "draw_conv_step",
    "draw_dense_layer",
    "draw_dilated_kernels",
    "draw_dropout",
    "draw_flatten",
    "draw_grid",
    "draw_im2col",
    "draw_input_gradient",
    "draw_matrix",
    "draw_model",
    "draw_pool_routing",
    "draw_pooling",
    "draw_probabilities",
    "draw_receptive_fields",
    "draw_rectified",
    "draw_shift_comparison",
    "draw_steps",
    "draw_weight_gradient",
    "flat_positions",
    "input_gradient_steps",
    "number_text",
    "plot_activation",
    "plot_activations",
    "plot_dead_units",
    "plot_history",
    "plot_overlay",
    "pool_routes",
    "pooling_sources",
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
