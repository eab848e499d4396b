"""The math of every operation as pure functions.

Each ``*_forward`` function returns ``(out, cache)`` and its ``*_backward``
partner turns the gradient of the output into the gradients of the inputs.
"""

from cnnlib.functional.conv import conv2d_backward, conv2d_forward

__all__ = ["conv2d_backward", "conv2d_forward"]
