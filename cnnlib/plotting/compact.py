"""Smaller stored figures: PNG images with a palette of 256 colours.

The book stores every figure inside its notebook. A figure with photographs
in it is a few hundred kilobytes as an ordinary (true-colour) PNG, and about
half that with a 256-colour palette, which looks the same: a figure has few
distinct colours, and 256 gray levels are all a grayscale photograph has.

A chapter opts in once, after its imports::

    from cnnlib.plotting import use_compact_png
    use_compact_png()

after which ``plt.show()`` stores palette PNGs, each with the figure's
alternative text (:func:`cnnlib.plotting.describe.description`) in the
output's metadata, ``{"image/png": {"alt": ...}}``, where the book finds it
(``_ext/figure_alt.py``). Nothing else changes.
"""

from __future__ import annotations

import base64
import io

from PIL import Image

from cnnlib.plotting.describe import description

PALETTE_COLOURS = 256


def compact_png(fig, colors: int = PALETTE_COLOURS) -> bytes:
    """The figure as PNG bytes with a palette of ``colors`` colours (mode "P").

    Drawn as Jupyter draws inline figures (``bbox_inches="tight"``), then
    reduced to a palette by median cut, without dithering (which would add
    noise that compresses badly).
    """
    if not 2 <= colors <= 256:
        raise ValueError(f"colors must be between 2 and 256; received colors={colors}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    buffer.seek(0)
    with Image.open(buffer) as image:
        palette = image.convert("RGB").quantize(colors, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="png", optimize=True)
    return out.getvalue()


def use_compact_png(shell=None, colors: int = PALETTE_COLOURS) -> None:
    """Make IPython display (and so store) matplotlib figures as palette PNGs with alt text.

    Parameters
    ----------
    shell : IPython InteractiveShell, optional
        The running shell (``get_ipython()`` by default).
    colors : int
        Size of the palette.
    """
    from matplotlib.figure import Figure

    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        raise RuntimeError("use_compact_png() needs a running IPython or Jupyter kernel")
    # Let the inline backend set up its own figure formatter first, or it would
    # replace ours when the first figure is drawn.
    import matplotlib_inline.backend_inline  # noqa: F401

    def png(fig):
        data = base64.b64encode(compact_png(fig, colors)).decode("ascii")
        return data, {"alt": description(fig)}

    shell.display_formatter.formatters["image/png"].for_type(Figure, png)
