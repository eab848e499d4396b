"""The instruction set both libraries use: read before NumPy or PyTorch load.

Imports nothing heavy, so that ``python -m benchmarks`` can set the
environment first.
"""

import os

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


def isa_from_argv(argv) -> str:
    """The value of ``--isa`` (read before argparse runs, which is after the imports)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--isa="):
            return arg.split("=", 1)[1]
        if arg == "--isa" and i + 1 < len(argv):
            return argv[i + 1]
    return "native"


def set_environment(isa: str, environ=os.environ) -> list[str]:
    """Set ``environ`` for ``isa``; return notes on inherited settings it dropped."""
    notes = []
    if isa not in ISA_ENVIRONMENT:  # argparse reports it later
        return notes
    for name in ("OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA"):
        inherited = environ.pop(name, None)
        if inherited is not None and name not in ISA_ENVIRONMENT[isa]:
            notes.append(f"note: ignoring {name}={inherited} from the environment (--isa {isa})")
    environ.update(ISA_ENVIRONMENT[isa])
    return notes
