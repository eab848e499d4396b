"""The chapters as a reader sees them in JupyterLab: prose with its numbers, no raw MyST markup.

JupyterLab renders a markdown cell as CommonMark with a little HTML; it knows
none of MyST's roles and directives, so ``{glue}`key``` or ``(label)=`` would
reach the reader as raw text. The chapters therefore write numbers in prose as
``<span class="pasted-text" data-glue="KEY">VALUE</span>`` (VALUE filled in from
the cell's stored ``glue`` output) and boxes as ``<details>`` and ``<div>``.

This test serves a copy of the repository with the development environment's
JupyterLab (127.0.0.1, a random port and token) and opens three chapters in
headless Chromium with their stored outputs, as a reader who does not run
anything. Every markdown cell's rendered text must be free of MyST markup, and
the first glued values of each chapter must be visible in the cells that paste
them, formatted as the book formats them. Then one chapter runs from the top
(Run All Cells) and is checked again. Screenshots of a cell with a glued value
go to ``_build/screenshots/jupyterlab-<chapter>-prose.png``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import prose_values
from tests.jupyterlab import (
    ROOT,
    SCREENSHOTS,
    browser_context,
    clean_environment,
    copy_of_repository,
    jupyterlab,
    run_all_cells,
    write_lab_settings,
)

pytestmark = pytest.mark.jupyterlab

CHAPTERS = ["convolution", "pooling", "training"]  # the chapters with the most MyST markup
RUN_CHAPTER = "convolution"  # quick to run from the top
GLUED_VALUES_CHECKED = 3  # the first spans of each chapter
RUN_TIMEOUT_S = 240
RENDER_TIMEOUT_S = 60

# Text that only MyST understands; in JupyterLab it would be shown as typed.
RAW_MARKUP = ("{glue", "{cite", "{ref", "{doc", "{admonition", ":::")
LABEL_TARGET = re.compile(r"\([^()\s]+\)=")  # "(we-e1)=" at the start of a line
# A widget's text/plain fallback, shown where no live kernel draws the widget.
WIDGET_REPR = re.compile(r"\w+Explorer\(children=|HBox\(children=")
EMPTY_PROGRESS_BAR = re.compile(r"(^|\s)0%\|")  # tqdm's bar before its first step

# JupyterLab's settings for the test: every cell in the page (no virtual
# scrolling, so that every cell can be read), nothing saved, no news fetched.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# Every cell of the open notebook, in order: its kind, its rendered markdown
# (with every <details> opened, as a reader clicks them), the text of its
# pasted values (JupyterLab keeps their class, not their data-glue attribute)
# and its outputs' text.
NOTEBOOK_JS = """
() => {
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!notebook) return null;
  notebook.querySelectorAll('.jp-RenderedMarkdown details').forEach(d => { d.open = true; });
  return [...notebook.querySelectorAll('.jp-Cell')].map(cell => {
    const markdown = cell.querySelector('.jp-RenderedMarkdown');
    return {
      markdown: cell.classList.contains('jp-MarkdownCell'),
      text: markdown ? markdown.innerText : null,
      pasted: markdown ? [...markdown.querySelectorAll('.pasted-text')].map(s => s.innerText) : [],
      outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText),
    };
  });
}
"""

# The animations of the open notebook (matplotlib's to_jshtml): their frame's picture.
ANIMATIONS_JS = """
() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output .animation img')]
  .map(img => ({src: img.getAttribute('src') || '', width: img.naturalWidth,
                complete: img.complete}))
"""


def normalised(text: str) -> str:
    """Runs of white space as one space: the browser lays text out in lines of its own."""
    return " ".join(text.split())


@dataclass
class GluedSpan:
    cell: int  # index of the markdown cell that holds the span
    order: int  # 0 for the cell's first span, 1 for the next, ...
    key: str  # "KEY" or "KEY:FORMATSPEC", as data-glue writes it
    expected: str  # the stored value, formatted as the book shows it


def glued_spans(notebook: Path) -> list[GluedSpan]:
    """Every data-glue span of a notebook's markdown, with the text the reader should see."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    values = prose_values.Values(notebook, nb)
    spans = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for order, match in enumerate(prose_values.SPAN.finditer("".join(cell["source"]))):
            reference = match.group("ref")
            try:
                expected = values.plain(reference)
            except KeyError as error:
                raise AssertionError(f"{notebook.name}, cell {index}: {error.args[0]}") from None
            spans.append(GluedSpan(index, order, reference, expected))
    return spans


@dataclass
class Snapshot:
    """What one chapter shows in JupyterLab: the text of each cell, in order."""

    chapter: str
    cells: list[dict] = field(repr=False)
    animations: list[dict] = field(default_factory=list, repr=False)

    def markdown(self) -> dict[int, str]:
        return {i: c["text"] or "" for i, c in enumerate(self.cells) if c["markdown"]}

    def outputs(self) -> list[tuple[int, str]]:
        return [(i, text) for i, c in enumerate(self.cells) for text in c["outputs"]]


@dataclass
class Session:
    lab: object  # tests.jupyterlab.Lab
    context: object  # a Playwright BrowserContext
    repo: Path
    stored: dict[str, Snapshot] = field(default_factory=dict, repr=False)
    after_run: dict[str, Snapshot] = field(default_factory=dict, repr=False)


@pytest.fixture(scope="module")
def session(chromium, tmp_path_factory):
    """JupyterLab on a copy of the repository, and a browser that may reach only it."""
    home = tmp_path_factory.mktemp("jupyterlab")
    repo = copy_of_repository(home / "repo")
    env = clean_environment(Path(sys.executable).parent, home / "jupyter")
    write_lab_settings(env, LAB_SETTINGS)
    with (
        jupyterlab(sys.executable, repo, env, home / "jupyterlab.log") as lab,
        browser_context(chromium, lab, "jupyterlab-failure.png") as context,
    ):
        yield Session(lab, context, repo)


def open_chapter(session: Session, chapter: str, workspace: str):
    """A new page with the chapter open (in a JupyterLab workspace of its own), and its cells."""
    page = session.context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_S * 1000)
    page.goto(session.lab.url(f"lab/workspaces/{workspace}/tree/chapters/{chapter}.ipynb"))
    return page, settled_cells(page, chapter)


def settled_cells(page, chapter: str) -> list[dict]:
    """The open notebook's cells, once every one is in the page and their text stops changing.

    Markdown is typeset by MathJax and outputs are drawn after the cells appear.
    """
    notebook = (ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8")
    expected = len(json.loads(notebook)["cells"])
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    previous = None
    while True:
        state = page.evaluate(NOTEBOOK_JS)
        if state is not None and len(state) == expected and state == previous:
            return state
        assert time.monotonic() < deadline, (
            f"{chapter}.ipynb: {len(state or [])} of {expected} cells in the page, or their text "
            f"still changing, after {RENDER_TIMEOUT_S} s"
        )
        previous = state
        time.sleep(1)


def screenshot_cell(page, index: int, name: str) -> Path:
    """An element screenshot of one cell of the open notebook, its pasted values outlined."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)
    cell.locator(".pasted-text").evaluate_all(
        "spans => spans.forEach(s => { s.style.outline = '2px solid #e8a317'; })"
    )
    cell.screenshot(path=path)
    return path


def stored(session: Session, chapter: str) -> Snapshot:
    """The chapter with its stored outputs, opened once; a screenshot of its first glued value."""
    if chapter not in session.stored:
        page, cells = open_chapter(session, chapter, f"{chapter}-stored")
        spans = glued_spans(session.repo / "chapters" / f"{chapter}.ipynb")
        if spans:
            screenshot_cell(page, spans[0].cell, f"jupyterlab-{chapter}-prose.png")
        page.close()
        session.stored[chapter] = Snapshot(chapter, cells)
    return session.stored[chapter]


def after_run(session: Session, chapter: str) -> Snapshot:
    """The chapter after Clear All Outputs and Run All Cells, run once; a screenshot."""
    if chapter not in session.after_run:
        stored(session, chapter)  # read before this run, whatever order the tests run in
        page, _ = open_chapter(session, chapter, f"{chapter}-run")
        run_all_cells(page, RUN_TIMEOUT_S, session.repo / "chapters" / f"{chapter}.ipynb")
        cells = settled_cells(page, chapter)
        animations = page.evaluate(ANIMATIONS_JS)
        spans = glued_spans(session.repo / "chapters" / f"{chapter}.ipynb")
        if spans:
            screenshot_cell(page, spans[0].cell, f"jupyterlab-{chapter}-after-run.png")
        page.close()
        session.after_run[chapter] = Snapshot(chapter, cells, animations)
    return session.after_run[chapter]


def raw_markup(snapshot: Snapshot) -> list[str]:
    """Every line of rendered markdown that shows MyST markup, with its cell."""
    found = []
    for index, text in snapshot.markdown().items():
        for line in text.splitlines():
            shown = line.strip()
            if any(m in shown for m in RAW_MARKUP) or LABEL_TARGET.match(shown):
                found.append(f"cell {index}: {shown[:160]}")
    return found


def missing_glued_values(session: Session, snapshot: Snapshot) -> list[str]:
    """The first glued values of the chapter that its cells do not show, or why none can be."""
    spans = glued_spans(session.repo / "chapters" / f"{snapshot.chapter}.ipynb")
    if not spans:
        return [
            f"{snapshot.chapter}.ipynb has no data-glue span: its prose shows no computed value"
        ]
    missing = []
    for span in spans[:GLUED_VALUES_CHECKED]:
        cell = snapshot.cells[span.cell]
        pasted = cell["pasted"][span.order] if span.order < len(cell["pasted"]) else None
        where = f"cell {span.cell}, data-glue={span.key!r}: {span.expected!r}"
        if pasted is None:
            missing.append(f"{where}: no pasted value number {span.order + 1} in the cell")
        elif normalised(pasted) != normalised(span.expected):
            missing.append(f"{where}: the span shows {pasted!r}")
        elif normalised(span.expected) not in normalised(cell["text"] or ""):
            missing.append(f"{where}: not in the cell's text {normalised(cell['text'])[:300]!r}")
    return missing


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_markdown_shows_no_myst_markup(session, chapter):
    found = raw_markup(stored(session, chapter))
    assert not found, f"{chapter}.ipynb shows MyST markup in JupyterLab:\n" + "\n".join(found)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_glued_values_are_visible_in_the_prose(session, chapter):
    missing = missing_glued_values(session, stored(session, chapter))
    assert not missing, f"{chapter}.ipynb in JupyterLab:\n" + "\n".join(missing)
    assert (SCREENSHOTS / f"jupyterlab-{chapter}-prose.png").exists()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_stored_outputs_show_no_widget_text(session, chapter):
    """A stored widget has no live kernel to draw it; its text fallback must not be a repr."""
    shown = [
        f"cell {i}: {text[:160]}"
        for i, text in stored(session, chapter).outputs()
        if WIDGET_REPR.search(text)
    ]
    assert not shown, f"{chapter}.ipynb shows a widget's repr:\n" + "\n".join(shown)


def test_stored_training_outputs_show_no_empty_progress_bar(session):
    shown = [
        f"cell {i}: {line.strip()[:160]}"
        for i, text in stored(session, "training").outputs()
        for line in text.splitlines()
        if EMPTY_PROGRESS_BAR.search(line)
    ]
    first = "\n".join(shown[:3])
    assert not shown, f"training.ipynb shows tqdm's empty bar on {len(shown)} lines:\n{first}"


def test_chapter_runs_and_still_shows_its_prose(session):
    snapshot = after_run(session, RUN_CHAPTER)  # fails on a traceback in any output
    found = raw_markup(snapshot) + missing_glued_values(session, snapshot)
    assert not found, f"{RUN_CHAPTER}.ipynb after Run All Cells:\n" + "\n".join(found)


def test_animation_plays_after_run(session):
    animations = after_run(session, RUN_CHAPTER).animations
    assert animations, f"{RUN_CHAPTER}.ipynb shows no animation after Run All Cells"
    empty = [a for a in animations if not a["src"] or not a["complete"] or a["width"] == 0]
    assert not empty, f"animation frames without a loaded picture: {empty}"


def test_rendered_text_is_compared_with_its_white_space_normalised():
    assert normalised("array([[ 2.,  1.],\n       [-1.,  1.]])") == "array([[ 2., 1.], [-1., 1.]])"


def test_glued_spans_are_read_from_the_notebook(tmp_path):
    notebook = tmp_path / "chapter.ipynb"
    glue_output = {
        "output_type": "display_data",
        "data": {"application/papermill.record/text/plain": "0.5"},
        "metadata": {"scrapbook": {"name": "rate", "mime_prefix": "application/papermill.record/"}},
    }
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "code", "source": [], "outputs": [glue_output]},
                    {
                        "cell_type": "markdown",
                        "source": [
                            'A rate of <span class="pasted-text" data-glue="rate:.0%">?</span>'
                        ],
                    },
                ]
            }
        )
    )
    assert glued_spans(notebook) == [GluedSpan(1, 0, "rate:.0%", "50%")]
    notebook.write_text(notebook.read_text().replace('data-glue=\\"rate', 'data-glue=\\"speed'))
    with pytest.raises(AssertionError, match="no cell of this notebook glues 'speed'"):
        glued_spans(notebook)
