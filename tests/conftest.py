"""Shared test settings."""

import matplotlib
from hypothesis import settings

# Figures in the unit tests are drawn off-screen. This is set for this process
# only: an MPLBACKEND environment variable would leak into the kernels that
# nbval starts, and the notebooks would then show no figures at all.
matplotlib.use("Agg")

# Deterministic and quick: property tests explore a fixed set of examples.
settings.register_profile("cnnlib", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("cnnlib")
