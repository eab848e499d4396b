"""Pictures of the backward pass: where gradients come from and where they go.

- :func:`draw_computation_graph`: a chain of operations, with the values
  going forward and the gradients coming back.
- :func:`input_gradient_steps` and :func:`draw_input_gradient`: the gradient
  of a convolution with respect to its input, as a full convolution of the
  (dilated) output gradient with the kernel rotated by 180 degrees.
- :func:`draw_weight_gradient`: the gradient with respect to the kernel, a
  cross-correlation of the input with the output gradient.
- :func:`draw_pool_routing`: pooling's backward pass, each window's gradient
  sent to the element it picked (max, min) or shared by all (average).
- :func:`draw_im2col`: the convolution as one matrix product.

Every number drawn comes from :mod:`cnnlib`: the gradients from
:func:`cnnlib.functional.conv2d_backward` and
:func:`cnnlib.functional.pool2d_backward`, the maps from :func:`cnnlib.conv2d`
and the matrix from :func:`cnnlib.functional.conv.im2col`. Only
:func:`input_gradient_steps` rearranges arrays itself (inserting and adding
zeros), and the tests check its result against ``conv2d_backward``.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import CenteredNorm
from matplotlib.patches import ConnectionPatch, FancyBboxPatch, Rectangle

from cnnlib._checks import as_float_array, pair
from cnnlib.functional.conv import conv2d_backward, conv2d_forward
from cnnlib.functional.im2col import im2col
from cnnlib.functional.pooling import pool2d_backward, pool2d_forward
from cnnlib.ops import conv2d
from cnnlib.plotting.convolution import (
    PAD_COLOR,
    WINDOW_COLOR,
    conv_setup,
    draw_matrix,
    number_text,
)
from cnnlib.plotting.grids import grid_panels, symbols_between
from cnnlib.plotting.images import format_number
from cnnlib.plotting.page import PAGE_WIDTH_IN
from cnnlib.plotting.pooling import pooling_sources
from cnnlib.shapes import conv_output_shape, resolve_padding

FORWARD_COLOR = "0.15"  # values flowing forward
BACKWARD_COLOR = "tab:red"  # gradients flowing back
DILATION_COLOR = "#fde9c9"  # the zeros inserted between the entries of a strided gradient
ROUTE_COLORS = plt.get_cmap("tab10").colors  # one colour per pooling window or im2col row


def _grid2d(values, name):
    values = as_float_array(values, name)
    if values.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (H, W); received shape {values.shape}")
    return values


def _size(shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def _tint(ax, mask, color):
    """Colour the background of the cells where ``mask`` is true."""
    for i, j in zip(*np.nonzero(mask), strict=True):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color=color, zorder=0.5))


def draw_computation_graph(ops, tensors, params=None, *, title=None, figsize=None):
    """Draw a chain of operations with the forward values and the backward gradients.

    Each operation is a box. Above the boxes, black arrows carry the values
    forward, left to right; below them, red arrows carry the gradients of the
    loss back, right to left, each labelled ``∂L/∂name``. Parameters enter
    their operation from above, and their gradients leave it upwards.

    Parameters
    ----------
    ops : sequence of str
        The operations in order, for example ``["conv", "ReLU", "max pool"]``.
    tensors : sequence of str
        ``len(ops) + 1`` names: the input of the first operation, the value
        between each pair of operations, and the output of the last one (the
        loss ``L``). A name may carry a second line, such as a shape; only the
        first line goes into the gradient's label.
    params : dict of {int: str}, optional
        Parameters of the operation at that index, for example ``{0: "w, b"}``.
    title : str, optional
    figsize : (float, float), optional

    Returns
    -------
    matplotlib Figure
    """
    ops, tensors = list(ops), list(tensors)
    params = dict(params or {})
    if not ops:
        raise ValueError("ops must name at least one operation; received an empty list")
    if len(tensors) != len(ops) + 1:
        raise ValueError(
            f"tensors must name the input and the output of every operation: expected "
            f"len(ops) + 1 = {len(ops) + 1} names; received {len(tensors)}"
        )
    bad = [k for k in params if not (isinstance(k, int) and 0 <= k < len(ops))]
    if bad:
        raise ValueError(
            f"params keys must be operation indices 0 to {len(ops) - 1}; received {bad}"
        )
    gap, box_h = 1.75, 1.0
    inches = 0.62  # per unit of the drawing
    widths = [max(1.3, 0.17 * max(len(line) for line in op.splitlines()) + 0.5) for op in ops]
    # One row when it fits the page; else the chain breaks into rows, the value
    # at a break leaving one row on the right and entering the next on the left.
    n_rows = 1
    while True:
        per_row = -(-len(ops) // n_rows)
        rows = [range(k, min(k + per_row, len(ops))) for k in range(0, len(ops), per_row)]
        spans = [sum(widths[k] for k in row) + gap * (len(row) + 1) for row in rows]
        if inches * max(spans) <= PAGE_WIDTH_IN or per_row == 1:
            break
        n_rows += 1
    top_room = 2.2 if params else 1.3
    row_height = top_room + 1.5 + (0.4 if params else 0.2)
    span = max(spans)
    height = inches * (row_height * len(rows) + 0.4) + (0.3 if title else 0.0)
    fig, ax = plt.subplots(figsize=figsize or (inches * span, height))
    lane = 0.22  # forward arrows above the middle of the boxes, backward arrows below
    for r, row in enumerate(rows):
        base = -r * row_height
        centres = []
        for k in row:
            previous = centres[-1] + widths[k - 1] / 2 if centres else 0.0
            centres.append(previous + gap + widths[k] / 2)
        for x, k in zip(centres, row, strict=True):
            _draw_op(ax, x, base, ops[k], widths[k], box_h, params.get(k))
        # Arrows between consecutive boxes (and into the first, out of the last).
        row_widths = [widths[k] for k in row]
        lefts = [0.1, *[c + w / 2 + 0.05 for c, w in zip(centres, row_widths, strict=True)]]
        rights = [*[c - w / 2 - 0.05 for c, w in zip(centres, row_widths, strict=True)]]
        rights.append(centres[-1] + row_widths[-1] / 2 + gap - 0.1)
        names = tensors[row.start : row.stop + 1]
        for j, (x0, x1, name) in enumerate(zip(lefts, rights, names, strict=True)):
            last = row.start + j == len(tensors) - 1
            _draw_value(ax, (x0 + x1) / 2, x0, x1, base, lane, name, last)
    bottom = -(len(rows) - 1) * row_height - 1.45
    ax.text(
        0.1,
        bottom,
        "forward: values, left to right",
        fontsize=9,
        color=FORWARD_COLOR,
        va="center",
    )
    ax.text(
        span - 0.1,
        bottom,
        "backward: gradients of the loss, right to left",
        fontsize=9,
        color=BACKWARD_COLOR,
        ha="right",
        va="center",
    )
    ax.set_xlim(-0.2, span + 0.2)
    ax.set_ylim(bottom - 0.25, top_room)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def _draw_op(ax, x, base, op, box_w, box_h, param_names):
    """One operation's box, with its parameters entering from above and their gradients leaving."""
    ax.add_patch(
        FancyBboxPatch(
            (x - box_w / 2, base - box_h / 2),
            box_w,
            box_h,
            boxstyle="round,pad=0.05,rounding_size=0.15",
            facecolor="#eef3fb",
            edgecolor="0.3",
            linewidth=1.2,
            gid="op",
        )
    )
    ax.text(x, base, op, ha="center", va="center", fontsize=10.5, weight="bold")
    if param_names is None:
        return
    top = base + box_h / 2 + 0.05
    ax.annotate(
        "",
        xy=(x - 0.25, top),
        xytext=(x - 0.25, top + 0.9),
        arrowprops={"arrowstyle": "-|>", "color": FORWARD_COLOR, "lw": 1.3},
    )
    ax.annotate(
        "",
        xy=(x + 0.25, top + 0.9),
        xytext=(x + 0.25, top),
        arrowprops={"arrowstyle": "-|>", "color": BACKWARD_COLOR, "lw": 1.3},
    )
    grads = ", ".join(_partial(p.strip()) for p in param_names.split(","))
    ax.text(x - 0.35, top + 1.0, param_names, ha="right", va="bottom", fontsize=9.5)
    ax.text(x + 0.35, top + 1.0, grads, ha="left", va="bottom", fontsize=9.5, color=BACKWARD_COLOR)


def _draw_value(ax, mid, x0, x1, base, lane, name, last):
    """The value forward above the lane, its gradient backward below it."""
    ax.annotate(
        "",
        xy=(x1, base + lane),
        xytext=(x0, base + lane),
        arrowprops={"arrowstyle": "-|>", "color": FORWARD_COLOR, "lw": 1.5},
    )
    ax.text(mid, base + lane + 0.1, name, ha="center", va="bottom", fontsize=9, gid="value")
    ax.annotate(
        "",
        xy=(x0, base - lane),
        xytext=(x1, base - lane),
        arrowprops={"arrowstyle": "-|>", "color": BACKWARD_COLOR, "lw": 1.5},
    )
    grad = "1" if last else _partial(name.splitlines()[0])
    ax.text(
        mid,
        base - lane - 0.12,
        grad,
        ha="center",
        va="top",
        fontsize=10,
        color=BACKWARD_COLOR,
        gid="gradient",
    )


def _partial(name: str) -> str:
    """``∂L/∂name`` in mathtext (``name`` may already be ``$...$``)."""
    inner = name[1:-1] if name.startswith("$") and name.endswith("$") else name
    return rf"$\partial L/\partial {inner}$"


@dataclass(frozen=True)
class InputGradientSteps:
    """The steps from the output gradient of a convolution to its input gradient.

    ``dilated`` is ``dout`` with ``s - 1`` zeros inserted between neighbouring
    entries; ``padded`` adds ``KH - 1`` zeros before and after (plus, at the
    bottom and right, the rows and columns that no window reached); ``flipped``
    is the kernel rotated by 180 degrees; ``full`` is
    ``conv2d(padded, flipped)``, the gradient with respect to the padded input;
    ``dx`` crops the padding away.
    """

    dout: np.ndarray
    kernel: np.ndarray
    stride: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]
    dilated: np.ndarray
    padded: np.ndarray
    border: tuple[tuple[int, int], tuple[int, int]]
    flipped: np.ndarray
    full: np.ndarray
    dx: np.ndarray


def input_gradient_steps(dout, kernel, input_size, *, stride=1, padding=0) -> InputGradientSteps:
    """Compute a convolution's input gradient as a full convolution, step by step.

    For ``y = conv2d(x, kernel, stride=stride, padding=padding)`` and
    ``dout = ∂L/∂y``: insert ``s - 1`` zeros between the entries of ``dout``,
    add ``KH - 1`` (``KW - 1``) zeros around it, correlate with the kernel
    rotated by 180 degrees (a "full" convolution), and cut off the rows and
    columns that belong to the padding of ``x``.

    Parameters
    ----------
    dout : array, shape (H_out, W_out)
    kernel : array, shape (KH, KW)
    input_size : (int, int)
        ``(H, W)`` of the input ``x``, which the output size alone does not
        determine when the stride does not divide ``H + 2p - KH``.
    stride, padding :
        As in :func:`cnnlib.conv2d`.

    Returns
    -------
    InputGradientSteps
        ``dx`` has shape ``(H, W)`` and equals the ``dx`` of
        :func:`cnnlib.functional.conv2d_backward`.
    """
    dout = _grid2d(dout, "dout")
    kernel = _grid2d(kernel, "kernel")
    h, w = pair(input_size, "input_size")
    stride = pair(stride, "stride")
    pads = resolve_padding(padding, (h, w), kernel.shape, stride)
    out_hw = conv_output_shape((h, w), kernel.shape, pads, stride)
    if dout.shape != out_hw:
        raise ValueError(
            f"dout must have the output's shape {out_hw} for an input of size {(h, w)}, "
            f"kernel {kernel.shape}, stride {stride} and padding {padding!r}; "
            f"received dout.shape={dout.shape}"
        )
    (sh, sw), (kh, kw) = stride, kernel.shape
    dilated = np.zeros(((out_hw[0] - 1) * sh + 1, (out_hw[1] - 1) * sw + 1))
    dilated[::sh, ::sw] = dout
    # Rows and columns of the padded input that no window reached get a zero gradient.
    rest_h = h + sum(pads[0]) - ((out_hw[0] - 1) * sh + kh)
    rest_w = w + sum(pads[1]) - ((out_hw[1] - 1) * sw + kw)
    border = ((kh - 1, kh - 1 + rest_h), (kw - 1, kw - 1 + rest_w))
    padded = np.pad(dilated, border)
    flipped = np.rot90(kernel, 2)
    full = conv2d(padded, flipped)
    dx = full[pads[0][0] : pads[0][0] + h, pads[1][0] : pads[1][0] + w]
    return InputGradientSteps(
        dout, kernel, stride, pads, dilated, padded, border, flipped, full, dx
    )


def draw_input_gradient(
    dout, kernel, input_size, *, stride=1, padding=0, position=None, figsize=None
):
    """Draw the input gradient of a convolution as a full convolution.

    Panels: the output gradient ``∂L/∂y``; the same with zeros inserted
    (stride > 1, tinted orange) and ``KH - 1`` zeros around it (tinted blue);
    the kernel rotated by 180 degrees; their cross-correlation, which is the
    gradient with respect to the padded input; and, when the input was padded,
    that gradient with the padding cut off, ``∂L/∂x``. The steps come from
    :func:`input_gradient_steps`.

    Parameters
    ----------
    dout, kernel, input_size, stride, padding :
        As in :func:`input_gradient_steps`.
    position : (int, int), optional
        Outline the window that computes this cell of the full result, and
        the cell.
    figsize : (float, float), optional

    Returns
    -------
    matplotlib Figure
    """
    st = input_gradient_steps(dout, kernel, input_size, stride=stride, padding=padding)
    cropped = st.pads != ((0, 0), (0, 0))
    grids = [st.dout, st.padded, st.flipped, st.full] + ([st.dx] if cropped else [])
    fig, axes = grid_panels([g.shape for g in grids], top=0.95, figsize=figsize)
    kh, kw = st.kernel.shape
    extent = max(float(np.max(np.abs(g))) for g in (st.dout, st.full)) or 1.0
    norm = CenteredNorm(vcenter=0.0, halfrange=1.8 * extent)
    dilated = st.stride != (1, 1)
    draw_matrix(st.dout, axes[0], title=f"∂L/∂y {_size(st.dout.shape)}", norm=norm, signed=True)
    if dilated:
        pad_title = f"dilated (s = {_stride_text(st.stride)})\nand padded: {_size(st.padded.shape)}"
    else:
        pad_title = f"padded with {_pad_text(kh, kw)}\nzeros: {_size(st.padded.shape)}"
    window = None
    if position is not None:
        r, c = position
        if not (0 <= r < st.full.shape[0] and 0 <= c < st.full.shape[1]):
            raise ValueError(
                f"position must be inside the {_size(st.full.shape)} result; "
                f"received position={position!r}"
            )
        window = (r, c, kh, kw)
    draw_matrix(st.padded, axes[1], title=pad_title, norm=norm, signed=True, window=window)
    (bt, bb), (bl, br) = st.border
    border = np.ones(st.padded.shape, bool)
    border[bt : st.padded.shape[0] - bb, bl : st.padded.shape[1] - br] = False
    _tint(axes[1], border, PAD_COLOR)
    inserted = np.zeros(st.padded.shape, bool)
    inner = inserted[bt : st.padded.shape[0] - bb, bl : st.padded.shape[1] - br]
    inner[...] = True
    inner[:: st.stride[0], :: st.stride[1]] = False
    _tint(axes[1], inserted, DILATION_COLOR)
    draw_matrix(st.flipped, axes[2], title="kernel\nrotated 180°", signed=True)
    full_title = "∂L/∂(padded x)" if cropped else "∂L/∂x"
    draw_matrix(
        st.full,
        axes[3],
        title=f"{full_title} {_size(st.full.shape)}",
        norm=norm,
        signed=True,
        window=None if position is None else (position[0], position[1], 1, 1),
    )
    symbols = ["→", "⋆", "="]
    if cropped:
        (pt, _), (pl, _) = st.pads
        keep = np.zeros(st.full.shape, bool)
        keep[pt : pt + st.dx.shape[0], pl : pl + st.dx.shape[1]] = True
        _tint(axes[3], ~keep, PAD_COLOR)
        draw_matrix(st.dx, axes[4], title=f"cropped: ∂L/∂x {_size(st.dx.shape)}", norm=norm)
        symbols.append("→")
    symbols_between(fig, axes, symbols)
    return fig


def _stride_text(stride):
    return str(stride[0]) if stride[0] == stride[1] else f"{stride[0]}×{stride[1]}"


def _pad_text(kh, kw):
    return f"f − 1 = {kh - 1}" if kh == kw else f"{kh - 1}×{kw - 1}"


def draw_weight_gradient(x, dout, u=0, v=0, *, figsize=None):
    """Draw the kernel gradient of a stride-1 convolution: the input correlated with ``dout``.

    Panels: the input ``x`` with the ``dout``-sized window at offset
    ``(u, v)`` outlined; the output gradient ``∂L/∂y``; and ``∂L/∂w`` from
    :func:`cnnlib.functional.conv2d_backward`, with cell ``(u, v)`` outlined.
    The sum of products for that cell is written underneath.

    Parameters
    ----------
    x : array, shape (H, W)
    dout : array, shape (H_out, W_out)
        The gradient of the output of ``conv2d(x, kernel)`` (no padding,
        stride 1), so the kernel is ``(H - H_out + 1) × (W - W_out + 1)``.
    u, v : int
        Kernel offset whose gradient is explained.

    Returns
    -------
    matplotlib Figure
    """
    x = _grid2d(x, "x")
    dout = _grid2d(dout, "dout")
    kh, kw = x.shape[0] - dout.shape[0] + 1, x.shape[1] - dout.shape[1] + 1
    if kh < 1 or kw < 1:
        raise ValueError(
            f"dout {dout.shape} cannot be the output gradient of a convolution of x {x.shape}: "
            "it must not be larger than x"
        )
    if not (0 <= u < kh and 0 <= v < kw):
        raise ValueError(
            f"(u, v) must be a kernel offset, 0 <= u < {kh} and 0 <= v < {kw}; received ({u}, {v})"
        )
    _, cache = conv2d_forward(x[None, :, :, None], np.zeros((kh, kw, 1, 1)))
    _, dw, _ = conv2d_backward(dout[None, :, :, None], cache)
    dw = dw[:, :, 0, 0]
    grids = (x, dout, dw)
    fig, axes = grid_panels([g.shape for g in grids], bottom=0.55, figsize=figsize)
    draw_matrix(x, axes[0], title=f"input x {_size(x.shape)}", window=(u, v, *dout.shape))
    draw_matrix(dout, axes[1], title=f"∂L/∂y {_size(dout.shape)}", signed=True)
    draw_matrix(dw, axes[2], title=f"∂L/∂w {_size(dw.shape)}", signed=True, window=(u, v, 1, 1))
    symbols_between(fig, axes, ["⋆", "="])
    window = x[u : u + dout.shape[0], v : v + dout.shape[1]]
    terms = [
        f"{number_text(a, '−')}·{_factor(b)}"
        for a, b in zip(window.ravel(), dout.ravel(), strict=True)
        if a != 0 and b != 0
    ]
    total = number_text(dw[u, v], "−")
    text = " + ".join(terms) if terms else "0"
    fig.text(
        0.5,
        0.12 / fig.get_size_inches()[1],
        f"∂L/∂w[{u}, {v}] = sum of window × ∂L/∂y = {text} = {total}"
        + ("   (zero products left out)" if len(terms) < window.size else ""),
        ha="center",
        fontsize=9.5,
        gid="sum",
    )
    return fig


def _factor(value) -> str:
    """A number as the second factor of a product: negative ones in parentheses."""
    text = number_text(value, "−")
    return f"({text})" if value < 0 else text


def pool_routes(x, pool_size=2, *, stride=None, mode="max"):
    """Which input cells receive each window's gradient, according to cnnlib.

    Runs :func:`cnnlib.functional.pool2d_backward` once per output position
    with a gradient of 1 there and 0 elsewhere, and records where it lands.

    Parameters
    ----------
    x : array, shape (H, W)
    pool_size, stride, mode :
        As in :func:`cnnlib.pool2d`.

    Returns
    -------
    dict
        ``{(i, j): [(r, c), ...]}``: for "max" and "min" one cell per window
        (its first extreme element), for "avg" every cell of the window.
    """
    _, sources = pooling_sources(_grid2d(x, "x"), pool_size, stride=stride, mode=mode)
    return {
        (i, j): [(int(r), int(c)) for r, c in zip(*np.nonzero(sources[i, j]), strict=True)]
        for i, j in np.ndindex(sources.shape[:2])
    }


def draw_pool_routing(x, dout, pool_size=2, *, stride=None, mode="max", figsize=None):
    """Draw pooling's backward pass: each window's gradient and where it goes.

    Three panels: the input ``x`` with every window outlined in its own
    colour (and, for max and min pooling, the element it picked marked); the
    output gradient ``∂L/∂y``, each cell in the colour of its window; and
    ``∂L/∂x`` from :func:`cnnlib.functional.pool2d_backward`. For max and min
    pooling an arrow goes from each cell of ``∂L/∂y`` to the cell of
    ``∂L/∂x`` that receives it; where windows overlap, several arrows meet
    and their gradients add up.

    Parameters
    ----------
    x : array, shape (H, W)
    dout : array, shape (H_out, W_out)
    pool_size, stride, mode :
        As in :func:`cnnlib.pool2d`.
    figsize : (float, float), optional

    Returns
    -------
    matplotlib Figure
    """
    x = _grid2d(x, "x")
    dout = _grid2d(dout, "dout")
    y, cache = pool2d_forward(x[None, :, :, None], pool_size, stride=stride, mode=mode)
    if dout.shape != y.shape[1:3]:
        raise ValueError(
            f"dout must have the pooled output's shape {y.shape[1:3]}; "
            f"received dout.shape={dout.shape}"
        )
    dx = pool2d_backward(dout[None, :, :, None], cache)[0, :, :, 0]
    routes = pool_routes(x, pool_size, stride=stride, mode=mode)
    (ph, pw) = pair(pool_size, "pool_size")
    sh, sw = (ph, pw) if stride is None else pair(stride, "stride")
    grids = (x, dout, dx)
    fig, axes = grid_panels([g.shape for g in grids], cell=0.6, top=1.0, figsize=figsize)
    ax_x, ax_d, ax_dx = axes
    overlapping = sh < ph or sw < pw
    stride_text = f", stride {_stride_text((sh, sw))}" if (sh, sw) != (ph, pw) else ""
    name = {"max": "max", "min": "min", "avg": "average"}[mode]
    draw_matrix(x, ax_x, title=f"input x, {name} pooling {ph}×{pw}{stride_text}")
    draw_matrix(dout, ax_d, title=f"∂L/∂y {_size(dout.shape)}", signed=True, texts=_texts(dout))
    draw_matrix(dx, ax_dx, title=f"∂L/∂x {_size(dx.shape)}", signed=True, texts=_texts(dx))
    n_windows = len(routes)
    for k, ((i, j), cells) in enumerate(sorted(routes.items())):
        color = ROUTE_COLORS[k % len(ROUTE_COLORS)]
        inset = 0.06 + (0.1 * (k % 4) if overlapping else 0.0)
        top, left = i * sh, j * sw
        ax_x.add_patch(
            Rectangle(
                (left - 0.5 + inset, top - 0.5 + inset),
                min(pw, x.shape[1] - left) - 2 * inset,
                min(ph, x.shape[0] - top) - 2 * inset,
                fill=False,
                edgecolor=color,
                linewidth=2.2,
                zorder=6,
            )
        )
        ax_d.add_patch(
            Rectangle(
                (j - 0.42, i - 0.42), 0.84, 0.84, fill=False, edgecolor=color, lw=2.2, zorder=6
            )
        )
        if mode == "avg":
            continue
        (r, c) = cells[0]
        ax_x.add_patch(
            plt.Circle(  # nested circles where several windows pick the same cell
                (c, r),
                0.36 - (0.07 * (k % 4) if overlapping else 0.0),
                fill=False,
                edgecolor=color,
                linewidth=2.0,
                zorder=7,
            )
        )
        # Spread the ends of arrows that meet in one cell, so that each stays visible.
        fig.add_artist(
            ConnectionPatch(
                xyA=(j + 0.3, i),
                coordsA=ax_d.transData,
                xyB=(c - 0.25, r + 0.12 * ((k % 3) - 1)),
                coordsB=ax_dx.transData,
                arrowstyle="-|>",
                color=color,
                linewidth=1.6,
                mutation_scale=12,
                zorder=8,
                gid="route",
            )
        )
    word = "windows overlap: gradients add up" if overlapping else f"{n_windows} windows"
    fig.suptitle(
        f"{name} pooling backward: {word}",
        fontsize=11,
    )
    return fig


def _texts(values):
    """Cell texts: whole numbers as they are, fractions as ``1/4``."""
    return [[format_number(v).replace("-", "−") for v in row] for row in values]


def draw_im2col(image, kernel, *, stride=1, padding=0, rows=(0, 1), figsize=None):
    """Draw a convolution as one matrix product: ``im2col(x) @ w`` reshaped into the map.

    Panels: the (padded) input with the windows of the chosen output
    positions outlined; the im2col matrix, one row per window (the same rows
    outlined in the same colours); the kernel laid out as a column; the
    product, one value per window; and that column reshaped into the
    feature map, which equals :func:`cnnlib.conv2d`.

    Parameters
    ----------
    image : array, shape (H, W)
    kernel : array, shape (KH, KW)
    stride, padding :
        As in :func:`cnnlib.conv2d`.
    rows : sequence of int
        Output positions (in reading order) whose windows are outlined.
    figsize : (float, float), optional

    Returns
    -------
    matplotlib Figure
    """
    setup = conv_setup(image, kernel, stride, padding)  # validates every argument
    image, kernel, stride_hw, pads, xp, fmap = (
        setup.image,
        setup.kernel,
        setup.stride,
        setup.pads,
        setup.padded,
        setup.fmap,
    )
    cols = im2col(xp[None, :, :, None], kernel.shape, stride_hw, fmap.shape)
    column = kernel.reshape(-1, 1)
    product = cols @ column
    ho, wo = fmap.shape
    rows = [int(r) for r in rows]
    bad = [r for r in rows if not 0 <= r < ho * wo]
    if bad:
        raise ValueError(
            f"rows must be output positions 0 to {ho * wo - 1} ({ho}×{wo} map); received {bad}"
        )
    grids = (xp, cols, column, product, fmap)
    fig, axes = grid_panels(
        [g.shape for g in grids], gap=1.1, row_gap=1.5, top=0.75, bottom=1.0, figsize=figsize
    )
    ax_x, ax_cols, ax_w, ax_p, ax_map = axes
    (pt, _), (pl, _) = pads
    in_title = f"input {_size(image.shape)}"
    if xp.shape != image.shape:
        in_title += f",\npadded to {_size(xp.shape)}"
    draw_matrix(xp, ax_x, title=in_title, first_index=(-pt, -pl))
    _tint(ax_x, np.pad(np.zeros(image.shape, bool), pads, constant_values=True), PAD_COLOR)
    draw_matrix(cols, ax_cols, title=f"im2col(x): {_size(cols.shape)}\none row per window (i, j)")
    kh, kw = kernel.shape
    ax_cols.set_xticks(np.arange(kh * kw))
    ax_cols.set_xticklabels([f"{u},{v}" for u in range(kh) for v in range(kw)], rotation=90)
    ax_cols.set_yticks(np.arange(ho * wo))
    ax_cols.set_yticklabels([f"({i},{j})" for i in range(ho) for j in range(wo)])
    ax_cols.set_xlabel("one column per kernel offset (u, v)", fontsize=9)
    draw_matrix(column, ax_w, title="kernel as\na column", signed=True)
    ax_w.set_yticks(np.arange(kh * kw))
    ax_w.set_yticklabels([f"{u},{v}" for u in range(kh) for v in range(kw)])
    ax_w.set_xticks([])
    draw_matrix(product, ax_p, title="product", signed=True)
    ax_p.set_xticks([])
    draw_matrix(fmap, ax_map, title=f"reshaped:\nfeature map {_size(fmap.shape)}", signed=True)
    for k, r in enumerate(rows):
        color = ROUTE_COLORS[k % len(ROUTE_COLORS)]
        i, j = divmod(r, wo)
        inset = 0.05 + 0.08 * k
        ax_x.add_patch(
            Rectangle(
                (j * stride_hw[1] - 0.5 + inset, i * stride_hw[0] - 0.5 + inset),
                kw - 2 * inset,
                kh - 2 * inset,
                fill=False,
                edgecolor=color,
                linewidth=2.4,
                zorder=6,
            )
        )
        for ax, width in ((ax_cols, kh * kw), (ax_p, 1)):
            ax.add_patch(
                Rectangle((-0.5, r - 0.5), width, 1, fill=False, edgecolor=color, lw=2.4, zorder=6)
            )
        ax_map.add_patch(
            Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=color, lw=2.4, zorder=6)
        )
    ax_w.add_patch(
        Rectangle((-0.5, -0.5), 1, kh * kw, fill=False, edgecolor=WINDOW_COLOR, lw=2.4, zorder=6)
    )
    symbols_between(fig, axes, ["→", "@", "=", "→"], gap=1.1)
    return fig
