"""Interactive explorers (ipywidgets) for readers running the notebooks.

They need ipywidgets and matplotlib; the rest of cnnlib needs NumPy only.
"""
