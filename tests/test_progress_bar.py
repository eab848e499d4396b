"""fit's progress bars in a notebook: live bars, and a summary line per epoch once stored."""

from __future__ import annotations

import re

import nbformat
from nbclient import NotebookClient

from cnnlib.training import epoch_summary, progress_bar
from tests.execute_notebooks import drop_timings, stable_ids

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

FIT = """\
import numpy as np
import cnnlib as cl
rng = np.random.default_rng(0)
x, y = rng.random((40, 4, 4, 1)), rng.integers(0, 2, 40)
model = cl.Sequential([cl.Flatten(), cl.Dense(2, activation="softmax")],
                      input_shape=(4, 4, 1), seed=0)
model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
history = model.fit(x, y, epochs=3, batch_size=16, verbose=1)
"""


def run_fit_in_a_kernel():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FIT)]
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True).execute()
    return nb


def test_a_stored_fit_shows_one_finished_line_per_epoch_not_empty_bars():
    nb = run_fit_in_a_kernel()
    outputs = nb.cells[0].outputs
    texts = [output.data["text/plain"] for output in outputs]
    assert len(texts) == 3, texts
    for epoch, text in enumerate(texts, 1):
        # Three batches of 16, 16 and 8 examples, then the epoch's metrics.
        assert re.fullmatch(
            rf"Epoch {epoch}/3: 3/3 batches - loss: \d\.\d{{4}} - accuracy: \d\.\d{{4}}", text
        ), text
        assert "0%|" not in text
    # Each epoch's bar is its own widget, and the stored state shows it finished.
    models = [output.data[WIDGET_VIEW]["model_id"] for output in outputs]
    assert len(set(models)) == 3
    drop_timings(nb)
    stable_ids(nb, "fit")
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    bars = sorted(
        m["state"]["value"]
        for m in state.values()
        if isinstance(m["state"].get("value"), str) and m["state"]["value"].startswith("Epoch")
    )
    assert len(bars) == 3 and all("100%" in bar and "batch/s" not in bar for bar in bars), bars
    # Each bar's results wrap under it when the page is narrow (the book's column).
    layouts = [m["state"] for m in state.values() if m.get("model_name") == "LayoutModel"]
    assert sum(layout.get("flex_flow") == "row wrap" for layout in layouts) == 3
    ids = [o.data[WIDGET_VIEW]["model_id"] for o in nb.cells[0].outputs]
    assert len(set(ids)) == 3 and all(i in state for i in ids)


def test_outside_a_notebook_the_bar_is_tqdm_in_the_terminal(capsys):
    bar = progress_bar(1, total=2, description="Epoch 1/1")
    assert type(bar).__module__.startswith("tqdm")
    bar.update(2)
    bar.close()
    assert "Epoch 1/1: 100%" in capsys.readouterr().err
    assert progress_bar(0, 2, "Epoch 1/1") is None and progress_bar(2, 2, "Epoch 1/1") is None


def test_epoch_summary_reads_like_keras():
    logs = {"loss": "0.1234", "accuracy": "0.9000"}
    assert epoch_summary("Epoch 2/5", logs) == "Epoch 2/5 - loss: 0.1234 - accuracy: 0.9000"
    assert epoch_summary("Epoch 2/5", logs, 7, 9).startswith("Epoch 2/5: 7/9 batches - loss")


def test_a_long_epoch_summary_continues_on_indented_lines_that_fit_the_page():
    logs = {"loss": "0.1234", "accuracy": "0.9000", "val_loss": "0.2345", "val_accuracy": "0.8800"}
    text = epoch_summary("Epoch 10/20", logs, 36, 36)
    lines = text.split("\n")
    assert lines == [
        "Epoch 10/20: 36/36 batches - loss: 0.1234 - accuracy: 0.9000",
        "    - val_loss: 0.2345 - val_accuracy: 0.8800",
    ]
    one_line = epoch_summary("Epoch 10/20", logs, 36, 36, line_length=None)
    assert one_line == " - ".join(line.strip(" -") for line in lines) and len(one_line) > 76
    assert max(map(len, epoch_summary("Epoch 1/2", logs, line_length=40).split("\n"))) <= 40
