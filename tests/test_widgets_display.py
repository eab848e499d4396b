"""What the explorers and animations show without a widget model or a script, and their names."""

from __future__ import annotations

import base64
import re

import ipywidgets as widgets
import numpy as np
import pytest

import cnnlib as cl
from cnnlib.plotting.animation import first_frame_shown
from cnnlib.widgets import KernelEditor, activation_explorer, conv_explorer, pooling_explorer
from cnnlib.widgets._display import WIDGET_VIEW, with_fallback

EXPLORERS = {
    "conv_explorer": conv_explorer,
    "pooling_explorer": pooling_explorer,
    "activation_explorer": activation_explorer,
    "KernelEditor": lambda: KernelEditor(np.eye(5), {"identity": np.eye(3)}),
}


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_an_explorer_carries_a_sentence_and_its_picture_beside_the_widget(name):
    explorer = EXPLORERS[name]()
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW, "text/plain", "text/html"}
    assert "run this cell with a Python kernel" in bundle["text/plain"]
    assert "children=" not in bundle["text/plain"]  # not ipywidgets' repr
    picture = re.search(
        r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', bundle["text/html"]
    )
    assert picture, bundle["text/html"][:300]
    assert base64.b64decode(picture[1]) == bytes(explorer.picture.value)
    assert bundle["text/plain"] in bundle["text/html"]


def test_a_closed_widget_and_an_empty_picture_need_no_fallback():
    assert with_fallback(None, "An explorer") is None
    bundle = with_fallback({WIDGET_VIEW: {"model_id": "x"}, "text/plain": "Box()"}, "An explorer")
    assert "<img" not in bundle["text/html"] and bundle["text/plain"].startswith("An explorer: ")


def leaves(widget):
    """Every widget inside ``widget`` (KernelEditor: its ``widget``), depth first."""
    widget = getattr(widget, "widget", widget)
    yield widget
    for child in getattr(widget, "children", ()):
        yield from leaves(child)


CONTROLS = (widgets.ValueWidget, widgets.Button)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_visible_control_has_a_name(name):
    """A label (description), a button's text, or titles on each button of a group."""
    controls = [
        w
        for w in leaves(EXPLORERS[name]())
        if isinstance(w, CONTROLS)
        and w.layout.display != "none"
        and not isinstance(w, (widgets.HTML, widgets.Image))
    ]
    assert controls
    unnamed = [type(w).__name__ for w in controls if not w.description.strip()]
    assert not unnamed, f"{name}: controls without a description: {unnamed}"
    for group in controls:
        if isinstance(group, widgets.ToggleButtons):
            assert len(group.tooltips) == len(group.options) and all(group.tooltips)


def test_no_play_widget_is_shown_its_buttons_have_no_names():
    shown = [
        w
        for name in EXPLORERS
        for w in leaves(EXPLORERS[name]())
        if isinstance(w, widgets.Play) and w.layout.display != "none"
    ]
    assert not shown


def test_the_play_button_drives_the_hidden_play_widget():
    explorer = conv_explorer()
    ends = [(link.source, link.target) for link in explorer.links]
    assert ends == [
        ((explorer.play, "value"), (explorer.position, "value")),
        ((explorer.play_button, "value"), (explorer.play, "playing")),
    ]


def test_the_controls_wrap_instead_of_overlapping():
    for name, make in EXPLORERS.items():
        rows = [w for w in leaves(make()) if isinstance(w, widgets.HBox) and w.children]
        row = rows[0]
        assert row.layout.flex_flow == "row wrap", name
        assert all(column.layout.flex == "0 0 auto" for column in row.children), name


def animation():
    return cl.plotting.animate_conv(np.eye(4), np.ones((2, 2)))


def test_the_animation_shows_frame_0_before_its_script_runs():
    page = cl.plotting.animation_html(animation(), description="a 2×2 kernel").data
    image = re.search(
        r'<img id="_anim_img\w+" src="(data:image/png;base64,[^"]+)" alt="([^"]+)"', page
    )
    assert image, page[:500]
    assert image[2] == "a 2×2 kernel"
    first = re.search(r'frames\[0\] = "([^"]+)"', page)[1].replace("\\\n", "")
    assert image[1] == first  # frame 0 itself, without the script's line continuations
    assert "\\" not in image[1] and "\n" not in image[1]
    assert base64.b64decode(image[1].split(",", 1)[1]).startswith(b"\x89PNG")


def test_every_animation_control_has_a_name():
    page = cl.plotting.animation_html(animation()).data
    buttons = re.findall(r"<button[^>]*>", page)
    assert len(buttons) == 9
    assert all(
        re.search(r'aria-label="[^"]+"', b) and re.search(r'title="[^"]+"', b) for b in buttons
    )
    assert re.search(r'<input id="_anim_slider\w+" type="range" aria-label="Frame"', page)
    # An older matplotlib's buttons have a title only: they get an aria-label from it.
    old = animation().to_jshtml().replace(' aria-label="Play"', "")
    assert '<button title="Play" aria-label="Play"' in first_frame_shown(old)


def test_the_animation_helper_checks_its_arguments():
    with pytest.raises(ValueError, match=r"default_mode must be one of .*received 'twice'"):
        cl.plotting.animation_html(animation(), default_mode="twice")
    with pytest.raises(ValueError, match=r"description must be a non-empty string"):
        cl.plotting.animation_html(animation(), description=" ")
    with pytest.raises(ValueError, match=r"to_jshtml\(\) with embedded frames"):
        first_frame_shown("<p>no animation</p>")
