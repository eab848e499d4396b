"""Re-execute chapter notebooks in place so their stored outputs are fresh.

Run through ``python3 dev.py execute [NOTEBOOK ...]``. Each notebook runs top to
bottom in a new kernel from the notebook's own folder, with execution counts
1, 2, 3, ..., no timing metadata and the state of its widgets stored, so the
rendered book shows the same outputs that strict nbval then checks.

Widgets and matplotlib's animations name themselves with random ids
(``uuid4().hex``), new in every run. ``stable_ids`` replaces each of them by an
id derived from the notebook's name, the cell where the id first appears and
its place there, so that executing a chapter twice on one machine writes the
same bytes. For the same reason ``drop_timings`` removes the times and rates
from the stored progress bars of ``fit`` (they differ from run to run and from
machine to machine), and ``join_streams`` joins the pieces in which a
cell's printed text happens to arrive (where the kernel flushed its output).
Afterwards the numbers in the prose are filled in from the fresh outputs
(``tests/prose_values.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.prose_values import fill_files

# A random id as uuid4().hex writes it: 32 lowercase hex digits, no more. Letters
# may touch it: matplotlib writes "anim" + id.
RANDOM_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def derived_id(notebook: str, place: str, n: int) -> str:
    """The id that replaces the n-th new random id found at `place` of `notebook`."""
    return hashlib.sha256(f"{notebook}/{place}/{n}".encode()).hexdigest()[:32]


def _text_parts(output: dict) -> dict:
    """The parts of an output that may hold ids: everything but image bytes."""
    data = output.get("data", {})
    return {key: value for key, value in data.items() if not key.startswith("image/")}


def stable_ids(nb, notebook: str) -> dict[str, str]:
    """Replace the random ids in `nb`'s outputs and widget state; return the mapping."""
    mapping: dict[str, str] = {}
    counts: dict[str, int] = {}  # new ids found so far at each place

    def collect(text: str, place: str) -> None:
        # The count goes on across the outputs of one cell: the twenty progress
        # bars of one fit are twenty widgets, not one.
        for found in RANDOM_ID.findall(text):
            if found not in mapping:
                counts[place] = counts.get(place, 0) + 1
                mapping[found] = derived_id(notebook, place, counts[place] - 1)

    def rewrite(value):
        text = json.dumps(value)
        return json.loads(RANDOM_ID.sub(lambda m: mapping.get(m[0], m[0]), text))

    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            collect(json.dumps(_text_parts(output)), f"cell-{index}")
    widgets = nb.metadata.get("widgets")
    if widgets is not None:
        collect(json.dumps(widgets), "widgets")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for key, value in _text_parts(output).items():
                output["data"][key] = rewrite(value)
    if widgets is not None:
        nb.metadata["widgets"] = nbformat.from_dict(rewrite(widgets))
    return mapping


# What a finished tqdm bar shows after its count: "[00:01<00:00, 556.50batch/s, loss=...]".
# tqdm in a notebook writes figure spaces (U+2007), which \s matches.
TIMINGS = re.compile(r"\[\d+:\d+(?::\d+)?(?:<|&lt;)[\d:?]+,\s*[\d.?]+\s?\w*/s(?:,\s*)?")


def drop_timings(nb) -> None:
    """Keep a stored progress bar's count and metrics, not its elapsed time and rate."""
    widgets = nb.metadata.get("widgets")
    if widgets is None:
        return
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        value = model.get("state", {}).get("value")
        if isinstance(value, str):
            model["state"]["value"] = TIMINGS.sub("[", value).replace("[]", "")


def join_streams(nb) -> None:
    """Join each run of stream outputs of one name (stdout, stderr) into one output."""
    for cell in nb.cells:
        joined = []
        for output in cell.get("outputs", []):
            previous = joined[-1] if joined else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                joined.append(output)
        if "outputs" in cell:
            cell.outputs = joined


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
    drop_timings(nb)
    join_streams(nb)
    stable_ids(nb, path.stem)
    nbformat.write(nb, path)


def main(paths: list[str]) -> None:
    for name in paths:
        start = time.perf_counter()
        print(f"executing {name} ...", end=" ", flush=True)
        execute(Path(name))
        print(f"{time.perf_counter() - start:.0f} s", flush=True)
    # The numbers in the prose, from the fresh outputs; every chapter, since one
    # chapter's prose may quote another's values (tests/prose_values.py).
    folders = {Path(name).parent for name in paths}
    fill_files(sorted(path for folder in folders for path in folder.glob("*.ipynb")))


if __name__ == "__main__":
    main(sys.argv[1:])
