"""The case runner behind every checker: call, compare, explain.

A checker is a table of :class:`Case` objects, from the easy example to the
edge cases, and an :class:`Exercise` that says what the learner's function
returns. :func:`run` calls the function on each case in turn and stops at the
first failure. It then prints, in plain text that fits the book's 78-column
code cells, which case failed and with which inputs, the expected and the
received values side by side with the differing cells marked, and one hint.
When every case passes it lists what was tested. It never lets an exception
of the learner's code escape as a traceback: that becomes a message too.

Results may be arrays or array-likes (a nested list of numbers is accepted
and compared like the array it stands for), plain numbers or ints, or a
tuple of those. Floating-point values are compared with ``np.allclose`` and
the tolerances :data:`RTOL` and :data:`ATOL`.
"""

from __future__ import annotations

import copy
import numbers
import textwrap
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

WIDTH = 78  # the book's code column
RTOL, ATOL = 1e-5, 1e-7  # float results: np.allclose(received, expected, RTOL, ATOL)
GAP = "    "  # between the expected and the received block


@dataclass(frozen=True)
class Output:
    """One value the learner's function returns.

    ``kind`` is "array" (an array, compared cell by cell), "number" (one
    float, such as a mean loss) or "int" (a whole number, such as a size).
    ``panel`` names the two axes to show of an array with more than two
    (``(1, 2)``, height and width, for an NHWC batch).
    """

    name: str
    kind: str = "array"
    panel: tuple[int, int] | None = None
    means: str = ""  # what the value is, for messages: "the mean loss"


@dataclass(frozen=True)
class Mistake:
    """A typical slip and what it gives: ``compute(*inputs)`` is the wrong result.

    ``output`` names the returned value it concerns. When the received value
    equals the wrong result, the report shows ``hint`` instead of the case's.
    """

    output: str
    compute: Callable[..., Any]
    hint: str


@dataclass(frozen=True)
class Case:
    """One call of the learner's function and its expected result.

    ``inputs`` maps the argument names to their values, passed by position
    in this order. ``expected`` has the structure of the outputs (a tuple for
    several). ``hint`` names the likely slip when this case fails.
    """

    name: str
    inputs: dict
    expected: Any
    hint: str


@dataclass(frozen=True)
class Exercise:
    """What a checker checks: the function's outputs and its typical mistakes."""

    call: str  # the documented signature, "fn(x, k, stride=1, padding=0)"
    outputs: tuple[Output, ...]
    mistakes: tuple[Mistake, ...] = field(default_factory=tuple)


class Failure(Exception):
    """A received value that is not the expected one: ``lines`` say how.

    ``prose`` is wrapped to the book's width; ``table`` lines (arrays side by
    side) are kept as they are.
    """

    def __init__(self, prose, output=None, received=None, hint=None, table=()):
        self.lines = [wrap(p) for p in prose] + list(table)
        super().__init__("\n".join(self.lines))
        self.output, self.received, self.hint = output, received, hint


def check_fn(fn, checker: str) -> None:
    """Raise a ``ValueError`` naming ``fn`` unless it is a function."""
    if callable(fn):
        return
    if isinstance(fn, (np.ndarray, numbers.Number, tuple, list)) or fn is None:
        got = describe(fn)
        raise ValueError(
            f"fn must be your function itself, not what it returns: call "
            f"{checker}(my_function), without parentheses after my_function; "
            f"received fn={got}"
        )
    raise ValueError(f"fn must be a function; received fn={fn!r} ({type(fn).__name__})")


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


def as_numbers(value, output: Output) -> np.ndarray:
    """The received value as a real array, or a :class:`Failure` saying why not."""
    name, said = output.name, sentence(output.name)
    if value is None:
        raise Failure([f"{said} is None: did the function end without a `return`?"])
    if isinstance(value, tuple) and output.kind == "array":
        raise Failure([f"{said} is {describe(value)}; expected one array (return only {name})"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise Failure([f"{said} ({describe(value)}) is not an array of numbers: {exc}"]) from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise Failure([f"{said} is {describe(value)}, not an array of numbers"])
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise Failure([f"{said} has complex values (dtype {arr.dtype}); expected real numbers"])
    return arr


def compare_one(value, expected, output: Output) -> None:
    """Raise a :class:`Failure` unless ``value`` matches ``expected``."""
    name, said = output.name, sentence(output.name)
    if output.kind == "int":
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
            if isinstance(value, numbers.Real) and float(value) == int(expected):
                raise Failure(
                    [f"{said} is {describe(value)}; expected the int {int(expected)}."],
                    output,
                    value,
                    "a size counts windows, so it must be an int (range() and np.zeros need "
                    "one): use // (floor division), which also rounds down.",
                )
            if not isinstance(value, numbers.Real):
                raise Failure([f"{said} is {describe(value)}; expected an int"], output, value)
        if value != expected:
            raise Failure(
                [f"{said}: expected {int(expected)}, received {fmt(value)}"], output, value
            )
        return
    got = as_numbers(value, output)
    exp = np.asarray(expected)
    if output.kind == "number" and got.ndim != 0:
        what = f" ({output.means})" if output.means else ""
        raise Failure([f"{said} has shape {got.shape}; expected one number{what}"], output, value)
    if got.shape != exp.shape:
        lines = [f"{said} has shape {got.shape}; expected {exp.shape}"]
        if exp.ndim == 2 and got.shape == exp.shape[::-1] and exp.shape[0] != exp.shape[1]:
            lines.append(
                "The rows and the columns are swapped: an array's shape is (rows, columns)."
            )
        raise Failure(lines, output, value)
    bad = ~np.isfinite(got) & np.isfinite(exp)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        at = f" at index {where}" if where else ""
        lines = [f"{said} holds {fmt(got[where])}{at}, where the expected value is finite."]
        table = side_by_side(name, exp, got, bad, output.panel) if exp.ndim else ()
        raise Failure(lines, output, value, table=table)
    close = np.isclose(got.astype(np.float64), exp, rtol=RTOL, atol=ATOL)
    if close.all():
        return
    if exp.ndim == 0:
        raise Failure([f"{said}: expected {fmt(exp)}, received {fmt(got)}"], output, value)
    diff = ~close
    lines = [f"{said} differs in {diff.sum()} of {diff.size} values (marked ^):"]
    table = side_by_side(name, exp, got, diff, output.panel)
    hint = None
    if not np.issubdtype(got.dtype, np.floating) and not np.allclose(exp, np.round(exp)):
        hint = (
            f"{name} holds integers (dtype {got.dtype}) but the expected values have "
            "fractions: was the result created with an integer dtype, as np.zeros_like(x) "
            "of an integer x is? Use np.zeros(shape), which gives floats."
        )
    raise Failure(lines, output, value, hint, table)


def compare(result, expected, exercise: Exercise) -> None:
    """Raise a :class:`Failure` unless ``result`` matches ``expected`` in every output."""
    outputs = exercise.outputs
    if len(outputs) == 1:
        compare_one(result, expected, outputs[0])
        return
    names = ", ".join(o.name for o in outputs)
    if not isinstance(result, tuple | list) or len(result) != len(outputs):
        raise Failure(
            [
                f"The function returned {describe(result)}; expected a tuple "
                f"({names}) of {len(outputs)} values."
            ]
        )
    for value, exp, output in zip(result, expected, outputs, strict=True):
        compare_one(value, exp, output)


def matches(value, wrong) -> bool:
    """Whether a received value equals what a mistake gives (same shape, close values)."""
    try:
        got = np.asarray(value, dtype=np.float64)
        wrong = np.asarray(wrong, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == wrong.shape and bool(np.allclose(got, wrong, rtol=RTOL, atol=ATOL))


def diagnose(failure: Failure, case: Case, exercise: Exercise) -> str:
    """The hint for a failure: a recognised mistake's, or the failure's, or the case's."""
    if failure.hint:
        return failure.hint
    if failure.output is not None:
        for mistake in exercise.mistakes:
            if mistake.output != failure.output.name:
                continue
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    wrong = mistake.compute(*copy.deepcopy(list(case.inputs.values())))
            except Exception:  # a mistake that does not apply to this case
                continue
            if matches(failure.received, wrong):
                return mistake.hint
    return case.hint


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


def call_text(fn, case: Case) -> str:
    """The call as the reader would write it: ``my_conv(x, k, stride=2, padding=0)``."""
    name = getattr(fn, "__name__", "fn")
    name = "fn" if not name.isidentifier() else name
    parts = [n if isinstance(v, np.ndarray) else f"{n}={v!r}" for n, v in case.inputs.items()]
    return f"{name}({', '.join(parts)})"


def learner_line(exc: BaseException, fn) -> str:
    """Where in the learner's own code the exception came from, as " (line 7: ...)"."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # [0] is run() calling fn
    own = getattr(getattr(fn, "__code__", None), "co_filename", None)
    mine = [f for f in frames if f.filename == own] or frames
    if not mine or not mine[-1].line:
        return ""
    return f" (line {mine[-1].lineno} of its cell or file: {mine[-1].line.strip()})"


def changed_inputs(before: list, after: list, names) -> list[str]:
    """Names of the array arguments that the call changed in place."""
    return [
        n
        for n, a, b in zip(names, before, after, strict=True)
        if isinstance(a, np.ndarray)
        and not (a.shape == np.shape(b) and np.array_equal(a, b, equal_nan=True))
    ]


def run(fn, cases: list[Case], exercise: Exercise) -> bool:
    """Call ``fn`` on every case, print what failed first or what passed; return success."""
    total = len(cases)
    for number, case in enumerate(cases, start=1):
        names = list(case.inputs)
        originals = list(case.inputs.values())
        args = copy.deepcopy(originals)
        head = f'Not yet: case {number} of {total}, "{case.name}", fails.'
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = fn(*args)
        except Exception as exc:
            message = " ".join(str(exc).split())
            message = message if len(message) <= 300 else message[:297] + "..."
            problem = [
                wrap(f"The function raised {type(exc).__name__}: {message}" + learner_line(exc, fn))
            ]
            hint = case.hint
        else:
            try:
                compare(result, case.expected, exercise)
            except Failure as failure:
                problem, hint = failure.lines, diagnose(failure, case, exercise)
            else:
                changed = changed_inputs(originals, args, names)
                if not changed:
                    continue
                problem, hint = (
                    [
                        wrap(
                            f"The result is right, but the function changed its argument "
                            f"{changed[0]} in place. The caller may still need it (a network "
                            f"reuses its arrays): work on a copy, e.g. {changed[0]}.copy(), "
                            "or build a new array."
                        )
                    ],
                    None,
                )
        print(wrap(head))
        shown = [line for n, v in case.inputs.items() for line in show_input(n, v)]
        print(wrap(f"The call: {call_text(fn, case)}" + (", with" if shown else "")))
        for line in shown:
            print(line)
        for line in problem:
            print(line)
        if hint:
            print(wrap("Hint: " + hint))
        return False
    print(f"All {total} cases pass:")
    for case in cases:
        print(textwrap.fill(f"- {case.name}", WIDTH, subsequent_indent="  "))
    if any(o.kind != "int" for o in exercise.outputs):
        print(f"(Values compared with np.allclose, rtol={RTOL:g}, atol={ATOL:g}.)")
    return True
