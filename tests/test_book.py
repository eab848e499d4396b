"""The book builds, as a reader gets it, with no warning at all."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The command-line script installed next to the Python that runs the tests.
JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the HTML book once per test session; return (html folder, build log)."""
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


def test_book_builds_without_warnings(built_book):
    html, log, code = built_book
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert code == 0 and not warnings, "\n".join(warnings) or log[-3000:]
    assert (html / "index.html").exists()


def test_every_chapter_in_the_toc_is_rendered(built_book):
    html, _, _ = built_book
    toc = (ROOT / "_toc.yml").read_text()
    files = [line.split("file:")[1].strip() for line in toc.splitlines() if "file:" in line]
    assert files, "the table of contents lists no chapter"
    for name in files:
        assert (html / f"{name}.html").exists(), name


def test_every_chapter_notebook_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        assert f"chapters/{nb.stem}" in toc, f"{nb.name} is not in _toc.yml"
