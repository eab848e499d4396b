"""Pictures of a training run: learning curves, a confusion matrix, images with their
labels, learned filters and the feature maps of one image at each depth.

Every function takes numbers computed elsewhere (a :class:`~cnnlib.History`,
a confusion matrix counted with NumPy, a layer's kernel, a layer's output) and
returns the matplotlib figure it drew; none of them trains or predicts.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.ticker import PercentFormatter

from cnnlib.plotting.images import SIGNED_CMAP, signed_limits
from cnnlib.plotting.page import MIN_FONT_PT, PAGE_WIDTH_IN

ACTIVATION_CMAP = "viridis"  # non-negative feature maps: dark is 0, yellow is strong
TRAIN_COLOUR, VALIDATION_COLOUR = "tab:blue", "tab:orange"
STRIP_HEIGHT = 0.55  # height of a dense layer's row, relative to a row of maps
SMALL_STRIP = 16  # a strip this short gets one tick per value
LABEL_WIDTH_IN = 1.6  # the row labels left of the feature maps


def _history_dict(history) -> dict[str, list[float]]:
    """``history.history`` for a :class:`~cnnlib.History`, or the dict itself."""
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or not values:
        raise ValueError(
            "history must be what fit() returns, or a dict such as {'loss': [...]}; "
            f"received {history!r}"
        )
    return values


def plot_history(history, *, metrics=None, figsize=None, xlabel="epoch"):
    """Learning curves: one panel per metric, training and validation values per epoch.

    Parameters
    ----------
    history : History or dict
        What :meth:`Sequential.fit` returned, or its ``history`` dict
        (``{"loss": [...], "val_loss": [...], "accuracy": [...], ...}``).
    metrics : sequence of str, optional
        Which metrics to draw; by default every key that does not start with
        ``val_`` (for example ``loss`` and ``accuracy``). A ``val_`` curve is
        drawn beside each one that has it.
    figsize : (float, float), optional
        Size of the figure; 4.2 inches wide per panel by default.
    xlabel : str
        What one value stands for, when it is not an epoch (for example
        ``"round of 750 images"`` for a history gathered from shorter fits).

    Returns
    -------
    matplotlib.figure.Figure
        Accuracy panels are in per cent; epochs (or rounds) are counted from 1.
    """
    values = _history_dict(history)
    if metrics is None:
        metrics = [key for key in values if not key.startswith("val_")]
    missing = [m for m in metrics if m not in values]
    if missing or not metrics:
        raise ValueError(f"metrics must be among {sorted(values)}; received {list(metrics)}")
    fig, axes = plt.subplots(
        1, len(metrics), figsize=figsize or (4.2 * len(metrics), 3.2), layout="constrained"
    )
    for ax, metric in zip(np.atleast_1d(axes), metrics, strict=True):
        for key, label, colour in (
            (metric, "training", TRAIN_COLOUR),
            (f"val_{metric}", "validation", VALIDATION_COLOUR),
        ):
            if key in values:
                epochs = np.arange(1, len(values[key]) + 1)
                ax.plot(epochs, values[key], marker=".", color=colour, label=label)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(metric)
        if metric == "accuracy":
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def show_confusion_matrix(matrix, *, labels=None, title=None, ax=None, figsize=(5.2, 4.6)):
    """Counts of (true class, predicted class): the diagonal is right, the rest are mistakes.

    Parameters
    ----------
    matrix : array of int, shape (K, K)
        ``matrix[i, j]`` is the number of examples of class ``i`` predicted
        as ``j``.
    labels : sequence of str, optional
        Names of the K classes; ``0``, ``1``, ... by default.
    title : str, optional
    ax : matplotlib Axes, optional
        Where to draw; a new figure when ``None``.
    figsize : (float, float)
        Size of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Every non-zero count is written in its cell; cells off the diagonal
        that are not zero are outlined in red.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"matrix must be square, shape (K, K); received shape {matrix.shape}")
    k = matrix.shape[0]
    labels = [str(i) for i in range(k)] if labels is None else [str(lab) for lab in labels]
    if len(labels) != k:
        raise ValueError(f"labels must name the {k} classes; received {len(labels)} labels")
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    fig = ax.figure
    # A logarithmic feel without a log scale: the square root keeps small counts visible.
    norm = Normalize(0, math.sqrt(max(int(matrix.max()), 1)))
    ax.imshow(np.sqrt(matrix), cmap="Blues", norm=norm)
    for i in range(k):
        for j in range(k):
            if matrix[i, j]:
                dark = math.sqrt(matrix[i, j]) > 0.6 * norm.vmax
                ax.text(
                    j,
                    i,
                    str(int(matrix[i, j])),
                    ha="center",
                    va="center",
                    fontsize=MIN_FONT_PT,
                    color="white" if dark else "black",
                )
                if i != j:
                    ax.add_patch(
                        plt.Rectangle(
                            (j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=1.2
                        )
                    )
    ax.set_xticks(range(k), labels)
    ax.set_yticks(range(k), labels)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    return fig


def _grid(n: int, ncols: int, cell: float, extra_height: float = 0.0):
    """A figure with ``n`` small axes in rows of ``ncols``; the spare axes are hidden.

    When ``ncols`` cells do not fit the page, the rows are shortened (to rows of
    equal length, as far as ``n`` allows) rather than the cells.
    """
    ncols = max(1, min(ncols, n))
    fitting = max(1, int(PAGE_WIDTH_IN // cell))
    if ncols > fitting:
        ncols = math.ceil(n / math.ceil(n / fitting))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(cell * ncols, cell * nrows + extra_height),
        layout="constrained",
        squeeze=False,
    )
    axes = axes.ravel()
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[n:]:
        ax.axis("off")
    return fig, axes[:n]


def _as_images(images, name: str = "images") -> np.ndarray:
    """``(N, H, W)`` from ``(N, H, W)`` or ``(N, H, W, 1)``."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(
            f"{name} must have shape (N, H, W) or (N, H, W, 1) with N >= 1; "
            f"received shape {images.shape}"
        )
    return images


def show_image_grid(
    images,
    *,
    titles=None,
    ncols: int = 10,
    cmap="gray",
    vmin=0.0,
    vmax=1.0,
    suptitle=None,
    cell: float = 1.0,
    title_colours=None,
):
    """Small grayscale images in rows, each with an optional title (its label).

    Parameters
    ----------
    images : array, shape (N, H, W) or (N, H, W, 1)
    titles : sequence of str, optional
        One per image, for example ``"true 3, predicted 8"``.
    ncols : int
        Images per row.
    cmap, vmin, vmax
        Colour map and the values drawn black and white (0 and 1 by default,
        the range of :func:`cnnlib.datasets.load_digits`).
    suptitle : str, optional
        Title of the whole figure.
    cell : float
        Size of one image in inches.
    title_colours : sequence of str, optional
        A colour per title (for example red for a mistake).

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = _as_images(images)
    n = len(images)
    for name, seq in (("titles", titles), ("title_colours", title_colours)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"{name} must have one entry per image ({n}); received {len(seq)}")
    fig, axes = _grid(n, ncols, cell, extra_height=0.3 if titles is not None else 0.0)
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        if titles is not None:
            colour = title_colours[i] if title_colours is not None else "black"
            ax.set_title(titles[i], fontsize=MIN_FONT_PT, color=colour)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def show_kernels(kernel, *, ncols: int = 8, suptitle=None, cell: float = 0.95):
    """The filters of a convolution with one input channel, each as a small signed picture.

    Parameters
    ----------
    kernel : array, shape (KH, KW, 1, C_out) or (KH, KW, C_out)
        A ``Conv2D`` layer's ``params["kernel"]`` (one input channel).
    ncols : int
        Filters per row.
    suptitle : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        All filters share one colour scale, ``RdBu_r`` centred on zero (red
        weights add the pixel, blue ones subtract it), with a colour bar.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim == 4 and kernel.shape[2] == 1:
        kernel = kernel[:, :, 0, :]
    if kernel.ndim != 3:
        raise ValueError(
            "kernel must have shape (KH, KW, 1, C_out) or (KH, KW, C_out), one input "
            f"channel; received shape {kernel.shape}"
        )
    lo, hi = signed_limits(kernel)
    fig, axes = _grid(kernel.shape[2], ncols, cell, extra_height=0.3)
    for k, ax in enumerate(axes):
        image = ax.imshow(kernel[:, :, k], cmap=SIGNED_CMAP, vmin=lo, vmax=hi)
        ax.set_title(f"filter {k}", fontsize=MIN_FONT_PT)
    fig.colorbar(image, ax=list(axes), label="weight", shrink=0.8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def show_feature_maps_by_depth(stages, *, max_channels: int = 8, cell: float = 1.0, suptitle=None):
    """One row per stage of a network: the input, then the outputs of its layers.

    Parameters
    ----------
    stages : sequence of (str, array)
        A label and one example's array: ``(H, W)`` or ``(H, W, C)`` for an
        image or feature maps (the first ``max_channels`` channels are drawn),
        ``(n,)`` for the output of a dense layer (drawn as a strip of ``n``
        cells).
    max_channels : int
        Channels drawn per row.
    cell : float
        Size of one map in inches.
    suptitle : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Each row has one colour scale from 0 to the row's largest value
        (``viridis``; the first row, the input, in ``gray``), so a channel that
        stays dark is one that did not respond.
    """
    stages = list(stages)
    if not stages:
        raise ValueError("stages must hold at least one (label, array) pair")
    arrays = []
    for label, values in stages:
        values = np.asarray(values, dtype=float)
        if values.ndim == 2:
            values = values[..., None]
        if values.ndim not in (1, 3) or values.size == 0:
            raise ValueError(
                f"stage {label!r} must have shape (H, W), (H, W, C) or (n,); "
                f"received shape {values.shape}"
            )
        arrays.append((label, values))
    # Channels that do not fit the page in one row go on more rows of equal length.
    fitting = max(1, int((PAGE_WIDTH_IN - LABEL_WIDTH_IN) // cell))
    widest = (
        max(min(v.shape[2], max_channels) for _, v in arrays if v.ndim == 3)
        if any(v.ndim == 3 for _, v in arrays)
        else 1
    )
    per_row = math.ceil(widest / math.ceil(widest / fitting))
    lines = [
        1 if values.ndim == 1 else math.ceil(min(values.shape[2], max_channels) / per_row)
        for _, values in arrays
    ]
    heights = []
    for (_, values), n in zip(arrays, lines, strict=True):
        heights += [STRIP_HEIGHT] if values.ndim == 1 else [1.0] * n
    fig = plt.figure(
        figsize=(cell * per_row + LABEL_WIDTH_IN, cell * sum(heights) + 0.4),
        layout="constrained",
    )
    grid = fig.add_gridspec(len(heights), per_row, height_ratios=heights)
    firsts = np.cumsum([0, *lines[:-1]])
    for row, (label, values), first in zip(range(len(arrays)), arrays, firsts, strict=True):
        cmap = "gray" if row == 0 else ACTIVATION_CMAP
        vmax = float(values.max()) if values.max() > 0 else 1.0
        vmin = min(0.0, float(values.min()))
        if values.ndim == 1:
            ax = fig.add_subplot(grid[first, :])
            ax.imshow(values[None, :], cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
            ax.set_yticks([])
            ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
            ax.set_xlabel(f"{values.size} values", fontsize=MIN_FONT_PT)
            if values.size <= SMALL_STRIP:
                ax.set_xticks(range(values.size))
            ax.tick_params(labelsize=MIN_FONT_PT)
            continue
        channels = min(values.shape[2], max_channels)
        for c in range(channels):
            ax = fig.add_subplot(grid[first + c // per_row, c % per_row])
            ax.imshow(values[:, :, c], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
            if values.shape[2] > 1:
                ax.set_title(f"ch {c}", fontsize=MIN_FONT_PT)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
