"""Interactive explorers (ipywidgets) for readers running the notebooks.

They need ipywidgets and matplotlib; the rest of cnnlib needs NumPy only.

- :func:`conv_explorer`: input, kernel, padding, stride and the window
  position of a 2-D convolution.
- :class:`KernelEditor`: type a 3×3 kernel or pick a named filter, see the image.
"""

from cnnlib.widgets.convolution import conv_explorer
from cnnlib.widgets.filters import KernelEditor

__all__ = ["KernelEditor", "conv_explorer"]
