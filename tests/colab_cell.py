"""The first code cell of every chapter: in Colab it installs what the chapter needs.

Colab opens a chapter straight from the repository, in an environment that has
NumPy and matplotlib but not cnnlib or MyST-NB (whose ``glue`` the chapters
import). So each chapter starts with a short code cell that, when it runs in
Colab, installs ``cnnlib[book]`` in the version the chapter was written for
(``cnnlib.__version__``), and anywhere else does nothing and prints nothing:
in Binder, the development environment and under nbval the packages are there
already, and the cell's stored output stays empty.

The cell is tagged ``remove-cell``, so the rendered book does not show it; in
JupyterLab and Colab the reader sees it, with a comment that says what it does.
It has the fixed id ``colab-install``, so that putting it in again finds it.

    python -m tests.colab_cell chapters/*.ipynb          # insert or update it
    python -m tests.colab_cell --check chapters/*.ipynb  # exit 1 if one is missing or old

After a change, re-execute the chapters (``python3 dev.py execute``): the cell
takes execution count 1.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CELL_ID = "colab-install"
TAGS = ["remove-cell"]  # hidden in the rendered book, visible in JupyterLab and Colab


def cnnlib_version() -> str:
    """``cnnlib.__version__``, read from cnnlib/__init__.py without importing cnnlib."""
    tree = ast.parse((ROOT / "cnnlib" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
            and isinstance(node.value, ast.Constant)
        ):
            return node.value.value
    raise ValueError("cnnlib/__init__.py must set __version__ to a string")


def cell_source(version: str | None = None) -> str:
    """The source of the first code cell, installing cnnlib[book]==`version` in Colab."""
    version = cnnlib_version() if version is None else version
    return (
        "# In Google Colab, this cell installs cnnlib, this book's library, in the\n"
        "# version this chapter was written for, with everything the chapter uses.\n"
        "# Anywhere else it does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "cnnlib[book]=={version}"'
    )


def is_colab_cell(cell, version: str | None = None) -> bool:
    """Whether `cell` is exactly the install cell of this version, with no output."""
    return (
        cell.get("cell_type") == "code"
        and cell.get("id") == CELL_ID
        and cell.get("source") == cell_source(version)
        and cell.get("metadata", {}).get("tags") == TAGS
        and cell.get("outputs") == []
    )


def ensure_first_cell(nb, version: str | None = None):
    """Make the install cell `nb`'s first code cell; return `nb` (changed in place).

    An existing cell with the id ``colab-install`` is updated and moved before
    the first other code cell; otherwise a new one is inserted there (at the
    end if the notebook has no code cell). Its execution count is kept, so that
    running this again on an executed chapter changes nothing.
    """
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
        raise ValueError(
            "the notebook must be nbformat 4.5 or newer (cells with ids); "
            f"received {nb.get('nbformat')}.{nb.get('nbformat_minor')}"
        )
    existing = [i for i, cell in enumerate(nb.cells) if cell.get("id") == CELL_ID]
    cell = nb.cells.pop(existing[0]) if existing else None
    if cell is None or cell.get("cell_type") != "code":
        cell = nbformat.v4.new_code_cell(id=CELL_ID)
    cell.source = cell_source(version)
    cell.metadata["tags"] = list(TAGS)
    cell.outputs = []
    where = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(where, cell)
    return nb


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    stale = []
    for path in paths:
        before = nbformat.read(path, as_version=4)
        after = ensure_first_cell(nbformat.read(path, as_version=4))
        if after == before:
            print(f"{path}: unchanged")
            continue
        stale.append(path)
        if check:
            print(f"{path}: its first code cell is not the Colab install cell")
        else:
            nbformat.write(after, path)
            print(f"{path}: install cell written (re-execute the chapter)")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
