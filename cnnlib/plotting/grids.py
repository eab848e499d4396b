"""Small matrices drawn as grids of cells with their numbers written in.

:func:`draw_grid` is the building block of the pictures of pooling,
activations and dense layers: one cell per value, a pale colour that follows
the value (or a colour given per cell), the number written in the cell, and
optional outlines, bold numbers and hatching to single cells out.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colors
from matplotlib.patches import FancyArrowPatch, Rectangle

from cnnlib._checks import as_float_array
from cnnlib.plotting.page import FONT_PT, MIN_FONT_PT, PAGE_WIDTH_IN

MARK_COLOR = "tab:red"  # cells singled out, e.g. where a seed slide is wrong
HATCH_COLOR = "0.6"  # cells left out of a computation


def number_text(value, decimals: int = 2) -> str:
    """A number as a reader writes it, with a real minus sign: ``2``, ``−1``, ``3.75``.

    Rounded to ``decimals`` places, trailing zeros dropped; never ``-0``.

    >>> [number_text(v) for v in (2.0, -1.0, 0.5, 3.75, 1 / 3, -0.0001)]
    ['2', '−1', '0.5', '3.75', '0.33', '0']
    """
    value = round(float(value), decimals)
    if not np.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    text = f"{value:.0f}" if value.is_integer() else f"{value:.{decimals}f}".rstrip("0")
    return text.replace("-", "−")


def pale_norm(values, signed: bool):
    """A colour scale that keeps every colour pale enough for black numbers on top."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if signed:
        half = float(np.max(np.abs(finite))) if finite.size else 1.0
        return colors.CenteredNorm(vcenter=0.0, halfrange=1.8 * (half or 1.0))
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    span = (hi - lo) or 1.0
    return colors.Normalize(vmin=lo, vmax=hi + 1.5 * span)


def grid_lines(ax, h: int, w: int) -> None:
    """Thin grey lines between the cells of an ``h`` × ``w`` grid drawn with imshow."""
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color="0.55", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_color("0.55")


def outline_cells(ax, mask, color=MARK_COLOR, linewidth=2.5, zorder=6):
    """Draw a rectangle around every cell where ``mask`` is true."""
    for i, j in zip(*np.nonzero(np.asarray(mask, bool)), strict=True):
        ax.add_patch(
            Rectangle(
                (j - 0.5, i - 0.5),
                1,
                1,
                fill=False,
                edgecolor=color,
                linewidth=linewidth,
                zorder=zorder,
            )
        )


def draw_grid(
    values,
    ax=None,
    *,
    title=None,
    cmap=None,
    norm=None,
    signed=None,
    facecolors=None,
    texts=None,
    numbers=True,
    decimals=2,
    bold=None,
    outlined=None,
    outline_color=MARK_COLOR,
    hatched=None,
    fontsize=None,
    indices=True,
):
    """Draw a small matrix as a grid of cells with its numbers written in.

    Parameters
    ----------
    values : array, shape (H, W) or (H,)
        The numbers; a 1-D array is drawn as a column ``(H, 1)``.
    ax : matplotlib Axes, optional
        Where to draw (a new figure when ``None``).
    title : str, optional
    cmap : str or Colormap, optional
        Colour map: ``"RdBu_r"`` when ``signed``, else ``"Greys"``.
    norm : matplotlib Normalize, optional
        Colour scale; by default a pale one, centred on zero when ``signed``.
    signed : bool, optional
        Centre the colours on zero (default: when some value is negative).
    facecolors : array, shape (H, W, 3 or 4), optional
        One RGB(A) colour per cell instead of the colour map.
    texts : nested lists of str, shape (H, W), optional
        What to write in each cell (default: the values, see :func:`number_text`).
    numbers : bool
        Write the numbers at all (``False`` for an image-like grid).
    decimals : int
        Decimal places of the numbers written.
    bold : bool array, shape (H, W), optional
        Cells whose number is written in bold.
    outlined : bool array, shape (H, W), optional
        Cells outlined in ``outline_color``.
    hatched : bool array, shape (H, W), optional
        Cells hatched in grey (left out of a computation).
    fontsize : float, optional
        Size of the numbers.
    indices : bool
        Label rows and columns with their indices.

    Returns
    -------
    matplotlib Axes
    """
    values = as_float_array(values, "values")
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"values must be a 1-D or 2-D array; received shape {values.shape}")
    h, w = values.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * w + 0.8, 0.5 * h + 0.9))
    if signed is None:
        signed = bool(np.any(values < 0))
    if cmap is None:
        cmap = "RdBu_r" if signed else "Greys"
    cm = plt.get_cmap(cmap)
    if norm is None:
        norm = pale_norm(values, signed)
    if facecolors is not None:
        facecolors = np.asarray(facecolors, dtype=float)
        if facecolors.shape[:2] != (h, w) or facecolors.shape[2] not in (3, 4):
            raise ValueError(
                f"facecolors must have shape ({h}, {w}, 3) or ({h}, {w}, 4) to match "
                f"values; received {facecolors.shape}"
            )
        ax.imshow(facecolors, interpolation="nearest")
        rgb = facecolors[..., :3]
    else:
        ax.imshow(values, cmap=cm, norm=norm, interpolation="nearest")
        rgb = cm(norm(values))[..., :3]
    if numbers:
        if texts is None:
            texts = [[number_text(v, decimals) for v in row] for row in values]
        if fontsize is None:
            fontsize = 11 if max(h, w) <= 8 else MIN_FONT_PT
        bold = np.zeros((h, w), bool) if bold is None else np.asarray(bold, bool)
        luminance = rgb @ np.array([0.299, 0.587, 0.114])
        for i in range(h):
            for j in range(w):
                ax.text(
                    j,
                    i,
                    texts[i][j],
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                    fontweight="bold" if bold[i, j] else "normal",
                    color="white" if luminance[i, j] < 0.45 else "black",
                    zorder=7,
                )
    if hatched is not None:
        for i, j in zip(*np.nonzero(np.asarray(hatched, bool)), strict=True):
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5),
                    1,
                    1,
                    facecolor="none",
                    edgecolor=HATCH_COLOR,
                    hatch="///",
                    linewidth=0,
                    zorder=3,
                )
            )
    if indices:
        ax.set_xticks(np.arange(w))
        ax.set_yticks(np.arange(h))
        ax.set_xticklabels([str(j) for j in range(w)], fontsize=MIN_FONT_PT, color="0.4")
        ax.set_yticklabels([str(i) for i in range(h)], fontsize=MIN_FONT_PT, color="0.4")
        ax.xaxis.tick_top()
        ax.tick_params(length=0, pad=2)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    grid_lines(ax, h, w)
    if outlined is not None:
        outline_cells(ax, outlined, outline_color)
    if title:
        ax.set_title(title, fontsize=10.5, pad=14 if indices else 6)
    return ax


def arrow_between(fig, left_ax, right_ax, label="", fontsize=9.5, gap=None):
    """Draw an arrow from ``left_ax`` to ``right_ax`` with ``label`` above it.

    When ``right_ax`` starts a new row (see :func:`grid_panels`), the arrow
    goes into it from the ``gap`` inches on its left.
    """
    left_ax.apply_aspect()
    right_ax.apply_aspect()
    a, b = left_ax.get_position(), right_ax.get_position()
    y = (max(a.y0, b.y0) + min(a.y1, b.y1)) / 2
    inch = 1 / fig.get_size_inches()[0]
    # the arrow stops short of the row indices written left of the next grid
    x0, x1 = a.x1 + 0.008, b.x0 - (0.2 * inch if right_ax.get_yticklabels() else 0.008)
    if b.x0 <= a.x1 and gap is not None:  # a row break
        y = (b.y0 + b.y1) / 2
        x0 = b.x0 - (gap - 0.05) * inch
    fig.add_artist(
        FancyArrowPatch(
            (x0, y),
            (x1, y),
            transform=fig.transFigure,
            arrowstyle="-|>",
            mutation_scale=14,
            color="0.3",
            linewidth=1.3,
        )
    )
    if label:
        fig.text((x0 + x1) / 2, y + 0.03, label, ha="center", va="bottom", fontsize=fontsize)


GRID_CELL_IN = 0.42  # a cell of a numbered grid: a 9-11 pt number with room around it


def grid_panels(
    shapes,
    *,
    cell=GRID_CELL_IN,
    gap=0.7,
    row_gap=0.75,
    top=0.75,
    bottom=0.25,
    side=0.35,
    figsize=None,
    fig=None,
):
    """Axes for grids side by side, every cell the same size, wrapped onto rows to fit the page.

    Panel ``k`` is ``shapes[k][1]`` cells wide and ``shapes[k][0]`` high.
    They go left to right while they fit :data:`cnnlib.plotting.page.PAGE_WIDTH_IN`
    at ``cell`` inches per cell, then on a new row (when a single panel is too
    wide, all cells shrink). ``gap`` is the room between panels (for a symbol
    or an arrow), ``row_gap`` between rows (titles and column indices),
    ``top``, ``bottom`` and ``side`` the margins, all in inches.

    Returns
    -------
    (Figure, list of Axes)
        One axes per shape, in order; :func:`symbols_between` writes the
        symbols between them, across a row break too.
    """
    shapes = [(int(s[0]), int(s[1])) for s in shapes]
    room = PAGE_WIDTH_IN - 2 * side
    widest = max(w for _, w in shapes)
    cell = min(cell, room / widest)
    rows, row = [], []
    for k, (_, w) in enumerate(shapes):
        # a row after a break starts with a gap, where the symbol goes
        used = sum(gap if j is None else shapes[j][1] * cell + gap for j in row)
        if row and used + w * cell > room:
            rows.append(row)
            row = [None]
        row.append(k)
    rows.append(row)
    width = max(sum(gap if k is None else shapes[k][1] * cell + gap for k in r) for r in rows)
    width += 2 * side - gap
    heights = [max(shapes[k][0] for k in r if k is not None) * cell for r in rows]
    height = top + sum(heights) + row_gap * (len(rows) - 1) + bottom
    if fig is None:
        fig = plt.figure(figsize=figsize or (width, height))
    elif figsize is not None:
        fig.set_size_inches(figsize)
    axes = [None] * len(shapes)
    y = height - top
    for r, row_height in zip(rows, heights, strict=True):
        x = side
        for k in r:
            if k is None:
                x += gap
                continue
            w = shapes[k][1]
            box = (x / width, (y - row_height) / height, w * cell / width, row_height / height)
            axes[k] = fig.add_axes(box)
            x += w * cell + gap
        y -= row_height + row_gap
    return fig, axes


def symbols_between(fig, axes, symbols, fontsize=20, gap=0.7):
    """Write ``symbols[k]`` between ``axes[k]`` and ``axes[k + 1]``, on the left of a new row.

    ``"⋆"`` stands for cross-correlation; it is drawn as mathtext's star,
    larger. A symbol of more than two characters is written smaller, as a
    label over an arrow. Returns the Text artists.
    """
    width = fig.get_size_inches()[0]
    texts = []
    for left, right, symbol in zip(axes[:-1], axes[1:], symbols, strict=True):
        left.apply_aspect()
        right.apply_aspect()
        a, b = left.get_position(), right.get_position()
        if b.x0 > a.x1:  # same row
            x, y = (a.x1 + b.x0) / 2, (max(a.y0, b.y0) + min(a.y1, b.y1)) / 2
        else:  # the next panel starts a row: the symbol goes on its left
            x, y = b.x0 - gap / 2 / width, (b.y0 + b.y1) / 2
        size = fontsize
        if symbol == "⋆":
            symbol, size = r"$\star$", 1.6 * fontsize
        elif len(symbol) > 2:
            size = FONT_PT
        texts.append(fig.text(x, y, symbol, fontsize=size, ha="center", va="center", gid="symbol"))
    return texts
