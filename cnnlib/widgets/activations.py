"""An explorer of activation functions for readers running the notebooks.

:func:`activation_explorer` returns a widget: pick activations, and it draws
them on shared axes beside their derivatives (from cnnlib's backward
functions, through :func:`cnnlib.plotting.plot_overlay`), with sliders for
the range of inputs, the options of the activations (leaky ReLU's slope,
ELU's alpha, the radial basis function's centre and width) and a point at
which a table reads off every value and slope.
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from cnnlib.plotting.activations import LABELS, SEED_ACTIVATIONS, activation_curve, plot_overlay
from cnnlib.plotting.describe import description
from cnnlib.plotting.grids import number_text
from cnnlib.widgets._display import control_row, picture_text, set_picture_text, with_fallback


def _slider(kind, value, low: float, high: float, step: float, description: str):
    """A slider of the explorer's width, its label in full beside it."""
    return kind(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="24em"),
    )


class ActivationExplorer(widgets.VBox):
    """The widget returned by :func:`activation_explorer`; its controls are attributes.

    ``choice`` (the activations shown), ``derivative`` (a checkbox),
    ``x_range``, ``slope``, ``alpha``, ``center``, ``epsilon`` and ``point``
    (sliders), ``table`` (values and slopes at ``point``) and ``picture``
    (the figure as a PNG image).
    """

    def __init__(self, names, *, x_range=(-5.0, 5.0), slope=0.1, alpha=1.0, point=1.0):
        style = {"description_width": "initial"}
        self.choice = widgets.SelectMultiple(
            options=[(LABELS[name], name) for name in SEED_ACTIVATIONS],
            value=tuple(names),
            rows=len(SEED_ACTIVATIONS),
            description="activations",
            style=style,
        )
        self.derivative = widgets.Checkbox(value=True, description="show derivatives")
        self.x_range = _slider(widgets.FloatRangeSlider, x_range, -10, 10, 0.5, "inputs x")
        self.slope = _slider(widgets.FloatSlider, slope, 0.0, 0.5, 0.01, "leaky ReLU slope")
        self.alpha = _slider(widgets.FloatSlider, alpha, 0.1, 3.0, 0.1, "ELU α")
        self.center = _slider(widgets.FloatSlider, 0.0, -3.0, 3.0, 0.1, "radial basis centre c")
        self.epsilon = _slider(widgets.FloatSlider, 1.0, 0.2, 3.0, 0.1, "radial basis ε")
        self.point = _slider(widgets.FloatSlider, point, -10, 10, 0.1, "read at x =")
        self.table = widgets.HTML()
        self.picture = widgets.Image(format="png")
        self.picture_text = picture_text()  # what the picture shows, for screen readers
        options = widgets.VBox(
            [self.derivative, self.x_range, self.slope, self.alpha, self.center, self.epsilon]
        )
        controls = control_row(
            widgets.VBox([self.choice]), options, widgets.VBox([self.point, self.table])
        )
        super().__init__([controls, self.picture, self.picture_text])
        for control in (
            self.choice,
            self.derivative,
            self.x_range,
            self.slope,
            self.alpha,
            self.center,
            self.epsilon,
            self.point,
        ):
            control.observe(self._draw, names="value")
        self._draw()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        return with_fallback(
            bundle, "An explorer of activation functions", bytes(self.picture.value)
        )

    @property
    def options(self) -> dict:
        """The options of each activation, as the sliders set them."""
        return {
            "leaky_relu": {"slope": self.slope.value},
            "elu": {"alpha": self.alpha.value},
            "radial_basis": {"center": self.center.value, "epsilon": self.epsilon.value},
        }

    def _draw(self, change=None):
        names = list(self.choice.value)
        rows = []
        for name in names:
            y, dy = activation_curve(name, [self.point.value], **self.options.get(name, {}))
            rows.append(
                f"<tr><td>{html.escape(LABELS[name])}</td>"
                f"<td>{number_text(y[0], 4)}</td><td>{number_text(dy[0], 4)}</td></tr>"
            )
        x0 = number_text(self.point.value, 2)
        self.table.value = (
            f"<table><tr><th>activation</th><th>f({x0})</th><th>f′({x0})</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        lo, hi = self.x_range.value
        if hi <= lo:
            hi = lo + 1.0
        fig = Figure(figsize=(8, 3))
        plot_overlay(
            names,
            np.linspace(lo, hi, 401),
            derivative=self.derivative.value,
            options=self.options,
            fig=fig,
        )
        if lo <= self.point.value <= hi:
            for ax in fig.axes:
                ax.axvline(self.point.value, color="0.3", linestyle=":", linewidth=1)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=72)
        self.picture.value = buffer.getvalue()
        set_picture_text(self.picture_text, description(fig))


def activation_explorer(names=("relu", "leaky_relu", "sigmoid"), **settings) -> ActivationExplorer:
    """An interactive explorer of activation functions (needs a running kernel).

    Parameters
    ----------
    names : sequence of str
        The activations selected at the start (any of
        :data:`cnnlib.plotting.SEED_ACTIVATIONS`).
    **settings
        Starting values: ``x_range`` (a pair), ``slope``, ``alpha``, ``point``.

    Returns
    -------
    ActivationExplorer
        An ``ipywidgets.VBox``; display it as the last line of a cell.
    """
    unknown = [name for name in names if name not in SEED_ACTIVATIONS]
    if unknown:
        raise ValueError(f"names must be among {list(SEED_ACTIVATIONS)}; received {unknown[0]!r}")
    return ActivationExplorer(names, **settings)
