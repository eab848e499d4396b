"""The convolution chapter's explorer and animation in JupyterLab, before and after Run All.

Opened as after a fresh clone (an untrusted notebook, no kernel state): the
explorer's output is a sentence with a picture, not a widget repr, and the
animation shows its first frame. After Run All, at 1000 and 1400 px wide:
the animation still shows a frame, and no control of the explorer overlaps
another or is cut off (tests/jupyterlab.py measures their boxes).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.jupyterlab import (
    READOUT,
    browser_context,
    clean_environment,
    control_boxes,
    copy_of_repository,
    jupyterlab,
    output_of,
    run_all_cells,
)

CHAPTER = "chapters/convolution.ipynb"
EXPLORER = "conv_explorer()"
ANIMATION = "anim = animate_conv(image, kernel)"
WIDTHS = (1000, 1400)
RUN_TIMEOUT_S = 300


def shown_images(output) -> list[dict]:
    output.scroll_into_view_if_needed()
    return output.locator("img").evaluate_all(
        "imgs => imgs.map(i => ({alt: i.alt, width: i.getBoundingClientRect().width,"
        " loaded: i.complete && i.naturalWidth > 0}))"
    )


@pytest.mark.jupyterlab
def test_explorer_and_animation_before_and_after_run_all(chromium, tmp_path):
    from playwright.sync_api import expect

    repo = copy_of_repository(tmp_path / "repo")
    env = clean_environment(Path(sys.executable).parent, tmp_path / "jupyter")
    with (
        jupyterlab(sys.executable, repo, env, tmp_path / "jupyterlab.log") as lab,
        browser_context(
            chromium,
            lab,
            "jupyterlab-widgets-failure.png",
            viewport={"width": WIDTHS[0], "height": 900},
        ) as context,
    ):
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(lab.url(f"lab/workspaces/widgets/tree/{CHAPTER}"))
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for()
        page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for()
        explorer, animation = output_of(page, EXPLORER), output_of(page, ANIMATION)
        expect(explorer).to_contain_text("run this cell with a Python kernel")
        assert "children=" not in explorer.inner_text()
        for output in (explorer, animation):
            images = shown_images(output)
            assert images and all(i["loaded"] and i["width"] > 100 for i in images), images
        run_all_cells(page, RUN_TIMEOUT_S, repo / CHAPTER)
        expect(explorer.locator(READOUT)).to_contain_text("Position 1 of 9")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            time.sleep(1)  # JupyterLab lays the panels out again
            boxes = control_boxes(explorer)
            assert boxes["count"] >= 10, boxes
            assert not boxes["overlaps"], f"{width} px: controls overlap: {boxes['overlaps']}"
            assert not boxes["clipped"], f"{width} px: controls cut off: {boxes['clipped']}"
            images = shown_images(animation)
            assert images and images[0]["loaded"] and images[0]["width"] > 100, images
