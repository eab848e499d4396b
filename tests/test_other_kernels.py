"""The chapters that train pass strict nbval under a second BLAS and SIMD configuration.

Their chaotic cells assert bands instead of digits (tests/test_loosened_cells.py);
this proves that the bands hold on another machine by making this one compute
like another: OpenBLAS is told to use an older kernel family
(``OPENBLAS_CORETYPE``: Haswell instead of SkylakeX, Sandybridge instead of
Haswell, ...; an older family runs on every newer CPU) and NumPy to leave out
its AVX-512 loops (``NPY_DISABLE_CPU_FEATURES`` with NumPy's group names; older
names such as ``AVX512F`` are ignored without a word, so the test checks what
is really enabled). Both change the order of floating-point sums, which is all
that differs between learners' machines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_loosened_cells import CHAOTIC, LOOSENED

ROOT = Path(__file__).resolve().parents[1]
TRAINING_CHAPTERS = sorted(
    f"chapters/{chapter}.ipynb" for chapter, cells in LOOSENED.items() if CHAOTIC in cells.values()
)

# OpenBLAS kernel family (lower case, as threadpoolctl reports it) -> an older one.
OLDER_FAMILY = {
    "sapphirerapids": "Haswell",
    "cooperlake": "Haswell",
    "skylakex": "Haswell",
    "zen": "Sandybridge",
    "haswell": "Sandybridge",
    "sandybridge": "Nehalem",
    "neoversev2": "NeoverseN1",
    "neoversev1": "NeoverseN1",
    "neoversen2": "NeoverseN1",
    "neoversen1": "ARMV8",
    "armv8sve": "ARMV8",
    "cortexa57": "ARMV8",
}
# NumPy 2.4's AVX-512 dispatch groups; without them its loops use X86_V3 (AVX2).
AVX512_GROUPS = ["AVX512_SPR", "AVX512_ICL", "X86_V4"]

PROBE = """
import json, threadpoolctl
from numpy._core._multiarray_umath import __cpu_features__ as features
blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"blas": [(i["internal_api"], i.get("architecture")) for i in blas],
                  "features": sorted(name for name, on in features.items() if on)}))
"""


def probe(env: dict[str, str]) -> dict:
    """Which BLAS kernels and NumPy CPU features a new Python process uses under `env`."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def second_configuration(machine: dict, env: dict[str, str]) -> dict[str, str]:
    """The environment changes that make this machine compute differently (may be empty)."""
    changes = {}
    for api, family in machine["blas"]:
        older = OLDER_FAMILY.get(str(family).lower())
        if api == "openblas" and older:
            changes["OPENBLAS_CORETYPE"] = older
    enabled = [group for group in AVX512_GROUPS if group in machine["features"]]
    if enabled:
        already = env.get("NPY_DISABLE_CPU_FEATURES", "").split()
        changes["NPY_DISABLE_CPU_FEATURES"] = " ".join(already + enabled)
    return changes


def test_a_second_configuration_is_chosen_from_what_the_machine_has():
    avx512 = {"blas": [("openblas", "SkylakeX")], "features": ["X86_V3", "X86_V4", "AVX512_ICL"]}
    assert second_configuration(avx512, {}) == {
        "OPENBLAS_CORETYPE": "Haswell",
        "NPY_DISABLE_CPU_FEATURES": "AVX512_ICL X86_V4",
    }
    avx2 = {"blas": [("openblas", "Haswell")], "features": ["X86_V2", "X86_V3"]}
    assert second_configuration(avx2, {}) == {"OPENBLAS_CORETYPE": "Sandybridge"}
    accelerate = {"blas": [], "features": ["ASIMD", "NEON"]}
    assert second_configuration(accelerate, {}) == {}


def test_training_chapters_pass_under_a_second_configuration():
    env = dict(os.environ)
    machine = probe(env)
    changes = second_configuration(machine, env)
    if not changes:
        pytest.skip(f"no second BLAS or SIMD configuration known for {machine['blas']}")
    other = probe({**env, **changes})
    assert other != machine, f"{changes} changed nothing: {machine} and {other}"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TRAINING_CHAPTERS],
        env={**env, **changes},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    used = f"{changes}: BLAS {other['blas']} instead of {machine['blas']}"
    assert proc.returncode == 0, f"under {used}\n{proc.stdout[-6000:]}{proc.stderr[-2000:]}"
    print(f"passed under {used}")
