"""A 3×3 kernel editor: type nine weights, or pick a named filter, and see the result.

The filtering is :func:`cnnlib.conv2d`; this module only wires widgets to it
and draws the result with :mod:`cnnlib.plotting.images`.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from cnnlib.ops import conv2d
from cnnlib.plotting.compact import compact_png
from cnnlib.plotting.describe import description
from cnnlib.plotting.images import format_number, show_filter_result, show_image
from cnnlib.widgets._display import control_row, picture_text, set_picture_text, with_fallback

CUSTOM = "custom"


class KernelEditor:
    """Edit a 3×3 kernel and see the image it produces.

    A dropdown loads one of the ``presets``; the nine boxes hold the weights
    and can be edited one by one (the dropdown then reads "custom" unless the
    weights match a preset). After every change the image is filtered again
    with :func:`cnnlib.conv2d` and redrawn beside the original.

    Parameters
    ----------
    image : array, shape (H, W)
        A grayscale image, at least 3×3.
    presets : mapping of name to array (3, 3)
        The kernels offered in the dropdown.
    initial : str, optional
        The preset shown first (the first one by default).
    image_range : (float, float)
        Brightness range of ``image``, used to draw kernels that keep it.
    dpi : int
        Resolution of the drawing (stored as a 256-colour PNG).

    Attributes
    ----------
    widget : ipywidgets.HBox
        What the notebook displays (the editor displays itself as this).
    result : ndarray
        The filtered image currently shown.
    """

    def __init__(self, image, presets, *, initial=None, image_range=(0.0, 1.0), dpi=72):
        self.image = np.asarray(image, dtype=float)
        if self.image.ndim != 2 or min(self.image.shape) < 3:
            raise ValueError(
                "image must be a grayscale image of shape (H, W) with H, W >= 3; "
                f"received shape {self.image.shape}"
            )
        self.presets = {}
        for name, kernel in presets.items():
            kernel = np.asarray(kernel, dtype=float)
            if kernel.shape != (3, 3):
                raise ValueError(
                    f"every preset must be a 3×3 kernel; received {name!r} "
                    f"with shape {kernel.shape}"
                )
            self.presets[name] = kernel
        if not self.presets:
            raise ValueError("presets must hold at least one 3×3 kernel")
        initial = next(iter(self.presets)) if initial is None else initial
        if initial not in self.presets:
            raise ValueError(f"initial must be one of {list(self.presets)}; received {initial!r}")
        self.image_range = image_range
        self.dpi = dpi
        self.result = None
        self._busy = False

        self.dropdown = widgets.Dropdown(
            options=[*self.presets, CUSTOM], value=initial, description="kernel"
        )
        subscripts = "₁₂₃"
        self.cells = [
            widgets.FloatText(
                value=0.0,
                step=0.5,
                description=f"w{subscripts[row]}{subscripts[col]}",
                tooltip=f"weight in row {row + 1}, column {col + 1}",
                style={"description_width": "1.8em"},
                layout=widgets.Layout(width="7em"),
            )
            for row in range(3)
            for col in range(3)
        ]
        grid = widgets.GridBox(
            self.cells, layout=widgets.Layout(grid_template_columns="repeat(3, 7.5em)")
        )
        self.total = widgets.HTML()
        self.picture = widgets.Image(format="png")
        self.picture_text = picture_text()  # what the picture shows, for screen readers
        self.widget = control_row(
            widgets.VBox([self.dropdown, grid, self.total]),
            widgets.VBox([self.picture, self.picture_text]),
        )
        self.widget.layout.align_items = "center"
        self.dropdown.observe(self._on_preset, names="value")
        for cell in self.cells:
            cell.observe(self._on_cell, names="value")
        self.set_kernel(self.presets[initial])

    @property
    def kernel(self) -> np.ndarray:
        """The 3×3 kernel in the boxes."""
        return np.array([cell.value for cell in self.cells], dtype=float).reshape(3, 3)

    def set_kernel(self, kernel) -> None:
        """Put ``kernel`` in the boxes and redraw once."""
        kernel = np.asarray(kernel, dtype=float)
        if kernel.shape != (3, 3):
            raise ValueError(f"kernel must have shape (3, 3); received {kernel.shape}")
        self._busy = True
        try:
            for cell, value in zip(self.cells, kernel.ravel(), strict=True):
                cell.value = float(value)
            self.dropdown.value = self._preset_name(kernel)
        finally:
            self._busy = False
        self.update()

    def _preset_name(self, kernel) -> str:
        for name, preset in self.presets.items():
            if np.allclose(kernel, preset):
                return name
        return CUSTOM

    def _on_preset(self, change) -> None:
        if not self._busy and change["new"] != CUSTOM:
            self.set_kernel(self.presets[change["new"]])

    def _on_cell(self, change) -> None:
        if not self._busy:
            self._busy = True
            try:
                self.dropdown.value = self._preset_name(self.kernel)
            finally:
                self._busy = False
            self.update()

    def update(self) -> None:
        """Filter the image with the current kernel and redraw."""
        kernel = self.kernel
        self.result = conv2d(self.image, kernel)
        self.total.value = f"weights add to <b>{format_number(kernel.sum())}</b>"
        fig, (left, right) = plt.subplots(
            1, 2, figsize=(5.6, 2.8), dpi=self.dpi, layout="constrained"
        )
        lo, hi = self.image_range
        show_image(self.image, ax=left, vmin=lo, vmax=hi, title="image")
        show_filter_result(
            self.result, kernel, ax=right, image_range=self.image_range, title="filtered"
        )
        self.picture.value = compact_png(fig)
        set_picture_text(self.picture_text, description(fig))
        plt.close(fig)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        return with_fallback(bundle, "A 3×3 kernel editor", bytes(self.picture.value))
