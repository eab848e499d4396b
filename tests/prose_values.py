"""Numbers in the prose, written in by the cells that compute them.

A markdown cell cannot run code, and the three places where the chapters are
read paste computed values differently: the book (myst-nb) has the
``{glue:text}`` role, JupyterLab shows that role as raw text, and Colab knows
neither. So a chapter's prose holds each computed value as plain text, inside
a span that says which glued value it is:

    The result is <span class="pasted-text" data-glue="e6_result:s">6</span>.

A code cell computes the value and records it with
``glue("e6_result", value, display=False)``, which stores it in that cell's
output. :func:`fill` rewrites the text of every span from those stored
outputs, formatted exactly as myst-nb's ``{glue:text}`` role formats it (a
format spec after the last ``:`` as in ``n_params:,d``; another chapter's
value as ``images.ipynb::e31_features``). The executor
(``tests/execute_notebooks.py``) fills every chapter after running it, and
``tests/test_prose_values.py`` fails when a span's text is not what the
stored outputs give, or names a value no cell glues. Together with strict
nbval, which checks that the stored outputs are what the cells compute, every
number in the prose is the one the code computes, and it shows in all three
places, before and after running, without a kernel or an extension.

Run it on its own with ``python -m tests.prose_values chapters/*.ipynb``.
"""

from __future__ import annotations

import json
import re
import sys
from ast import literal_eval
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SPAN = re.compile(
    r'<span class="pasted-text" data-glue="(?P<ref>[^"]+)">(?P<text>.*?)</span>', re.S
)
TEXT_MIME = "application/papermill.record/text/plain"
# Characters a value could contain that Markdown, MyST or JupyterLab's math
# finder would read as markup (emphasis, code, HTML, math, tables). Each is
# written as a numeric character reference, which every renderer shows as the
# character itself; a backslash escape would not do, since JupyterLab reads
# "\[" and "\(" as the start of a formula. Brackets and parentheses stay
# readable: without "](" they cannot form a link.
MARKUP = re.compile(r"[&\\`*_<>$|~]|\](?=\()")


def format_plain_text(text: str, fmt_spec: str) -> str:
    """The text myst-nb's ``{glue:text}`key:fmt_spec``` role shows for ``text``.

    The same rules as ``myst_nb.core.variables.format_plain_text``: the stored
    ``text/plain`` repr is read back with ``literal_eval`` (which removes a
    string's quotes), then formatted with the spec's type.

    >>> format_plain_text("'2'", "")
    '2'
    >>> format_plain_text("1216", ",d")
    '1,216'
    >>> format_plain_text("0.978", ".1%")
    '97.8%'
    """
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    kind = fmt_spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt_spec)


def as_markdown(text: str) -> str:
    """``text`` as Markdown that renders as exactly that text, on one line.

    HTML collapses white space, so a value printed over several lines (an
    array) shows on one line in the book; here it is written on one line, and
    every character that Markdown could read as markup is escaped.

    >>> as_markdown("[[6 8]\\n [3 4]]")
    '[[6 8] [3 4]]'
    >>> as_markdown("a*b_c $5")
    'a&#42;b&#95;c &#36;5'
    """
    return MARKUP.sub(lambda m: f"&#{ord(m.group(0))};", " ".join(text.split()))


def glued_values(notebook: dict) -> dict[str, str]:
    """Every value the notebook's code cells glue: name -> stored ``text/plain``."""
    values = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if record and TEXT_MIME in output.get("data", {}):
                values[record["name"]] = output["data"][TEXT_MIME]
    return values


class Values:
    """The glued values of a notebook and, on demand, of the chapters it cites."""

    def __init__(self, path: Path, notebook: dict):
        self.folder = path.parent
        self.own = glued_values(notebook)
        self.others: dict[str, dict[str, str]] = {}

    def text(self, ref: str) -> str:
        """The Markdown a span's ``data-glue`` reference ``[doc::]key[:spec]`` holds."""
        return as_markdown(self.plain(ref))

    def plain(self, ref: str) -> str:
        """The text that reference shows, as myst-nb's ``{glue:text}`` formats it."""
        doc, _, rest = ref.rpartition("::")
        key, _, spec = rest.partition(":")
        if doc:
            if doc not in self.others:
                other = self.folder / doc
                if not other.exists():
                    raise KeyError(f"{ref!r} names {doc}, which is not in {self.folder}")
                self.others[doc] = glued_values(json.loads(other.read_text(encoding="utf-8")))
            values = self.others[doc]
        else:
            values = self.own
        if key not in values:
            where = doc or "this notebook"
            raise KeyError(f"{ref!r}: no cell of {where} glues {key!r}")
        return format_plain_text(values[key], spec)


def fill_source(source: str, values: Values) -> str:
    """``source`` with every span's text replaced by its glued value."""
    return SPAN.sub(
        lambda m: m.group(0).replace(
            f">{m.group('text')}</span>", f">{values.text(m.group('ref'))}</span>"
        ),
        source,
    )


def fill(path: Path, notebook: dict) -> list[str]:
    """Fill every span of ``notebook`` (read from ``path``) in place; the cells changed."""
    values = Values(path, notebook)
    changed = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        filled = fill_source(source, values)
        if filled != source:
            # nbformat keeps a source as one string, a notebook file as a list of lines
            text = isinstance(cell["source"], str)
            cell["source"] = filled if text else filled.splitlines(keepends=True)
            changed.append(cell.get("id", "?"))
    return changed


def stale_spans(path: Path, notebook: dict) -> list[str]:
    """What :func:`fill` would change: one line per span whose text is out of date."""
    values = Values(path, notebook)
    problems = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for match in SPAN.finditer("".join(cell["source"])):
            try:
                want = values.text(match.group("ref"))
            except KeyError as error:
                problems.append(f"cell {cell.get('id')}: {error.args[0]}")
                continue
            if match.group("text") != want:
                problems.append(
                    f"cell {cell.get('id')}: {match.group('ref')} shows "
                    f"{match.group('text')!r}, the stored output gives {want!r}"
                )
    return problems


def fill_files(paths: list[Path]) -> dict[Path, int]:
    """Fill the spans of the notebook files ``paths``; how many cells each changed."""
    import nbformat

    counts = {}
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        counts[path] = len(fill(path, notebook))
        if counts[path]:
            nbformat.write(notebook, path)
    return counts


def main(paths: list[str]) -> None:
    for path, count in fill_files([Path(name) for name in paths]).items():
        print(f"{path}: {count} markdown cells updated")


if __name__ == "__main__":
    main(sys.argv[1:])
