"""Interactive explorers (ipywidgets) for readers running the notebooks.

They need ipywidgets and matplotlib; the rest of cnnlib needs NumPy only.

- :func:`activation_explorer`: activation functions and their derivatives.
- :func:`pooling_explorer`: pool size, stride, mode and partial windows.
"""

from cnnlib.widgets.activations import activation_explorer
from cnnlib.widgets.pooling import pooling_explorer

__all__ = ["activation_explorer", "pooling_explorer"]
