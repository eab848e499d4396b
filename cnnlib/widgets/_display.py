"""What an explorer's output shows where its widget cannot be drawn.

A widget is drawn from its model, which lives in a running kernel (or in the
widget state that the book stores). Where there is none, for example a
notebook opened in JupyterLab before it is run (JupyterLab does not draw
widgets of a notebook it does not trust yet), the reader sees the output's
other formats instead: ipywidgets puts only the widget's ``repr`` there,
``ConvExplorer(children=(HBox(...``. :func:`with_fallback` replaces it by a
sentence (``text/plain``) and by the sentence with the explorer's first
picture (``text/html``). Renderers that can draw the widget (JupyterLab
after the cell ran, the book from its stored state) choose the widget and
show nothing else.
"""

from __future__ import annotations

import base64
import html

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def fallback_sentence(what: str) -> str:
    """The sentence shown in place of an explorer that cannot be drawn."""
    return f"{what}: run this cell with a Python kernel to use its controls."


def with_fallback(bundle: dict | None, what: str, picture: bytes = b"") -> dict | None:
    """``bundle`` (a widget's mimebundle) with a sentence and a picture for renderers without it.

    Parameters
    ----------
    bundle : dict or None
        What ``widget._repr_mimebundle_()`` returned (None for a closed widget:
        returned unchanged).
    what : str
        The explorer in a few words ("An explorer of convolution").
    picture : bytes
        A PNG of the explorer as it starts, or empty for none.
    """
    if bundle is None or WIDGET_VIEW not in bundle:
        return bundle
    sentence = fallback_sentence(what)
    page = f"<p><em>{html.escape(sentence)}</em></p>"
    if picture:
        data = base64.b64encode(picture).decode("ascii")
        alt = html.escape(f"{what}, as it starts", quote=True)
        page += f'<img src="data:image/png;base64,{data}" alt="{alt}">'
    return {**bundle, "text/plain": sentence, "text/html": page}


PICTURE_TEXT_CLASS = "cnnlib-picture-text"
# Out of sight but read by screen readers (the usual "visually hidden" rules).
HIDDEN_STYLE = (
    "position:absolute;width:1px;height:1px;margin:-1px;padding:0;"
    "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


def picture_text():
    """The words for an explorer's picture: an HTML widget to put right after it.

    ipywidgets' ``Image`` has no alt text, and its ``tooltip`` breaks the
    widget's view (the controls' code reads a ``description`` that an image
    does not have). So what the picture shows goes into this widget instead,
    out of sight but read by screen readers; in the book,
    ``_static/accessible-names.js`` makes it the image's ``alt`` text.
    Set it with :func:`set_picture_text`.
    """
    import ipywidgets as widgets

    text = widgets.HTML()
    text.add_class(PICTURE_TEXT_CLASS)
    return text


def set_picture_text(widget, words: str) -> None:
    """Put ``words`` (what the picture shows) into a :func:`picture_text` widget."""
    widget.value = f'<span style="{HIDDEN_STYLE}">{html.escape(words)}</span>'


def control_row(*columns):
    """The explorers' controls: columns side by side that wrap onto new lines, never overlap.

    Each column keeps the width of its content (it does not shrink into its
    neighbour, as flexbox columns do by default); where the row is too
    narrow, the next column starts a new line.
    """
    import ipywidgets as widgets

    for column in columns:
        column.layout.flex = "0 0 auto"
        column.layout.width = "auto"
    return widgets.HBox(
        list(columns),
        layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="4px 24px"),
    )


def choice_buttons(options, value, description):
    """Toggle buttons for a few choices, each named by its text and its title ("stride s: 2")."""
    import ipywidgets as widgets

    labels = [str(option[0] if isinstance(option, tuple) else option) for option in options]
    return widgets.ToggleButtons(
        options=options,
        value=value,
        description=description,
        tooltips=[f"{description}: {label}" for label in labels],
        style={"description_width": "initial", "button_width": "auto"},
    )
