"""The book builds, as a reader gets it, with no warning at all."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_book_builds_without_warnings(built_book):
    html, log, code = built_book
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert code == 0 and not warnings, "\n".join(warnings) or log[-3000:]
    assert (html / "index.html").exists()


def test_every_chapter_in_the_toc_is_rendered(built_book):
    html, _, _ = built_book
    toc = (ROOT / "_toc.yml").read_text()
    files = [line.split("file:")[1].strip() for line in toc.splitlines() if "file:" in line]
    assert files, "the table of contents lists no chapter"
    for name in files:
        assert (html / f"{name}.html").exists(), name


def test_every_chapter_notebook_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        assert f"chapters/{nb.stem}" in toc, f"{nb.name} is not in _toc.yml"
