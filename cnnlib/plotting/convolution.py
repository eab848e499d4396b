"""Pictures of the convolution operation.

- :func:`draw_matrix`: one grid of numbers, with a window or cells outlined.
- :func:`draw_conv_step`: the kernel over the input at one output position,
  the element-wise products written in their cells, and the feature map
  filled in up to that position.
- :func:`animate_conv`: the same picture for every position in turn.
- :func:`draw_conv_result`: input, kernel and the whole feature map.
- :func:`sum_of_products_text`: the sum at one position as a line of text.

Nothing here computes a convolution of its own: the feature map comes from
:func:`cnnlib.conv2d`, and the zeros around the input from the padding rule of
:mod:`cnnlib.shapes`, so a picture cannot disagree with the library.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation, colors
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnlib._checks import as_float_array, pair
from cnnlib.ops import conv2d
from cnnlib.plotting.grids import grid_lines, pale_norm
from cnnlib.plotting.page import (
    FONT_PT,
    MIN_FONT_PT,
    PAGE_WIDTH_IN,
    TITLE_PT,
    fit_width,
)
from cnnlib.shapes import resolve_padding

WINDOW_COLOR = "tab:orange"  # the window on the input and its cell in the map
MARK_COLOR = "tab:red"  # cells singled out, e.g. where a seed slide is wrong
PAD_COLOR = "#e8eef7"  # the zeros added around the input


def number_text(value, minus: str = "-") -> str:
    """A number as a reader writes it: ``2``, ``-1``, ``0.5`` (no ``2.0``)."""
    value = float(value)
    if value == 0:
        return "0"  # never "-0"
    text = f"{value:.0f}" if value.is_integer() else f"{value:.3g}"
    return text.replace("-", minus)


def sum_of_products_text(window, kernel) -> str:
    """The sum of the element-wise products of ``window`` and ``kernel``, written out.

    The terms follow the rows of the window, left to right, as on the slides.

    >>> sum_of_products_text([[1, 2], [4, 5]], [[1, 0], [0, -1]])
    '(1×1) + (2×0) + (4×0) + (5×-1) = -4'
    """
    window = as_float_array(window, "window")
    kernel = as_float_array(kernel, "kernel")
    if window.shape != kernel.shape:
        raise ValueError(
            "window and kernel must have the same shape; "
            f"received window.shape={window.shape}, kernel.shape={kernel.shape}"
        )
    terms = [
        f"({number_text(a)}×{number_text(b)})"
        for a, b in zip(window.ravel(), kernel.ravel(), strict=True)
    ]
    return " + ".join(terms) + f" = {number_text(np.sum(window * kernel))}"


def draw_matrix(
    values,
    ax=None,
    *,
    title=None,
    cmap="Greys",
    norm=None,
    signed=None,
    texts=None,
    blank=None,
    window=None,
    marked=None,
    first_index=(0, 0),
    fontsize=None,
):
    """Draw a small matrix as a grid of coloured cells with its numbers written in.

    Parameters
    ----------
    values : array, shape (H, W)
        The numbers; they set the cell colours.
    ax : matplotlib Axes, optional
        Where to draw (a new figure when ``None``).
    title : str, optional
        Title above the grid.
    cmap : str or Colormap
        Colour map; pale by default so that the numbers stay readable.
    norm : matplotlib Normalize, optional
        Colour scale; by default a pale one, centred on zero when ``signed``.
    signed : bool, optional
        Centre the colours on zero (default: when some value is negative).
    texts : array of str, shape (H, W), optional
        What to write in each cell (default: the values).
    blank : bool array, shape (H, W), optional
        Cells to leave white and empty (e.g. feature-map cells not computed yet).
    window : (top, left, height, width), optional
        Outline this block of cells (the kernel's current position).
    marked : bool array, shape (H, W), optional
        Outline these cells in red.
    first_index : (int, int)
        Index shown for the first row and column (``(-1, -1)`` for an input
        with one pixel of padding, so that the image keeps its own indices).
    fontsize : float, optional
        Size of the numbers in the cells.

    Returns
    -------
    matplotlib Axes
    """
    values = as_float_array(values, "values")
    if values.ndim != 2:
        raise ValueError(f"values must be a 2-D array (H, W); received shape {values.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * values.shape[1] + 0.6, 0.5 * values.shape[0] + 0.8))
    h, w = values.shape
    blank = np.zeros((h, w), bool) if blank is None else np.asarray(blank, bool)
    if signed is None:
        signed = bool(np.any(values < 0))
    if norm is None:
        norm = pale_norm(values[~blank], signed)
    if signed and cmap == "Greys":
        cmap = "RdBu_r"
    shown = np.where(blank, np.nan, values)
    cm = plt.get_cmap(cmap).with_extremes(bad="white")
    ax.imshow(shown, cmap=cm, norm=norm, interpolation="nearest")
    if texts is None:
        texts = [[number_text(v, minus="−") for v in row] for row in values]
    if fontsize is None:
        fontsize = 11 if max(h, w) <= 8 else MIN_FONT_PT
    for i in range(h):
        for j in range(w):
            if blank[i, j] or not texts[i][j]:
                continue
            rgba = cm(norm(values[i, j]))
            luminance = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]
            ax.text(
                j,
                i,
                texts[i][j],
                ha="center",
                va="center",
                fontsize=fontsize,
                color="white" if luminance < 0.45 else "black",
            )
    ax.set_xticks(np.arange(w))
    ax.set_yticks(np.arange(h))
    ax.set_xticklabels(
        [str(first_index[1] + j) for j in range(w)], fontsize=MIN_FONT_PT, color="0.4"
    )
    ax.set_yticklabels(
        [str(first_index[0] + i) for i in range(h)], fontsize=MIN_FONT_PT, color="0.4"
    )
    ax.xaxis.tick_top()
    ax.tick_params(length=0, pad=2)
    grid_lines(ax, h, w)
    if marked is not None:
        for i, j in zip(*np.nonzero(np.asarray(marked, bool)), strict=True):
            ax.add_patch(  # inset, so that neighbouring marks stay separate boxes
                Rectangle(
                    (j - 0.4, i - 0.4), 0.8, 0.8, fill=False, edgecolor=MARK_COLOR, linewidth=2
                )
            )
    if window is not None:
        top, left, wh, ww = window
        ax.add_patch(
            Rectangle(
                (left - 0.5, top - 0.5),
                ww,
                wh,
                fill=False,
                edgecolor=WINDOW_COLOR,
                linewidth=3.5,
                zorder=5,
            )
        )
    if title:
        ax.set_title(title, fontsize=11, pad=14)
    return ax


@dataclass(frozen=True)
class ConvSetup:
    """Everything a picture of one convolution needs, taken from the library.

    ``padded`` is the input with the zeros that :func:`cnnlib.conv2d` adds,
    ``fmap`` is :func:`cnnlib.conv2d`'s result.
    """

    image: np.ndarray
    kernel: np.ndarray
    stride: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]
    padded: np.ndarray
    fmap: np.ndarray

    @property
    def positions(self) -> int:
        """Number of output positions (cells of the feature map)."""
        return self.fmap.size

    def window(self, row: int, col: int):
        """``(top, left)`` in the padded input and the window at output ``(row, col)``."""
        h_out, w_out = self.fmap.shape
        for name, value, size in (("row", row, h_out), ("col", col, w_out)):
            if not 0 <= value < size:
                raise ValueError(
                    f"{name} must be between 0 and {size - 1} for a {h_out}×{w_out} feature "
                    f"map; received {name}={value!r}"
                )
        top, left = row * self.stride[0], col * self.stride[1]
        kh, kw = self.kernel.shape
        return top, left, self.padded[top : top + kh, left : left + kw]


def conv_setup(image, kernel, stride=1, padding=0) -> ConvSetup:
    """Compute the feature map with :func:`cnnlib.conv2d` and the padded input.

    ``image`` is ``(H, W)`` and ``kernel`` ``(KH, KW)``; ``stride`` and
    ``padding`` are as in :func:`cnnlib.conv2d` (``padding`` an int, a pair,
    "valid" or "same").
    """
    image = as_float_array(image, "image")
    kernel = as_float_array(kernel, "kernel")
    if image.ndim != 2:
        raise ValueError(f"image must be a 2-D array (H, W); received shape {image.shape}")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be a 2-D array (KH, KW); received shape {kernel.shape}")
    fmap = conv2d(image, kernel, stride=stride, padding=padding)  # validates every argument
    stride_hw = pair(stride, "stride")
    pads = resolve_padding(padding, image.shape, kernel.shape, stride_hw)
    return ConvSetup(image, kernel, stride_hw, pads, np.pad(image, pads), fmap)


def _product_text(a, b) -> str:
    """``1×(−1)`` over ``= −1``: one cell of the products panel."""
    right = number_text(b, "−")
    if b < 0:
        right = f"({right})"
    return f"{number_text(a, '−')}×{right}\n= {number_text(a * b, '−')}"


def _size(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


class _ConvStepPainter:
    """Draws the four panels of one convolution step; reused for every frame."""

    def __init__(self, setup: ConvSetup, fig: Figure):
        self.setup = setup
        self.fig = fig
        layout = _step_layout(setup)
        width, height = fig.get_size_inches()
        gs = fig.add_gridspec(
            layout.rows,
            4 // layout.rows,
            width_ratios=layout.width_ratios,
            height_ratios=layout.height_ratios,
            left=STEP_MARGIN_IN / width,
            right=1 - STEP_MARGIN_IN / 2 / width,
            top=1 - STEP_TOP_IN / height,
            bottom=STEP_BOTTOM_IN / height,
            wspace=STEP_GAP_IN
            / (layout.cell * sum(layout.width_ratios) / len(layout.width_ratios)),
            hspace=STEP_ROW_GAP_IN
            / (layout.cell * sum(layout.height_ratios) / len(layout.height_ratios)),
        )
        self.axes = [fig.add_subplot(spec) for spec in gs]
        self.caption = fig.text(
            0.5, 0.1 / height, "", ha="center", va="bottom", fontsize=FONT_PT, gid="sum"
        )
        self.image_norm = pale_norm(setup.padded, signed=bool(np.any(setup.padded < 0)))
        self.map_norm = pale_norm(setup.fmap, signed=True)

    def draw(self, index: int):
        s = self.setup
        row, col = divmod(int(index), s.fmap.shape[1])
        top, left, window = s.window(row, col)
        kh, kw = s.kernel.shape
        for ax in self.axes:
            ax.clear()
        ax_in, ax_k, ax_p, ax_map = self.axes

        (pt, pb), (pl, pr) = s.pads
        in_title = f"input {_size(s.image.shape)}"
        if pt or pb or pl or pr:
            in_title += f", padded to {_size(s.padded.shape)}"
        draw_matrix(
            s.padded,
            ax_in,
            title=in_title,
            norm=self.image_norm,
            window=(top, left, kh, kw),
            first_index=(-pt, -pl),
        )
        h, w = s.image.shape
        ax_in.add_patch(  # the zeros of the padding: shaded outside the image itself
            Rectangle(
                (pl - 0.5, pt - 0.5), w, h, fill=False, edgecolor="0.2", linewidth=1.2, zorder=4
            )
        )
        pad_mask = np.ones(s.padded.shape, bool)
        pad_mask[pt : pt + h, pl : pl + w] = False
        for i, j in zip(*np.nonzero(pad_mask), strict=True):
            ax_in.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color=PAD_COLOR, zorder=0.5))
        if s.stride != (1, 1):
            ax_in.set_xlabel(f"stride {s.stride[0]}" if s.stride[0] == s.stride[1] else "")

        draw_matrix(s.kernel, ax_k, title=f"kernel {_size(s.kernel.shape)}", signed=True)

        products = window * s.kernel
        small = [
            [_product_text(a, b) for a, b in zip(ra, rb, strict=True)]
            for ra, rb in zip(window, s.kernel, strict=True)
        ]
        draw_matrix(
            products,
            ax_p,
            title="window × kernel",
            signed=True,
            texts=small,
            fontsize=MIN_FONT_PT,
        )

        filled = np.arange(s.fmap.size).reshape(s.fmap.shape) <= index
        draw_matrix(
            s.fmap,
            ax_map,
            title=f"feature map {_size(s.fmap.shape)}",
            norm=self.map_norm,
            signed=True,
            blank=~filled,
            window=(row, col, 1, 1),
        )

        if s.kernel.size <= 9:
            equation = sum_of_products_text(window, s.kernel)
        else:
            value = number_text(s.fmap[row, col])
            equation = f"sum of the {s.kernel.size} products = {value}"
        rows = f"{number_text(top - pt, '−')}…{number_text(top - pt + kh - 1, '−')}"
        cols = f"{number_text(left - pl, '−')}…{number_text(left - pl + kw - 1, '−')}"
        where = f"output position (row {row}, column {col}):"
        window_text = f"window on rows {rows}, columns {cols} of the input"
        narrow = self.fig.get_size_inches()[0] < 6.5
        self.fig.suptitle(
            f"{where}{chr(10) if narrow else ' '}{window_text}",
            fontsize=TITLE_PT,
            y=1 - 0.08 / self.fig.get_size_inches()[1],
            va="top",
        )
        self.caption.set_text(equation.replace("-", "−"))
        return [*self.axes, self.caption]


# The step picture: a cell holds "1×(−1)" over "= −1" at 9 pt; between panels
# there is room for the next panel's row indices, above them for the suptitle,
# a title and the column indices, below for the sum.
STEP_CELL_IN = 0.46
STEP_GAP_IN = 0.45
STEP_ROW_GAP_IN = 0.95
STEP_MARGIN_IN = 0.35
STEP_TOP_IN = 0.95
STEP_BOTTOM_IN = 0.5


@dataclass(frozen=True)
class _StepLayout:
    """Rows of panels (1: all four side by side; 2: input and kernel above the rest)."""

    rows: int
    cell: float
    width_ratios: list
    height_ratios: list
    figsize: tuple


def _step_layout(setup: ConvSetup) -> _StepLayout:
    """The four panels in one row when they fit the page at full size, else in two."""
    (ph, pw), (kh, kw), (fh, fw) = setup.padded.shape, setup.kernel.shape, setup.fmap.shape
    extra = 3 * STEP_GAP_IN + 1.5 * STEP_MARGIN_IN
    if STEP_CELL_IN * (pw + 2 * kw + fw) + extra <= PAGE_WIDTH_IN:
        widths, heights = [pw, kw, kw, fw], [max(ph, kh, fh)]
    else:
        widths, heights = [pw, max(kw, fw)], [ph, max(kh, fh)]
        extra = STEP_GAP_IN + 1.5 * STEP_MARGIN_IN
    cell = min(STEP_CELL_IN, (PAGE_WIDTH_IN - extra) / sum(widths))
    rows = len(heights)
    height = cell * sum(heights) + STEP_TOP_IN + STEP_BOTTOM_IN + (rows - 1) * STEP_ROW_GAP_IN
    return _StepLayout(rows, cell, widths, heights, (cell * sum(widths) + extra, height))


def _figure(setup: ConvSetup, fig=None, figsize=None, dpi=None) -> Figure:
    if figsize is None:
        figsize = _step_layout(setup).figsize
    if fig is None:
        fig = plt.figure(figsize=figsize, dpi=dpi)
    else:
        fig.set_size_inches(figsize)
    return fig


def draw_conv_step(image, kernel, row, col, *, stride=1, padding=0, fig=None, figsize=None):
    """Draw one step of a convolution: the window, its products and the map so far.

    Four panels: the (padded) input with the window of output position
    ``(row, col)`` outlined; the kernel; the element-wise products of window
    and kernel, each written as ``a×b`` in its cell; and the feature map from
    :func:`cnnlib.conv2d` filled in up to ``(row, col)`` in reading order. The
    sum of the products is written underneath.

    Parameters
    ----------
    image : array, shape (H, W)
    kernel : array, shape (KH, KW)
    row, col : int
        Output position, ``0 <= row < H_out`` and ``0 <= col < W_out``.
    stride, padding :
        As in :func:`cnnlib.conv2d`.
    fig : matplotlib Figure, optional
        An empty figure to draw on (default: a new pyplot figure).
    figsize : (float, float), optional
        Size of the new figure.

    Returns
    -------
    matplotlib Figure
    """
    setup = conv_setup(image, kernel, stride, padding)
    setup.window(row, col)  # clear error for a position outside the map
    fig = _figure(setup, fig, figsize)
    _ConvStepPainter(setup, fig).draw(row * setup.fmap.shape[1] + col)
    return fig


def animate_conv(image, kernel, *, stride=1, padding=0, interval=900, figsize=None, dpi=72):
    """Animate a convolution: one frame per output position, in reading order.

    Each frame is the picture of :func:`draw_conv_step` at the next position,
    so the window slides over the input and the feature map fills in. In a
    notebook, show it with :func:`cnnlib.plotting.animation_html`: the frames
    are embedded in the page, so the animation also plays in the static book,
    and frame 0 shows before any script runs.

    ``dpi`` sets the resolution of the frames: every frame is stored as an
    image in the notebook, so it is lower than for a still figure.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        With ``H_out * W_out`` frames; ``anim.fig`` is its figure.
    """
    setup = conv_setup(image, kernel, stride, padding)
    fig = _figure(setup, figsize=figsize, dpi=dpi)
    painter = _ConvStepPainter(setup, fig)
    anim = animation.FuncAnimation(
        fig, painter.draw, frames=setup.positions, interval=interval, repeat=False
    )
    anim.fig = fig
    return anim


def draw_conv_result(
    image,
    kernel,
    *,
    stride=1,
    padding=0,
    titles=("input", "kernel", "feature map"),
    image_cmap="gray",
    numbers=None,
    figsize=None,
):
    """Draw ``input ∗ kernel = feature map`` side by side, the map from :func:`cnnlib.conv2d`.

    The input uses ``image_cmap`` (grey levels by default), the kernel and the
    map a diverging colour map centred on zero. Numbers are written in the
    cells when every grid is at most 12 cells wide (or as ``numbers`` says).

    Returns
    -------
    matplotlib Figure
    """
    setup = conv_setup(image, kernel, stride, padding)
    grids = (setup.image, setup.kernel, setup.fmap)
    if numbers is None:
        numbers = max(max(g.shape) for g in grids) <= 12
    if figsize is None:
        cols = sum(g.shape[1] for g in grids)
        height = min(0.55 * max(g.shape[0] for g in grids) + 1.5, 6)
        figsize = (fit_width(0.6 * cols + 2.5), height)
    fig, axes = plt.subplots(
        1, 3, figsize=figsize, gridspec_kw={"width_ratios": [g.shape[1] for g in grids]}
    )
    cmaps = (image_cmap, "RdBu_r", "RdBu_r")
    for ax, grid, title, cmap in zip(axes, grids, titles, cmaps, strict=True):
        signed = cmap == "RdBu_r"
        if signed:
            half = float(np.max(np.abs(grid))) or 1.0
            norm = colors.CenteredNorm(vcenter=0.0, halfrange=half)
        else:
            lo, hi = float(grid.min()), float(grid.max())
            norm = colors.Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1.0)
        label = f"{title} {_size(grid.shape)}"
        if numbers:
            draw_matrix(grid, ax, title=label, cmap=cmap, norm=norm)
        else:
            ax.imshow(grid, cmap=cmap, norm=norm)
            ax.set_title(label, fontsize=11)
            ax.set_xlabel("column")
            ax.set_ylabel("row")
    fig.subplots_adjust(left=0.06, right=0.98, top=0.8, bottom=0.12, wspace=0.45)
    for left_ax, right_ax, symbol in ((axes[0], axes[1], "∗"), (axes[1], axes[2], "=")):
        left_ax.apply_aspect()
        right_ax.apply_aspect()
        x = (left_ax.get_position().x1 + right_ax.get_position().x0) / 2
        y = (left_ax.get_position().y0 + left_ax.get_position().y1) / 2
        fig.text(x, y, symbol, fontsize=22, ha="center", va="center")
    return fig
