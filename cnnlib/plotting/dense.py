"""Pictures of the end of a CNN: flattening, fully connected layers, softmax, dropout.

- :func:`draw_steps`: small arrays side by side, joined by symbols or arrows
  (a pipeline such as image → feature map → pooled map → vector).
- :func:`draw_flatten`: where each element of a map (or a stack of maps)
  lands in the flat vector.
- :func:`draw_dense_layer`: every input joined to every output, one line per
  weight, and the parameter count.
- :func:`draw_probabilities`: class probabilities as bars.
- :func:`draw_dropout`: a vector, a few dropout draws in training, and the
  vector at inference.

The order of flattening comes from :func:`cnnlib.functional.flatten_forward`
and dropout from :func:`cnnlib.functional.dropout_forward`; nothing here
computes them on its own.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colors

from cnnlib._checks import as_float_array
from cnnlib.functional.dense import flatten_forward
from cnnlib.functional.dropout import dropout_forward
from cnnlib.plotting.grids import (
    GRID_CELL_IN,
    arrow_between,
    draw_grid,
    grid_panels,
    number_text,
    symbols_between,
)
from cnnlib.plotting.page import MIN_FONT_PT, PAGE_WIDTH_IN, fit_width

SYMBOLS = ("∗", "=", "+", "×")


def _as_grid(a):
    a = as_float_array(a, "arrays[i]")
    if a.ndim == 1:
        return a[:, None]
    if a.ndim != 2:
        raise ValueError(f"every array must be 1-D or 2-D; received shape {a.shape}")
    return a


def draw_steps(arrays, titles, operations, *, marked=None, figsize=None, decimals=2):
    """Draw small arrays side by side, joined by a symbol or a labelled arrow.

    Parameters
    ----------
    arrays : sequence of arrays, each (H, W) or (D,)
        A 1-D array is drawn as a column, as the slides draw a flat vector.
    titles : sequence of str
        One per array; its shape is added.
    operations : sequence of str
        One fewer than ``arrays``: ``"∗"``, ``"="``, ``"+"`` or ``"×"`` is
        written large between two arrays, any other text labels an arrow.
    marked : sequence of (bool array or None), optional
        Cells to outline in red, per array.
    figsize : (float, float), optional
    decimals : int

    Returns
    -------
    matplotlib Figure
    """
    grids = [_as_grid(a) for a in arrays]
    if len(titles) != len(grids) or len(operations) != len(grids) - 1:
        raise ValueError(
            f"expected {len(grids)} titles and {len(grids) - 1} operations for {len(grids)} "
            f"arrays; received {len(titles)} and {len(operations)}"
        )
    marked = marked or [None] * len(grids)
    gap = 1.05 if any(op not in SYMBOLS for op in operations) else 0.7
    # one strip when cells of 0.28 in (still room for a digit at 11 pt) fit, else rows
    room = PAGE_WIDTH_IN - 0.7 - gap * (len(grids) - 1)
    cell = room / sum(g.shape[1] for g in grids)
    fig, axes = grid_panels(
        [g.shape for g in grids],
        cell=min(cell, GRID_CELL_IN) if cell >= 0.28 else GRID_CELL_IN,
        gap=gap,
        top=0.85,
        row_gap=0.9,
        bottom=0.1,
        figsize=figsize,
    )
    axes = np.atleast_1d(axes)
    for ax, grid, title, mark in zip(axes, grids, titles, marked, strict=True):
        shape = f"{grid.shape[0]}×{grid.shape[1]}" if grid.shape[1] > 1 else f"{grid.shape[0]}"
        draw_grid(grid, ax, title=f"{title}\n{shape}", outlined=mark, decimals=decimals)
        if grid.shape[1] == 1:
            ax.set_xticks([])
    for left, right, op in zip(axes[:-1], axes[1:], operations, strict=True):
        if op in SYMBOLS:
            symbols_between(fig, [left, right], [op], gap=gap)
        else:
            arrow_between(fig, left, right, op, fontsize=MIN_FONT_PT, gap=gap)
    return fig


def flat_positions(shape):
    """The index in the flat vector of every element of an array of ``shape``.

    Read off :func:`cnnlib.functional.flatten_forward` applied to the numbers
    ``0, 1, 2, ...`` laid out in ``shape``: row by row, channels last.

    >>> flat_positions((2, 2, 2))[..., 1]
    array([[1, 3],
           [5, 7]])
    """
    shape = tuple(int(n) for n in shape)
    numbered = np.arange(int(np.prod(shape)), dtype=float).reshape((1, *shape))
    order = flatten_forward(numbered)[0][0].astype(int)  # order[k]: element placed at k
    positions = np.empty_like(order)
    positions[order] = np.arange(order.size)
    return positions.reshape(shape)


def draw_flatten(x, *, show="values", max_vector=30, figsize=None, decimals=2):
    """Draw a map, or a stack of maps, and the flat vector it becomes.

    Every cell is coloured by its position in the flat vector (from
    :func:`flat_positions`), so the same colour marks an element before and
    after flattening. A vector of up to 12 values is drawn as a column beside
    the map, as the slides draw it; a longer one as a row underneath.

    Parameters
    ----------
    x : array, shape (H, W) or (H, W, C)
    show : {"values", "index"}
        Write the values in the cells, or the index each element gets.
    max_vector : int
        Draw the vector itself only when it has at most this many elements.
    figsize : (float, float), optional
    decimals : int

    Returns
    -------
    matplotlib Figure
    """
    x = as_float_array(x, "x")
    if x.ndim not in (2, 3):
        raise ValueError(f"x must have shape (H, W) or (H, W, C); received {x.shape}")
    if show not in ("values", "index"):
        raise ValueError(f"show must be 'values' or 'index'; received show={show!r}")
    stack = x if x.ndim == 3 else x[:, :, None]
    h, w, c = stack.shape
    positions = flat_positions(stack.shape)
    flat = flatten_forward(stack[None])[0][0]
    d = flat.size
    cmap = plt.get_cmap("viridis")
    norm = colors.Normalize(vmin=0, vmax=max(d - 1, 1))

    def shade(index):
        rgb = np.asarray(cmap(norm(index)))[..., :3]
        return 0.4 * rgb + 0.6  # pale, for black numbers

    def texts_of(values, index):
        if show == "index":
            return [[str(k) for k in row] for row in index]
        return [[number_text(v, decimals) for v in row] for row in values]

    with_vector = d <= max_vector
    beside = with_vector and d <= 12
    below = with_vector and not beside
    if figsize is None:
        width = 0.5 * w * c + 1.0 * c + (1.8 if beside else 0.4)
        height = 0.5 * max(h, d if beside else 0) + 1.3 + (0.9 if below else 0)
        figsize = (fit_width(max(width, 0.5 * d + 0.8 if below else 0)), height)
    fig = plt.figure(figsize=figsize)
    # the maps in the middle of the top row, with empty columns on both sides
    units = w * c + 1.2 * (c - 1)
    pad = max((d + 2 - units) / 2, 0.01) if below else 0.01
    grid = fig.add_gridspec(
        2 if below else 1,
        c + 2 + (1 if beside else 0),
        width_ratios=[pad] + [w] * c + [pad] + ([1] if beside else []),
        height_ratios=[h, 1] if below else None,
        wspace=0.7 if beside else 1.2 / w,
        hspace=0.35,
    )
    axes = [fig.add_subplot(grid[0, k + 1]) for k in range(c)]
    for k, ax in enumerate(axes):
        draw_grid(
            stack[:, :, k],
            ax,
            title=f"map {h}×{w}" if c == 1 else f"channel {k}",
            facecolors=shade(positions[:, :, k]),
            texts=texts_of(stack[:, :, k], positions[:, :, k]),
            fontsize=MIN_FONT_PT if max(h, w) > 5 else None,
        )
    if with_vector:
        ax_vec = fig.add_subplot(grid[0, c + 2] if beside else grid[1, :])
        vector = flat[:, None] if beside else flat[None, :]
        index = np.arange(d)[:, None] if beside else np.arange(d)[None, :]
        draw_grid(
            vector,
            ax_vec,
            title=f"flat vector, {d} values",
            facecolors=shade(index),
            texts=texts_of(vector, index),
            fontsize=MIN_FONT_PT if d > 12 else None,
        )
        if beside:
            ax_vec.set_xticks([])
        else:
            ax_vec.set_yticks([])
    fig.subplots_adjust(left=0.04, right=0.97, top=0.8, bottom=0.04)
    if beside:
        arrow_between(fig, axes[-1], ax_vec, "flatten", fontsize=9)
    shape = f"{h}×{w}" if c == 1 else f"{h}×{w}×{c}"
    fig.suptitle(f"flattening {shape} → {d} values (row by row, channels last)", fontsize=11)
    return fig


def draw_dense_layer(
    w,
    b=None,
    *,
    input_labels=None,
    output_labels=None,
    ax=None,
    title=None,
):
    """Draw a fully connected layer: every input joined to every output.

    One line per weight, red for positive and blue for negative, thicker for
    larger magnitudes; the bias of each output is written beside it. The
    title counts the parameters, ``n × m + m``, from the arrays' sizes.

    Parameters
    ----------
    w : array, shape (n, m)
        Weights, as :func:`cnnlib.functional.dense_forward` takes them.
    b : array, shape (m,), optional
        Biases (zeros when ``None``).
    input_labels, output_labels : sequences of str, optional
        Written beside the nodes.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    w = as_float_array(w, "w")
    if w.ndim != 2:
        raise ValueError(f"w must be a 2-D array (n, m); received shape {w.shape}")
    n, m = w.shape
    b = np.zeros(m) if b is None else as_float_array(b, "b")
    if b.shape != (m,):
        raise ValueError(f"b must have shape ({m},) to match w.shape={w.shape}; received {b.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, max(0.3 * max(n, m) + 1.0, 2.2)))

    def ys(k):  # the longer column spans the height, the shorter at least 40 % of it
        span = 1.0 if k == max(n, m) else max((k - 1) / max(n - 1, m - 1, 1), 0.4)
        return np.linspace(0.5, -0.5, k) * span

    y_in, y_out = ys(n), ys(m)
    top = float(np.max(np.abs(w))) or 1.0
    cmap = plt.get_cmap("RdBu_r")
    for i in range(n):
        for j in range(m):
            strength = abs(w[i, j]) / top
            ax.plot(
                [0, 1],
                [y_in[i], y_out[j]],
                color=cmap(0.5 + 0.45 * np.sign(w[i, j]) * max(strength, 0.25)),
                linewidth=0.6 + 2.4 * strength,
                zorder=1,
            )
    biases = [f"b = {number_text(v)}" for v in b]
    if output_labels is not None:
        biases = [f"{label}  ({bias})" for label, bias in zip(output_labels, biases, strict=True)]
    for y_list, x0, labels, side in ((y_in, 0, input_labels, -1), (y_out, 1, biases, 1)):
        for k, y in enumerate(y_list):
            ax.scatter([x0], [y], s=110, facecolor="white", edgecolor="0.25", zorder=3)
            if labels is not None:
                ax.annotate(
                    labels[k],
                    (x0, y),
                    xytext=(side * 10, 0),
                    textcoords="offset points",
                    ha="right" if side < 0 else "left",
                    va="center",
                    fontsize=9,
                )
    count = w.size + b.size
    ax.set_title(
        title or f"dense layer: {n} × {m} weights + {m} biases = {count} parameters", fontsize=10.5
    )
    ax.set_xlim(-0.35, 1.55)
    ax.set_ylim(-0.56, 0.56)
    ax.axis("off")
    return ax


def draw_probabilities(probabilities, labels, *, ax=None, title=None):
    """Class probabilities as horizontal bars, each labelled with its percentage.

    Parameters
    ----------
    probabilities : array, shape (K,)
        For example the output of :func:`cnnlib.softmax`.
    labels : sequence of str
        The K class names.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    p = as_float_array(probabilities, "probabilities")
    if p.ndim != 1 or len(labels) != p.size:
        raise ValueError(
            f"probabilities must be 1-D with one value per label ({len(labels)}); "
            f"received shape {p.shape}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 0.5 * p.size + 1.0))
    rows = np.arange(p.size)
    ax.barh(rows, p, color=plt.get_cmap("tab10")(rows % 10), height=0.6)
    for k, value in enumerate(p):
        ax.text(min(value, 0.82) + 0.02, k, f"{100 * value:.1f} %", va="center", fontsize=10)
    ax.set_yticks(rows)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability")
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=11)
    return ax


def draw_dropout(x, rate, rng, *, draws=3, figsize=None, decimals=2):
    """A vector, a few dropout draws in training, and the same vector at inference.

    Each training row is :func:`cnnlib.functional.dropout_forward` with
    ``training=True``: dropped values are hatched, kept values are divided by
    ``1 - rate``. The last row is ``training=False``: the input unchanged.

    Parameters
    ----------
    x : array, shape (D,)
    rate : float
        Fraction dropped, ``0 <= rate < 1``.
    rng : numpy.random.Generator or int
        The source of the draws (an int seeds a new generator).
    draws : int
        Training rows.
    figsize : (float, float), optional
    decimals : int

    Returns
    -------
    matplotlib Figure
    """
    x = as_float_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D vector (D,); received shape {x.shape}")
    if isinstance(rng, (int, np.integer)):
        rng = np.random.default_rng(rng)
    rows, names, dropped = [x], ["input"], [np.zeros(x.size, bool)]
    for k in range(draws):
        out, (_, _, scaled) = dropout_forward(x, rate, training=True, rng=rng)
        kept = np.ones(x.size, bool) if scaled is None else scaled != 0
        rows.append(out)
        dropped.append(~kept)
        names.append(f"training, draw {k + 1}: kept {int(kept.sum())} of {x.size}")
    rows.append(dropout_forward(x, rate, training=False)[0])
    dropped.append(np.zeros(x.size, bool))
    names.append("inference: unchanged")
    if figsize is None:
        figsize = (0.62 * x.size + 3.8, 0.62 * len(rows) + 0.9)
    fig, axes = plt.subplots(len(rows), 1, figsize=figsize)
    top = max(float(np.max(np.abs(np.concatenate(rows)))), 1e-12)
    norm = colors.Normalize(vmin=0, vmax=1.6 * top)
    for ax, row, name, gone in zip(axes, rows, names, dropped, strict=True):
        draw_grid(
            row[None, :], ax, norm=norm, hatched=gone[None, :], indices=False, decimals=decimals
        )
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9.5)
    fig.suptitle(
        f"dropout, rate {number_text(rate)}: kept values × 1/(1 − {number_text(rate)}) = "
        f"{number_text(1 / (1 - rate))}",
        fontsize=11,
    )
    fig.subplots_adjust(left=0.36, right=0.98, top=0.9, bottom=0.03, hspace=0.35)
    return fig
