"""The environment both libraries run in, set before NumPy or PyTorch load.

Imports nothing heavy, so that ``python -m benchmarks`` can set it first:
the same number of threads for every library, thread pools that sleep
instead of spinning between calls, and the same instruction set (``--isa``).
"""

import os

THREADS = 2

# Set outright, whatever the environment says, so that both libraries match.
COMMON_ENVIRONMENT = {
    "OMP_NUM_THREADS": str(THREADS),
    "OPENBLAS_NUM_THREADS": str(THREADS),
    "MKL_NUM_THREADS": str(THREADS),
    "OMP_WAIT_POLICY": "PASSIVE",
    "OPENBLAS_THREAD_TIMEOUT": "1",
}

# What each --isa choice sets. "native": every library picks the fastest kernels
# for this CPU, as on a learner's laptop. "avx2": both are held to AVX2, a
# like-for-like comparison on an older instruction set.
ISA_ENVIRONMENT = {
    "native": {},
    "avx2": {
        "OPENBLAS_CORETYPE": "Haswell",  # NumPy's OpenBLAS: its AVX2 kernels
        "ATEN_CPU_CAPABILITY": "avx2",  # PyTorch's own kernels
        "ONEDNN_MAX_CPU_ISA": "AVX2",  # PyTorch's convolutions (oneDNN)
    },
}
ISA_VARIABLES = sorted({name for settings in ISA_ENVIRONMENT.values() for name in settings})


def isa_from_argv(argv) -> str:
    """The value of ``--isa`` (read before argparse runs, which is after the imports)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--isa="):
            return arg.split("=", 1)[1]
        if arg == "--isa" and i + 1 < len(argv):
            return argv[i + 1]
    return "native"


def set_environment(isa: str, environ=os.environ) -> list[str]:
    """Set ``environ`` for ``isa``; return notes on inherited settings it changed."""
    if isa not in ISA_ENVIRONMENT:  # argparse reports it later
        return []
    wanted = {**COMMON_ENVIRONMENT, **ISA_ENVIRONMENT[isa]}
    notes = []
    for name in [*COMMON_ENVIRONMENT, *ISA_VARIABLES]:
        inherited = environ.pop(name, None)
        if inherited is not None and inherited != wanted.get(name):
            action = f"using {wanted[name]}" if name in wanted else "ignoring it"
            notes.append(f"note: {name}={inherited} in the environment, {action} (--isa {isa})")
    environ.update(wanted)
    return notes
