"""An explorer of the convolution operation for readers running the notebooks.

:func:`conv_explorer` returns a widget with a choice of input and kernel,
sliders for padding, stride and the output position, and the picture of
:func:`cnnlib.plotting.draw_conv_step` for that position: the window on the
(padded) input, the element-wise products and the feature map filled in so far.
Sizes come from :func:`cnnlib.conv_output_shape` and values from
:func:`cnnlib.conv2d`, through the plotting function.
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from cnnlib._checks import as_float_array
from cnnlib.plotting.convolution import draw_conv_step
from cnnlib.plotting.describe import description
from cnnlib.shapes import conv_output_size
from cnnlib.widgets._display import (
    choice_buttons,
    control_row,
    picture_text,
    set_picture_text,
    with_fallback,
)

E1_IMAGE = [
    [1, 0, 1, 0, 1],
    [1, 0, 0, 1, 1],
    [0, 1, 1, 0, 0],
    [1, 0, 0, 1, 0],
    [0, 0, 1, 1, 0],
]
E1_KERNEL = [[0, 1, 0], [1, 0, -1], [0, 1, 0]]
VERTICAL_EDGE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]


def input_presets(seed: int = 0) -> dict[str, np.ndarray]:
    """The inputs the explorer offers: the 5×5 example, an edge, random digits."""
    rng = np.random.default_rng(seed)
    edge = np.zeros((6, 6))
    edge[:, :3] = 10
    return {
        "5×5 example (E1)": np.array(E1_IMAGE, float),
        "6×6 vertical edge": edge,
        "6×6 random digits": rng.integers(0, 10, size=(6, 6)).astype(float),
    }


def kernel_presets(seed: int = 0) -> dict[str, np.ndarray]:
    """The kernels the explorer offers."""
    rng = np.random.default_rng(seed + 1)
    return {
        "E1 kernel": np.array(E1_KERNEL, float),
        "vertical edge": np.array(VERTICAL_EDGE, float),
        "horizontal edge": np.array(VERTICAL_EDGE, float).T,
        "2×2 (E21)": np.array([[1, 0], [0, -1]], float),
        "random 3×3": rng.integers(-1, 2, size=(3, 3)).astype(float),
    }


class ConvExplorer(widgets.VBox):
    """The widget returned by :func:`conv_explorer`; its controls are attributes.

    ``input_choice`` and ``kernel_choice`` (dropdowns), ``padding`` and
    ``stride`` (toggle buttons), ``position`` (a slider), ``play_button``
    (steps through the positions with the hidden ``play`` widget),
    ``summary`` (the output-size calculation) and ``picture`` (the figure as a
    PNG image).
    """

    def __init__(self, inputs, kernels, *, padding=0, stride=1, max_padding=2, max_stride=3):
        self.inputs, self.kernels = inputs, kernels
        style = {"description_width": "4em"}
        wide = widgets.Layout(width="20em")
        self.input_choice = widgets.Dropdown(
            options=list(inputs), description="input", style=style, layout=wide
        )
        self.kernel_choice = widgets.Dropdown(
            options=list(kernels), description="kernel", style=style, layout=wide
        )
        self.padding = choice_buttons(list(range(max_padding + 1)), padding, "padding p")
        self.stride = choice_buttons(list(range(1, max_stride + 1)), stride, "stride s")
        self.position = widgets.IntSlider(
            value=0, min=0, max=0, description="position", style=style, layout=wide
        )
        # The Play widget steps the position in the browser; its own buttons have
        # no names for screen readers, so it stays hidden behind a named button.
        self.play = widgets.Play(
            value=0, min=0, max=0, interval=900, layout=widgets.Layout(display="none")
        )
        self.play_button = widgets.ToggleButton(
            description="play",
            icon="play",
            tooltip="step through the positions, one a second",
            layout=widgets.Layout(width="auto"),
        )
        self.links = (
            widgets.jslink((self.play, "value"), (self.position, "value")),
            widgets.jslink((self.play_button, "value"), (self.play, "playing")),
        )
        self.summary = widgets.HTML()
        self.picture = widgets.Image(format="png")
        self.picture_text = picture_text()  # what the picture shows, for screen readers
        controls = control_row(
            widgets.VBox([self.input_choice, self.kernel_choice]),
            widgets.VBox([self.padding, self.stride]),
            widgets.VBox([self.position, widgets.HBox([self.play_button, self.play])]),
        )
        super().__init__([controls, self.summary, self.picture, self.picture_text])
        for control in (self.input_choice, self.kernel_choice, self.padding, self.stride):
            control.observe(self._reset, names="value")
        self.position.observe(self._draw, names="value")
        self._reset()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        return with_fallback(bundle, "An explorer of convolution", bytes(self.picture.value))

    @property
    def image(self) -> np.ndarray:
        return self.inputs[self.input_choice.value]

    @property
    def kernel(self) -> np.ndarray:
        return self.kernels[self.kernel_choice.value]

    def _sizes(self):
        (h, w), (kh, kw) = self.image.shape, self.kernel.shape
        p, s = self.padding.value, self.stride.value
        return [conv_output_size(n, f, padding=p, stride=s) for n, f in ((h, kh), (w, kw))]

    def _reset(self, change=None):
        """New input, kernel, padding or stride: new map size, back to the first position."""
        try:
            h_out, w_out = self._sizes()
        except ValueError as exc:  # a kernel larger than the padded input
            self.summary.value = f"<b>No output:</b> {html.escape(str(exc))}"
            self.picture.value = b""
            set_picture_text(self.picture_text, "no picture: " + str(exc))
            self.play.max = self.position.max = 0
            return
        last = h_out * w_out - 1
        self.play.max = last
        self.position.max = last
        if self.position.value == 0:
            self._draw()
        else:
            self.position.value = 0  # triggers _draw

    def _draw(self, change=None):
        (h, w), (kh, kw) = self.image.shape, self.kernel.shape
        p, s = self.padding.value, self.stride.value
        h_out, w_out = self._sizes()
        row, col = divmod(self.position.value, w_out)

        def rounded(n, f):
            return "" if (n + 2 * p - f) % s == 0 else " (the division rounded down)"

        self.summary.value = (
            f"Output size: ⌊({h} + 2·{p} − {kh}) / {s}⌋ + 1 = {h_out} rows{rounded(h, kh)}, "
            f"⌊({w} + 2·{p} − {kw}) / {s}⌋ + 1 = {w_out} columns{rounded(w, kw)}. "
            f"Position {self.position.value + 1} of {h_out * w_out}: row {row}, column {col}."
        )
        fig = Figure()
        draw_conv_step(self.image, self.kernel, row, col, stride=s, padding=p, fig=fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        self.picture.value = buffer.getvalue()
        set_picture_text(self.picture_text, description(fig))


def conv_explorer(image=None, kernel=None, *, padding=0, stride=1, seed=0) -> ConvExplorer:
    """An interactive explorer of a 2-D convolution (needs a running kernel).

    Choose the input and the kernel from presets (the 5×5 worked example E1,
    an image with a vertical edge, random digits; the E1 kernel, edge
    kernels, a 2×2 kernel, a random one), set the padding and the stride, and
    move the window with the position slider or the play button; the figure
    shows the window, the element-wise products and the map filling in.

    Parameters
    ----------
    image, kernel : array, optional
        Your own 2-D input or kernel, offered first as "your input"/"your kernel".
    padding, stride : int
        Starting values of the sliders.
    seed : int
        Seed of the random presets.

    Returns
    -------
    ConvExplorer
        An ``ipywidgets.VBox``; display it as the last line of a cell.
    """
    inputs, kernels = input_presets(seed), kernel_presets(seed)
    if image is not None:
        image = as_float_array(image, "image")
        if image.ndim != 2:
            raise ValueError(f"image must be a 2-D array (H, W); received shape {image.shape}")
        inputs = {"your input": image} | inputs
    if kernel is not None:
        kernel = as_float_array(kernel, "kernel")
        if kernel.ndim != 2:
            raise ValueError(f"kernel must be a 2-D array (KH, KW); received shape {kernel.shape}")
        kernels = {"your kernel": kernel} | kernels
    return ConvExplorer(inputs, kernels, padding=padding, stride=stride)
