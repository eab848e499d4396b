"""The benchmark command runs and writes its table (speed itself is never asserted)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_writes_a_table(tmp_path):
    """Two processes: each runs the single-process benchmark, the parent takes medians."""
    out = tmp_path / "results.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--processes", "2", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text()
    assert "| Case | Phase | cnnlib |" in text
    assert "in each of 2 processes" in text and proc.stdout.count("process ") >= 2
    for case in ("conv 2: 26x26x32 -> 64", "max pool 2x2", "training step", "peak memory"):
        assert case in text
    data = json.loads(out.with_suffix(".json").read_text())
    rows = data["rows"]
    conv_cases = ("conv 1", "conv 2", "same conv", "stride-2 conv")
    for case in conv_cases:
        phases = {r["phase"]: r["seconds"]["cnnlib"] for r in rows if r["case"].startswith(case)}
        # Timed inside the layer's own runs: some of its time, not none and not all.
        assert 0 < phases["matrix products alone"] < phases["total"], case
    # The goals go to their own file and the JSON, not into the table the book includes.
    assert "goal" not in text.lower()
    goals_text = (tmp_path / "goals.md").read_text()
    goals = data["goals"]
    assert [(g["case"].split(":")[0], g["limit"]) for g in goals] == [
        ("training step, seed classifier (E9), batch 128", 1.25),
        *[(case, 1.3) for case in conv_cases],
        ("max pool 2x2 on 24x24x64", 1.0),
        ("peak memory of training, batch 128", 1.5),
    ]
    for goal in goals:
        if goal["against"] == "matrix products alone":  # needs no PyTorch: always judged
            case = [r for r in rows if r["case"] == goal["case"]]
            total = next(r for r in case if r["phase"] == "total")["seconds"]["cnnlib"]
            alone = next(r for r in case if r["phase"] == "matrix products alone")
            assert goal["ratio"] == pytest.approx(total / alone["seconds"]["cnnlib"])
        if goal["ratio"] is not None:
            assert goal["met"] == (goal["ratio"] <= goal["limit"])
            verdict = "(met)" if goal["met"] else "(NOT met)"
            assert f"goal ≤ {goal['limit']}, measured {goal['ratio']:.2f} {verdict}" in goals_text
    assert "kernels:" in text  # the instruction set each library used is on record
    assert re.search(r"NumPy: .*kernels: (?!unknown)\w", text), "NumPy's BLAS kernels not found"


def test_isa_choice_sets_both_libraries_alike():
    from benchmarks.isa import isa_from_argv, set_environment

    assert isa_from_argv(["--quick"]) == "native"
    assert isa_from_argv(["--isa", "avx2", "--quick"]) == "avx2"
    assert isa_from_argv(["--isa=avx2"]) == "avx2"
    common = {
        "OMP_NUM_THREADS": "2",
        "OPENBLAS_NUM_THREADS": "2",
        "MKL_NUM_THREADS": "2",
        "OMP_WAIT_POLICY": "PASSIVE",
        "OPENBLAS_THREAD_TIMEOUT": "1",
    }
    # The sandbox's OPENBLAS_CORETYPE=Haswell would hold NumPy alone to AVX2, and
    # an inherited thread count would give NumPy more threads than PyTorch.
    environ = {"OPENBLAS_CORETYPE": "Haswell", "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "8"}
    notes = set_environment("native", environ)
    assert environ == common
    assert notes == [
        "note: OPENBLAS_NUM_THREADS=8 in the environment, using 2 (--isa native)",
        "note: OPENBLAS_CORETYPE=Haswell in the environment, ignoring it (--isa native)",
    ]
    environ = {"OPENBLAS_CORETYPE": "SkylakeX"}
    notes = set_environment("avx2", environ)
    expected = "note: OPENBLAS_CORETYPE=SkylakeX in the environment, using Haswell (--isa avx2)"
    assert notes == [expected]
    assert environ == {
        **common,
        "OPENBLAS_CORETYPE": "Haswell",
        "ATEN_CPU_CAPABILITY": "avx2",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
    }


def test_median_rows_takes_each_time_over_the_processes_that_measured_it():
    from benchmarks.run import Row, median_rows

    times = [
        {"cnnlib": 3.0, "loops": 90.0, "pytorch": 2.0},  # the loops run in the first only
        {"cnnlib": 1.0, "pytorch": 4.0},
        {"cnnlib": 2.0, "pytorch": 1.0},
    ]
    runs = [[Row("conv", "total", seconds), Row("mem", "MiB", {})] for seconds in times]
    runs[0][1].note = "measured on Linux only"
    conv, mem = median_rows(runs)
    assert conv.seconds == {"cnnlib": 2.0, "loops": 90.0, "pytorch": 2.0}
    assert (mem.seconds, mem.note) == ({}, "measured on Linux only")


def test_goals_against_pytorch_wait_for_pytorch_and_own_products_do_not(monkeypatch):
    from benchmarks import run

    monkeypatch.setattr(run, "torch", None)
    rows = [
        run.Row("conv 2: x", "total", {"cnnlib": 3.0}),
        run.Row("conv 2: x", "matrix products alone", {"cnnlib": 2.0}),
        run.Row("max pool 2x2", "total", {"cnnlib": 1.0}),
    ]
    goals = {g["case"].split(":")[0]: g for g in run.evaluate_goals(rows)}
    assert (goals["conv 2"]["ratio"], goals["conv 2"]["met"]) == (1.5, False)
    assert goals["max pool 2x2"]["ratio"] is None
    assert goals["max pool 2x2"]["note"] == "PyTorch not installed"
    assert goals["conv 1"]["note"] == "not measured"
    lines = run.goal_lines(list(goals.values()))
    assert (
        '- conv 2: x (total) against its own "matrix products alone": goal ≤ 1.3, '
        "measured 1.50 (NOT met)" in lines
    )


def test_goals_file_sits_next_to_the_table():
    from benchmarks.run import goals_path

    assert goals_path(Path("b/results.md")) == Path("b/goals.md")
    assert goals_path(Path("b/results-avx2.md")) == Path("b/goals-avx2.md")
    assert goals_path(Path("b/run0.md")) == Path("b/run0-goals.md")


def test_processes_must_be_at_least_one(capsys):
    from benchmarks.run import main

    with pytest.raises(SystemExit):
        main(["--processes", "0"])
    assert "--processes must be at least 1, got 0" in capsys.readouterr().err
