"""``python -m benchmarks``: see benchmarks/run.py."""

import os

# Two threads for every library, and thread pools that sleep instead of spinning
# between calls, set before NumPy or PyTorch load their BLAS.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "2")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "1")

from benchmarks.run import main  # noqa: E402  (after the environment is set)

main()
