"""Shared test settings, and the book built once for every test that reads it."""

import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

# Figures in the unit tests are drawn off-screen. This is set for this process
# only: an MPLBACKEND environment variable would leak into the kernels that
# nbval starts, and the notebooks would then show no figures at all.
matplotlib.use("Agg")

import matplotlib.pyplot as plt

# Deterministic and quick: property tests explore a fixed set of examples.
settings.register_profile("cnnlib", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("cnnlib")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test left open."""
    yield
    plt.close("all")


# The command-line script installed next to the Python that runs the tests.
JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the HTML book once per test session; return (html folder, build log, exit code)."""
    out = tmp_path_factory.mktemp("book")
    proc = subprocess.run(
        [
            JUPYTER_BOOK,
            "build",
            "--warningiserror",
            "--nitpick",
            "--keep-going",
            "--path-output",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    log = proc.stdout + proc.stderr
    yield out / "_build" / "html", log, proc.returncode
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium for one test module; skipped (failed in CI) if there is none."""
    # Module scope: the browser is closed before the chapter notebooks run under
    # nbval, whose kernels' event loops must not share the session with it.
    from tests.browser import chromium_browser

    with chromium_browser() as browser:
        yield browser
