"""JupyterLab in headless Chromium, on a copy of the repository, as a reader sees it.

The tests that look at notebooks in JupyterLab share this: a server started
from this environment's ``jupyter lab`` on a temporary copy of the repository
(JupyterLab writes checkpoints and trust signatures next to the files it
opens), with its own empty Jupyter folders, so the notebooks are as untrusted
as after a fresh clone; a page opened on one notebook; Run All; and a
measurement of the boxes of a widget's controls. The server, menu and polling
code is that of the Binder simulation (tests/test_binder.py).
"""

from __future__ import annotations

import itertools
import secrets
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.test_binder import (
    CELLS_JS,
    clean_environment,
    copy_of_repository,
    execution_counts,
    free_port,
    menu,
    poll,
    stop,
    wait_for_server,
)

RUN_TIMEOUT_S = 300


@dataclass
class Lab:
    base: str  # http://127.0.0.1:PORT
    token: str
    repo: Path  # the copy JupyterLab serves

    def url(self, path: str) -> str:
        # ?reset: a new workspace, so that a notebook opened before is not open behind it
        return f"{self.base}/lab/tree/{path}?reset&token={self.token}"


@contextmanager
def jupyterlab(scratch: Path):
    """Yield a :class:`Lab` serving a copy of the repository made in ``scratch``."""
    repo = copy_of_repository(scratch / "repo")
    env = clean_environment(Path(sys.prefix), scratch / "jupyter")
    port, token = free_port(), secrets.token_hex(16)
    log = scratch / "jupyterlab.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                Path(sys.executable).parent / "jupyter",
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--ServerApp.token={token}",
                f"--ServerApp.root_dir={repo}",
                "--allow-root",
            ],
            cwd=repo,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={token}", server, log)
        yield Lab(base, token, repo)
    finally:
        stop(server)


def open_notebook(context, lab: Lab, path: str):
    """A page of ``context`` showing the notebook ``path`` with its kernel idle."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(lab.url(path))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for()
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for()
    return page


def run_all(page, timeout: float = RUN_TIMEOUT_S) -> None:
    """Run All Cells from the menu and wait until every cell has run, in order, without error."""
    menu(page, "Run", "runmenu:run-all", lambda: any(execution_counts(page)))

    def all_cells_ran() -> bool:
        state = page.evaluate(CELLS_JS)
        assert not state["errors"], "a cell failed:\n" + "\n\n".join(state["errors"])
        counts = execution_counts(page)
        return all(counts) and all(int(a) < int(b) for a, b in itertools.pairwise(counts))

    poll(all_cells_ran, timeout, "not every cell ran")


def output_of(page, source_start: str):
    """The output area of the first code cell whose source starts with ``source_start``."""
    cell = page.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=source_start)
    )
    return cell.first.locator(".jp-OutputArea")


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
