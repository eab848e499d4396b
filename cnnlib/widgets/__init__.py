"""Interactive explorers (ipywidgets) for readers running the notebooks.

They need ipywidgets and matplotlib; the rest of cnnlib needs NumPy only.

- :class:`KernelEditor`: type a 3×3 kernel or pick a named filter, see the image
"""

from cnnlib.widgets.filters import KernelEditor

__all__ = ["KernelEditor"]
