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

LINE_LENGTH = 76  # characters: the book's text column


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


def summary_lines(
    model, show_cost: bool = False, line_length: int | None = LINE_LENGTH
) -> list[str]:
    """The lines of the summary table of ``model`` (with the cost columns if ``show_cost``)."""
    header = ("Layer (type)", "Output Shape", "Param #")
    minimums = (29, 22, 11)
    rows = summary_rows(model, cost=show_cost)
    if show_cost:
        # Two more columns, all for one example: shapes without the batch axis.
        header, minimums = (*header, "Mult-adds", "Activations"), (0, 0, 0, 0, 0)
        cells = [
            ((r.name, r.type), str(r.output_shape[1:]), f"{r.params:,}", *costs)
            for r in rows
            for costs in [(f"{r.mult_adds:,}", f"{r.activations:,}")]
        ]
    else:
        cells = [((r.name, r.type), str(r.output_shape), f"{r.params:,}") for r in rows]
    align = "<<" + ">" * (len(header) - 2)
    lines = fitted_table(model.name, header, cells, minimums, align, line_length)
    lines.extend(totals_lines(model))
    if show_cost:
        mult_adds = sum(r.mult_adds for r in rows)
        activations = sum(r.activations for r in rows)
        lines.append(f" Mult-adds per example: {mult_adds:,}")
        size = readable_size(activations * model.dtype.itemsize)
        lines.append(f" Activations per example: {activations:,} ({size})")
    return lines


def fitted_table(title, header, rows, minimums, align, line_length) -> list[str]:
    """:func:`box_table` of rows whose first cell is ``(name, type)``, narrowed to fit.

    In order, the first table no wider than ``line_length``: Keras' table
    (``name (type)`` on one line), then one where a layer whose name and type
    do not fit the column's width (the longest name or type alone) has its
    type on a line of its own under the name, then that also without the
    ``minimums``. Never narrower than that; ``line_length=None`` keeps Keras'
    table.
    """

    def named(wrap, minimum):
        if wrap:
            parts = [(name, f"({kind})") for (name, kind), *_ in rows]
            minimum = max(minimum, len(header[0]), *(len(p) for pair in parts for p in pair))
        cells = []
        for (name, kind), *rest in rows:
            text = f"{name} ({kind})"
            cells.append((text if len(text) <= minimum or not wrap else [name, f"({kind})"], *rest))
        return cells

    no_minimums = (0,) * len(header)
    tries = [(named(False, 0), minimums), (named(True, minimums[0]), minimums)]
    tries.append((named(True, 0), no_minimums))
    for cells, widths in tries:
        lines = box_table(title, header, cells, widths, align)
        if line_length is None or max(map(len, lines)) <= line_length:
            break
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
