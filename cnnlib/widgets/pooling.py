"""An explorer of pooling for readers running the notebooks.

:func:`pooling_explorer` returns a widget: choose an input (the seeds'
examples or your own map), the pool size, the stride, the mode and whether
partial windows at the border are kept; it shows the output-size calculation
(through :func:`cnnlib.conv_output_size`) and the picture of
:func:`cnnlib.plotting.draw_pooling`: the windows, the element each keeps and
the pooled map from :func:`cnnlib.pool2d`.
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from cnnlib._checks import as_float_array
from cnnlib.ops import conv2d
from cnnlib.plotting.describe import description
from cnnlib.plotting.pooling import draw_pooling
from cnnlib.shapes import conv_output_size
from cnnlib.widgets._display import (
    choice_buttons,
    control_row,
    picture_text,
    set_picture_text,
    with_fallback,
)

E36_IMAGE = [
    [0, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 1, 0, 0, 0, 1, 0],
    [0, 0, 1, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
]
E36_DETECTOR = [[0, 0, 1], [1, 0, 0], [0, 1, 1]]


def input_presets(seed: int = 0) -> dict[str, np.ndarray]:
    """The inputs the explorer offers: the seeds' examples and a random map."""
    rng = np.random.default_rng(seed)
    return {
        "E6 (4×4)": np.array(
            [[4, 123, 1, 34], [56, 99, 222, 253], [45, 122, 165, 12], [21, 187, 133, 124]], float
        ),
        "E24 (4×4)": np.array([[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [9, 8, 6, 5]], float),
        "1 … 16 (4×4)": np.arange(1, 17, dtype=float).reshape(4, 4),
        "E36 feature map (5×5)": conv2d(E36_IMAGE, E36_DETECTOR),
        "1 … 25 (5×5)": np.arange(1, 26, dtype=float).reshape(5, 5),
        "random digits (6×6)": rng.integers(0, 10, size=(6, 6)).astype(float),
    }


class PoolingExplorer(widgets.VBox):
    """The widget returned by :func:`pooling_explorer`; its controls are attributes.

    ``input_choice`` (a dropdown), ``pool_size``, ``stride`` and ``mode``
    (toggle buttons), ``keep_partial`` (a checkbox), ``summary``
    (the output-size calculation) and ``picture`` (the figure as a PNG image).
    """

    def __init__(self, inputs, *, pool_size=2, stride=2, mode="max", keep_partial=False):
        self.inputs = inputs
        style = {"description_width": "4em"}
        self.input_choice = widgets.Dropdown(
            options=list(inputs),
            description="input",
            style=style,
            layout=widgets.Layout(width="20em"),
        )
        self.pool_size = choice_buttons([1, 2, 3, 4], pool_size, "pool size f")
        self.stride = choice_buttons([1, 2, 3, 4], stride, "stride s")
        self.mode = choice_buttons(
            [("max", "max"), ("min", "min"), ("average", "avg")], mode, "mode"
        )
        self.keep_partial = widgets.Checkbox(
            value=keep_partial, description="keep partial windows at the border", indent=False
        )
        self.summary = widgets.HTML()
        self.picture = widgets.Image(format="png")
        self.picture_text = picture_text()  # what the picture shows, for screen readers
        controls = control_row(
            widgets.VBox([self.input_choice, self.mode]),
            widgets.VBox([self.pool_size, self.stride, self.keep_partial]),
        )
        super().__init__([controls, self.summary, self.picture, self.picture_text])
        for control in (
            self.input_choice,
            self.pool_size,
            self.stride,
            self.mode,
            self.keep_partial,
        ):
            control.observe(self._draw, names="value")
        self._draw()

    @property
    def image(self) -> np.ndarray:
        return self.inputs[self.input_choice.value]

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        return with_fallback(bundle, "An explorer of pooling", bytes(self.picture.value))

    def _draw(self, change=None):
        (h, w), f, s = self.image.shape, self.pool_size.value, self.stride.value
        partial = self.keep_partial.value
        try:
            h_out, w_out = (conv_output_size(n, f, stride=s, ceil_mode=partial) for n in (h, w))
        except ValueError as exc:  # a window larger than the input
            self.summary.value = f"<b>No output:</b> {html.escape(str(exc))}"
            self.picture.value = b""
            set_picture_text(self.picture_text, "no picture: " + str(exc))
            return
        left, right = ("⌈", "⌉") if partial else ("⌊", "⌋")

        def size(n, n_out):
            return f"{left}({n} − {f}) / {s}{right} + 1 = {n_out}"

        note = ""
        if s > f:
            note = " The stride is larger than the window: the hatched cells are in no window."
        self.summary.value = (
            f"Output size: {size(h, h_out)} rows, {size(w, w_out)} columns; "
            f"the pooling has no parameters to learn.{note}"
        )
        fig = Figure()
        draw_pooling(self.image, f, stride=s, mode=self.mode.value, keep_partial=partial, fig=fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=72)
        self.picture.value = buffer.getvalue()
        set_picture_text(self.picture_text, description(fig))


def pooling_explorer(x=None, *, pool_size=2, stride=2, mode="max", keep_partial=False, seed=0):
    """An interactive explorer of pooling (needs a running kernel).

    Parameters
    ----------
    x : array, shape (H, W), optional
        Your own map, offered first as "your input".
    pool_size, stride, mode, keep_partial
        Starting values of the controls (as in :func:`cnnlib.pool2d`).
    seed : int
        Seed of the random preset.

    Returns
    -------
    PoolingExplorer
        An ``ipywidgets.VBox``; display it as the last line of a cell.
    """
    inputs = input_presets(seed)
    if x is not None:
        x = as_float_array(x, "x")
        if x.ndim != 2:
            raise ValueError(f"x must be a 2-D array (H, W); received shape {x.shape}")
        inputs = {"your input": x} | inputs
    return PoolingExplorer(
        inputs, pool_size=pool_size, stride=stride, mode=mode, keep_partial=keep_partial
    )
