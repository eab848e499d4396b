"""Shared test settings."""

import os

from hypothesis import settings

# Figures are drawn off-screen; set before anything imports matplotlib.pyplot.
os.environ.setdefault("MPLBACKEND", "Agg")

# Deterministic and quick: property tests explore a fixed set of examples.
settings.register_profile("cnnlib", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("cnnlib")
