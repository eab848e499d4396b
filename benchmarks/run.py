"""How fast is cnnlib? Side-by-side timings against the loop versions and PyTorch.

Run from the top of the repository (PyTorch is optional: ``pip install torch``)::

    python -m benchmarks                       # the full run, writes benchmarks/results.md
    python -m benchmarks --quick               # fewer rounds, to try it out
    python -m benchmarks --isa avx2 --no-loops # both libraries on AVX2: results-avx2.md
    python -m benchmarks --processes 3         # three fresh processes, medians (as recorded)

The goals and their verdicts go to a file of their own next to the table
(goals.md, goals-avx2.md) and into the JSON; benchmarks/README.md says what
each goal is and why.

Every measurement is float32 with two threads. In each round cnnlib and
PyTorch run one after the other, so both see the same machine state; the
table reports the median over the rounds and the ratio cnnlib / other. The
loop versions, hundreds of times slower, are timed on their own afterwards.
Both libraries use the same instruction set: by default each picks its
fastest kernels for the CPU (an ``OPENBLAS_CORETYPE`` in the environment, which
would hold NumPy alone back, is ignored); ``--isa avx2`` holds both to AVX2.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from unittest.mock import patch

import numpy as np

import cnnlib as cl
from benchmarks.isa import ISA_ENVIRONMENT, THREADS
from cnnlib.functional import conv as conv_module
from cnnlib.functional import (
    conv2d_backward,
    conv2d_forward,
    pool2d_backward,
    pool2d_forward,
)
from cnnlib.functional import conv_rows as conv_rows_module
from cnnlib.functional.scratch import Scratch
from cnnlib.train_mnist import digit_classifier

HERE = Path(__file__).resolve().parent

try:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(THREADS)
except ImportError:  # the benchmark still compares with the loop versions
    torch = None


@dataclass
class Row:
    """One line of the results table: median seconds per implementation."""

    case: str
    phase: str
    seconds: dict[str, float] = field(default_factory=dict)
    note: str = ""


def median_times(impls: dict, rounds: int, warmup: int = 2) -> dict[str, dict[str, float]]:
    """Run every implementation once per round, interleaved; medians of each phase.

    Each implementation is a function returning a dict ``phase -> seconds`` for
    one run (for example forward and backward timed separately).
    """
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in impls}
    for r in range(warmup + rounds):
        for name, impl in impls.items():
            phases = impl()
            if r >= warmup:
                for phase, t in phases.items():
                    samples[name].setdefault(phase, []).append(t)
    return {
        name: {phase: statistics.median(ts) for phase, ts in by_phase.items()}
        for name, by_phase in samples.items()
    }


class TimedMatmul:
    """Stands in for ``numpy`` inside a module: adds up the time of its ``np.matmul`` calls.

    Everything else passes straight through to NumPy. Put in place in both
    convolution modules (im2col and window rows), it shows how much of a
    layer's time is matrix products.
    """

    def __init__(self):
        self.seconds = 0.0

    def __getattr__(self, name):
        return getattr(np, name)

    def matmul(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return np.matmul(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t0


def phase_times(t0, t1, t2) -> dict[str, float]:
    """Forward (t0 to t1), backward (t1 to t2) and total seconds of one layer run."""
    return {"forward": t1 - t0, "backward": t2 - t1, "total": t2 - t0}


PRODUCT_MODULES = (conv_module, conv_rows_module)  # every np.matmul of a convolution


def cnnlib_layer(forward, backward, args, kwargs, dout, time_products=False):
    """One forward and backward run; optionally also the time of the layer's matrix products."""

    def run():
        products = TimedMatmul()
        with ExitStack() as timing:
            if time_products:
                for module in PRODUCT_MODULES:
                    timing.enter_context(patch.object(module, "np", products))
            t0 = time.perf_counter()
            _, cache = forward(*args, **kwargs)
            t1 = time.perf_counter()
            backward(dout, cache)
            t2 = time.perf_counter()
        times = phase_times(t0, t1, t2)
        if time_products:
            times["products"] = products.seconds
        return times

    return run


def torch_layer(forward, tensors, dout_nhwc):
    inputs = [torch.from_numpy(np.ascontiguousarray(t)).requires_grad_(True) for t in tensors]
    dout = torch.from_numpy(np.ascontiguousarray(dout_nhwc.transpose(0, 3, 1, 2)))

    def run():
        t0 = time.perf_counter()
        out = forward(*inputs)
        t1 = time.perf_counter()
        torch.autograd.grad(out, inputs, dout)
        return phase_times(t0, t1, time.perf_counter())

    return run


PRODUCTS_PHASE = "matrix products alone"


def layer_rows(name, impls, rounds, loops=None) -> list[Row]:
    """Forward, backward and total rows of one layer: interleaved medians, then the loops.

    If cnnlib's run also timed its matrix products, one more row sets them
    against PyTorch's whole layer (forward and backward).
    """
    medians = median_times(impls, rounds)
    if loops is not None:
        medians.update(loop_medians(loops))
    rows = [
        Row(name, phase, {k: v[phase] for k, v in medians.items() if phase in v})
        for phase in ("forward", "backward", "total")
    ]
    if "products" in medians["cnnlib"]:
        seconds = {"cnnlib": medians["cnnlib"]["products"]}
        if "pytorch" in medians:
            seconds["pytorch"] = medians["pytorch"]["total"]
        rows.append(Row(name, PRODUCTS_PHASE, seconds))
    return rows


def loop_forward(fn, args, kwargs, batch):
    """The loop version on one image; its time is scaled up to the whole batch."""

    def run():
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        return {"forward": (time.perf_counter() - t0) * batch}

    return run


def loop_medians(run, rounds: int = 3) -> dict[str, dict[str, float]]:
    """The loop version, timed on its own after the interleaved rounds.

    It is hundreds of times slower; run between the rounds of the others it
    would leave their memory and caches cold, and its own time needs no
    precision.
    """
    return median_times({"loops": run}, rounds, warmup=0)


LAYER_CASES = [
    # name, input (N, H, W, C), filters, kernel, stride, padding
    ("conv 1: 28x28x1 -> 32, 3x3", (64, 28, 28, 1), 32, 3, 1, "valid"),
    ("conv 2: 26x26x32 -> 64, 3x3", (64, 26, 26, 32), 64, 3, 1, "valid"),
    ("same conv: 32x32x32 -> 64, 3x3", (64, 32, 32, 32), 64, 3, 1, "same"),
    ("stride-2 conv: 32x32x16 -> 32, 3x3", (64, 32, 32, 16), 32, 3, 2, "same"),
]


def conv_rows(rounds: int, with_loops: bool) -> list[Row]:
    rows = []
    rng = np.random.default_rng(0)
    for name, shape, filters, k, stride, padding in LAYER_CASES:
        x = rng.standard_normal(shape).astype(np.float32)
        w = (rng.standard_normal((k, k, shape[3], filters)) * 0.1).astype(np.float32)
        b = np.zeros(filters, np.float32)
        out, _ = conv2d_forward(x, w, b, stride, padding)
        dout = rng.standard_normal(out.shape).astype(np.float32)  # the same for both libraries
        # As a Conv2D layer calls it in training: with scratch memory kept from call to call.
        options = {"stride": stride, "padding": padding, "scratch": Scratch()}
        impls = {
            "cnnlib": cnnlib_layer(conv2d_forward, conv2d_backward, (x, w, b), options, dout, True)
        }
        if torch is not None:
            pad = (k - 1) // 2 if padding == "same" else 0
            if padding == "same" and stride > 1:  # TensorFlow's "same": the odd zero at the end
                total = max((out.shape[1] - 1) * stride + k - shape[1], 0)
                lo = total // 2

                def conv(xt, wt, bt, lo=lo, total=total, stride=stride):
                    xt = F.pad(xt, (lo, total - lo, lo, total - lo))
                    return F.conv2d(xt, wt, bt, stride=stride)
            else:

                def conv(xt, wt, bt, pad=pad, stride=stride):
                    return F.conv2d(xt, wt, bt, stride=stride, padding=pad)

            tensors = (x.transpose(0, 3, 1, 2), w.transpose(3, 2, 0, 1), b)
            impls["pytorch"] = torch_layer(conv, tensors, dout)
        options = {"stride": stride, "padding": padding}
        loops = loop_forward(cl.loops.conv2d, (x[:1], w, b), options, shape[0])
        rows += layer_rows(name, impls, rounds, loops if with_loops else None)
    return rows


def pool_rows(rounds: int, with_loops: bool) -> list[Row]:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 24, 24, 64)).astype(np.float32)
    out, _ = pool2d_forward(x, 2)
    dout = rng.standard_normal(out.shape).astype(np.float32)  # the same for both libraries
    impls = {"cnnlib": cnnlib_layer(pool2d_forward, pool2d_backward, (x, 2), {}, dout)}
    if torch is not None:
        impls["pytorch"] = torch_layer(
            lambda xt: F.max_pool2d(xt, 2), (x.transpose(0, 3, 1, 2),), dout
        )
    loops = loop_forward(cl.loops.pool2d, (x[:1], 2), {}, x.shape[0])
    return layer_rows("max pool 2x2 on 24x24x64", impls, rounds, loops if with_loops else None)


def torch_seed_classifier():
    """The same network in PyTorch (NCHW; softmax fused into the loss)."""
    torch.manual_seed(0)
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3),
        nn.ReLU(),
        nn.Conv2d(32, 64, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(9216, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def training_batch(batch: int):
    rng = np.random.default_rng(2)
    x = rng.random((batch, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    return x, y


def cnnlib_step(batch: int):
    model = digit_classifier(seed=0)  # the seed classifier E9, as train_mnist builds it
    model.compile(cl.Adam(), "sparse_categorical_crossentropy")
    x, y = training_batch(batch)

    def run():
        t0 = time.perf_counter()
        model.train_on_batch(x, y)
        return {"step": time.perf_counter() - t0}

    return run


def torch_step(batch: int):
    model = torch_seed_classifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    x, y = training_batch(batch)
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    yt = torch.from_numpy(y)

    def run():
        t0 = time.perf_counter()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(xt), yt)
        loss.backward()
        optimizer.step()
        return {"step": time.perf_counter() - t0}

    return run


def step_rows(rounds: int, batch: int = 128) -> list[Row]:
    impls = {"cnnlib": cnnlib_step(batch)}
    if torch is not None:
        impls["pytorch"] = torch_step(batch)
    medians = median_times(impls, rounds)
    step = {k: v["step"] for k, v in medians.items()}
    epoch = {k: v * 60_000 / batch for k, v in step.items()}
    name = f"training step, seed classifier (E9), batch {batch}"
    return [Row(name, "step", step), Row(name, "60,000-image epoch", epoch)]


MEMORY_PROBE = """
import sys
sys.path.insert(0, {root!r})
from benchmarks import run

def status(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak resident set size (VmHWM) to the current one
base = status("VmRSS")
impl = run.{factory}({batch})
for _ in range(4):
    impl()
print(status("VmHWM") - base)
"""


def memory_row(batch: int = 128) -> Row:
    """Peak memory of training, each library measured in a fresh process (Linux).

    After the imports, the process's peak resident set size is reset; the
    model and a batch are created and four training steps run; the reported
    figure (MiB) is the new peak minus the resident size before the model
    existed: the model, its optimiser state, the batch and the largest
    working set of a step.
    """
    import subprocess

    name = f"peak memory of training, batch {batch}"
    if not Path("/proc/self/clear_refs").exists():
        return Row(name, "MiB", {}, note="measured on Linux only")
    factories = {"cnnlib": "cnnlib_step"}
    if torch is not None:
        factories["pytorch"] = "torch_step"
    peaks = {}
    for library, factory in factories.items():
        code = MEMORY_PROBE.format(root=str(HERE.parent), factory=factory, batch=batch)
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        peaks[library] = int(out.stdout.split()[-1]) / 1024  # KiB to MiB
    return Row(name, "MiB", peaks)


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = "unknown"
    try:
        config = np.show_config(mode="dicts")
        info = config["Build Dependencies"]["blas"]
        blas = f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except Exception:  # older NumPy: no dict mode
        pass
    return {
        "CPU": cpu,
        "cores used": f"{THREADS} threads (OMP_NUM_THREADS={THREADS}, "
        f"torch.set_num_threads({THREADS}))",
        "Python": platform.python_version(),
        "NumPy": f"{np.__version__} ({blas}; kernels: {blas_kernels()})",
        "PyTorch": (
            f"{torch.__version__} (kernels: {torch.backends.cpu.get_cpu_capability()})"
            if torch is not None
            else "not installed"
        ),
        "OS": f"{platform.system()} {platform.release()}",
    }


def blas_kernels() -> str:
    """The kernel family NumPy's BLAS chose (for OpenBLAS: Haswell = AVX2, SkylakeX = AVX-512)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    found = [i.get("architecture") for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(a for a in found if a) or "unknown"


@dataclass
class Goal:
    """One of the benchmark's goals: cnnlib's time (or memory) over a reference, at most ``limit``.

    ``against`` is "pytorch" (the same case in PyTorch, same run) or a phase of
    cnnlib's own run (``"matrix products alone"``: the layer against its own
    ``np.matmul`` calls, which needs no PyTorch).
    """

    case: str  # the start of the case's name
    phase: str
    against: str
    limit: float
    why: str


CONV_CASES = [name.split(":")[0] for name, *_ in LAYER_CASES]

GOALS = [
    Goal(
        "training step",
        "step",
        "pytorch",
        1.25,
        "a whole training step, where every layer and the optimiser count",
    ),
    *[
        Goal(
            case,
            "total",
            PRODUCTS_PHASE,
            1.3,
            "the copies, additions and allocations around the matrix products",
        )
        for case in CONV_CASES
    ],
    Goal("max pool", "total", "pytorch", 1.0, "pooling is pure data movement, no matrix product"),
    Goal("peak memory", "MiB", "pytorch", 1.5, "scratch buffers must not blow up memory"),
]


def evaluate_goals(rows: list[Row]) -> list[dict]:
    """Each goal with its measured ratio and verdict (None where it could not be measured)."""
    results = []
    for goal in GOALS:
        row = next(
            (r for r in rows if r.case.startswith(goal.case) and r.phase == goal.phase), None
        )
        if goal.against == "pytorch":
            reference = row.seconds.get("pytorch") if row is not None else None
            missing = "PyTorch not installed" if torch is None else "not measured"
        else:
            other = next(
                (r for r in rows if r.case.startswith(goal.case) and r.phase == goal.against),
                None,
            )
            reference = other.seconds.get("cnnlib") if other is not None else None
            missing = "not measured"
        entry = {**asdict(goal), "case": row.case if row is not None else goal.case}
        if row is None or reference is None or "cnnlib" not in row.seconds:
            note = row.note if row is not None and row.note else missing
            entry.update(ratio=None, met=None, note=note)
        else:
            ratio = row.seconds["cnnlib"] / reference
            entry.update(ratio=ratio, met=ratio <= goal.limit, note="")
        results.append(entry)
    return results


def goal_lines(goals: list[dict]) -> list[str]:
    lines = []
    for g in goals:
        against = "PyTorch" if g["against"] == "pytorch" else f'its own "{g["against"]}"'
        what = f"- {g['case']} ({g['phase']}) against {against}: goal ≤ {g['limit']}"
        if g["ratio"] is None:
            lines.append(f"{what}, {g['note']}")
        else:
            verdict = "met" if g["met"] else "NOT met"
            lines.append(f"{what}, measured {g['ratio']:.2f} ({verdict})")
    return lines


def goals_path(output: Path) -> Path:
    """Where the goals go: results.md -> goals.md, results-avx2.md -> goals-avx2.md."""
    stem = output.stem
    if stem.startswith("results"):
        return output.with_name("goals" + stem[len("results") :] + output.suffix)
    return output.with_name(f"{stem}-goals{output.suffix}")


def fmt(value: float, phase: str) -> str:
    if phase == "MiB":
        return f"{value:,.0f} MiB"
    if phase.startswith("60,000"):
        return f"{value:,.0f} s"
    return f"{value * 1e3:,.1f} ms"


def table(rows: list[Row]) -> str:
    head = "| Case | Phase | cnnlib | loops | PyTorch | loops / cnnlib | cnnlib / PyTorch |"
    lines = [head, "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        s = row.seconds
        if not s:  # not measured here: say why
            if row.note:
                lines.append(f"| {row.case} | {row.phase} | {row.note} |  |  |  |  |")
            continue
        cells = [fmt(s[k], row.phase) if k in s else "" for k in ("cnnlib", "loops", "pytorch")]
        speedup = f"{s['loops'] / s['cnnlib']:,.0f}×" if "loops" in s else ""
        ratio = f"{s['cnnlib'] / s['pytorch']:.2f}" if "pytorch" in s else ""
        lines.append(f"| {row.case} | {row.phase} | {' | '.join(cells)} | {speedup} | {ratio} |")
    return "\n".join(lines)


def runs_in_processes(args, processes: int) -> list[list[Row]]:
    """The whole benchmark, run ``processes`` times, each in a fresh Python.

    A process's timings move together: PyTorch's layers, for one, can run
    faster or slower in one process than in the next for its whole life.
    Several processes show that spread; their median does not depend on one
    of them. The loop versions, slow and steady, run in the first only.
    """
    import subprocess
    import tempfile

    child = [sys.executable, "-m", "benchmarks", "--rounds", str(args.rounds), "--isa", args.isa]
    child += ["--quick"] if args.quick else []
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(processes):
            print(f"process {k + 1} of {processes} ...", flush=True)
            out = Path(tmp) / f"run{k}.md"
            no_loops = ["--no-loops"] if args.no_loops or k > 0 else []
            done = subprocess.run(
                [*child, *no_loops, "--output", str(out)], capture_output=True, text=True
            )
            if done.returncode != 0:
                sys.exit(f"process {k + 1} failed:\n{done.stderr[-3000:]}")
            rows = json.loads(out.with_suffix(".json").read_text())["rows"]
            runs.append([Row(**row) for row in rows])
    return runs


def median_rows(runs: list[list[Row]]) -> list[Row]:
    """One row per case and phase: each implementation's median over the runs that measured it."""
    rows = []
    for i, row in enumerate(runs[0]):
        times = {}
        for run in runs:
            assert (run[i].case, run[i].phase) == (row.case, row.phase), "runs differ"
            for impl, seconds in run[i].seconds.items():
                times.setdefault(impl, []).append(seconds)
        medians = {impl: statistics.median(seconds) for impl, seconds in times.items()}
        rows.append(Row(row.case, row.phase, medians, row.note))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds per case (median)")
    parser.add_argument("--quick", action="store_true", help="3 rounds, no loop versions")
    parser.add_argument("--no-loops", action="store_true", help="leave out the loop versions")
    parser.add_argument(
        "--isa",
        choices=list(ISA_ENVIRONMENT),
        default="native",
        help="instruction set of both libraries: each one's best for this CPU, or AVX2",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="repeat the whole run in this many fresh processes and report the medians "
        "(steadier: timings can differ from one process to the next)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the table (default benchmarks/results.md, "
        "or results-avx2.md with --isa avx2)",
    )
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error(f"--processes must be at least 1, got {args.processes}")
    if args.output is None:
        args.output = HERE / ("results.md" if args.isa == "native" else f"results-{args.isa}.md")
    rounds = 3 if args.quick else args.rounds
    with_loops = not (args.quick or args.no_loops)
    if torch is None:
        print("PyTorch is not installed: comparing with the loop versions only.", flush=True)
    rows = []
    if args.processes > 1:
        rows = median_rows(runs_in_processes(args, args.processes))
    else:
        for label, measure in (
            ("convolution layers", lambda: conv_rows(rounds, with_loops)),
            ("max pooling", lambda: pool_rows(rounds, with_loops)),
            ("training step", lambda: step_rows(rounds)),
            ("memory", lambda: [memory_row()]),
        ):
            print(f"measuring {label} ...", flush=True)
            rows += measure()
    measured_on = machine()
    how = f"{rounds} interleaved rounds, medians"
    if args.processes > 1:
        how = f"{rounds} interleaved rounds in each of {args.processes} processes, medians of both"
    command = "python -m benchmarks" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    measured = f"Measured on {time.strftime('%Y-%m-%d')} with `{command}` ({how}; float32)."
    text = "\n".join(
        [
            measured,
            "",
            *[f"- {key}: {value}" for key, value in measured_on.items()],
            "",
            table(rows),
            "",
            f'The rows "{PRODUCTS_PHASE}" time only the `np.matmul` calls inside '
            "cnnlib's layer (forward and backward, in the same runs) and set them "
            "against PyTorch's whole layer: what the layer would cost if its copies "
            "and additions were free.",
            "",
        ]
    )
    goals = evaluate_goals(rows)
    goals_text = "\n".join(
        [
            "# The benchmark's goals",
            "",
            f"{measured} The table itself is in `{args.output.name}`; "
            "`benchmarks/README.md` says why these goals.",
            "",
            *goal_lines(goals),
            "",
        ]
    )
    print("\n" + text + "\n" + goals_text)
    args.output.write_text(text)
    goals_path(args.output).write_text(goals_text)
    args.output.with_suffix(".json").write_text(
        json.dumps(
            {"machine": measured_on, "rows": [asdict(r) for r in rows], "goals": goals}, indent=2
        )
        + "\n"
    )
    print(f"written to {args.output} and {goals_path(args.output)}")
