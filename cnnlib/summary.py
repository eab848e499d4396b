"""``model.summary()``: the table of layers, output shapes and parameter counts.

It looks like Keras' table, with ``None`` for the batch axis in every output
shape and the totals at the end; :func:`summary_rows` gives the same rows as
data, so a chapter can assert them.
"""

from __future__ import annotations

from typing import NamedTuple


class SummaryRow(NamedTuple):
    """One row of the summary: ``conv2d``, ``Conv2D``, ``(None, 26, 26, 32)``, ``320``."""

    name: str
    type: str
    output_shape: tuple
    params: int


def summary_rows(model) -> list[SummaryRow]:
    """One :class:`SummaryRow` per layer of ``model``."""
    return [
        SummaryRow(
            layer.name, type(layer).__name__, (None, *layer.output_shape), layer.count_params()
        )
        for layer in model.layers
    ]


def readable_size(n_bytes: float) -> str:
    """Bytes in the largest unit (of 1024) that keeps the number at least 1, as Keras prints them.

    >>> readable_size(2_116_930 * 4)  # float32 weights of the seeds' Keras model
    '8.08 MB'
    >>> readable_size(0)
    '0.00 B'
    """
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} TB"


def summary_lines(model) -> list[str]:
    """The lines of the summary table of ``model``."""
    header = ("Layer (type)", "Output Shape", "Param #")
    cells = [
        (f"{r.name} ({r.type})", str(r.output_shape), f"{r.params:,}") for r in summary_rows(model)
    ]
    widths = [
        max(len(h), minimum, *(len(c[i]) for c in cells))
        for i, (h, minimum) in enumerate(zip(header, (29, 22, 11), strict=True))
    ]

    def line(left, fill, middle, right):
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def row(values, edge):
        name, shape, params = values
        return (
            f"{edge} {name:<{widths[0]}} {edge} {shape:<{widths[1]}} {edge} "
            f"{params:>{widths[2]}} {edge}"
        )

    lines = [f'Model: "{model.name}"', line("┏", "━", "┳", "┓"), row(header, "┃")]
    lines.append(line("┡", "━", "╇", "┩"))
    for i, values in enumerate(cells):
        if i:
            lines.append(line("├", "─", "┼", "┤"))
        lines.append(row(values, "│"))
    lines.append(line("└", "─", "┴", "┘"))
    counts, itemsize = model.param_counts(), model.dtype.itemsize
    for label, n in (
        ("Total params", counts.total),
        ("Trainable params", counts.trainable),
        ("Non-trainable params", counts.non_trainable),
    ):
        lines.append(f" {label}: {n:,} ({readable_size(n * itemsize)})")
    return lines
