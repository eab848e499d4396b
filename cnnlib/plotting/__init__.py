"""Figures and animations for the book, kept apart from the math.

Everything here needs matplotlib; the rest of cnnlib needs NumPy only.
Each module draws one kind of picture.
"""
