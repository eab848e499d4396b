"""The Binder path, simulated: a chapter runs in JupyterLab from requirements.txt alone.

Binder builds the repository's requirements.txt (with runtime.txt's Python)
into an image and opens JupyterLab. This test does the same on this machine:
a new virtual environment in a temporary folder, ``pip install -r
requirements.txt`` from a copy of the repository (``-e .`` installs cnnlib from
it), JupyterLab on 127.0.0.1, and in headless Chromium, as a reader would: open
a chapter, clear its stored outputs, Run All Cells, wait until every cell has
run without an error, then move the explorer's position slider and see the
explorer answer. Every import of every chapter is also checked in that
environment: nbval runs the chapters in the development environment, which
has more packages than Binder. pip's cache makes the install quick after the
first run.
"""

from __future__ import annotations

import ast
import json
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.jupyterlab import (
    PICTURE_TEXT,
    READOUT,
    ROOT,
    SCREENSHOTS,
    browser_context,
    clean_environment,
    copy_of_repository,
    jupyterlab,
    python_of,
    run,
    run_all_cells,
    scripts_of,
)

CHAPTER = "chapters/convolution.ipynb"  # it has an explorer (cnnlib.widgets.conv_explorer)
RUN_TIMEOUT_S = 300
WIDGET_TIMEOUT_MS = 60_000


def binder_python() -> str:
    """The Python of runtime.txt ("python-3.11") if this machine has it, else this one."""
    version = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    return shutil.which(f"python{version}") or sys.executable


@dataclass
class BinderEnvironment:
    repo: Path  # the copy of the repository, as Binder checks it out
    venv: Path
    env: dict[str, str]  # the environment variables of its processes
    home: Path  # a scratch folder
    started: float  # time.monotonic() when the environment was begun


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    """A new virtual environment with requirements.txt installed from a copy of the repository."""
    started = time.monotonic()
    home = tmp_path_factory.mktemp("binder")
    repo = copy_of_repository(home / "repo")
    venv = home / "venv"
    env = clean_environment(scripts_of(venv), home / "jupyter")
    run([binder_python(), "-m", "venv", venv])
    python = python_of(venv)
    run([python, "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], cwd=repo, env=env)
    print(f"pip install -r requirements.txt: {time.monotonic() - started:.0f} s")
    yield BinderEnvironment(repo, venv, env, home, started)
    shutil.rmtree(home, ignore_errors=True)  # the environment is large


def chapter_imports(repo: Path) -> dict[str, list[str]]:
    """The absolute imports of the code cells of every chapter: module -> chapters."""
    imports: dict[str, list[str]] = {}
    for notebook in sorted((repo / "chapters").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            lines = [
                line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
            ]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue  # not plain Python; nbval runs it anyway
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    imports.setdefault(name, []).append(notebook.name)
    return imports


@pytest.mark.binder
def test_every_chapter_import_is_installed_by_requirements(binder):
    """nbval runs the chapters in the development environment; Binder has requirements.txt only."""
    imports = chapter_imports(binder.repo)
    assert "cnnlib" in imports
    check = (
        "import importlib, json, sys\n"
        "missing = {}\n"
        "for name in json.loads(sys.argv[1]):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        missing[name] = str(exc)\n"
        "print(json.dumps(missing))\n"
        "import cnnlib; print(cnnlib.__file__)\n"
    )
    out = run(
        [python_of(binder.venv), "-c", check, json.dumps(sorted(imports))],
        cwd=binder.home,
        env=binder.env,
    ).stdout.splitlines()
    missing = {name: (error, imports[name]) for name, error in json.loads(out[0]).items()}
    assert not missing, f"requirements.txt does not install what chapters import: {missing}"
    where = Path(out[1])
    assert where.is_relative_to(binder.repo), f"cnnlib comes from {where}, not the repository"


@pytest.mark.binder
def test_a_chapter_runs_in_jupyterlab_and_its_explorer_responds(chromium, binder):
    from playwright.sync_api import expect

    repo, venv, env, start = binder.repo, binder.venv, binder.env, binder.started
    timings: dict[str, float] = {}  # seconds since the environment was begun
    tmp_path = binder.home

    with (
        jupyterlab(python_of(venv), repo, env, tmp_path / "jupyterlab.log") as lab,
        browser_context(chromium, lab, "binder-failure.png") as context,
    ):
        timings["JupyterLab started"] = time.monotonic() - start
        page = context.new_page()
        page.set_default_timeout(60_000)
        # The intro's Binder link opens JupyterLab on chapters/; the reader opens a chapter.
        folder, name = CHAPTER.rsplit("/", 1)
        page.goto(lab.url(f"lab/tree/{folder}"))
        page.locator(f'.jp-DirListing-item[title^="Name: {name}"]').dblclick()
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for()
        # Kernel started and idle, as the status bar tells the reader.
        expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible()
        # Clear the stored outputs, so that everything shown next comes from this run.
        run_all_cells(page, RUN_TIMEOUT_S, repo / CHAPTER)
        timings["all cells run"] = time.monotonic() - start

        explorer = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-hslider"))
        expect(explorer).to_have_count(1, timeout=WIDGET_TIMEOUT_MS)
        position = explorer.locator(".widget-hslider").filter(has_text="position")
        summary = explorer.locator(READOUT)
        picture = explorer.locator("img")
        words = explorer.locator(PICTURE_TEXT)  # what the picture shows, for screen readers
        expect(summary).to_contain_text("Position 1 of 9", timeout=WIDGET_TIMEOUT_MS)
        expect(words).to_contain_text("(row 0, column 0)", timeout=WIDGET_TIMEOUT_MS)
        before = picture.get_attribute("src")

        position.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        readout = position.locator(".widget-readout")
        expect(readout).to_have_text("1", timeout=WIDGET_TIMEOUT_MS)
        expect(summary).to_contain_text("Position 2 of 9: row 0", timeout=WIDGET_TIMEOUT_MS)
        expect(picture).not_to_have_attribute("src", before or "", timeout=WIDGET_TIMEOUT_MS)
        expect(words).to_contain_text("(row 0, column 1)", timeout=WIDGET_TIMEOUT_MS)
        timings["slider answered"] = time.monotonic() - start
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        explorer.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "binder-jupyterlab.png")
    print("Binder simulation, seconds since start:", {k: round(v) for k, v in timings.items()})
