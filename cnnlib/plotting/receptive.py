"""Dilated kernels and receptive fields: which pixels a value depends on.

- :func:`draw_dilated_kernels`: the taps of one kernel at several dilations,
  each on the patch it spans.
- :func:`draw_receptive_fields`: maps of the input side by side (for instance
  the gradient that reaches each pixel from one output of each layer), each
  with the predicted field outlined.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize

from cnnlib._checks import as_float_array, positive_int
from cnnlib.plotting.convolution import draw_matrix
from cnnlib.plotting.grids import GRID_CELL_IN, grid_panels
from cnnlib.plotting.page import FONT_PT, MIN_FONT_PT, PAGE_WIDTH_IN
from cnnlib.shapes import dilated_size


def dilation_taps(kernel_size: int, dilation: int, span: int | None = None) -> np.ndarray:
    """A ``span × span`` boolean grid, True at the taps of the dilated kernel, centred.

    >>> dilation_taps(2, 2).astype(int)
    array([[1, 0, 1],
           [0, 0, 0],
           [1, 0, 1]])
    """
    kernel_size = positive_int(kernel_size, "kernel_size")
    dilation = positive_int(dilation, "dilation")
    own = dilated_size(kernel_size, dilation)
    span = own if span is None else span
    if span < own:
        raise ValueError(f"span must be at least the kernel's own span {own}; received {span}")
    offset = (span - own) // 2
    taps = np.zeros((span, span), dtype=bool)
    taps[offset : offset + own : dilation, offset : offset + own : dilation] = True
    return taps


def draw_dilated_kernels(kernel_size: int = 3, dilations=(1, 2, 3), *, figsize=None):
    """One panel per dilation: a ``kernel_size`` kernel's taps on the patch they span.

    Every panel is as large as the widest span, so the panels compare at a
    glance; the outline marks each kernel's own span ``d (k - 1) + 1``.

    Returns
    -------
    matplotlib Figure
    """
    dilations = [positive_int(d, "dilations[i]") for d in dilations]
    if not dilations:
        raise ValueError("dilations must name at least one dilation; received an empty list")
    span = max(dilated_size(kernel_size, d) for d in dilations)
    gap = 0.5
    cell = (PAGE_WIDTH_IN - 2 * 0.35 - gap * (len(dilations) - 1)) / (span * len(dilations))
    fig, axes = grid_panels(
        [(span, span)] * len(dilations),
        cell=min(GRID_CELL_IN, max(cell, 0.25)),
        gap=gap,
        top=0.6,
        bottom=0.1,
        figsize=figsize,
    )
    for ax, d in zip(axes, dilations, strict=True):
        taps = dilation_taps(kernel_size, d, span)
        own = dilated_size(kernel_size, d)
        offset = (span - own) // 2
        draw_matrix(
            taps.astype(float),
            ax,
            texts=[["w" if t else "" for t in row] for row in taps],
            window=(offset, offset, own, own),
            title=f"d = {d}: {kernel_size * kernel_size} weights, {own}×{own} patch",
            fontsize=9,
        )
        ax.title.set_fontsize(FONT_PT)
    return fig


def draw_receptive_fields(maps, titles, boxes=None, *, suptitle=None, numbers=True, figsize=None):
    """Draw 2-D maps side by side, each with an optional box outlined.

    Parameters
    ----------
    maps : list of arrays, each (H, W)
        What to show, for example the gradient that reaches each input pixel
        from one output value (its size says through how many paths).
    titles : list of str
        One title per map.
    boxes : list of (top, left, height, width) or None, optional
        The block to outline on each map (the predicted receptive field).
    suptitle : str, optional
        Title of the whole figure.
    numbers : bool
        Write each value in its cell (leave it off for large maps).

    Returns
    -------
    matplotlib Figure
    """
    maps = [as_float_array(m, "maps[i]") for m in maps]
    if any(m.ndim != 2 for m in maps):
        raise ValueError(f"maps must be 2-D arrays; received shapes {[m.shape for m in maps]}")
    boxes = [None] * len(maps) if boxes is None else list(boxes)
    if not (len(maps) == len(titles) == len(boxes)) or not maps:
        raise ValueError(
            f"expected as many titles and boxes as maps (at least one); received "
            f"{len(maps)} maps, {len(titles)} titles, {len(boxes)} boxes"
        )
    # side by side when the cells stay large enough for their numbers, else wrapped
    gap = 0.45
    cell = (PAGE_WIDTH_IN - 2 * 0.35 - gap * (len(maps) - 1)) / sum(m.shape[1] for m in maps)
    cell = min(GRID_CELL_IN, max(cell, 0.25 if numbers else 0.1))
    lines = max(str(t).count("\n") + 1 for t in titles)
    fig, axes = grid_panels(
        [m.shape for m in maps],
        cell=cell,
        gap=gap,
        top=0.45 + 0.2 * lines + (0.35 if suptitle else 0.0),
        row_gap=0.45 + 0.2 * lines,
        bottom=0.1,
        figsize=figsize,
    )
    for ax, values, title, box in zip(axes, maps, titles, boxes, strict=True):
        texts = None if numbers else [[""] * values.shape[1]] * values.shape[0]
        top = float(values.max())
        # Zero stays white and the largest value a mid grey, even when all are equal.
        norm = Normalize(vmin=min(float(values.min()), 0.0), vmax=1.7 * top if top > 0 else 1.0)
        draw_matrix(
            values, ax, title=title, window=box, texts=texts, fontsize=MIN_FONT_PT, norm=norm
        )
    if suptitle:
        fig.suptitle(suptitle, y=1 - 0.1 / fig.get_size_inches()[1], va="top")
    return fig
