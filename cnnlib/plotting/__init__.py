"""Figures and animations for the book, kept apart from the math.

Everything here needs matplotlib; the rest of cnnlib needs NumPy only.
Each module draws one kind of picture:

- :mod:`cnnlib.plotting.grids`: a small matrix as a grid of numbered cells,
  the building block of the pictures below.
- :mod:`cnnlib.plotting.activations`: activation functions beside their
  derivatives, a feature map before and after ReLU, dead units.
- :mod:`cnnlib.plotting.pooling`: pooling windows and what each keeps;
  subsampling against pooling on a shifted image.
- :mod:`cnnlib.plotting.dense`: flattening, fully connected layers, class
  probabilities and dropout.
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
from cnnlib.plotting.dense import (
    draw_dense_layer,
    draw_dropout,
    draw_flatten,
    draw_probabilities,
    draw_steps,
    flat_positions,
)
from cnnlib.plotting.grids import draw_grid, number_text
from cnnlib.plotting.pooling import draw_pooling, draw_shift_comparison, pooling_sources

__all__ = [
    "SEED_ACTIVATIONS",
    "activation_curve",
    "draw_dense_layer",
    "draw_dropout",
    "draw_flatten",
    "draw_grid",
    "draw_pooling",
    "draw_probabilities",
    "draw_rectified",
    "draw_shift_comparison",
    "draw_steps",
    "flat_positions",
    "number_text",
    "plot_activation",
    "plot_activations",
    "plot_dead_units",
    "plot_overlay",
    "pooling_sources",
]
