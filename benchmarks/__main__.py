"""``python -m benchmarks``: see benchmarks/run.py.

The environment is set here, before NumPy or PyTorch load their libraries:
two threads for every library, thread pools that sleep instead of spinning
between calls, and the same instruction set for both libraries (``--isa``,
see benchmarks/isa.py).
"""

import os
import sys

from benchmarks.isa import ISA_ENVIRONMENT, isa_from_argv, set_environment

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "2")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "1")
for _note in set_environment(isa_from_argv(sys.argv[1:])):
    print(_note)

from benchmarks.run import main  # noqa: E402  (after the environment is set)

main(isa_choices=list(ISA_ENVIRONMENT))
