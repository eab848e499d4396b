"""A diagram of a model, drawn from the model itself: one box per layer, with arrows.

Every box says what the layer is (its type and main settings, such as
"32 filters 3×3, relu"), the shape of its output, with ``None`` for the batch
as in ``summary()``, and how many parameters it has. All of it is read from
the model (:meth:`Sequential.summary_rows` and each layer's ``get_config()``),
so the picture cannot disagree with the summary.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from cnnlib.plotting.page import MIN_FONT_PT

# Colour of a box by kind of layer: what a reader of the diagram should tell apart.
KIND_COLOURS = {
    "input": "#ffffff",
    "conv": "#cfe2f3",  # light blue: learned filters
    "pool": "#fde9c9",  # light orange: fixed downsampling
    "reshape": "#eeeeee",  # grey: no arithmetic
    "dense": "#d9ead3",  # light green: fully connected
    "norm": "#ead1dc",  # light purple: normalisation
    "other": "#f7f7f7",  # activations, dropout
}
KINDS = {
    "Conv2D": "conv",
    "MaxPooling2D": "pool",
    "AveragePooling2D": "pool",
    "MinPooling2D": "pool",
    "GlobalMaxPooling2D": "pool",
    "GlobalAveragePooling2D": "pool",
    "Flatten": "reshape",
    "Dense": "dense",
    "BatchNormalization": "norm",
}


class Box(NamedTuple):
    """What one box of the diagram says."""

    title: str  # "conv2d (Conv2D)"
    settings: str  # "32 filters 3×3, relu"
    output_shape: tuple  # (None, 26, 26, 32)
    params: int
    kind: str  # a key of KIND_COLOURS


def _size(values) -> str:
    """``[3, 3]`` as ``3×3``; ``[2, 1]`` as ``2×1``."""
    return "×".join(str(v) for v in values)


def layer_settings(layer) -> str:
    """A short description of a layer's main settings, from its ``get_config()``.

    >>> import cnnlib as cl
    >>> layer_settings(cl.Conv2D(32, 3, padding="same", activation="relu"))
    '32 filters 3×3, same, relu'
    >>> layer_settings(cl.Conv2D(8, 3, dilation_rate=2, padding="same"))
    '8 filters 3×3, dilation 2, same'
    >>> layer_settings(cl.MaxPooling2D(2))
    '2×2, stride 2'
    >>> layer_settings(cl.Dense(10, activation="softmax"))
    '10 units, softmax'
    """
    config = layer.get_config()
    kind = type(layer).__name__
    parts = []
    if kind == "Conv2D":
        parts.append(f"{config['filters']} filters {_size(config['kernel_size'])}")
        if any(s != 1 for s in config["strides"]):
            parts.append(f"stride {_size(config['strides'])}")
        rate = config.get("dilation_rate", [1, 1])
        if any(d != 1 for d in rate):
            parts.append(f"dilation {rate[0] if rate[0] == rate[1] else tuple(rate)}")
        padding = config["padding"]
        if padding == "same":
            parts.append("same")
        elif padding != "valid":
            same_both = isinstance(padding, list) and len(set(map(str, padding))) == 1
            parts.append(f"padding {padding[0] if same_both else tuple(padding)}")
    elif "pool_size" in config:
        parts.append(_size(config["pool_size"]))
        strides = config["strides"]
        same = len(set(strides)) == 1
        parts.append(f"stride {strides[0] if same else _size(strides)}")
        if config["padding"] != "valid":
            parts.append(str(config["padding"]))
    elif kind == "Dense":
        parts.append(f"{config['units']} units")
    elif kind == "Dropout":
        parts.append(f"rate {config['rate']:g}")
    elif "activation" in config and kind not in ("Conv2D", "Dense"):
        parts.append(str(config["activation"]))
    if kind in ("Conv2D", "Dense") and config.get("activation") not in (None, "linear"):
        parts.append(str(config["activation"]))
    return ", ".join(parts)


def model_boxes(model) -> list[Box]:
    """The boxes of :func:`draw_model`: the input, then one per layer, in order."""
    if not model.layers:
        raise ValueError("the model has no layers to draw; add some first")
    boxes = [Box("input", "", (None, *model.input_shape), 0, "input")]
    for layer, row in zip(model.layers, model.summary_rows(), strict=True):
        boxes.append(
            Box(
                f"{row.name} ({row.type})",
                layer_settings(layer),
                row.output_shape,
                row.params,
                KINDS.get(row.type, "other"),
            )
        )
    return boxes


def draw_model(model, *, show_params: bool = True, title: str | None = None, width: float = 5.2):
    """Draw ``model`` as a column of boxes joined by arrows, from the input down.

    Parameters
    ----------
    model : cnnlib.Sequential
        A built model (every layer knows its output shape).
    show_params : bool
        Write each layer's number of parameters in its box.
    title : str, optional
        Title above the diagram; by default the model's name and its total
        number of parameters.
    width : float
        Width of the figure in inches; the height grows with the number of layers.

    Returns
    -------
    matplotlib.figure.Figure
        One ``FancyBboxPatch`` per box (the input and each layer) and one arrow
        between consecutive boxes.
    """
    boxes = model_boxes(model)
    step, box_h = 1.0, 0.72  # vertical distance between boxes, box height (data units)
    n = len(boxes)
    height = 0.2 + 0.56 * n
    fig = plt.figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    bottom, top = -(n - 1) * step - box_h / 2 - 0.05, box_h / 2 + 0.05
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom, top)
    ax.axis("off")
    # Data units per inch differ along y and x; round the corners equally in inches.
    aspect = ((top - bottom) / height) / (1 / width)
    for i, box in enumerate(boxes):
        y = -i * step
        ax.add_patch(
            FancyBboxPatch(
                (0.02, y - box_h / 2),
                0.96,
                box_h,
                boxstyle="round,pad=0,rounding_size=0.03",
                facecolor=KIND_COLOURS[box.kind],
                edgecolor="#444444",
                linewidth=0.9,
                mutation_aspect=aspect,
            )
        )
        heading = box.title + (f": {box.settings}" if box.settings else "")
        ax.text(0.05, y + 0.14, heading, ha="left", va="center", fontsize=9, weight="bold")
        shape = f"output {box.output_shape}"
        ax.text(
            0.05, y - 0.17, shape, ha="left", va="center", fontsize=MIN_FONT_PT, family="monospace"
        )
        if show_params and box.kind != "input":
            ax.text(
                0.95,
                y - 0.17,
                f"{box.params:,} parameters",
                ha="right",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        if i:
            ax.add_patch(
                FancyArrowPatch(
                    (0.5, y + step - box_h / 2),
                    (0.5, y + box_h / 2),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color="#444444",
                    linewidth=1,
                    shrinkA=0,
                    shrinkB=0,
                )
            )
    if title is None:
        title = f"{model.name}: {model.count_params():,} parameters"
    ax.set_title(title, fontsize=10)
    return fig
