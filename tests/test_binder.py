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
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "chapters/convolution.ipynb"  # it has an explorer (cnnlib.widgets.conv_explorer)
SKIP_NAMES = {".git", ".venv", "_build", "__pycache__", ".ipynb_checkpoints", ".hypothesis"}
SKIP_NAMES |= {".pytest_cache", ".ruff_cache"}
RUN_TIMEOUT_S = 300
WIDGET_TIMEOUT_MS = 60_000
SCREENSHOTS = ROOT / "_build" / "screenshots"

CELLS_JS = """
() => {
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!notebook) return null;
  const cells = [...notebook.querySelectorAll('.jp-CodeCell')];
  return {
    prompts: cells.map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent || ''),
    errors: [...notebook.querySelectorAll('.jp-OutputArea-output')]
      .map(o => o.textContent).filter(t => t.includes('Traceback (most recent call last)'))
      .map(t => t.slice(0, 1500)),
  };
}
"""


def copy_of_repository(target: Path) -> Path:
    """What Binder sees: the repository's files, without local environments and caches."""

    def ignore(folder, names):
        skipped = {n for n in names if n in SKIP_NAMES or n.endswith(".egg-info")}
        if Path(folder).resolve() == ROOT / ".ci":
            skipped.add("cache")
        return skipped

    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def binder_python() -> str:
    """The Python of runtime.txt ("python-3.11") if this machine has it, else this one."""
    version = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    return shutil.which(f"python{version}") or sys.executable


def clean_environment(venv: Path, home: Path) -> dict[str, str]:
    """This process's environment without its Python and Jupyter settings, the venv first."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MPLBACKEND"}
        and not k.startswith(("JUPYTER", "IPYTHON"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    for name, folder in {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
    }.items():
        env[name] = str(home / folder)
    return env


def run(args, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-4000:]}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server we started and its kernels (its own process group)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def execution_counts(page) -> list[str]:
    """The execution count of every code cell of the open notebook ("" if it has none)."""
    return [re.sub(r"\D", "", prompt) for prompt in page.evaluate(CELLS_JS)["prompts"]]


def poll(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{message} within {timeout} s"
        time.sleep(0.5)


def menu(page, title: str, command: str, done, timeout: float = 20) -> None:
    """Choose a command from JupyterLab's menu bar, as a reader does, until done() is true.

    A menu item is disabled while the notebook is not the current widget, or
    not ready yet; then the choice is made again, up to three times.
    """
    for _ in range(3):
        page.keyboard.press("Escape")  # close any open menu
        page.locator(".jp-Notebook .jp-InputPrompt").first.click()  # the notebook is current
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{title}$")).click()
        item = page.locator(f'.lm-Menu-item[data-command="{command}"]')
        item.wait_for()
        if "lm-mod-disabled" not in (item.get_attribute("class") or ""):
            item.click()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if done():
                    return
                time.sleep(0.5)
        time.sleep(2)
    pytest.fail(f"{title} > {command} had no effect", pytrace=False)


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
    env = clean_environment(venv, home / "jupyter")
    run([binder_python(), "-m", "venv", venv])
    python = venv / "bin" / "python"
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
        [binder.venv / "bin" / "python", "-c", check, json.dumps(sorted(imports))],
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

    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "jupyterlab.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                venv / "bin" / "jupyter",
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--ServerApp.token={token}",
                f"--ServerApp.root_dir={repo}",
                "--allow-root",  # CI runs as root; Binder does not need it
            ],
            cwd=repo,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    context = None
    try:
        wait_for_server(f"{base}/api/status?token={token}", server, log)
        timings["JupyterLab started"] = time.monotonic() - start

        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        context.route(re.compile(rf"^(?!{re.escape(base)}/)"), lambda route: route.abort())
        page = context.new_page()
        page.set_default_timeout(60_000)
        # The intro's Binder link opens JupyterLab on chapters/; the reader opens a chapter.
        folder, name = CHAPTER.rsplit("/", 1)
        page.goto(f"{base}/lab/tree/{folder}?token={token}")
        page.locator(f'.jp-DirListing-item[title^="Name: {name}"]').dblclick()
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for()
        # Kernel started and idle, as the status bar tells the reader.
        expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible()
        # Clear the stored outputs, so that everything shown next comes from this run.
        menu(page, "Edit", "editmenu:clear-all", lambda: not any(execution_counts(page)))
        menu(page, "Run", "runmenu:run-all", lambda: any(execution_counts(page)))

        def all_cells_ran() -> bool:
            state = page.evaluate(CELLS_JS)
            assert not state["errors"], "a cell failed:\n" + "\n\n".join(state["errors"])
            counts = execution_counts(page)  # in order, each cell once: increasing
            return all(counts) and all(int(a) < int(b) for a, b in itertools.pairwise(counts))

        poll(all_cells_ran, RUN_TIMEOUT_S, "not every cell ran")
        timings["all cells run"] = time.monotonic() - start

        explorer = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-hslider"))
        expect(explorer).to_have_count(1, timeout=WIDGET_TIMEOUT_MS)
        position = explorer.locator(".widget-hslider").filter(has_text="position")
        summary = explorer.locator(".widget-html-content")
        picture = explorer.locator("img")
        expect(summary).to_contain_text("Position 1 of 9", timeout=WIDGET_TIMEOUT_MS)
        before = picture.get_attribute("src")

        position.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        readout = position.locator(".widget-readout")
        expect(readout).to_have_text("1", timeout=WIDGET_TIMEOUT_MS)
        expect(summary).to_contain_text("Position 2 of 9: row 0", timeout=WIDGET_TIMEOUT_MS)
        expect(picture).not_to_have_attribute("src", before or "", timeout=WIDGET_TIMEOUT_MS)
        timings["slider answered"] = time.monotonic() - start
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        explorer.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / "binder-jupyterlab.png")
    except BaseException:
        if context is not None and context.pages:  # what the reader would have seen
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            context.pages[0].screenshot(path=SCREENSHOTS / "binder-failure.png", full_page=True)
            print(f"screenshot of the failure: {SCREENSHOTS / 'binder-failure.png'}")
        print(f"JupyterLab's log:\n{log.read_text()[-3000:]}")
        raise
    finally:
        if context is not None:
            context.close()
        stop(server)
    print("Binder simulation, seconds since start:", {k: round(v) for k, v in timings.items()})
