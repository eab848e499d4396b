"""The case runner behind every checker: call, compare, explain.

A checker is a table of :class:`Case` objects, from the easy example to the
edge cases, and an :class:`Exercise` that says what the learner's function
returns. :func:`run` calls the function on each case in turn and stops at the
first failure. It then prints, in plain text that fits the book's 76-column
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

import contextlib
import copy
import io
import numbers
import textwrap
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cnnlib.exercises.text import WIDTH, describe, fmt, sentence, show_input, side_by_side, wrap

RTOL, ATOL = 1e-5, 1e-7  # float results: np.allclose(received, expected, RTOL, ATOL)


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
        if value is None:
            raise Failure(
                [
                    f"{said} is None: did the function end without a `return`? (print() "
                    "shows a value; return hands it back to the caller.)"
                ]
            )
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
    if got.ndim == 0 and exp.ndim > 0:
        raise Failure(
            [f"{said} is {describe(value)}; expected an array of shape {exp.shape}"], output, value
        )
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
    if exp.ndim == 2 and got.shape[::-1] == exp.shape and np.allclose(got.T, exp, RTOL, ATOL):
        hint = (
            f"{name} is the transpose of the expected array: the rows and the columns are "
            "swapped (an array is indexed [row, column], its shape is (rows, columns))."
        )
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


def printed_lines(text: str, most: int = 5) -> list[str]:
    """What the function printed during the failing call, at most ``most`` lines."""
    lines = text.rstrip("\n").splitlines()
    if not lines:
        return []
    shown = [line if len(line) <= WIDTH - 2 else line[: WIDTH - 5] + "..." for line in lines]
    more = [f"  ... ({len(lines) - most} more lines)"] if len(lines) > most else []
    return ["The function printed:", *("  " + line for line in shown[:most]), *more]


def run(fn, cases: list[Case], exercise: Exercise) -> bool:
    """Call ``fn`` on every case, print what failed first or what passed; return success."""
    total = len(cases)
    for number, case in enumerate(cases, start=1):
        names = list(case.inputs)
        originals = list(case.inputs.values())
        args = copy.deepcopy(originals)
        printed = io.StringIO()  # shown only if this case fails
        head = f'Not yet: case {number} of {total}, "{case.name}", fails.'
        try:
            with contextlib.redirect_stdout(printed), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
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
        for line in printed_lines(printed.getvalue()):
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
