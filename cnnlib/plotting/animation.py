"""An animation as HTML that shows its first frame before any script runs.

matplotlib's ``anim.to_jshtml()`` writes an ``<img>`` without a picture and a
script that fills it in. Where the script does not run (a notebook that
JupyterLab does not trust yet, a page that sanitises HTML) the reader sees a
broken image, and where the script runs before the image is laid out
(JupyterLab after Run All) the picture stays empty until Play is pressed.
:func:`animation_html` puts frame 0 into the ``<img>`` itself, with a
description, and gives the frame slider a name for screen readers (the
buttons already carry a title and an ``aria-label``; any that lacks one gets
it).
"""

from __future__ import annotations

import html
import re

from matplotlib import pyplot as plt

# The first embedded frame, as _embedded_frames writes it: frames[0] = "data:...;base64,..."
# with a backslash before each line break of the base64 text.
FIRST_FRAME = re.compile(r'frames\[0\] = "(data:image/[\w+.-]+;base64,[A-Za-z0-9+/=\\\n]*)"')
IMAGE_TAG = re.compile(r'<img id="(_anim_img\w+)">')
SLIDER_TAG = re.compile(r'(<input id="_anim_slider\w+" type="range")')
UNNAMED_BUTTON = re.compile(r'<button title="([^"]*)"(?! aria-label)')


def animation_html(anim, *, description="animation", default_mode="once"):
    """The animation ``anim`` as HTML for a notebook, showing frame 0 from the start.

    Closes the animation's figure (so that the still figure is not shown a
    second time) and returns what ``HTML(anim.to_jshtml(default_mode))``
    shows, with frame 0 as the picture's ``src``, ``description`` as its
    ``alt`` text, and the frame slider labelled "Frame".

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        For example from :func:`cnnlib.plotting.animate_conv`.
    description : str
        What the picture shows, in a few words, for readers who cannot see it.
    default_mode : {"once", "loop", "reflect"}
        What Play does at the last frame.

    Returns
    -------
    IPython.display.HTML
        Display it as the last line of a cell.
    """
    modes = ("once", "loop", "reflect")
    if default_mode not in modes:
        raise ValueError(f"default_mode must be one of {modes}; received {default_mode!r}")
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"description must be a non-empty string; received {description!r}")
    from IPython.display import HTML

    plt.close(anim._fig)
    return HTML(first_frame_shown(anim.to_jshtml(default_mode=default_mode), description))


def first_frame_shown(page: str, description: str = "animation") -> str:
    """``to_jshtml()``'s text with frame 0 in the ``<img>`` and names on every control."""
    frame = FIRST_FRAME.search(page)
    image = IMAGE_TAG.search(page)
    if frame is None or image is None:
        raise ValueError(
            "page must be the HTML of matplotlib's to_jshtml() with embedded frames; "
            "received text without them"
        )
    src = frame[1].replace("\\\n", "").replace("\n", "")
    alt = html.escape(description, quote=True)
    page = (
        page[: image.start()]
        + f'<img id="{image[1]}" src="{src}" alt="{alt}">'
        + page[image.end() :]
    )
    page = SLIDER_TAG.sub(r'\1 aria-label="Frame" title="Frame"', page, count=1)
    return UNNAMED_BUTTON.sub(r'<button title="\1" aria-label="\1"', page)
