"""Pictures of pooling: the windows over the input, the value each window keeps.

- :func:`pooling_sources`: for every output cell, the input cells it comes
  from, read off cnnlib's backward pass.
- :func:`draw_pooling`: the input with its windows coloured (partial
  windows dashed, cells in no window hatched), the chosen element of each
  window in bold and outlined, and the pooled output in the windows' colours.
- :func:`draw_shift_comparison`: an image and the image shifted by a pixel,
  each plainly subsampled and max-pooled, with the output cells that the
  shift changed outlined.

The pooled values come from :func:`cnnlib.pool2d` and the output sizes from
:func:`cnnlib.conv_output_shape` (through it); nothing here pools on its own.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colors
from matplotlib.patches import Rectangle

from cnnlib._checks import as_float_array, pair
from cnnlib.functional.pooling import pool2d_backward, pool2d_forward
from cnnlib.ops import pool2d
from cnnlib.plotting.grids import MARK_COLOR, arrow_between, draw_grid, outline_cells
from cnnlib.plotting.page import fit_width

MODE_NAMES = {"max": "max", "min": "min", "avg": "average"}


def window_colors(n_windows: int, n_cols: int):
    """A (light, dark) pair of colours per window; neighbours never share one.

    Windows are numbered row by row; window ``k`` in output row ``i`` and
    column ``j`` takes pair ``(3 i + j) mod 10`` of the ``tab20`` palette, so
    left-right and up-down neighbours differ.
    """
    tab20 = plt.get_cmap("tab20").colors
    pairs = []
    for k in range(n_windows):
        i, j = divmod(k, n_cols)
        p = (3 * i + j) % 10
        pairs.append((np.array(tab20[2 * p + 1]), np.array(tab20[2 * p])))
    return pairs


def pooling_sources(x, pool_size=2, *, stride=None, mode="max", keep_partial=False):
    """Pool ``x`` and find, for each output cell, the input cells it comes from.

    The answer is read off :func:`cnnlib.functional.pool2d_backward`: the
    gradient of one output cell is non-zero exactly on the input cells that
    produced it (the first largest or smallest element for "max" and "min",
    every covered element for "avg").

    Parameters
    ----------
    x : array, shape (H, W)
    pool_size, stride, mode, keep_partial
        As in :func:`cnnlib.pool2d`.

    Returns
    -------
    out : array, shape (H_out, W_out)
        The pooled map.
    sources : bool array, shape (H_out, W_out, H, W)
        ``sources[i, j]`` marks the input cells of output ``(i, j)``.
    """
    x = as_float_array(x, "x")
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array (H, W); received shape {x.shape}")
    out, cache = pool2d_forward(
        x[None, :, :, None], pool_size, stride=stride, mode=mode, keep_partial=keep_partial
    )
    ho, wo = out.shape[1:3]
    sources = np.zeros((ho, wo, *x.shape), bool)
    for i in range(ho):
        for j in range(wo):
            dout = np.zeros_like(out)
            dout[0, i, j, 0] = 1.0
            sources[i, j] = pool2d_backward(dout, cache)[0, :, :, 0] != 0
    return out[0, :, :, 0], sources


def draw_pooling(
    x,
    pool_size=2,
    *,
    stride=None,
    mode="max",
    keep_partial=False,
    title=None,
    decimals=2,
    fig=None,
    figsize=None,
):
    """Draw the pooling of a small map: the windows, what each keeps, the output.

    Left, the input: each window in its own colour (filled when windows do
    not overlap, outlined always; partial windows at the border dashed
    beyond the map; cells in no window hatched). For "max" and "min" the
    element each window keeps is written in bold and outlined in the
    window's colour. Right, the output from :func:`cnnlib.pool2d`, each cell
    in the colour of its window.

    Parameters
    ----------
    x : array, shape (H, W)
    pool_size, stride, mode, keep_partial
        As in :func:`cnnlib.pool2d`.
    title : str, optional
        Above the figure (default: the mode, window, stride and sizes).
    decimals : int
        Decimal places of the numbers written.
    fig : matplotlib Figure, optional
        An empty figure to draw on (the explorer passes one).
    figsize : (float, float), optional

    Returns
    -------
    matplotlib Figure
    """
    x = as_float_array(x, "x")
    out, sources = pooling_sources(
        x, pool_size, stride=stride, mode=mode, keep_partial=keep_partial
    )
    (ph, pw), (h, w), (ho, wo) = pair(pool_size, "pool_size"), x.shape, out.shape
    sh, sw = (ph, pw) if stride is None else pair(stride, "stride")
    overlapping = sh < ph or sw < pw
    pairs = window_colors(ho * wo, wo)

    extra_h = max((ho - 1) * sh + ph - h, 0)  # how far partial windows stick out
    extra_w = max((wo - 1) * sw + pw - w, 0)
    if figsize is None:
        figsize = (fit_width(0.55 * (w + extra_w + wo) + 2.6), 0.55 * max(h + extra_h, ho) + 1.5)
    if fig is None:
        fig = plt.figure(figsize=figsize)
    ax_in, ax_out = fig.subplots(
        1, 2, gridspec_kw={"width_ratios": [w + extra_w, max(wo, 1)], "wspace": 0.75}
    )

    fill = np.ones((h, w, 3))
    covered = np.zeros((h, w), bool)
    for k in range(ho * wo):
        i, j = divmod(k, wo)
        top, left = i * sh, j * sw
        covered[top : top + ph, left : left + pw] = True
        if not overlapping:
            fill[top : top + ph, left : left + pw] = pairs[k][0]
    chosen = np.zeros((h, w), bool)
    if mode != "avg":
        chosen = sources.any(axis=(0, 1))
    draw_grid(
        x,
        ax_in,
        title=f"input {h}×{w}",
        facecolors=fill,
        bold=chosen,
        hatched=~covered,
        decimals=decimals,
    )
    for k in range(ho * wo):
        i, j = divmod(k, wo)
        top, left = i * sh, j * sw
        partial = top + ph > h or left + pw > w
        inset = 0.06 * (k % 3) if overlapping else 0.0
        ax_in.add_patch(
            Rectangle(
                (left - 0.5 + inset, top - 0.5 + inset),
                pw - 2 * inset,
                ph - 2 * inset,
                fill=False,
                edgecolor=pairs[k][1],
                linewidth=2.2,
                linestyle="--" if partial else "-",
                zorder=5,
                clip_on=False,
            )
        )
        if mode != "avg":
            outline_cells(ax_in, sources[i, j], color=pairs[k][1], linewidth=2.8, zorder=6)
    ax_in.set_xlim(-0.5, w - 0.5 + extra_w)
    ax_in.set_ylim(h - 0.5 + extra_h, -0.5)

    out_fill = np.array([pairs[k][0] for k in range(ho * wo)]).reshape(ho, wo, 3)
    draw_grid(out, ax_out, title=f"output {ho}×{wo}", facecolors=out_fill, decimals=decimals)
    strides = f"{sh}" if sh == sw else f"{sh}×{sw}"
    label = f"{MODE_NAMES.get(mode, mode)} pool\n{ph}×{pw}, stride {strides}"
    fig.subplots_adjust(left=0.06, right=0.97, top=0.8, bottom=0.05)
    arrow_between(fig, ax_in, ax_out, label)
    if title is None:
        title = f"{MODE_NAMES.get(mode, mode)} pooling: {h}×{w} → {ho}×{wo}" + (
            ", partial windows kept" if keep_partial and (extra_h or extra_w) else ""
        )
    fig.suptitle(title, fontsize=11)
    return fig


def draw_shift_comparison(image, shifted, *, pool_size=2, labels=("image", "shifted")):
    """Subsampling and max pooling of an image and of a shifted copy, changes outlined.

    Columns: the image, its plain subsampling (:func:`cnnlib.pool2d` with a
    1×1 window and stride ``pool_size``: every other pixel) and its max
    pooling (``pool_size`` window, same stride). Rows: the image and the
    shifted image. In the second row, the output cells that differ from the
    first row are outlined in red, and the titles count them.

    Parameters
    ----------
    image, shifted : arrays, shape (H, W)
    pool_size : int
    labels : (str, str)
        Names of the two rows.

    Returns
    -------
    matplotlib Figure
    """
    image = as_float_array(image, "image")
    shifted = as_float_array(shifted, "shifted")
    if image.ndim != 2 or image.shape != shifted.shape:
        raise ValueError(
            "image and shifted must be 2-D arrays of one shape (H, W); received "
            f"{image.shape} and {shifted.shape}"
        )

    def outputs(a):
        return a, pool2d(a, 1, stride=pool_size), pool2d(a, pool_size)

    rows = [outputs(image), outputs(shifted)]
    norm = colors.Normalize(
        vmin=min(image.min(), shifted.min()), vmax=max(image.max(), shifted.max())
    )
    fig, axes = plt.subplots(2, 3, figsize=(7.4, 5.4))
    names = ("input", f"subsampled (stride {pool_size})", f"max pooled ({pool_size}×{pool_size})")
    for r, (row, label) in enumerate(zip(rows, labels, strict=True)):
        for c, (grid, name) in enumerate(zip(row, names, strict=True)):
            ax = axes[r, c]
            ax.imshow(grid, cmap="gray_r", norm=norm, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            title = f"{name}, {grid.shape[0]}×{grid.shape[1]}" if r == 0 else ""
            if r == 1 and c > 0:
                changed = grid != rows[0][c]
                outline_cells(ax, changed, color=MARK_COLOR, linewidth=2)
                title = f"{int(changed.sum())} of {changed.size} values changed"
            ax.set_title(title, fontsize=10)
            ax.set_xlim(-0.5, grid.shape[1] - 0.5)
            ax.set_ylim(grid.shape[0] - 0.5, -0.5)
        axes[r, 0].set_ylabel(label, fontsize=11)
    fig.tight_layout()
    return fig
