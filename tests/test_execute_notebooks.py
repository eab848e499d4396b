"""Executing a chapter twice on one machine writes the same bytes (tests/execute_notebooks.py)."""

from __future__ import annotations

import itertools
import re
import uuid
from pathlib import Path

import nbformat
import pytest

from tests.execute_notebooks import (
    RANDOM_ID,
    derived_id,
    drop_timings,
    execute,
    join_streams,
    stable_ids,
)

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def widget_notebook(model: str, layout: str, animation: str):
    """A notebook as a run leaves it: a widget view, its state, and an animation's HTML."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    view = {"model_id": model, "version_major": 2, "version_minor": 0}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "w",
            id="w",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={"application/vnd.jupyter.widget-view+json": view, "text/plain": "w"},
                )
            ],
        ),
        nbformat.v4.new_code_cell(
            "a",
            id="a",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={
                        "text/html": f'<img id="_anim_img{animation}"> anim{animation}.play()',
                        "image/png": "iVBORw0KGgo" + "0123456789abcdef" * 2,
                    },
                )
            ],
        ),
    ]
    state = {
        model: {"state": {"layout": f"IPY_MODEL_{layout}"}},
        layout: {"state": {}},
    }
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    return nb


def test_ids_of_several_outputs_of_one_cell_stay_distinct():
    """One fit shows a progress bar per epoch: each bar is its own widget."""
    ids = [uuid.uuid4().hex for _ in range(3)]
    nb = nbformat.v4.new_notebook()
    views = [{"model_id": i, "version_major": 2, "version_minor": 0} for i in ids]
    outputs = [
        nbformat.v4.new_output(
            "display_data", data={"application/vnd.jupyter.widget-view+json": view}
        )
        for view in views
    ]
    nb.cells = [nbformat.v4.new_code_cell("fit", id="fit", outputs=outputs)]
    state = {i: {"state": {"value": f"Epoch {n}"}} for n, i in enumerate(ids)}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    mapping = stable_ids(nb, "chapter")
    assert [mapping[i] for i in ids] == [derived_id("chapter", "cell-0", n) for n in range(3)]
    stored = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert [stored[mapping[i]]["state"]["value"] for i in ids] == ["Epoch 0", "Epoch 1", "Epoch 2"]


def test_random_ids_become_ids_of_name_cell_and_place():
    ids = [uuid.uuid4().hex for _ in range(3)]
    nb = widget_notebook(*ids)
    mapping = stable_ids(nb, "chapter")
    model = derived_id("chapter", "cell-0", 0)
    animation = derived_id("chapter", "cell-1", 0)
    layout = derived_id("chapter", "widgets", 0)
    assert mapping == {ids[0]: model, ids[2]: animation, ids[1]: layout}
    text = nbformat.writes(nb)
    assert not any(i in text for i in ids)
    assert nb.cells[0].outputs[0].data["application/vnd.jupyter.widget-view+json"] == {
        "model_id": model,
        "version_major": 2,
        "version_minor": 0,
    }
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert state[model]["state"]["layout"] == f"IPY_MODEL_{layout}" and layout in state
    assert f"_anim_img{animation}" in nb.cells[1].outputs[0].data["text/html"]
    # image bytes are left alone, even where they happen to look like an id
    assert nb.cells[1].outputs[0].data["image/png"].endswith("0123456789abcdef" * 2)


def test_two_runs_with_other_random_ids_store_the_same_notebook():
    first, second = (widget_notebook(*(uuid.uuid4().hex for _ in range(3))) for _ in range(2))
    stable_ids(first, "chapter")
    stable_ids(second, "chapter")
    assert nbformat.writes(first) == nbformat.writes(second)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_stored_chapters_carry_only_derived_ids(path):
    """A chapter stored by `python3 dev.py execute` holds no random id."""
    nb = nbformat.read(path, as_version=4)
    text = nbformat.writes(nb)
    found = set(RANDOM_ID.findall(text)) - set(
        RANDOM_ID.findall("".join("".join(c.source) for c in nb.cells))
    )  # ids typed in code are not outputs
    places = [f"cell-{i}" for i in range(len(nb.cells))] + ["widgets"]
    derived = {derived_id(path.stem, place, n) for place in places for n in range(len(found))}
    random = found - derived
    assert not random, (
        f"{path.name} holds random ids such as {sorted(random)[:3]}; "
        f"re-execute it with `python3 dev.py execute {path.relative_to(ROOT)}`"
    )


def test_printed_text_is_one_output_however_it_arrived():
    out = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell(
        "x",
        outputs=[
            out("stream", name="stdout", text="a\n"),
            out("stream", name="stdout", text="b\n"),
            out("stream", name="stderr", text="warning\n"),
            out("display_data", data={"text/plain": "figure"}),
            out("stream", name="stdout", text="c\n"),
        ],
    )
    nb = nbformat.v4.new_notebook(cells=[cell])
    join_streams(nb)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in cell.outputs] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "warning\n"),
        ("display_data", None, None),
        ("stream", "stdout", "c\n"),  # text after a figure stays after it
    ]


def test_stored_progress_bars_keep_metrics_but_no_timings():
    nb = nbformat.v4.new_notebook()
    bars = {
        "a": "\u200736/36\u2007[00:00&lt;00:00,\u2007623.48batch/s,\u2007loss=0.7935]",
        "b": " 36/36 [01:02<00:00,  5.10batch/s]",
        "c": "Epoch 1/20: ",
    }
    state = {key: {"state": {"value": value}} for key, value in bars.items()}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    drop_timings(nb)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert [state[key]["state"]["value"] for key in bars] == [
        "\u200736/36\u2007[loss=0.7935]",
        " 36/36 ",
        "Epoch 1/20: ",
    ]


def test_chapters_store_no_timings():
    for path in CHAPTERS:
        assert not re.search(r"[\d.]+ ?batch/s", path.read_text(encoding="utf-8")), path.name


def test_chapters_store_each_piece_of_printed_text_once():
    for path in CHAPTERS:
        for cell in nbformat.read(path, as_version=4).cells:
            outputs = cell.get("outputs", [])
            for a, b in itertools.pairwise(outputs):
                split = a.output_type == b.output_type == "stream" and a.name == b.name
                assert not split, f"{path.name}: a printout split in two; re-execute it"


def test_executing_twice_writes_the_same_bytes(tmp_path):
    """A widget and an animation, executed twice in new kernels: no byte changes."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(3)"),
        nbformat.v4.new_code_cell(
            "import matplotlib\nmatplotlib.use('Agg')\n"
            "import matplotlib.pyplot as plt\nfrom matplotlib.animation import FuncAnimation\n"
            "from IPython.display import HTML\nfig, ax = plt.subplots(figsize=(1, 1))\n"
            "anim = FuncAnimation(fig, lambda i: ax.plot([i]), frames=2)\nplt.close(fig)\n"
            "HTML(anim.to_jshtml())"
        ),
    ]
    path = tmp_path / "twice.ipynb"
    nbformat.write(nb, path)
    execute(path)
    first = path.read_bytes()
    execute(path)
    assert path.read_bytes() == first
    assert b"model_id" in first and b"_anim_img" in first
