"""The benchmark command runs and writes its table (speed itself is never asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_writes_a_table(tmp_path):
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text()
    assert "| Case | Phase | cnnlib |" in text
    for case in ("conv 2: 26x26x32 -> 64", "max pool 2x2", "training step", "peak memory"):
        assert case in text
    assert out.with_suffix(".json").exists()
