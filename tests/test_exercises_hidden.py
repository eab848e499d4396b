"""Every chapter ends with 5 to 8 exercises whose solutions stay closed until opened.

A solution is a code cell tagged ``solution`` and ``hide-cell`` (the book puts
its code and everything it prints, the explanation included, inside one
toggle) with ``jupyter.source_hidden`` and ``jupyter.outputs_hidden`` set
(JupyterLab shows it collapsed), or, for words only, a markdown cell tagged
``solution`` that is one closed ``<details>`` box. The other code cells of the
Exercises section are what the reader edits (``exercise``) and the hidden
expected values of the self-checks (``check``). CONTRIBUTING.md, "Exercises",
has the pattern.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
EXERCISE_HEADING = re.compile(r"^### Exercise (\d+): \S", re.M)
CODE_ROLES = {"solution", "exercise", "check"}


def exercise_cells(path: Path) -> list[dict]:
    """The cells from the chapter's ``## Exercises`` heading to its end."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    starts = [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "markdown" and re.search(r"^## Exercises\s*$", source(cell), re.M)
    ]
    assert len(starts) == 1, f"{path.name} has {len(starts)} '## Exercises' headings"
    return cells[starts[0] :]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def where(cell: dict) -> str:
    return f"cell {cell.get('id')} ({source(cell)[:50]!r})"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_five_to_eight_exercises_numbered_in_order(path):
    text = "\n".join(source(c) for c in exercise_cells(path) if c["cell_type"] == "markdown")
    numbers = [int(n) for n in EXERCISE_HEADING.findall(text)]
    assert 5 <= len(numbers) <= 8, f"{path.name} has {len(numbers)} exercises"
    assert numbers == list(range(1, len(numbers) + 1)), numbers


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_has_a_solution(path):
    exercise, solved, unsolved = None, set(), []
    for cell in exercise_cells(path):
        heading = EXERCISE_HEADING.search(source(cell)) if cell["cell_type"] == "markdown" else None
        if heading:
            if exercise is not None and exercise not in solved:
                unsolved.append(exercise)
            exercise = int(heading.group(1))
        if "solution" in tags(cell):
            solved.add(exercise)
    if exercise is not None and exercise not in solved:
        unsolved.append(exercise)
    assert not unsolved, f"{path.name}: exercises {unsolved} have no cell tagged 'solution'"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_solutions_are_closed_in_the_book_and_in_jupyterlab(path):
    problems = []
    for cell in exercise_cells(path):
        meta = cell.get("metadata", {})
        hidden = meta.get("jupyter", {})
        if cell["cell_type"] == "code":
            role = tags(cell) & CODE_ROLES
            if len(role) != 1:
                problems.append(f"{where(cell)}: tag it one of {sorted(CODE_ROLES)}")
            elif role == {"solution"}:
                if "hide-cell" not in tags(cell) or "hide-input" in tags(cell):
                    problems.append(
                        f"{where(cell)}: a solution is tagged hide-cell (not hide-input)"
                    )
                if not (hidden.get("source_hidden") and hidden.get("outputs_hidden")):
                    problems.append(f"{where(cell)}: set jupyter.source_hidden and outputs_hidden")
                if "solution" not in meta.get("mystnb", {}).get("code_prompt_show", ""):
                    problems.append(f"{where(cell)}: its toggle should say 'Show the solution'")
            elif role == {"check"} and not (
                "remove-cell" in tags(cell) and hidden.get("source_hidden")
            ):
                problems.append(f"{where(cell)}: a check is tagged remove-cell and source_hidden")
        elif "solution" in tags(cell):
            text = source(cell).strip()
            whole_box = re.fullmatch(
                r'<details class="dropdown"><summary>[^<]*</summary>\n\n.*\n\n</details>',
                text,
                re.S,
            )
            if not whole_box or text.count("<details") != 1:
                problems.append(f"{where(cell)}: a written solution is one closed <details> box")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_text_outside_a_closed_box(path):
    """Markdown cells that are not solutions hold no open or stray solution box."""
    found = [
        where(cell)
        for cell in exercise_cells(path)
        if cell["cell_type"] == "markdown"
        and "solution" not in tags(cell)
        and "<details" in source(cell)
    ]
    assert not found, f"{path.name}: solution text in untagged cells: {found}"


class Toggles(HTMLParser):
    """Where a rendered page puts its solution cells' outputs: inside a closed toggle?"""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, is a solution cell, closed toggle)
        self.outputs_in_toggle = 0
        self.outputs_visible: list[str] = []
        self.solution_cells = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        solution = "tag_solution" in classes or (bool(self.stack) and self.stack[-1][1])
        closed = (tag == "details" and "open" not in dict(attrs)) or (
            bool(self.stack) and self.stack[-1][2]
        )
        if "tag_solution" in classes:
            self.solution_cells += 1
        if solution and "cell_output" in classes:
            if closed:
                self.outputs_in_toggle += 1
            else:
                self.outputs_visible.append(self.getpos())
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            self.stack.append((tag, solution, closed))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def test_the_rendered_book_keeps_every_solution_closed(built_book):
    html, _, _ = built_book
    problems, total = [], 0
    for path in CHAPTERS:
        cells = exercise_cells(path)
        expected = sum(1 for c in cells if c["cell_type"] == "code" and "solution" in tags(c))
        page = Toggles()
        page.feed((html / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8"))
        total += page.solution_cells
        if page.solution_cells != expected:
            problems.append(f"{path.stem}: {page.solution_cells} solution cells, not {expected}")
        if page.outputs_visible:
            problems.append(
                f"{path.stem}: solution outputs outside a toggle at {page.outputs_visible}"
            )
        with_output = sum(1 for c in cells if "solution" in tags(c) and c.get("outputs"))
        if page.outputs_in_toggle < with_output:
            problems.append(
                f"{path.stem}: {page.outputs_in_toggle} of {with_output} outputs hidden"
            )
    assert total > 0
    assert not problems, "\n".join(problems)
