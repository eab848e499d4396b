"""Alternative text for figures: from the plotting code, through the notebook, onto the page."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from cnnlib.plotting.describe import describe, description

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import figure_alt  # noqa: E402


def test_a_given_description_wins_over_the_labels():
    fig, ax = plt.subplots()
    ax.set_title("loss")
    assert description(fig) == "Figure. Loss."
    describe(fig, "  The loss falls\n from 2.3 to 0.1. ")
    assert description(fig) == "The loss falls from 2.3 to 0.1."
    plt.close(fig)
    with pytest.raises(ValueError, match="text must be a sentence"):
        describe(fig, "  ")


def test_a_figure_is_described_by_its_titles_labels_legends_and_images():
    fig, (a, b, c) = plt.subplots(1, 3)
    fig.suptitle("Training")
    a.plot([0, 1], label="train")
    a.plot([1, 0], label="validation")
    a.legend()
    a.set(title="loss", xlabel="epoch", ylabel="loss")
    b.imshow(np.zeros((28, 14)))
    c.imshow(np.zeros((3, 3)))
    c.set_title("kernel")
    text = description(fig)
    plt.close(fig)
    assert text == (
        "Figure: Training. 3 panels: loss (x: epoch, y: loss; curves train, validation); "
        "an image of 28×14 pixels; kernel."
    )


def test_use_compact_png_stores_the_description_with_the_image():
    from IPython.core.interactiveshell import InteractiveShell

    from cnnlib.plotting import use_compact_png

    shell = InteractiveShell.instance()
    try:
        use_compact_png(shell)
        fig = describe(plt.figure(), "An empty canvas.")
        data, metadata = shell.display_formatter.format(fig)
        plt.close(fig)
    finally:
        InteractiveShell.clear_instance()
    assert "image/png" in data
    assert metadata["image/png"] == {"alt": "An empty canvas."}


def test_the_book_puts_a_notebooks_stored_alt_text_on_its_image(tmp_path):
    from docutils import nodes

    png = b"\x89PNG pretend bytes"
    other = b"\x89PNG another image"
    notebook = tmp_path / "chapter.ipynb"
    outputs = [
        {
            "output_type": "display_data",
            "data": {"image/png": base64.b64encode(png).decode()},
            "metadata": {"image/png": {"alt": "A 3×3 kernel."}},
        },
        {"output_type": "display_data", "data": {"image/png": base64.b64encode(other).decode()}},
    ]
    notebook.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": outputs}]}))
    assert figure_alt.stored_alt_texts(notebook) == {
        hashlib.sha256(png).hexdigest(): "A 3×3 kernel."
    }

    class Env:
        docname = "chapter"

        def doc2path(self, name):
            return tmp_path / f"{name}.ipynb"

    class App:
        env = Env()

    doctree = nodes.section()
    described = nodes.image(uri=f"../_build/jupyter_execute/{hashlib.sha256(png).hexdigest()}.png")
    plain = nodes.image(uri=f"../_build/jupyter_execute/{hashlib.sha256(other).hexdigest()}.png")
    doctree += [described, plain]
    figure_alt.set_alt_texts(App(), doctree)
    assert described["alt"] == "A 3×3 kernel." and "alt" not in plain


def test_every_figure_a_chapter_stores_has_alt_text():
    """Each chapter's PNG outputs carry a description (chapters call use_compact_png)."""
    missing = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                    if len(alt.split()) < 3:
                        missing[path.name] = missing.get(path.name, 0) + 1
    assert not missing, f"PNG outputs without a description (use_compact_png, describe): {missing}"


def test_each_explorers_picture_says_what_it_shows():
    """Words right after each picture say what it shows: its alt text in the book."""
    from cnnlib.widgets import KernelEditor, activation_explorer, conv_explorer, pooling_explorer

    image = np.arange(36.0).reshape(6, 6)
    presets = {"identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float)}
    explorers = [activation_explorer(), conv_explorer(), pooling_explorer()]
    explorers.append(KernelEditor(image, presets))
    for explorer in explorers:
        assert explorer.picture.value, type(explorer).__name__
        # no tooltip: on an Image it breaks the widget's view (its code reads a description)
        assert not explorer.picture.tooltip
        words = html.unescape(re.sub("<[^>]+>", "", explorer.picture_text.value))
        assert len(words.split()) >= 3, (type(explorer).__name__, words)
        assert "cnnlib-picture-text" in explorer.picture_text._dom_classes
        # the words come right after the picture, where accessible-names.js looks
        root = getattr(explorer, "widget", explorer)  # the kernel editor holds its widget
        parent = next(w for w in leaves(root) if explorer.picture in getattr(w, "children", ()))
        at = parent.children.index(explorer.picture)
        assert parent.children[at + 1] is explorer.picture_text
    conv = explorers[1]
    before = conv.picture_text.value
    conv.position.value = 1
    assert conv.picture_text.value != before  # it follows the picture


def leaves(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from leaves(child)


def test_mathtext_in_labels_reads_as_plain_words():
    fig, ax = plt.subplots()
    ax.set(title=r"$3 \times 3$ kernel", xlabel="column $j$")
    text = description(fig)
    plt.close(fig)
    assert text == "Figure. 3 × 3 kernel (x: column j)."
