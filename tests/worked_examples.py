"""Generate chapters/worked_examples.md, the index of the worked examples.

Every worked example of the seed material has an id (E1 ... E39, the list in
``../shared/worked-examples.md``). The section of a chapter that reproduces
it carries the marker ``<!-- we-e<N> -->`` (an HTML comment, invisible in the
book, in JupyterLab and in Colab) on the line before its heading:

    <!-- we-e1 -->
    ## Worked example E1, one position at a time

This script scans the chapters for those markers and writes the index, whose
rows link to the marked sections (by the heading ids of ``_ext/heading_ids.py``);
examples whose chapter is not written yet are listed as "chapter in
preparation". ``tests/test_worked_examples.py`` fails when the index is out of
date, so after adding a marker run

    python3 dev.py index        (or: .venv/bin/python -m tests.worked_examples)
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
INDEX = CHAPTERS / "worked_examples.md"

# The seed documents in ../shared/seeds/, outside this repository.
SOURCES = {
    "deck 1": "the deck *From Pixels to Patterns: The Magic of Convolutional Neural "
    "Networks*, in two copies, `000_e97356509a4501f3.txt` and `003_9d97e158f009783b.txt` "
    "(003 has the title slide and a few more lines)",
    "deck 2": "the deck *Convolutional Neural Networks* of `001_b2ae3b737f4cc4c5.txt`",
    "deck 3": "the deck *Convolutional Neural Networks* of `002_8f72ef163d79c828.txt`",
    "notes": "the handwritten notes, `004_af1857b4af6ae002.txt`",
}
SOURCE_FILES = {"deck 1": "000, 003", "deck 2": "001", "deck 3": "002", "notes": "004"}

# (id, source, what the example is)
EXAMPLES = [
    ("E1", "deck 1", "5×5 binary image ∗ 3×3 kernel, stride 1, no padding: a 3×3 feature map, "
     "position by position"),
    ("E2", "deck 1", "the E1 convolution with stride 2: a 2×2 map"),
    ("E3", "deck 1", "the E1 convolution with one pixel of zero padding: a 5×5 map "
     "(the deck shows two different ones)"),
    ("E4", "deck 1", "the output size ⌊(n + 2p − f)/s⌋ + 1 for three cases, rounding down"),
    ("E5", "deck 1", "a 5×5×3 colour input with one and with two 3×3×3 filters"),
    ("E6", "deck 1", "2×2 max pooling with stride 2 of a 4×4 map"),
    ("E7", "deck 1", "ReLU applied to the E1 feature map"),
    ("E8", "deck 1", "activation functions from sigmoid to swish: formulas, plots, derivatives"),
    ("E9", "deck 1", "the digit classifier 28×28×1 → … → 10, every size from the formula"),
    ("E10", "notes", "why convolutions: 64×64×3 and 1000×1000×3 images in fully connected "
     "layers"),
    ("E11", "notes", "the vertical-edge kernel: −5 on one window, then an image with an edge"),
    ("E12", "notes", "padding: 6×6 ∗ 3×3, valid and same, p = (f − 1)/2, why f is odd"),
    ("E13", "notes", "a strided output size that needs the floor: 8×8, f = 3, s = 2"),
    ("E14", "notes", "convolution over volumes: 280 parameters for 10 filters of 3×3×3; "
     "the layer notation"),
    ("E15", "notes", "max pooling with f = 2, s = 2, no parameters to learn; average pooling"),
    ("E16", "notes", "ReLU of a 3×3 matrix plus 1"),
    ("E17", "deck 2", "a grayscale image as a 16×12 matrix of numbers"),
    ("E18", "deck 2", "the RGB pixel (236, 167, 210) and its colour"),
    ("E19", "deck 2", "the 3×3 edge-detection kernel with 8 in the centre"),
    ("E20", "deck 2", "O = (I − K + 2P)/S + 1 for a 32×32 and a 5×5 input"),
    ("E21", "deck 2", "3×3 image ∗ 2×2 kernel, stride 1, no padding, position by position"),
    ("E22", "deck 2", "109,386 parameters for a fully connected network and 121,930 for a "
     "CNN on 28×28 digits"),
    ("E23", "deck 2", "the filter table (Sobel, sharpening, blurs, embossing, Laplacian) on a "
     "real image"),
    ("E24", "deck 2", "max, min, average and global pooling of 4×4 maps"),
    ("E25", "deck 2", "pooling against plain subsampling: translation invariance"),
    ("E26", "deck 2", "the parameters of a fully connected layer, n × m + m"),
    ("E27", "deck 2", "a Keras model on 64×64×3 images and its summary, 2,116,930 parameters"),
    ("E28", "deck 2", "the same model with batch normalisation"),
    ("E29", "deck 2", "softmax for two classes; dropout"),
    ("E30", "deck 3", "a black-and-white and a colour 2×2 image as arrays"),
    ("E31", "deck 3", "a 256×256×3 image as 196,608 inputs to one neuron"),
    ("E32", "deck 3", "parameter sharing over four quadrants"),
    ("E33", "deck 3", "a 3×3 convolution with 64 filters on 256×256×3: parameters and "
     "output size"),
    ("E34", "deck 3", "zero padding of a 3×3 image"),
    ("E35", "deck 3", "max pooling 256×256×64 → 128×128×64; flattening 7×7×5 → 245"),
    ("E36", "deck 3", "7×7 binary image ∗ 3×3 feature detector: a 5×5 map, position by "
     "position"),
    ("E37", "deck 3", "max pooling the E36 map, keeping the partial windows; flattening"),
    ("E38", "deck 3", "image filters (sharpen, blur, edge enhance, edge detect, emboss, Sobel) "
     "on a real image"),
    ("E39", "deck 3", "AlexNet's blocks and its first-layer filters"),
]  # fmt: skip

# A marker, maybe more markers, then the heading of the section they mark.
LABEL = re.compile(
    r"^<!-- (we-e(\d+)) -->[ \t]*\n(?=(?:<!-- we-e\d+ -->[ \t]*\n)*(#{2,6} .*)$)", re.MULTILINE
)
ANY_WE_LABEL = re.compile(r"^<!-- (we-[^ ]*) -->", re.MULTILINE)
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
# A heading that names worked examples: "## Stride (E2)", "## Worked example E1, ...".
HEADING = re.compile(r"^#{2,6} .*$", re.MULTILINE)
EXAMPLE_ID = re.compile(r"\bE(\d+)\b")


@dataclass(frozen=True)
class Label:
    label: str  # "we-e1"
    example: str  # "E1"
    chapter: Path  # the notebook or markdown file
    title: str  # the chapter's title
    section: str  # the marked heading's text, Markdown
    anchor: str  # its id, the same in the book and in JupyterLab


def heading_text(heading: str) -> tuple[str, str]:
    """A heading line's Markdown text and its id (``_ext/heading_ids.py``).

    As MyST makes a heading's slug, the id is made of the text and inline code
    of the heading, without its formulas.

    >>> heading_text("## The `Conv2D` layer (E5)")
    ('The `Conv2D` layer (E5)', 'The-Conv2D-layer-(E5)')
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    text = heading.lstrip("#").strip()
    inline = MarkdownIt("commonmark").use(dollarmath_plugin).parseInline(text)[0]
    title = "".join(
        child.content for child in inline.children or [] if child.type in ("text", "code_inline")
    )
    return text, title.replace(" ", "-")


def markdown_of(path: Path) -> str:
    """The markdown of a chapter: a .md file, or the markdown cells of a notebook."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells
            if c["cell_type"] == "markdown"
        )
    return path.read_text(encoding="utf-8")


def chapter_files() -> list[Path]:
    files = [*CHAPTERS.glob("*.ipynb"), *CHAPTERS.glob("*.md")]
    return sorted(f for f in files if f != INDEX and ".ipynb_checkpoints" not in f.parts)


def find_labels() -> tuple[dict[str, Label], list[str]]:
    """Map "E1" to its label; also return every problem found (bad or duplicate labels)."""
    known = {e for e, _, _ in EXAMPLES}
    labels: dict[str, Label] = {}
    problems = []
    for path in chapter_files():
        text = markdown_of(path)
        title = TITLE.search(text)
        for name in ANY_WE_LABEL.findall(text):
            if not re.fullmatch(r"we-e\d+", name):
                problems.append(f"{path.name}: <!-- {name} --> is not of the form we-e<N>")
        if len(ANY_WE_LABEL.findall(text)) != len(LABEL.findall(text)):
            problems.append(f"{path.name}: a <!-- we-e<N> --> marker is not before a heading")
        for match in LABEL.finditer(text):
            label, example = match.group(1), f"E{match.group(2)}"
            section, anchor = heading_text(match.group(3))
            if example not in known:
                problems.append(f"{path.name}: <!-- {label} --> names no worked example E1...E39")
            elif example in labels:
                other = labels[example].chapter.name
                problems.append(f"<!-- {label} --> is in both {other} and {path.name}")
            else:
                chapter_title = title.group(1) if title else ""
                labels[example] = Label(label, example, path, chapter_title, section, anchor)
    return labels, problems


def examples_in_headings() -> dict[str, list[str]]:
    """The worked examples each chapter names in a heading (so reproduces there)."""
    named: dict[str, list[str]] = {}
    for path in chapter_files():
        for heading in HEADING.findall(markdown_of(path)):
            for number in EXAMPLE_ID.findall(heading):
                named.setdefault(f"E{number}", []).append(path.name)
    return named


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(labels: dict[str, Label]) -> str:
    lines = [
        "# Index of the worked examples",
        "",
        "The course this book grew from has 39 worked examples, numbered E1 to E39.",
        "Each is reproduced, computed by `cnnlib` and checked by an `assert`, in",
        "the chapter that teaches it; the link leads to the section that does it.",
        "Where the seed's numbers are wrong, the section says so and the",
        "[errata](errata.md) list the difference.",
        "",
        "The seed material, three lecture decks (one of them in two copies) and a",
        "set of handwritten notes, is not part of the book; the *source* column",
        "names the document, as follows:",
        "",
    ]
    lines += [f"- **{name}** ({SOURCE_FILES[name]}): {text};" for name, text in SOURCES.items()]
    lines[-1] = lines[-1].removesuffix(";") + "."
    lines += [
        "",
        "% Generated by `python3 dev.py index` (tests/worked_examples.py) from the",
        "% <!-- we-e<N> --> markers of the chapters; do not edit the table by hand.",
        "",
        "| Example | What it is | Source | Reproduced in |",
        "| --- | --- | --- | --- |",
    ]
    for example, source, what in EXAMPLES:
        label = labels.get(example)
        if label is None:
            where = "*chapter in preparation*"
        else:
            chapter = f"[{cell(label.title)}]({label.chapter.name})"
            section = f"[{cell(label.section)}]({label.chapter.name}#{label.anchor})"
            where = f"{chapter}: {section}"
        seeds = f"{source} ({SOURCE_FILES[source]})"
        lines.append(f"| {example} | {cell(what)} | {seeds} | {where} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    labels, problems = find_labels()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    INDEX.write_text(render(labels), encoding="utf-8")
    linked = ", ".join(sorted(labels, key=lambda e: int(e[1:]))) or "none"
    print(f"wrote {INDEX.relative_to(ROOT)}; linked: {linked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
