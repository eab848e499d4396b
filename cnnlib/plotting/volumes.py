"""Pictures of convolution over volumes: channel by channel, and windows on an image.

The functions take arrays computed elsewhere (by :func:`cnnlib.conv2d`) and
return the matplotlib figure they drew; they do no arithmetic of their own.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from cnnlib.plotting.images import CHANNEL_COLOURS, channel_cmap, show_image, signed_limits


def show_channel_sum(volume, kernel, channel_maps, total, *, names=None, figsize=(8.2, 6)):
    """One row per channel: input channel, kernel slice, their map; then the sum.

    Parameters
    ----------
    volume : array, shape (H, W, C)
        The input, shown channel by channel with its numbers.
    kernel : array, shape (KH, KW, C)
        One filter, shown slice by slice.
    channel_maps : array, shape (H_out, W_out, C)
        ``channel_maps[:, :, c]`` is channel ``c`` convolved with slice ``c``.
    total : array, shape (H_out, W_out)
        The filter's output: the sum of the channel maps (plus any bias).
    names : sequence of str, optional
        Names of the channels; red, green and blue for three channels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    volume, kernel = np.asarray(volume), np.asarray(kernel)
    channel_maps, total = np.asarray(channel_maps), np.asarray(total)
    c = volume.shape[2] if volume.ndim == 3 else 0
    if (
        volume.ndim != 3
        or kernel.shape[2:] != (c,)
        or channel_maps.ndim != 3
        or channel_maps.shape[2] != c
        or total.shape != channel_maps.shape[:2]
    ):
        raise ValueError(
            "expected volume (H, W, C), kernel (KH, KW, C), channel_maps (H_out, W_out, C) "
            f"and total (H_out, W_out); received {volume.shape}, {kernel.shape}, "
            f"{channel_maps.shape} and {total.shape}"
        )
    names = list(names) if names is not None else list(CHANNEL_COLOURS[:c])
    lo, hi = signed_limits(np.concatenate([channel_maps.ravel(), total.ravel()]))
    klo, khi = signed_limits(kernel)
    fig = plt.figure(figsize=figsize, layout="constrained")
    grid = fig.add_gridspec(c, 4, width_ratios=[1.25, 0.85, 0.85, 1.1])
    for k in range(c):
        cmap = channel_cmap(names[k]) if names[k] in CHANNEL_COLOURS else "gray"
        show_image(
            volume[:, :, k],
            ax=fig.add_subplot(grid[k, 0]),
            numbers=True,
            cmap=cmap,
            vmin=0,
            vmax=max(float(volume.max()), 1.0),
            title=f"{names[k]} channel",
        )
        show_image(
            kernel[:, :, k],
            ax=fig.add_subplot(grid[k, 1]),
            numbers=True,
            signed=True,
            vmin=klo,
            vmax=khi,
            title=f"∗ {names[k]} slice of the filter",
        )
        show_image(
            channel_maps[:, :, k],
            ax=fig.add_subplot(grid[k, 2]),
            numbers=True,
            signed=True,
            vmin=lo,
            vmax=hi,
            title=f"= {names[k]} map",
        )
    show_image(
        total,
        ax=fig.add_subplot(grid[c // 2, 3]),
        numbers=True,
        signed=True,
        vmin=lo,
        vmax=hi,
        title=" + ".join(n[0].upper() for n in names) + " maps: the output",
    )
    return fig


def show_windows(image, window: int, stride: int, *, ax=None, title=None, figsize=(4.5, 4.5)):
    """An image with every position of a square window outlined and numbered.

    For a few large windows (the four quadrants of an image, say); each
    outline is labelled with the output position ``(i, j)`` it produces.

    Parameters
    ----------
    image : array, shape (H, W) or (H, W, 3)
    window : int
        Side of the window in pixels.
    stride : int
        Step between neighbouring windows.

    Returns
    -------
    matplotlib.figure.Figure
    """
    image = np.asarray(image)
    h, w = image.shape[:2]
    if window > min(h, w):
        raise ValueError(f"window must fit in the image: window={window} but image is {h}×{w}")
    fig = show_image(image, ax=ax, title=title, figsize=figsize)
    ax = fig.axes[0] if ax is None else ax
    colours = plt.get_cmap("tab10").colors
    rows = range(0, h - window + 1, stride)
    cols = range(0, w - window + 1, stride)
    for i, top in enumerate(rows):
        for j, left in enumerate(cols):
            colour = colours[(i * len(cols) + j) % len(colours)]
            inset = 0.03 * window
            ax.add_patch(
                Rectangle(
                    (left - 0.5 + inset, top - 0.5 + inset),
                    window - 2 * inset,
                    window - 2 * inset,
                    fill=False,
                    edgecolor=colour,
                    linewidth=2.5,
                )
            )
            ax.text(
                left + window / 2,
                top + window / 2,
                f"output ({i}, {j})",
                ha="center",
                va="center",
                color="white",
                fontsize=9,
                bbox={"facecolor": colour, "alpha": 0.85, "edgecolor": "none"},
            )
    if len(rows) <= 8 and len(cols) <= 8:  # ticks on the window edges (pixel borders)
        for axis, starts in ((ax.yaxis, rows), (ax.xaxis, cols)):
            edges = [*starts, starts[-1] + window]
            axis.set_ticks([e - 0.5 for e in edges], labels=[str(e) for e in edges])
    return fig
