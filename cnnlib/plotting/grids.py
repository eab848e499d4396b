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
from cnnlib.plotting.page import MIN_FONT_PT

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


def arrow_between(fig, left_ax, right_ax, label="", fontsize=9.5):
    """Draw an arrow from ``left_ax`` to ``right_ax`` with ``label`` above it."""
    left_ax.apply_aspect()
    right_ax.apply_aspect()
    a, b = left_ax.get_position(), right_ax.get_position()
    y = (max(a.y0, b.y0) + min(a.y1, b.y1)) / 2
    x0, x1 = a.x1 + 0.008, b.x0 - 0.008
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
