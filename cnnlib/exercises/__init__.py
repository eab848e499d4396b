"""Checkers for the book's exercises: run the reader's code, explain what is wrong.

Implement-it exercises: the reader writes a function and passes it, not
called, to its checker, which runs it on a table of cases from the easy
example to the edge cases and stops at the first failure. It prints which
case failed and with which inputs, the expected and the received values
side by side with the differing cells marked ``^``, and a hint at the likely
slip; when every case passes it lists what was tested. It returns ``True``
or ``False`` and never ends in a traceback from inside the checker: an
exception of the reader's code becomes a message naming the case.

=============================  ============================================
checker                        the reader's function
=============================  ============================================
:func:`check_conv2d`           ``fn(x, k, stride=1, padding=0)``, 2-D map
:func:`check_output_size`      ``fn(n, f, padding, stride)``, an int
:func:`check_pool2d`           ``fn(x, size, stride, mode)``, 2-D map
:func:`check_maxpool_backward` ``fn(x, dout, size, stride)``, ``dx``
:func:`check_relu_backward`    ``fn(x, dout)``, ``dx``
:func:`check_softmax_cross_entropy` ``fn(logits, labels)``, ``(loss, dlogits)``
:func:`check_dense_backward`   ``fn(x, w, b, dout)``, ``(dx, dw, db)``
:func:`check_conv2d_backward`  ``fn(x, w, dout)``, ``(dx, dw, db)``
=============================  ============================================

Arguments are passed by position, in the order shown. Arrays may be
returned as array-likes too (a nested list of numbers is compared like the
array it stands for); floating-point values are compared with
``np.allclose`` (``rtol=1e-5, atol=1e-7``). A function that changes one of
its array arguments in place fails, even with the right result.

Questions with one numeric answer: :func:`check_answer`.
"""

from cnnlib.exercises.answer import check_answer
from cnnlib.exercises.backprop import (
    check_dense_backward,
    check_relu_backward,
    check_softmax_cross_entropy,
)
from cnnlib.exercises.conv import check_conv2d, check_conv2d_backward, check_output_size
from cnnlib.exercises.pooling import check_maxpool_backward, check_pool2d

__all__ = [
    "check_answer",
    "check_conv2d",
    "check_conv2d_backward",
    "check_dense_backward",
    "check_maxpool_backward",
    "check_output_size",
    "check_pool2d",
    "check_relu_backward",
    "check_softmax_cross_entropy",
]
