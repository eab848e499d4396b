"""The index of worked examples links every marked example, and only those."""

import re

from tests import worked_examples as we


def test_labels_follow_the_convention():
    _, problems = we.find_labels()
    assert not problems, "\n".join(problems)


def test_index_links_every_labelled_example():
    labels, _ = we.find_labels()
    current = we.INDEX.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((\w+\.(?:ipynb|md)#[^)\s]+(?:\)[^)\s|]*)?)\)", current))
    marked = {f"{label.chapter.name}#{label.anchor}" for label in labels.values()}
    missing = sorted(marked - linked)
    stale = sorted(linked - marked)
    problems = [f"does not link the sections {missing}"] if missing else []
    problems += [f"links sections that no chapter marks: {stale}"] if stale else []
    assert not problems, (
        f"chapters/worked_examples.md {' and '.join(problems)}; "
        "run `python3 dev.py index` to regenerate it"
    )
    assert current == we.render(labels), (
        "chapters/worked_examples.md is out of date; run `python3 dev.py index`"
    )


def test_a_heading_that_names_an_example_has_its_label():
    """A section titled "... (E12)" reproduces E12, so the index must be able to link it."""
    labels, _ = we.find_labels()
    unlabelled = {
        example: chapters
        for example, chapters in we.examples_in_headings().items()
        if example not in labels
    }
    assert not unlabelled, (
        f"headings name worked examples that carry no <!-- we-e<N> --> marker: {unlabelled}; "
        "put the marker on the line before the heading of the section that reproduces it"
    )


def test_every_example_has_one_row():
    ids = [example for example, _, _ in we.EXAMPLES]
    assert ids == [f"E{n}" for n in range(1, 40)]
    assert all(source in we.SOURCES for _, source, _ in we.EXAMPLES)
