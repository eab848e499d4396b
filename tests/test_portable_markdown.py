"""The chapters' Markdown reads the same in the book, in JupyterLab and in Colab.

JupyterLab and Colab render notebook Markdown without Sphinx, so MyST's roles,
targets and directives show there as raw text. The chapters therefore use only
what every renderer shows alike (CONTRIBUTING.md, "Portable Markdown"):
numbers pasted as text by ``tests/prose_values.py``, Markdown links, HTML
``<details>`` and ``<div>`` boxes, HTML comments as worked-example markers.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from tests import prose_values
from tests.worked_examples import heading_text

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = [*sorted((ROOT / "chapters").glob("*.md")), ROOT / "intro.md"]

# MyST that JupyterLab and Colab would show as raw text.
MYST_ONLY = {
    "a role such as {glue:text}`...` or {ref}`...`": re.compile(r"\{[a-z][\w:-]*\}`"),
    "a target such as (label)=": re.compile(r"^\([\w-]+\)=", re.M),
    "a colon fence such as :::{admonition}": re.compile(r"^:::", re.M),
    "a directive fence such as ```{figure}": re.compile(r"^```+\s*\{", re.M),
    "an equation label such as $$ (eq-name)": re.compile(r"\$\$\s*\([\w-]+\)\s*$", re.M),
    "a substitution such as {{ name }}": re.compile(r"\{\{.*?\}\}"),
    "a MyST comment line starting with %": re.compile(r"^%", re.M),
}
LINK = re.compile(r"\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)")


def notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def markdown_cells(nb: dict) -> list[tuple[str, str]]:
    return [
        (cell.get("id", "?"), "".join(cell["source"]))
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
    ]


def without_code(markdown: str) -> str:
    """Markdown with its fenced code blocks and inline code taken out."""
    markdown = re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S)
    return re.sub(r"`[^`\n]+`", "", markdown)


def heading_ids(path: Path) -> set[str]:
    """The ids of a chapter's or page's headings (``_ext/heading_ids.py``)."""
    if path.suffix == ".ipynb":
        text = "\n".join(source for _, source in markdown_cells(notebook(path)))
    else:
        text = path.read_text(encoding="utf-8")
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return {heading_text(line)[1] for line in re.findall(r"^#{1,6} .*$", text, re.M)}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_myst_only_markup_in_the_chapters(path):
    found = [
        f"cell {cell_id}: {what}: {match.group(0)!r}"
        for cell_id, source in markdown_cells(notebook(path))
        for what, pattern in MYST_ONLY.items()
        for match in pattern.finditer(without_code(source))
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_prose_numbers_are_the_stored_outputs(path):
    """Each pasted number is what its cell's stored output gives (run dev.py execute)."""
    problems = prose_values.stale_spans(path, notebook(path))
    assert not problems, (
        "\n".join(problems) + "\nre-execute the chapter: python3 dev.py execute " + str(path)
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_html_boxes_are_closed_and_leave_markdown_readable(path):
    """A <details> or <div> box opens and closes in one cell, its Markdown readable.

    CommonMark reads everything from an opening tag to the next blank line as
    HTML, so Markdown there (a `code` span, *emphasis*) would show as raw text:
    the lines after the tag hold HTML only, up to a blank line.
    """
    problems = []
    for cell_id, source in markdown_cells(notebook(path)):
        for tag in ("details", "div"):
            opened = re.findall(rf"^<{tag}\b.*?(?=\n\n|\Z)", source, re.M | re.S)
            closed = re.findall(rf"^</{tag}>", source, re.M)
            if len(opened) != len(closed):
                problems.append(f"cell {cell_id}: {len(opened)} <{tag}> but {len(closed)} closed")
            for block in opened:
                if any(not line.startswith("<") for line in block.split("\n")):
                    problems.append(f"cell {cell_id}: Markdown before a blank line: {block!r}")
                elif re.search(r"[`*]", re.sub(r"<[^>]*>", "", block)):
                    problems.append(f"cell {cell_id}: Markdown inside HTML: {block!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS + PAGES, ids=lambda p: p.name)
def test_links_lead_to_files_and_sections_that_exist(path):
    if path.suffix == ".ipynb":
        text = "\n".join(source for _, source in markdown_cells(notebook(path)))
    else:
        text = path.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(without_code(text)):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:: not ours to check here
        file, _, section = target.partition("#")
        linked = path.parent / file if file else path
        if not linked.exists():
            broken.append(f"{target}: no file {linked.relative_to(ROOT)}")
        elif section and linked.suffix in (".ipynb", ".md") and section not in heading_ids(linked):
            broken.append(f"{target}: no heading of {linked.name} has the id {section!r}")
    assert not broken, "\n".join(broken)


def fake_notebook(prose: str, value_repr: str) -> dict:
    output = {
        "output_type": "display_data",
        "data": {prose_values.TEXT_MIME: value_repr},
        "metadata": {"scrapbook": {"name": "n", "mime_prefix": "application/papermill.record/"}},
    }
    return {
        "cells": [
            {"cell_type": "code", "id": "c", "source": "glue(...)", "outputs": [output]},
            {"cell_type": "markdown", "id": "m", "source": prose},
        ]
    }


def test_fill_writes_the_stored_value_and_a_stale_one_is_reported():
    prose = 'It has <span class="pasted-text" data-glue="n:,d">9</span> weights.'
    nb = fake_notebook(prose, "1216")
    assert prose_values.stale_spans(Path("x.ipynb"), nb) == [
        "cell m: n:,d shows '9', the stored output gives '1,216'"
    ]
    filled = copy.deepcopy(nb)
    assert prose_values.fill(Path("x.ipynb"), filled) == ["m"]
    assert filled["cells"][1]["source"] == (
        'It has <span class="pasted-text" data-glue="n:,d">1,216</span> weights.'
    )
    assert prose_values.stale_spans(Path("x.ipynb"), filled) == []


def test_a_span_that_names_no_glued_value_is_reported():
    nb = fake_notebook('<span class="pasted-text" data-glue="missing">1</span>', "1")
    (problem,) = prose_values.stale_spans(Path("x.ipynb"), nb)
    assert "no cell of this notebook glues 'missing'" in problem


def test_values_that_look_like_markup_are_written_as_plain_text():
    nb = fake_notebook('<span class="pasted-text" data-glue="n">?</span>', "'2*3 = $6_a'")
    prose_values.fill(Path("x.ipynb"), nb)
    assert nb["cells"][1]["source"] == (
        '<span class="pasted-text" data-glue="n">2&#42;3 = &#36;6&#95;a</span>'
    )


def bibliography_titles() -> dict[str, str]:
    """references.bib: key -> title, braces removed."""
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    entries = re.findall(
        r"@\w+\{(\w+),.*?\btitle\s*=\s*\{((?:[^{}]|\{[^{}]*\})*)\}", bib, flags=re.S
    )
    return {key: re.sub(r"[{}]", "", title) for key, title in entries}


def test_every_citation_names_a_paper_and_every_paper_is_cited():
    """A citation links the bibliography with the paper's title as the link's title."""
    titles = bibliography_titles()
    cited = {
        title
        for path in CHAPTERS
        for _, text in markdown_cells(notebook(path))
        for title in re.findall(r'\]\(bibliography\.md "[^":]*: ([^"]*)"\)', text)
    }
    unknown = sorted(cited - set(titles.values()))
    uncited = sorted(key for key, title in titles.items() if title not in cited)
    assert not unknown, f"citations of titles that references.bib does not have: {unknown}"
    assert not uncited, f"references.bib entries that no chapter cites: {uncited}"


@pytest.mark.parametrize(
    ("text", "spec"),
    [("'(1×0) + (0×1) = 0'", ""), ("0.98611", ".1%"), ("13706", ",d"), ("3.0", ".2f"), ("7", "s")],
)
def test_values_are_formatted_as_mystnb_formats_glue_text(text, spec):
    from myst_nb.core.variables import format_plain_text

    assert prose_values.format_plain_text(text, spec) == format_plain_text(text, spec)
