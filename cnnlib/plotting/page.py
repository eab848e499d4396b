"""The book's page, in the units a figure is drawn in, and how to measure a figure against it.

The chapters draw at ``plt.rcParams["figure.dpi"] = 80`` and the book stores
each figure as a PNG cropped with ``bbox_inches="tight"``, so a figure
``w`` inches wide becomes an image of ``80 w`` pixels. The text column shows
images up to :data:`PAGE_WIDTH_PX` wide at their own size and scales wider
ones down, with their labels. So every figure of :mod:`cnnlib.plotting` is
drawn to fit the column, and no text in it is smaller than
:data:`MIN_FONT_PX` pixels (:data:`MIN_FONT_PT` points) at that size.

- :func:`fit_panels`: how many panels fit side by side, and the figure size
  that holds them, wrapping onto more rows when they do not fit in one.
- :func:`fit_width`: a figure width shrunk to the page.
- :func:`measure`: a figure's width as the book stores it, and the size of
  every text drawn in it (the test of every figure uses it).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.text import Text

PAGE_WIDTH_PX = 688  # the book's text column, for images, at 1280 px (Chromium)
DPI = 80  # the chapters' plt.rcParams["figure.dpi"]
MIN_FONT_PX = 10  # the smallest text a reader is asked to read
# bbox_inches="tight" adds pad_inches (0.1 in) on each side of what is drawn
TIGHT_PAD_IN = 0.1

MIN_FONT_PT = MIN_FONT_PX * 72 / DPI  # 9 pt: tick labels, cell indices, notes
FONT_PT = 10.0  # numbers in cells, labels
TITLE_PT = 11.0  # panel titles and suptitles
# the widest figure, in inches, whose drawing fits the column after the crop's padding
PAGE_WIDTH_IN = PAGE_WIDTH_PX / DPI - 2 * TIGHT_PAD_IN  # 8.4


def fit_width(width: float) -> float:
    """``width`` in inches, or the page's width when that is narrower."""
    return min(float(width), PAGE_WIDTH_IN)


def fit_panels(
    n: int,
    panel_width: float,
    panel_height: float,
    *,
    ncols: int | None = None,
    extra_width: float = 0.0,
    extra_height: float = 0.0,
):
    """Lay ``n`` panels out in rows that fit the page.

    Parameters
    ----------
    n : int
        Number of panels.
    panel_width, panel_height : float
        Size of one panel in inches, with its labels.
    ncols : int, optional
        Panels per row wanted (default: ``n``); fewer when they do not fit.
    extra_width, extra_height : float
        Inches the figure needs besides the panels (row labels, a suptitle).

    Returns
    -------
    (nrows, ncols, (width, height))
        The rows and columns, and the figure size in inches; the width is at
        most :data:`PAGE_WIDTH_IN`.

    >>> fit_panels(10, 1.0, 1.0)
    (2, 8, (8.0, 2.0))
    >>> fit_panels(3, 2.0, 1.5, extra_height=0.5)
    (1, 3, (6.0, 2.0))
    """
    if n < 1:
        raise ValueError(f"n must be at least 1; received n={n!r}")
    wanted = n if ncols is None else max(1, min(int(ncols), n))
    fitting = max(1, int((PAGE_WIDTH_IN - extra_width) // panel_width))
    ncols = min(wanted, fitting)
    nrows = math.ceil(n / ncols)
    width = fit_width(ncols * panel_width + extra_width)
    return nrows, ncols, (width, nrows * panel_height + extra_height)


def measure(fig: Figure, dpi: float = DPI) -> Measured:
    """Store ``fig`` as the book does (PNG at ``dpi``, ``bbox_inches="tight"``) and measure it.

    Returns its width in pixels and every text that was drawn (tick labels,
    titles, annotations, legends, the numbers in grid cells: all are Text
    artists), with its size in pixels. Hidden texts, empty ones and tick
    labels outside the axes' limits are not drawn, so they are not listed.
    """
    drawn = {}  # bbox_inches="tight" draws the figure twice: each text counts once
    original = Text.draw

    def recording_draw(text, renderer):
        if text.get_visible() and text.get_text().strip():
            drawn[id(text)] = (text.get_text(), text.get_fontsize() * dpi / 72)
        return original(text, renderer)

    buffer = io.BytesIO()
    Text.draw = recording_draw
    try:
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    finally:
        Text.draw = original
    header = buffer.getvalue()[16:24]  # the IHDR chunk: width, height as big-endian ints
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
    return Measured(width, height, list(drawn.values()))


@dataclass(frozen=True)
class Measured:
    """A figure as the book stores it: its size in pixels and the texts drawn in it."""

    width_px: int
    height_px: int
    texts: list  # (text, size in px) pairs

    def small_texts(self, min_px: float = MIN_FONT_PX):
        """The texts smaller than ``min_px`` pixels, as ``(text, px)`` pairs."""
        return [(t, round(px, 2)) for t, px in self.texts if px < min_px - 1e-9]
