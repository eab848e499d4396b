"""Pictures of activation functions: each curve beside its derivative.

- :func:`activation_curve`: the values and the derivative of an activation on
  a range of inputs, both from cnnlib (the derivative from the backward
  function).
- :func:`plot_activation`: one activation and its derivative on one axes.
- :func:`plot_activations`: a panel per activation.
- :func:`plot_overlay`: several activations on shared axes (and their
  derivatives on a second one), as the explorer shows them.
- :func:`draw_rectified`: a feature map before and after an activation, the
  changed cells outlined.
- :func:`plot_dead_units`: how many units of a layer are dead, step by step.

Nothing here computes an activation of its own: values come from the forward
functions of :mod:`cnnlib.functional` and derivatives from their backward
partners.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colors

from cnnlib._checks import as_float_array
from cnnlib.functional.activations import (
    get_activation,
    radial_basis_backward,
    radial_basis_forward,
    softmax_backward,
    softmax_forward,
)
from cnnlib.plotting.grids import arrow_between, draw_grid, pale_norm
from cnnlib.plotting.images import signed_limits
from cnnlib.plotting.page import MIN_FONT_PT, fit_panels

# The activations of the seed decks, in the order the book presents them.
SEED_ACTIVATIONS = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "softplus",
    "swish",
    "softmax",
    "radial_basis",
)
LABELS = {
    "linear": "linear",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "selu": "SELU",
    "softplus": "softplus",
    "swish": "swish",
    "softmax": "softmax of (x, 0)",
    "radial_basis": "radial basis",
}
CURVE_COLOR = "tab:blue"
SLOPE_COLOR = "tab:orange"


def activation_curve(name, x, **options):
    """Values and derivative of the activation ``name`` at every point of ``x``.

    Both come from cnnlib: the forward function and its backward partner
    (given an output gradient of ones, a backward function returns the
    derivative itself). Two names are not element-wise activations of
    :data:`cnnlib.functional.ACTIVATIONS` and are read as follows:

    - ``"radial_basis"``: :func:`cnnlib.functional.radial_basis_forward`
      (``options`` ``center`` and ``epsilon``).
    - ``"softmax"``: the first probability of ``softmax((x, 0))``, two class
      scores of which the second is held at 0, and its derivative with
      respect to ``x`` (from :func:`cnnlib.functional.softmax_backward`).

    Parameters
    ----------
    name : str
        A key of :data:`cnnlib.functional.ACTIVATIONS` or ``"radial_basis"``.
    x : array, shape (M,)
    **options
        Passed to the forward function (``slope``, ``alpha``, ``center``,
        ``epsilon``).

    Returns
    -------
    y, dy : arrays, shape (M,)
    """
    x = as_float_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array of inputs; received shape {x.shape}")
    if name == "softmax":
        if options:
            raise TypeError(f"softmax takes no options; received {sorted(options)}")
        scores = np.stack([x, np.zeros_like(x)], axis=-1)  # (M, 2)
        out, cache = softmax_forward(scores)
        dout = np.zeros_like(out)
        dout[:, 0] = 1.0  # the gradient of the first probability
        return out[:, 0], softmax_backward(dout, cache)[:, 0]
    if name == "radial_basis":
        forward, backward = radial_basis_forward, radial_basis_backward
    else:
        forward, backward = get_activation(name)
    out, cache = forward(x, **options)
    return out, backward(np.ones_like(out), cache)


def with_gaps(x, dy):
    """``x`` and ``dy`` with a NaN point inserted at every jump, so a plotted line breaks there.

    ReLU's derivative jumps from 0 to 1 at 0; drawing the jump as a vertical
    line would suggest values that the derivative never takes.

    >>> with_gaps(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([0.0, 0.0, 1.0, 1.0]))
    (array([-2., -1.,  0.,  1.,  2.]), array([ 0.,  0., nan,  1.,  1.]))
    """
    x, dy = np.asarray(x, dtype=float), np.asarray(dy, dtype=float)
    span = float(np.nanmax(dy) - np.nanmin(dy)) if dy.size else 0.0
    if span == 0:
        return x, dy
    steps = np.abs(np.diff(dy))
    padded = np.concatenate([[0.0], steps, [0.0]])
    neighbours = np.maximum(padded[:-2], padded[2:])
    # a jump: a step of more than 5 % of the range, and 5 times either neighbouring step
    after = np.nonzero((steps > 0.05 * span) & (steps > 5 * neighbours))[0] + 1
    middle = (x[after - 1] + x[after]) / 2
    return np.insert(x, after, middle), np.insert(dy, after, np.nan)


def _style_axes(ax, x):
    ax.axhline(0, color="0.6", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.6", linewidth=0.8, zorder=0)
    ax.set_xlim(float(x[0]), float(x[-1]))
    ax.grid(alpha=0.3)
    ax.set_xlabel("input x")


def plot_activation(name, x=None, ax=None, *, derivative=True, title=None, **options):
    """Draw one activation (solid) and, dashed, its derivative from cnnlib's backward.

    Parameters
    ----------
    name : str
        As in :func:`activation_curve`.
    x : array, shape (M,), optional
        Inputs, increasing (default: 401 points from -5 to 5).
    ax : matplotlib Axes, optional
        Where to draw (a new figure when ``None``).
    derivative : bool
        Also draw the derivative.
    title : str, optional
        Default: the activation's name.
    **options
        Passed to the forward function.

    Returns
    -------
    matplotlib Axes
    """
    x = np.linspace(-5, 5, 401) if x is None else as_float_array(x, "x")
    y, dy = activation_curve(name, x, **options)
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3))
    ax.plot(x, y, color=CURVE_COLOR, linewidth=2, label="f(x)")
    if derivative:
        ax.plot(*with_gaps(x, dy), color=SLOPE_COLOR, linewidth=1.8, linestyle="--", label="f′(x)")
    _style_axes(ax, x)
    ax.set_title(LABELS.get(name, name) if title is None else title, fontsize=11)
    return ax


def plot_activations(names=SEED_ACTIVATIONS, x=None, *, ncols=4, options=None, figsize=None):
    """One panel per activation, each with its derivative; one shared legend.

    Parameters
    ----------
    names : sequence of str
        Activations, as in :func:`activation_curve`.
    x : array, optional
        Inputs (default: 401 points from -5 to 5).
    ncols : int
        Panels per row (fewer when they would not fit the page at 2.1 in each).
    options : dict, optional
        ``{name: {option: value}}``, e.g. ``{"leaky_relu": {"slope": 0.1}}``.
    figsize : (float, float), optional

    Returns
    -------
    matplotlib Figure
    """
    names = list(names)
    if not names:
        raise ValueError("names must list at least one activation; received none")
    options = options or {}
    nrows, ncols, size = fit_panels(len(names), 2.1, 2.1, ncols=ncols, extra_height=0.5)
    figsize = size if figsize is None else figsize
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        plot_activation(name, x, ax, **options.get(name, {}))
        ax.set_xlabel("")
        ax.tick_params(labelsize=MIN_FONT_PT)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    handles, _ = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles,
        ["activation f(x)", "derivative f′(x), from backward"],
        loc="lower center",
        ncol=2,
        frameon=False,
    )
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def plot_overlay(names, x=None, *, derivative=True, options=None, fig=None, figsize=(8.2, 3.4)):
    """Several activations on one axes and, beside it, their derivatives.

    Parameters
    ----------
    names : sequence of str
        As in :func:`activation_curve`.
    x : array, optional
        Inputs (default: 401 points from -5 to 5).
    derivative : bool
        Add the second axes with the derivatives.
    options : dict, optional
        ``{name: {option: value}}``.
    fig : matplotlib Figure, optional
        An empty figure to draw on (the explorer passes one).
    figsize : (float, float)

    Returns
    -------
    matplotlib Figure
    """
    x = np.linspace(-5, 5, 401) if x is None else as_float_array(x, "x")
    options = options or {}
    if fig is None:
        fig = plt.figure(figsize=figsize)
    axes = fig.subplots(1, 2 if derivative else 1, squeeze=False)[0]
    palette = plt.get_cmap("tab10")
    for k, name in enumerate(names):
        y, dy = activation_curve(name, x, **options.get(name, {}))
        axes[0].plot(x, y, color=palette(k % 10), linewidth=2, label=LABELS.get(name, name))
        if derivative:
            axes[1].plot(*with_gaps(x, dy), color=palette(k % 10), linewidth=2, linestyle="--")
    axes[0].set_title("activation f(x)", fontsize=11)
    axes[0].set_ylabel("f(x)")
    if derivative:
        axes[1].set_title("derivative f′(x), from backward", fontsize=11)
        axes[1].set_ylabel("f′(x)")
    for ax in axes:
        _style_axes(ax, x)
    if names:
        axes[0].legend(fontsize=MIN_FONT_PT, loc="upper left")
    fig.tight_layout()
    return fig


def draw_rectified(
    feature_map,
    activation="relu",
    *,
    titles=("feature map", None),
    image=None,
    numbers=None,
    fig=None,
    figsize=None,
    **options,
):
    """A feature map beside the same map after an activation, changed cells outlined.

    The activation comes from :func:`cnnlib.functional.get_activation`; both
    maps share one colour scale centred on zero (``RdBu_r``), so the negative
    (blue) cells that ReLU sets to zero turn white. A large map is drawn as an
    image, its colours saturating at the 99th percentile of the magnitudes so
    that a few extreme values do not wash out the rest.

    Parameters
    ----------
    feature_map : array, shape (H, W)
    activation : str
        A key of :data:`cnnlib.functional.ACTIVATIONS`.
    titles : (str, str or None)
        Titles of the two maps (the second defaults to "after <activation>").
    image : array, shape (H0, W0), optional
        The grey-level image the map was computed from, drawn first.
    numbers : bool, optional
        Write the numbers (default: when the map is at most 12 cells wide).
    fig : matplotlib Figure, optional
    figsize : (float, float), optional
    **options
        Passed to the activation (``slope``, ``alpha``).

    Returns
    -------
    matplotlib Figure
    """
    fmap = as_float_array(feature_map, "feature_map")
    if fmap.ndim != 2:
        raise ValueError(f"feature_map must be a 2-D array (H, W); received shape {fmap.shape}")
    forward, _ = get_activation(activation)
    out = forward(fmap, **options)[0]
    h, w = fmap.shape
    if numbers is None:
        numbers = max(h, w) <= 12
    panels = 2 if image is None else 3
    if figsize is None:
        if numbers:
            figsize = (1.1 * w + 2.6 + (1.1 * w if image is not None else 0), 0.55 * h + 1.4)
        else:
            figsize = (3.6 * panels, 3.6 * h / w + 0.7)
    if fig is None:
        fig = plt.figure(figsize=figsize)
    axes = fig.subplots(1, panels)
    if numbers:  # pale enough for the numbers written on top
        norm = pale_norm(fmap, signed=True)
    else:
        norm = colors.CenteredNorm(vcenter=0.0, halfrange=signed_limits(fmap, 99)[1])
    second = titles[1] or f"after {LABELS.get(activation, activation)}"
    if image is not None:
        image = as_float_array(image, "image")
        if image.ndim != 2:
            raise ValueError(f"image must be a 2-D array (H, W); received shape {image.shape}")
        if numbers:
            draw_grid(image, axes[0], title=f"image {image.shape[0]}×{image.shape[1]}")
        else:
            axes[0].imshow(image, cmap="gray", interpolation="nearest")
            axes[0].set_title(f"image {image.shape[0]}×{image.shape[1]}", fontsize=11)
            axes[0].set_xticks([])
            axes[0].set_yticks([])
    ax_map, ax_out = axes[-2:]
    if numbers:
        draw_grid(fmap, ax_map, title=f"{titles[0]} {h}×{w}", cmap="RdBu_r", norm=norm)
        draw_grid(
            out, ax_out, title=f"{second} {h}×{w}", cmap="RdBu_r", norm=norm, outlined=out != fmap
        )
        fig.subplots_adjust(left=0.06, right=0.97, top=0.78, bottom=0.06, wspace=0.6)
        arrow_between(fig, ax_map, ax_out, LABELS.get(activation, activation))
    else:
        for ax, grid, title in zip((ax_map, ax_out), (fmap, out), (titles[0], second), strict=True):
            ax.imshow(grid, cmap="RdBu_r", norm=norm, interpolation="nearest")
            ax.set_title(f"{title} {h}×{w}", fontsize=11)
            ax.set_xticks([])
            ax.set_yticks([])
        fig.tight_layout()
    return fig


def plot_dead_units(dead_counts, units, *, boundary=None, ax=None, title=None):
    """Dead units of a layer (zero for every training example) against the training step.

    Parameters
    ----------
    dead_counts : dict of str to sequence of int
        For each run (e.g. "ReLU", "leaky ReLU"), the number of dead units
        before each step.
    units : int
        Units in the layer (the top of the y axis).
    boundary : int, optional
        A step to mark with a vertical line (e.g. where the learning rate drops).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.2))
    for label, counts in dead_counts.items():
        ax.plot(np.arange(len(counts)), counts, linewidth=2, label=label)
    if boundary is not None:
        ax.axvline(boundary, color="0.4", linestyle=":", linewidth=1.2)
    ax.set_ylim(0, units)
    ax.set_xlabel("training step")
    ax.set_ylabel(f"units (of {units}) that are\nzero for every example")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title, fontsize=11)
    return ax


__all__ = [
    "SEED_ACTIVATIONS",
    "activation_curve",
    "draw_rectified",
    "plot_activation",
    "plot_activations",
    "plot_dead_units",
    "plot_overlay",
]
