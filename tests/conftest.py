"""Shared test settings."""

from hypothesis import settings

# Deterministic and quick: property tests explore a fixed set of examples.
settings.register_profile("cnnlib", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("cnnlib")
