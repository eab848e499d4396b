"""``model.summary()``: the table of layers, output shapes and parameter counts.

It looks like Keras' table, with ``None`` for the batch axis in every output
shape and the totals at the end; :func:`summary_rows` gives the same rows as
data, so a chapter can assert them.

``summary(show_cost=True)`` adds two columns, what each layer costs for one
example: its multiply-adds (:meth:`~cnnlib.layers.base.Layer.count_mult_adds`)
and the number of values it outputs (its activations, which training keeps
for the backward pass). Without it the table is exactly Keras' table.
"""

from __future__ import annotations

from typing import NamedTuple


class SummaryRow(NamedTuple):
    """One row of the summary: ``conv2d``, ``Conv2D``, ``(None, 26, 26, 32)``, ``320``."""

    name: str
    type: str
    output_shape: tuple
    params: int


class CostRow(NamedTuple):
    """A summary row with the layer's cost for one example.

    ``mult_adds``: multiplications, each added to a running sum, of the
    layer's weighted sums (convolutions and dense layers; the element-wise work
    of activations, pooling and normalisation is not counted).
    ``activations``: the number of values the layer outputs.
    """

    name: str
    type: str
    output_shape: tuple
    params: int
    mult_adds: int
    activations: int


def summary_rows(model, cost: bool = False) -> list[SummaryRow] | list[CostRow]:
    """One :class:`SummaryRow` per layer of ``model``; :class:`CostRow` with ``cost=True``."""
    rows = []
    for layer in model.layers:
        row = (layer.name, type(layer).__name__, (None, *layer.output_shape), layer.count_params())
        if cost:
            rows.append(CostRow(*row, layer.count_mult_adds(), layer.count_activations()))
        else:
            rows.append(SummaryRow(*row))
    return rows


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


def summary_lines(model, show_cost: bool = False) -> list[str]:
    """The lines of the summary table of ``model`` (with the cost columns if ``show_cost``)."""
    header = ("Layer (type)", "Output Shape", "Param #")
    minimums = (29, 22, 11)
    rows = summary_rows(model, cost=show_cost)
    cells = [(f"{r.name} ({r.type})", str(r.output_shape), f"{r.params:,}") for r in rows]
    if show_cost:
        # Two more columns: no room to spare, so every column is as wide as it needs.
        header, minimums = (*header, "Mult-adds", "Activations"), (0, 0, 0, 0, 0)
        cells = [
            (*c, f"{r.mult_adds:,}", f"{r.activations:,}") for c, r in zip(cells, rows, strict=True)
        ]
    lines = box_table(model.name, header, cells, minimums, "<<" + ">" * (len(header) - 2))
    lines.extend(totals_lines(model))
    if show_cost:
        mult_adds = sum(r.mult_adds for r in rows)
        activations = sum(r.activations for r in rows)
        lines.append(f" Mult-adds per example: {mult_adds:,}")
        size = readable_size(activations * model.dtype.itemsize)
        lines.append(f" Activations per example: {activations:,} ({size})")
    return lines


def box_table(title, header, rows, minimums, align) -> list[str]:
    """Keras' table: ``Model: "title"``, the header, then each row between rules.

    A cell that is a list of strings runs over several lines (the "Connected
    to" column of a functional model). ``align`` has one ``<`` (left) or
    ``>`` (right) per column; a column is as wide as its widest cell, and at
    least its ``minimums`` entry.
    """
    rows = [[cell if isinstance(cell, list) else [cell] for cell in row] for row in rows]
    widths = [
        max(len(h), minimum, *(len(text) for row in rows for text in row[i]))
        for i, (h, minimum) in enumerate(zip(header, minimums, strict=True))
    ]

    def rule(left, fill, middle, right):
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def line(values, edge):
        parts = [f"{v:{a}{w}}" for v, a, w in zip(values, align, widths, strict=True)]
        return f"{edge} " + f" {edge} ".join(parts) + f" {edge}"

    lines = [f'Model: "{title}"', rule("┏", "━", "┳", "┓"), line(header, "┃")]
    lines.append(rule("┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "─", "┼", "┤"))
        depth = max(len(cell) for cell in row)
        lines.extend(
            line([cell[k] if k < len(cell) else "" for cell in row], "│") for k in range(depth)
        )
    lines.append(rule("└", "─", "┴", "┘"))
    return lines


def totals_lines(model) -> list[str]:
    """The lines under Keras' table: total, trainable and non-trainable parameters."""
    counts, itemsize = model.param_counts(), model.dtype.itemsize
    return [
        f" {label}: {n:,} ({readable_size(n * itemsize)})"
        for label, n in (
            ("Total params", counts.total),
            ("Trainable params", counts.trainable),
            ("Non-trainable params", counts.non_trainable),
        )
    ]
