#!/usr/bin/env python3
"""One entry point for the project's chores; it needs only Python 3.10+.

    python3 dev.py book      set up .venv and build the HTML book into _build/html
    python3 dev.py test      set up .venv, then lint and run every test
                             (unit tests, strict nbval over every chapter, book build)
    python3 dev.py execute [NOTEBOOK ...]
                             re-run chapters top to bottom in a fresh kernel and store
                             their outputs (and widget state) in place
    python3 dev.py index     rewrite chapters/worked_examples.md from the chapters'
                             (we-e<N>)= labels of the worked examples

Each command first creates the virtual environment ``.venv`` if it is missing
and installs ``requirements-dev.txt`` into it (quick when nothing changed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path, **kwargs) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT, **kwargs)
    if code != 0:
        sys.exit(code)


def setup() -> None:
    """Create .venv if needed and install everything the project uses into it."""
    if sys.version_info < (3, 10):  # noqa: UP036 (say so plainly on an old Python)
        sys.exit(f"Python 3.10 or newer is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating the virtual environment {VENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", "requirements-dev.txt")


def book(_args: list[str]) -> None:
    run(BIN / "jupyter-book", "build", "--warningiserror", "--nitpick", "--keep-going", ".")
    print(f"\nThe book is in {ROOT / '_build' / 'html' / 'index.html'}")


def test(pytest_args: list[str]) -> None:
    linted = ("cnnlib", "tests", "benchmarks", "_ext", "chapters", "dev.py")
    run(PYTHON, "-m", "ruff", "check", *linted)
    run(PYTHON, "-m", "ruff", "format", "--check", *linted)
    run(PYTHON, "-m", "pytest", *pytest_args)


def execute(notebooks: list[str]) -> None:
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    paths = notebooks or [str(p.relative_to(ROOT)) for p in chapters]
    run(PYTHON, "-m", "tests.execute_notebooks", *paths)


def index(_args: list[str]) -> None:
    run(PYTHON, "-m", "tests.worked_examples")


def main(argv: list[str]) -> None:
    commands = {"book": book, "test": test, "execute": execute, "index": index}
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    setup()
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
