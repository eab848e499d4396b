"""The output-size formula and padding rules, as a table of cases."""

import math

import pytest

import cnnlib as cl
from cnnlib.loops import window_starts
from cnnlib.shapes import conv_transpose_output_size, same_padding


@pytest.mark.parametrize(
    ("n", "f", "padding", "stride", "expected"),
    [
        (5, 3, 0, 1, 3),  # the 5x5 example with a 3x3 kernel
        (5, 3, 0, 2, 2),  # stride 2
        (5, 3, 1, 1, 5),  # one pixel of padding keeps the size
        (6, 3, 0, 1, 4),
        (6, 3, 1, 1, 6),
        (8, 3, 0, 2, 3),  # (8 - 3) / 2 + 1 = 3.5 rounds down
        (32, 3, 1, 1, 32),
        (28, 3, 0, 1, 26),
        (7, 7, 0, 1, 1),
        (5, 3, "valid", 1, 3),
        (5, 3, "same", 1, 5),
        (5, 3, "same", 2, 3),  # ceil(5 / 2)
        (32, 3, "same", 2, 16),
        (6, 2, (0, 1), 2, 3),
    ],
)
def test_conv_output_size_table(n, f, padding, stride, expected):
    assert cl.conv_output_size(n, f, padding=padding, stride=stride) == expected


@pytest.mark.parametrize("n", range(1, 30))
@pytest.mark.parametrize("f", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("s", [1, 2, 3])
def test_same_padding_gives_ceil(n, f, s):
    before, after = same_padding(n, f, s)
    assert after - before in (0, 1)
    assert cl.conv_output_size(n, f, padding="same", stride=s) == math.ceil(n / s)


@pytest.mark.parametrize(
    ("n", "f", "s", "expected"),
    [(5, 2, 2, 3), (4, 2, 2, 2), (5, 3, 2, 2), (6, 3, 2, 3), (5, 1, 3, 2), (7, 3, 3, 3)],
)
def test_ceil_mode_keeps_only_windows_that_start_inside(n, f, s, expected):
    out = cl.conv_output_size(n, f, stride=s, ceil_mode=True)
    assert out == expected
    assert (out - 1) * s < n


@pytest.mark.parametrize(
    ("n", "f", "s", "expected"),
    [(3, 4, 4, 1), (1, 2, 2, 1), (2, 5, 1, 1), (4, 5, 2, 1)],
)
def test_ceil_mode_allows_a_window_larger_than_the_input(n, f, s, expected):
    # One partial window that starts at 0 and covers the whole axis (PyTorch gives
    # the same size whenever it accepts the case, for instance with stride == f).
    assert cl.conv_output_size(n, f, stride=s, ceil_mode=True) == expected


@pytest.mark.parametrize(
    ("n", "f", "s", "expected"),
    [(4, 2, 1, (0, 1)), (5, 4, 1, (1, 2)), (7, 3, 2, (1, 1)), (6, 3, 2, (0, 1)), (5, 2, 2, (0, 1))],
)
def test_same_padding_by_hand(n, f, s, expected):
    # total = (ceil(n / s) - 1) * s + f - n zeros, the odd one after (Keras)
    assert same_padding(n, f, s) == expected


@pytest.mark.parametrize(
    ("n", "f", "padding", "s", "expected"),
    [
        (1, 2, 1, 1, 2),  # padded to 3: windows at 0 and 1, both start inside
        (4, 4, 2, 2, 3),  # padded to 8: windows at 0, 2 and 4, which reaches the end
        (3, 2, (1, 0), 2, 2),  # padded to 4: windows at 0 and 2
    ],
)
def test_ceil_mode_counts_the_leading_padding(n, f, padding, s, expected):
    assert cl.conv_output_size(n, f, padding=padding, stride=s, ceil_mode=True) == expected


@pytest.mark.parametrize("n", range(1, 10))
@pytest.mark.parametrize("f", range(1, 6))
@pytest.mark.parametrize("s", [1, 2, 3])
def test_output_size_equals_the_windows_counted_one_by_one(n, f, s):
    # Paddings up to half the window, where PyTorch's ceil_mode is defined.
    for before in range(f // 2 + 1):
        for after in range(f // 2 + 1):
            for ceil_mode in (False, True):
                counted = window_starts(n, f, s, before, after, keep_partial=ceil_mode)
                if not counted:
                    continue  # the window does not fit: conv_output_size raises
                size = cl.conv_output_size(
                    n, f, padding=(before, after), stride=s, ceil_mode=ceil_mode
                )
                assert size == len(counted), (n, f, s, before, after, ceil_mode)


@pytest.mark.parametrize(
    ("n", "f", "padding", "stride", "dilation", "expected"),
    [
        (7, 3, 0, 1, 2, 3),  # the taps span 5: 7 - 5 + 1
        (9, 3, 0, 1, 4, 1),  # span 9, as large as the input
        (10, 3, 2, 1, 2, 10),  # p = d (f - 1) / 2 keeps the size
        (11, 3, 0, 2, 2, 4),  # floor((11 - 5) / 2) + 1
        (12, 2, 0, 3, 3, 3),  # even kernel, span 4: floor(8 / 3) + 1
        (32, 3, 8, 1, 8, 32),
        (10, 3, "same", 1, 3, 10),
        (10, 3, "same", 3, 2, 4),  # ceil(10 / 3)
        (5, 1, 0, 1, 7, 5),  # a 1x1 kernel has no gaps to dilate
    ],
)
def test_conv_output_size_with_dilation(n, f, padding, stride, dilation, expected):
    assert cl.conv_output_size(n, f, padding, stride, dilation) == expected
    if isinstance(padding, int):  # the formula of the docstring, written out
        assert (n + 2 * padding - dilation * (f - 1) - 1) // stride + 1 == expected


@pytest.mark.parametrize(
    ("n", "f", "s", "d", "expected"),
    [(7, 3, 1, 2, (2, 2)), (8, 3, 2, 2, (1, 2)), (6, 2, 1, 3, (1, 2)), (5, 3, 2, 3, (3, 3))],
)
def test_same_padding_with_dilation_pads_the_dilated_span_like_tensorflow(n, f, s, d, expected):
    # total = max((ceil(n / s) - 1) * s + d (f - 1) + 1 - n, 0), the odd zero after
    assert same_padding(n, f, s, d) == expected
    assert cl.conv_output_size(n, f, "same", s, d) == math.ceil(n / s)


def test_dilated_window_larger_than_the_input_is_an_error():
    with pytest.raises(ValueError, match=r"f=7 \(f=3 with dilation=3\) but n \+ padding = 6"):
        cl.conv_output_size(6, 3, dilation=3)
    with pytest.raises(ValueError, match=r"dilation must be a positive integer.*dilation=0"):
        cl.conv_output_size(6, 3, dilation=0)


@pytest.mark.parametrize(
    ("n", "f", "p", "s", "d", "a"),
    [
        (3, 3, 0, 1, 1, 0),
        (2, 3, 0, 2, 1, 0),
        (2, 3, 0, 2, 1, 1),
        (4, 4, 1, 2, 1, 0),
        (3, 3, 1, 1, 2, 0),
    ],
)
def test_transposed_output_size_inverts_the_convolution(n, f, p, s, d, a):
    m = conv_transpose_output_size(n, f, p, s, d, a)
    assert m == (n - 1) * s - 2 * p + d * (f - 1) + 1 + a
    assert cl.conv_output_size(m, f, p, s, d) == n  # the convolution maps m back to n
    with pytest.raises(ValueError, match=r"output_padding must be smaller than the stride"):
        conv_transpose_output_size(n, f, p, s, d, output_padding=s)


def test_output_shape_per_axis():
    assert cl.conv_output_shape((7, 9), (3, 5), padding=(1, 0), stride=(2, 1)) == (4, 5)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0, "f": 3}, ValueError, r"n must be a positive integer.*received n=0"),
        ({"n": 5, "f": 0}, ValueError, r"f must be a positive integer.*received f=0"),
        ({"n": 5, "f": 3, "stride": 0}, ValueError, r"stride .*received stride=0"),
        ({"n": 5, "f": 3, "padding": -1}, ValueError, r"padding .*received padding=-1"),
        ({"n": 5, "f": 3, "padding": "full"}, ValueError, r"\['valid', 'same'\].*'full'"),
        ({"n": 3, "f": 5}, ValueError, r"window is larger than the padded input: f=5"),
        ({"n": 5.0, "f": 3}, TypeError, r"n must be a positive integer; received 5.0"),
        ({"n": 5, "f": 3, "stride": True}, TypeError, r"stride must be a positive integer"),
    ],
)
def test_conv_output_size_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        cl.conv_output_size(**kwargs)


def test_the_loop_reference_shares_no_arithmetic_with_the_code_it_checks():
    # "vectorised equals loops" can only see a padding or size bug if the loops
    # work out padding and sizes themselves.
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(cl.loops))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert {m for m in imported if m.startswith("cnnlib")} == {"cnnlib._checks"}
