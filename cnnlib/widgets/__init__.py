"""Interactive explorers (ipywidgets) for readers running the notebooks.

They need ipywidgets and matplotlib; the rest of cnnlib needs NumPy only.

- :func:`conv_explorer`: input, kernel, padding, stride and the window
  position of a 2-D convolution.
"""

from cnnlib.widgets.convolution import conv_explorer

__all__ = ["conv_explorer"]
