"""Interactive explorers (ipywidgets) for readers running the notebooks.

They need ipywidgets and matplotlib; the rest of cnnlib needs NumPy only.

- :func:`conv_explorer`: input, kernel, padding, stride and the window
  position of a 2-D convolution.
- :class:`KernelEditor`: type a 3×3 kernel or pick a named filter, see the
  image.
- :func:`activation_explorer`: activation functions and their derivatives.
- :func:`pooling_explorer`: pool size, stride, mode and partial windows.
"""

from cnnlib.widgets.activations import activation_explorer
from cnnlib.widgets.convolution import conv_explorer
from cnnlib.widgets.filters import KernelEditor
from cnnlib.widgets.pooling import pooling_explorer

__all__ = [
    "KernelEditor",
    "activation_explorer",
    "conv_explorer",
    "pooling_explorer",
]
