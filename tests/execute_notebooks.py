"""Re-execute chapter notebooks in place so their stored outputs are fresh.

Run through ``python3 dev.py execute [NOTEBOOK ...]``. Each notebook runs top to
bottom in a new kernel from the notebook's own folder, with execution counts
1, 2, 3, ..., no timing metadata and the state of its widgets stored, so the
rendered book shows the same outputs that strict nbval then checks.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    client.execute()
    widgets = nb.metadata.get("widgets", {})
    if not widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state"):
        nb.metadata.pop("widgets", None)  # no widgets: keep the file free of empty state
    nbformat.write(nb, path)


def main(paths: list[str]) -> None:
    for name in paths:
        start = time.perf_counter()
        print(f"executing {name} ...", end=" ", flush=True)
        execute(Path(name))
        print(f"{time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
