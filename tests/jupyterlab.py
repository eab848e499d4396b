"""JupyterLab for the browser tests: a server on a copy of the repository, and a reader's moves.

Shared by tests/test_binder.py (a fresh environment from requirements.txt) and
tests/test_jupyterlab.py (the development environment, chapters as stored).
The server listens on 127.0.0.1 with a random port and token, keeps its
settings, kernels and runtime files in a scratch folder, and serves a copy of
the repository, never the working tree: JupyterLab writes checkpoints and may
save notebooks.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from cnnlib.widgets._display import PICTURE_TEXT_CLASS

ROOT = Path(__file__).resolve().parents[1]
SKIP_NAMES = {".git", ".venv", "_build", "__pycache__", ".ipynb_checkpoints", ".hypothesis"}
SKIP_NAMES |= {".pytest_cache", ".ruff_cache"}
SCREENSHOTS = ROOT / "_build" / "screenshots"
SERVER_TIMEOUT_S = 120

# The open notebook's code cells: their prompts ("[3]:") and the tracebacks in their outputs.
# A collapsed cell (a hidden solution) shows only an empty placeholder prompt,
# so its count is read from the saved notebook instead (saved_run).
CELLS_JS = r"""
() => {
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!notebook) return null;
  const cells = [...notebook.querySelectorAll('.jp-CodeCell')];
  return {
    prompts: cells.map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent || ''),
    collapsed: cells.map(c => !!c.querySelector('.jp-Placeholder-prompt')),
    errors: [...notebook.querySelectorAll('.jp-OutputArea-output')]
      .map(o => o.textContent).filter(t => t.includes('Traceback (most recent call last)'))
      .map(t => t.slice(0, 1500)),
  };
}
"""


def copy_of_repository(target: Path) -> Path:
    """The repository's files, without local environments and caches (what Binder sees)."""

    def ignore(folder, names):
        skipped = {n for n in names if n in SKIP_NAMES or n.endswith(".egg-info")}
        if Path(folder).resolve() == ROOT / ".ci":
            skipped.add("cache")
        return skipped

    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def clean_environment(scripts: Path, home: Path) -> dict[str, str]:
    """This process's environment without its Python and Jupyter settings, ``scripts`` first.

    ``scripts`` is the folder of the environment's commands (``bin``, or
    ``Scripts`` on Windows); Jupyter's and IPython's folders go under ``home``.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MPLBACKEND"}
        and not k.startswith(("JUPYTER", "IPYTHON"))
    }
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"
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


def write_lab_settings(env: dict[str, str], settings: dict[str, dict]) -> None:
    """User settings for JupyterLab, e.g. ``{"@jupyterlab/notebook-extension:tracker": {...}}``.

    They go into the scratch settings folder of ``env`` (JUPYTERLAB_SETTINGS_DIR),
    one ``<package>/<plugin>.jupyterlab-settings`` file per plugin.
    """
    folder = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    for plugin, values in settings.items():
        package, name = plugin.rsplit(":", 1)
        path = folder / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")


def run(args, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(
    url: str, server: subprocess.Popen, log: Path, timeout: float = SERVER_TIMEOUT_S
) -> None:
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
    if server.poll() is not None:
        return
    if os.name == "nt":
        server.terminate()
    else:
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        if os.name == "nt":
            server.kill()
        else:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@dataclass
class Lab:
    """A running JupyterLab: its address, its token, and the log it writes."""

    base: str  # http://127.0.0.1:<port>
    token: str
    log: Path

    def url(self, path: str) -> str:
        """The address of a page of the server, e.g. ``lab/tree/chapters``, with the token."""
        return f"{self.base}/{path}?token={self.token}"


@contextmanager
def jupyterlab(python: Path | str, repo: Path, env: dict[str, str], log: Path):
    """Run ``python -m jupyterlab`` on ``repo`` (a copy) until the block ends; yield a Lab."""
    port, token = free_port(), secrets.token_hex(16)
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                str(python),
                "-m",
                "jupyterlab",
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
            start_new_session=True,  # its own process group, with its kernels
            creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, log)
    try:
        wait_for_server(lab.url("api/status"), server, log)
        yield lab
    finally:
        stop(server)


@contextmanager
def browser_context(chromium, lab: Lab, failure_screenshot: str, **options):
    """A Chromium context that may reach only this JupyterLab; a screenshot if the block fails."""
    context = chromium.new_context(**{"viewport": {"width": 1400, "height": 1000}, **options})
    context.route(re.compile(rf"^(?!{re.escape(lab.base)}/)"), lambda route: route.abort())
    try:
        yield context
    except BaseException:
        if context.pages:  # what the reader would have seen
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            path = SCREENSHOTS / failure_screenshot
            context.pages[-1].screenshot(path=path, full_page=True)
            print(f"screenshot of the failure: {path}")
        print(f"JupyterLab's log:\n{lab.log.read_text()[-3000:]}")
        raise
    finally:
        context.close()


def execution_counts(page) -> list[str]:
    """The execution count of every code cell of the open notebook ("" if it has none)."""
    return [re.sub(r"\D", "", prompt) for prompt in page.evaluate(CELLS_JS)["prompts"]]


def poll(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{message} within {timeout} s"
        time.sleep(0.5)


def visible_cells_ran(page) -> bool:
    """Whether every code cell the reader can see has a count, in order; fail on a traceback."""
    state = page.evaluate(CELLS_JS)
    assert not state["errors"], "a cell failed:\n" + "\n\n".join(state["errors"])
    counts = [
        re.sub(r"\D", "", prompt)
        for prompt, collapsed in zip(state["prompts"], state["collapsed"], strict=True)
        if not collapsed
    ]
    return all(counts) and all(int(a) < int(b) for a, b in itertools.pairwise(counts))


def saved_run(page, notebook: Path, since: float) -> bool:
    """Save the open notebook (Ctrl+S); whether the file saved after ``since`` shows a full run.

    Every code cell, collapsed ones too, has an execution count, in order; an
    error output in any cell fails at once.
    """
    page.keyboard.press("ControlOrMeta+s")
    time.sleep(1)
    if notebook.stat().st_mtime < since:
        return False
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError):  # caught half-written
        return False
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    errors = [
        "\n".join(output.get("traceback", []))[-1500:]
        for cell in code
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]
    assert not errors, "a cell failed:\n" + "\n\n".join(errors)
    counts = [cell.get("execution_count") for cell in code]
    return all(counts) and all(a < b for a, b in itertools.pairwise(counts))


def run_all_cells(page, timeout: float, notebook: Path) -> None:
    """Clear the stored outputs, Run All Cells from the menus, wait until every cell has run.

    ``notebook`` is the open notebook's file on disk. Everything shown
    afterwards comes from this run. The reader's view tells when the cells
    they can see have run; the saved file tells it for the collapsed ones.
    """
    menu(page, "Edit", "editmenu:clear-all", lambda: not any(execution_counts(page)))
    started = time.time()
    menu(page, "Run", "runmenu:run-all", lambda: any(execution_counts(page)))
    deadline = time.monotonic() + timeout
    poll(lambda: visible_cells_ran(page), timeout, "not every visible cell ran")
    remaining = max(deadline - time.monotonic(), 10)
    poll(lambda: saved_run(page, notebook, started), remaining, "not every cell ran")


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


def python_of(venv: Path) -> Path:
    """The Python of a virtual environment, on any system."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def scripts_of(venv: Path) -> Path:
    """The folder of a virtual environment's commands (``bin``, or ``Scripts`` on Windows)."""
    return python_of(venv).parent


def output_of(page, source_start: str):
    """The output area of the first code cell whose source starts with ``source_start``."""
    cell = page.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=source_start)
    )
    return cell.first.locator(".jp-OutputArea")


# An explorer's HTML widgets: its readout (the sentence about the current
# step) and, after its picture, the out-of-sight words that describe the
# picture for screen readers (cnnlib.widgets._display.picture_text).
PICTURE_TEXT = f".{PICTURE_TEXT_CLASS} .widget-html-content"
READOUT = f".widget-html:not(.{PICTURE_TEXT_CLASS}) .widget-html-content"


# The boxes of a rendered widget's controls: labels, dropdowns, sliders and
# their readouts, buttons. Reported: pairs of controls whose boxes overlap
# (neither inside the other), and controls cut off, by an ancestor that hides
# its overflow or, for a label or a dropdown, by their own width (the text
# wider than the box).
CONTROL_BOXES_JS = """
(root) => {
  const selector = '.widget-label, select, button, .widget-readout, .slider-container, '
                 + 'input[type=number], input[type=text], .widget-checkbox, .widget-play';
  const controls = [...root.querySelectorAll(selector)].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
  });
  const name = e => {
    const text = (e.getAttribute('aria-label') || e.title || e.textContent
                  || e.value || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
    return `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}"${text}"`;
  };
  const box = r => [Math.round(r.left), Math.round(r.top), Math.round(r.width),
                    Math.round(r.height)];
  const overlaps = [];
  for (const [i, a] of controls.entries()) {
    for (const b of controls.slice(i + 1)) {
      if (a.contains(b) || b.contains(a)) continue;
      const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 1 && h > 1) overlaps.push({a: name(a), b: name(b), boxA: box(ra), boxB: box(rb)});
    }
  }
  const canvas = document.createElement('canvas').getContext('2d');
  const clipped = [];
  for (const e of controls) {
    const r = e.getBoundingClientRect();
    let left = r.left, right = r.right;
    for (let p = e.parentElement; p && p !== root.parentElement; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX !== 'visible') {
        const q = p.getBoundingClientRect();
        left = Math.max(left, q.left);
        right = Math.min(right, q.right);
      }
    }
    let why = null;
    const shown = Math.round(right - left);
    if (shown < r.width - 1) why = `shows ${shown} of ${Math.round(r.width)} px`;
    if (e.tagName === 'SELECT' && e.selectedOptions.length) {
      const style = getComputedStyle(e);
      canvas.font = `${style.fontSize} ${style.fontFamily}`;
      const text = canvas.measureText(e.selectedOptions[0].textContent).width;
      const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (text > room + 1) why = `text ${Math.round(text)} px in ${Math.round(room)} px`;
    } else if (e.classList.contains('widget-label') && e.scrollWidth > e.clientWidth + 1) {
      why = `text ${e.scrollWidth} px in ${e.clientWidth} px`;
    }
    if (why) clipped.push({control: name(e), box: box(r), why});
  }
  const r = root.getBoundingClientRect();
  return {count: controls.length, overlaps, clipped, box: box(r),
          overflowing: root.scrollWidth > root.clientWidth + 1};
}
"""


def control_boxes(output) -> dict:
    """Overlapping and cut-off controls in a rendered output (see ``CONTROL_BOXES_JS``)."""
    output.scroll_into_view_if_needed()
    return output.evaluate(CONTROL_BOXES_JS)
