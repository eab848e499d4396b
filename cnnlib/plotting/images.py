"""Pictures of images as arrays: numbers over pixels, colour channels, filter results.

Every function takes arrays (computed elsewhere, by :mod:`cnnlib`) and returns
the matplotlib figure it drew on; none of them does any convolution itself.

Colour maps follow the data: ``gray`` for brightness, a black-to-colour ramp
for one colour channel, and ``RdBu_r`` centred on zero for signed responses
(blue below zero, white at zero, red above).
"""

from __future__ import annotations

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, Normalize

from cnnlib.plotting.page import FONT_PT, MIN_FONT_PT, PAGE_WIDTH_IN, fit_panels, fit_width

CHANNEL_COLOURS = ("red", "green", "blue")
SIGNED_CMAP = "RdBu_r"
SMALL = 64  # arrays up to this size are drawn as sharp squares, one per pixel


def channel_cmap(colour: str) -> LinearSegmentedColormap:
    """Black (0) to pure ``colour`` (full intensity): the light one channel emits."""
    return LinearSegmentedColormap.from_list(f"black_{colour}", ["black", colour])


def format_number(value: float) -> str:
    """A short label for a matrix entry: ``3``, ``-0.5``, ``1/9``, ``0.27``."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    fraction = Fraction(value).limit_denominator(64)
    if abs(float(fraction) - value) < 1e-9 and fraction.denominator > 4:
        return f"{fraction.numerator}/{fraction.denominator}"
    return f"{value:.3g}"


def signed_limits(values, percentile: float = 100.0) -> tuple[float, float]:
    """Limits ``(-m, m)`` symmetric about zero, ``m`` the given percentile of ``|values|``.

    A percentile below 100 keeps a few extreme pixels from washing out the
    rest; those pixels are then drawn in the end colours.
    """
    m = float(np.percentile(np.abs(np.asarray(values, dtype=float)), percentile))
    m = m if m > 0 else 1.0  # an all-zero map still needs a valid colour scale
    return -m, m


def _new_axes(ax, figsize):
    """The figure and axes to draw on: ``ax``'s, or a new figure's."""
    if ax is None:
        ax = plt.figure(figsize=figsize, layout="constrained").add_subplot()
    return ax.figure, ax


def _label_axes(ax, shape, max_ticks: int = 16) -> None:
    """Row and column labels; one tick per pixel when there are few pixels."""
    rows, cols = shape[:2]
    if rows <= max_ticks and cols <= max_ticks:
        ax.set_xticks(range(cols))
        ax.set_yticks(range(rows))
    ax.set_xlabel("column $j$")
    ax.set_ylabel("row $i$")


def _display_values(image):
    """What imshow should draw for an RGB array: floats in [0, 1]."""
    image = np.asarray(image)
    if np.issubdtype(image.dtype, np.integer) or image.max() > 1:
        return np.clip(image / 255.0, 0, 1)
    return np.clip(image, 0, 1)


def show_image(
    image,
    *,
    ax=None,
    numbers: bool = False,
    cmap="gray",
    vmin: float | None = None,
    vmax: float | None = None,
    signed: bool = False,
    title: str | None = None,
    colorbar: str | None = None,
    fontsize: float | None = None,
    figsize=(4, 4),
):
    """Draw a 2-D array as a picture, or an ``(H, W, 3)`` array as a colour image.

    Parameters
    ----------
    image : array, shape (H, W) or (H, W, 3)
        Brightness values, or red, green and blue values per pixel
        (integers 0 to 255, or floats 0 to 1).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when ``None``.
    numbers : bool
        Write each value on its pixel (for small arrays). A colour pixel gets
        its three values, one above the other.
    cmap : str or Colormap
        Colour map of a 2-D array (ignored for colour images).
    vmin, vmax : float, optional
        The values drawn black and white. By default 0 and 255 for an integer
        array, the smallest and largest value otherwise.
    signed : bool
        Draw with the diverging ``RdBu_r`` map centred on zero (for feature
        maps with negative values).
    title : str, optional
        Title of the axes.
    colorbar : str, optional
        Add a colour bar with this label.
    fontsize : float, optional
        Size of the numbers.
    figsize : (float, float)
        Size of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = np.asarray(image)
    if values.ndim not in (2, 3) or (values.ndim == 3 and values.shape[2] != 3):
        raise ValueError(
            f"image must have shape (H, W) or (H, W, 3); received shape {values.shape}"
        )
    fig, ax = _new_axes(ax, figsize)
    # Small arrays: every pixel a sharp square. Photos: smooth resampling, no aliasing.
    interpolation = "nearest" if max(values.shape[:2]) <= SMALL else "antialiased"
    if values.ndim == 3:
        ax.imshow(_display_values(values), interpolation=interpolation)
        norm, cm = None, None
    else:
        if signed:
            cm = plt.get_cmap(SIGNED_CMAP)
            lo, hi = signed_limits(values)
            vmin = lo if vmin is None else vmin
            vmax = hi if vmax is None else vmax
        else:
            cm = plt.get_cmap(cmap)
            integer = np.issubdtype(values.dtype, np.integer)
            vmin = (0 if integer else float(values.min())) if vmin is None else vmin
            vmax = (255 if integer else float(values.max())) if vmax is None else vmax
        norm = Normalize(vmin=vmin, vmax=vmax)
        mappable = ax.imshow(values, cmap=cm, norm=norm, interpolation=interpolation)
        if colorbar:
            fig.colorbar(mappable, ax=ax, label=colorbar, shrink=0.8)
    if numbers:
        _write_numbers(ax, values, cm, norm, fontsize)
    _label_axes(ax, values.shape)
    if title:
        ax.set_title(title)
    return fig


def _write_numbers(ax, values, cmap, norm, fontsize) -> None:
    """Write every value on its pixel, dark text on light pixels and light on dark."""
    rows, cols = values.shape[:2]
    size = fontsize or max(5.0, min(11.0, 90.0 / max(rows, cols)))
    for i in range(rows):
        for j in range(cols):
            if values.ndim == 3:
                rgb = _display_values(values[i, j])
                text = "\n".join(format_number(v) for v in values[i, j])
            else:
                rgb = cmap(norm(values[i, j]))[:3]
                text = format_number(values[i, j])
            luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
            colour = "black" if luminance > 0.5 else "white"
            ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=size)


def show_pixel(rgb, *, figsize=(6.4, 2.2)):
    """One colour pixel: a swatch of its colour beside its red, green and blue values.

    Parameters
    ----------
    rgb : sequence of three ints in [0, 255]

    Returns
    -------
    matplotlib.figure.Figure
    """
    rgb = np.asarray(rgb)
    if rgb.shape != (3,):
        raise ValueError(f"rgb must hold three values (R, G, B); received shape {rgb.shape}")
    fig, (swatch, bars) = plt.subplots(
        1, 2, figsize=figsize, width_ratios=[1, 2.5], layout="constrained"
    )
    swatch.imshow(_display_values(rgb.reshape(1, 1, 3)))
    swatch.set_xticks([])
    swatch.set_yticks([])
    swatch.set_title("the pixel's colour")
    names = [c.capitalize() for c in CHANNEL_COLOURS]
    bars.barh(names, rgb, color=CHANNEL_COLOURS)
    for k, v in enumerate(rgb):
        bars.text(v + 4, k, str(int(v)), va="center")
    bars.set_xlim(0, 280)
    bars.set_xticks([0, 64, 128, 192, 255])
    bars.invert_yaxis()
    bars.set_xlabel("intensity (0 to 255)")
    bars.set_title("its three numbers")
    return fig


def show_channels(image, *, figsize=(8.2, 2.4)):
    """A colour image and its red, green and blue channels, each as the light it emits.

    Parameters
    ----------
    image : array, shape (H, W, 3)
        Integers 0 to 255.

    Returns
    -------
    matplotlib.figure.Figure
    """
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (H, W, 3); received shape {image.shape}")
    fig, axes = plt.subplots(1, 4, figsize=figsize, layout="constrained")
    show_image(image, ax=axes[0])
    axes[0].set_title(f"colour {image.shape}", fontsize=9)
    for c, (ax, colour) in enumerate(zip(axes[1:], CHANNEL_COLOURS, strict=True)):
        show_image(image[:, :, c], ax=ax, cmap=channel_cmap(colour), vmin=0, vmax=255)
        ax.set_title(f"{colour}: [:, :, {c}]", fontsize=9)
        ax.set_ylabel("")
    fig.colorbar(
        plt.cm.ScalarMappable(Normalize(0, 255), plt.get_cmap("gray")),
        ax=axes[1:],
        label="intensity (0 to 255)",
        shrink=0.8,
    )
    return fig


def kernel_sum_is_zero(kernel) -> bool:
    """Whether the weights add up to zero, so that flat regions give zero."""
    return bool(np.isclose(np.sum(kernel), 0.0, atol=1e-12))


def show_filter_result(
    output, kernel, *, ax=None, image_range=(0.0, 1.0), title=None, figsize=(4, 4)
):
    """Draw a filtered image in the colours its kernel calls for.

    A kernel whose weights add to zero answers zero on flat regions and gives
    signed values: drawn with ``RdBu_r`` centred on zero (limits at the 99.5th
    percentile of ``|output|``, so a few extreme pixels do not wash out the
    rest). Any other kernel gives an image again, drawn in ``gray`` over
    ``image_range`` (values outside it are clipped to black or white).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new_axes(ax, figsize)
    if kernel_sum_is_zero(kernel):
        lo, hi = signed_limits(output, 99.5)
        show_image(output, ax=ax, signed=True, vmin=lo, vmax=hi, title=title)
    else:
        lo, hi = image_range
        show_image(output, ax=ax, vmin=lo, vmax=hi, title=title)
    return fig


def integer_form(kernel, max_denominator: int = 64):
    """Write ``kernel`` as ``scale * integers`` when that is exact: ``(1/16, [[1, 2, 1], ...])``.

    Returns ``(None, kernel)`` when the weights are already integers or have no
    small common denominator.
    """
    kernel = np.asarray(kernel, dtype=float)
    for d in range(1, max_denominator + 1):
        scaled = kernel * d
        if np.allclose(scaled, np.round(scaled), atol=1e-9):
            return (None, np.round(scaled)) if d == 1 else (Fraction(1, d), np.round(scaled))
    return None, kernel


def show_filter_grid(kernels, outputs, *, image_range=(0.0, 1.0), ncols: int = 5, width=None):
    """Each kernel, its numbers written out, above the image it produced.

    Kernels with a common denominator are written as integers times a
    fraction (``1/16 ×`` in the title). Results follow
    :func:`show_filter_result`: ``gray`` when the weights add to one,
    ``RdBu_r`` centred on zero when they add to zero.

    Parameters
    ----------
    kernels : mapping of name to array (KH, KW)
    outputs : mapping of the same names to the filtered images
    image_range : (float, float)
        Brightness range of the input, for kernels that keep it.
    ncols : int
        Filters per row.
    width : float, optional
        Width of the figure in inches (default: the page's, at most).

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = list(kernels)
    if set(names) != set(outputs):
        raise ValueError(
            "kernels and outputs must have the same names; "
            f"received {sorted(names)} and {sorted(outputs)}"
        )
    nrows, ncols, _ = fit_panels(len(names), 1.6, 1.0, ncols=ncols)
    width = fit_width(PAGE_WIDTH_IN if width is None else width)
    column = width / ncols
    fig, axes = plt.subplots(
        2 * nrows,
        ncols,
        figsize=(width, nrows * column * 1.8),
        height_ratios=[0.75, 1.0] * nrows,
        layout="constrained",
        squeeze=False,
    )
    for ax in axes.flat:
        ax.set_axis_off()
    for k, name in enumerate(names):
        kernel, output = np.asarray(kernels[name]), np.asarray(outputs[name])
        row, col = 2 * (k // ncols), k % ncols
        kax, oax = axes[row, col], axes[row + 1, col]
        kax.set_axis_on()
        oax.set_axis_on()
        scale, shown = integer_form(kernel)
        show_image(
            shown,
            ax=kax,
            numbers=True,
            signed=True,
            fontsize=FONT_PT if len(shown) < 5 else MIN_FONT_PT,
        )
        kax.set_xticks([])
        kax.set_yticks([])
        kax.set_xlabel("")
        kax.set_ylabel("")
        kax.set_title(name if scale is None else f"{name}, {scale} ×", fontsize=9)
        show_filter_result(output, kernel, ax=oax, image_range=image_range)
        oax.set_title(f"weights add to {format_number(kernel.sum())}", fontsize=MIN_FONT_PT)
        oax.tick_params(labelsize=MIN_FONT_PT)
        if col:
            oax.set_ylabel("")
            oax.set_yticklabels([])
        if k + ncols < len(names):
            oax.set_xlabel("")
            oax.set_xticklabels([])
    return fig
