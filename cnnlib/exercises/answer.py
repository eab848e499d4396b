"""Questions with one numeric answer: the reader types ``answer = ...`` and runs a line.

A chapter passes the expected value as an expression that cnnlib computes,
for example ``expected=cl.conv_output_size(28, 5, stride=2)``, so the
answer does not stand in the notebook's source for the reader to see.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from cnnlib._checks import real_number
from cnnlib.exercises.text import wrap


def show(v: float) -> str:
    """A number as the text writes it: ``1,216``, ``0.7311``, ``2.5``."""
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.6g}"


def as_number(value, name: str):
    """``value`` as a float, or ``None`` with a message when it is not one number."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, str):
        return None, f"{name} is the text {value!r}; type it as a number, without quotes."
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        got = f"a {type(value).__name__}"
        if isinstance(value, np.ndarray | tuple | list):
            got += f" of {np.size(value)} values"
        return None, f"{name} should be one number; received {got}."
    value = float(value)
    if not math.isfinite(value):
        return None, f"{name} is {value}; expected a finite number."
    return value, None


def how_far(answer: float, expected: float) -> str:
    """How far off, as "1,200 is 16 less than the answer (about 1.3% too small)."."""
    gap = answer - expected
    words = "less than" if gap < 0 else "more than"
    text = f"{show(answer)} is {show(abs(gap))} {words} the answer"
    if expected != 0:
        share = abs(gap) / abs(expected) * 100
        size = "too small" if gap < 0 else "too large"
        if share >= 1000:
            text += f" (about {abs(answer / expected):,.0f} times as large)"
        else:
            text += f" (about {share:.2g}% {size})" if share < 100 else f" ({share:.0f}% {size})"
    return text + "."


def check_answer(answer, expected, *, what: str = "the answer", tolerance=0, hint: str = ""):
    """Say whether the reader's ``answer`` is right, or how far off it is.

    Parameters
    ----------
    answer : number or None
        What the reader typed. ``None`` means "not answered yet": a friendly
        reminder is printed and the result is ``False``.
    expected : number
        The right answer, best computed by cnnlib in the chapter's call
        (``expected=cl.conv_output_size(28, 5, stride=2)``), so that the
        source does not show it.
    what : str
        What the number is, for the message: "the output width".
    tolerance : number
        How far off an answer may be and still count as right (absolute,
        ``>= 0``). With 0, whole numbers must match exactly and fractions to
        within a relative 1e-9 (float rounding).
    hint : str
        Shown after a wrong answer, for example the formula to use.

    Returns
    -------
    bool
        Whether the answer is right.

    Examples
    --------
    >>> check_answer(None, 5, what="the output width")
    Type your answer in place of None (answer = <a number>) and run the cell
    again; this line then tells you whether the output width is right.
    False
    >>> check_answer(1200, 1216, what="the number of parameters")
    Not yet: 1,200 is 16 less than the answer (about 1.3% too small).
    False
    >>> check_answer(1216, 1216, what="the number of parameters")
    Right: 1,216 is the number of parameters.
    True
    >>> check_answer(0.73, 0.7311, what="p", tolerance=0.005)
    Right: 0.73 is p (to within 0.005; more exactly 0.7311).
    True
    """
    expected = real_number(expected, "expected")
    if not math.isfinite(expected):
        raise ValueError(f"expected must be a finite number; received expected={expected!r}")
    tolerance = real_number(tolerance, "tolerance")
    if not tolerance >= 0:
        raise ValueError(f"tolerance must be >= 0; received tolerance={tolerance!r}")
    if not isinstance(what, str) or not isinstance(hint, str):
        bad = "what" if not isinstance(what, str) else "hint"
        raise TypeError(f"{bad} must be a str; received {bad}={locals()[bad]!r}")
    if answer is None:
        print(
            wrap(
                "Type your answer in place of None (answer = <a number>) and run the "
                f"cell again; this line then tells you whether {what} is right."
            )
        )
        return False
    value, problem = as_number(answer, "answer")
    if problem:
        print(wrap(problem))
        return False
    if tolerance > 0:
        right = abs(value - expected) <= tolerance
    else:
        right = math.isclose(value, expected, rel_tol=1e-9, abs_tol=0.0)
    if right:
        exactly = ""
        if tolerance > 0 and value != expected:
            exactly = f" (to within {show(tolerance)}; more exactly {show(expected)})"
        print(wrap(f"Right: {show(value)} is {what}{exactly}."))
        return True
    print(wrap("Not yet: " + how_far(value, expected)))
    if hint:
        print(wrap("Hint: " + hint))
    return False
