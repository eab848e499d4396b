"""``python -m benchmarks``: see benchmarks/run.py.

The environment is set here, before NumPy or PyTorch load their libraries
(see benchmarks/isa.py).
"""

import sys

from benchmarks.isa import isa_from_argv, set_environment

for _note in set_environment(isa_from_argv(sys.argv[1:])):
    print(_note)

from benchmarks.run import main  # noqa: E402  (after the environment is set)

main()
