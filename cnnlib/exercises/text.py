"""Plain text for the checkers' messages, 76 columns wide (the book's), no colours.

Prose is wrapped without breaking inside a formula; arrays are printed as
grids, the expected and the received side by side, with a ``^`` under each
cell that differs.
"""

from __future__ import annotations

import numbers
import textwrap

import numpy as np

from cnnlib.summary import LINE_LENGTH

WIDTH = LINE_LENGTH  # the book's code column
GAP = "    "  # between the expected and the received block


OPERATORS = {"=", "==", "+=", "-=", ">", "<", ">=", "<=", "+", "-", "*", "/", "//", "@", "**"}


def wrap(text: str, indent: str = "") -> str:
    """``text`` filled to the book's width, never breaking inside a formula.

    Words inside brackets, and the operands of an operator (``x >= 0``,
    ``n - f + 1``), stay on one line.
    """
    chunks, depth = [], 0
    for word in text.split():
        glue = chunks and (depth > 0 or word in OPERATORS or chunks[-1][-1] in OPERATORS)
        if glue:
            chunks[-1].append(word)
        else:
            chunks.append([word])
        # Only a bracket that opens inside a word (x[i, f(a, b) ...) starts a formula;
        # one that opens a word is prose, "(as here)".
        opened = sum(word[1:].count(c) for c in "([{")
        depth = max(depth + opened - sum(word.count(c) for c in ")]}"), 0)
    joined = " ".join("\xa0".join(chunk) for chunk in chunks)
    filled = textwrap.fill(
        joined, WIDTH, initial_indent=indent, subsequent_indent=indent, break_long_words=False
    )
    return filled.replace("\xa0", " ")


def sentence(name: str) -> str:
    """``name`` at the start of a sentence: "The size", but "dx" stays "dx"."""
    return name[0].upper() + name[1:] if name.startswith("the ") else name


def describe(value) -> str:
    """A few words for a value of any type: "an array of shape (3, 4)"."""
    if value is None:
        return "None"
    if isinstance(value, bool | np.bool_):
        return f"the bool {value}"
    if isinstance(value, numbers.Integral):
        return f"the int {int(value)}"
    if isinstance(value, numbers.Real):
        return f"the float {float(value)!r}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple | list):
        kind = type(value).__name__
        return f"a {kind} of {len(value)} value{'s' * (len(value) != 1)}"
    return f"a {type(value).__name__}"


def fmt(v) -> str:
    """One cell: whole numbers without a decimal point, others with 4 digits."""
    v = float(v)
    if not np.isfinite(v):
        return str(v)
    if v == int(v) and abs(v) < 1e9:
        return str(int(v))
    return f"{v:.4g}"


def grid(arr: np.ndarray, width: int, marks=None) -> list[str]:
    """Lines of a 0-, 1- or 2-D array, cells right-aligned in ``width`` columns.

    Under a row with marked cells comes a line with ``^`` under each of them.
    """
    arr2 = np.atleast_2d(arr)
    marks2 = np.zeros(arr2.shape, bool) if marks is None else np.atleast_2d(marks)
    lines = []
    for row, mrow in zip(arr2, marks2, strict=True):
        lines.append(" ".join(fmt(v).rjust(width) for v in row))
        if mrow.any():
            lines.append(" ".join(("^" if m else "").rjust(width) for m in mrow))
    return lines


def panel_of(exp, got, diff, axes):
    """The 2-D slice of ``exp``/``got`` (same shape) that holds the first difference.

    Returns ``(exp2, got2, diff2, label)``, the label like ``[0, :, :, 1]``.
    """
    if exp.ndim <= 2:
        return exp, got, diff, ""
    axes = axes or (exp.ndim - 2, exp.ndim - 1)
    where = np.argwhere(diff)
    first = where[0] if len(where) else np.zeros(exp.ndim, int)
    index = tuple(slice(None) if a in axes else int(first[a]) for a in range(exp.ndim))
    label = "[" + ", ".join(":" if a in axes else str(int(first[a])) for a in range(exp.ndim))
    return exp[index], got[index], diff[index], label + "]"


def crop(exp, got, diff, max_rows=8, max_cols=8):
    """Cut 2-D blocks down to a window around the first difference."""
    if exp.ndim < 2 or (exp.shape[0] <= max_rows and exp.shape[1] <= max_cols):
        return exp, got, diff, ""
    where = np.argwhere(diff)
    r, c = where[0] if len(where) else (0, 0)
    r0 = min(max(r - 2, 0), max(exp.shape[0] - max_rows, 0))
    c0 = min(max(c - 2, 0), max(exp.shape[1] - max_cols, 0))
    rows, cols = slice(r0, r0 + max_rows), slice(c0, c0 + max_cols)
    r1, c1 = min(r0 + max_rows, exp.shape[0]), min(c0 + max_cols, exp.shape[1])
    note = f"(rows {r0}-{r1 - 1}, columns {c0}-{c1 - 1} shown)"
    return exp[rows, cols], got[rows, cols], diff[rows, cols], note


def side_by_side(name, exp, got, diff, axes=None) -> list[str]:
    """Expected and received blocks next to each other (or one above the other)."""
    exp, got, diff, label = panel_of(exp, got, diff, axes)
    exp, got, diff, note = crop(exp, got, diff)
    width = max(len(fmt(v)) for v in np.concatenate([exp.ravel(), got.ravel(), [0]]))
    left, right = grid(exp, width), grid(got, width, diff)
    name = name if name.isidentifier() else ""  # "expected dx", or just "expected"
    head = [f"expected {name}{label}".rstrip(), f"received {name}{label}".rstrip()]
    w_left = max(len(s) for s in [*left, head[0]])
    w_right = max(len(s) for s in [*right, head[1]])
    lines = [note] if note else []
    if w_left + len(GAP) + w_right > WIDTH:
        return [*lines, head[0], *left, head[1], *right]
    lines.append(head[0].ljust(w_left) + GAP + head[1])
    expected_rows = iter(left)
    for line in right:
        caret_line = not line.strip(" ^")  # the expected block has none: leave it blank
        lines.append(("" if caret_line else next(expected_rows)).ljust(w_left) + GAP + line)
    return [s.rstrip() for s in lines]


def show_input(name, value) -> list[str]:
    """An input as the learner could type it, or its shape when it is large."""
    if isinstance(value, np.ndarray):
        if value.size <= 36 and value.ndim <= 2:
            text = np.array2string(
                value, separator=", ", precision=3, suppress_small=True, max_line_width=WIDTH
            )
            pad = " " * (len(name) + 3)
            return [f"{name} = " + text.replace("\n", "\n" + pad)]
        low, high = fmt(value.min()), fmt(value.max())
        return [f"{name}: an array of shape {value.shape}, values from {low} to {high}"]
    return []
