"""Figures of images and filters: what they draw, in which colours, and their errors."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.plotting import (
    show_channel_sum,
    show_channels,
    show_filter_grid,
    show_filter_result,
    show_image,
    show_pixel,
    show_windows,
)
from cnnlib.plotting.images import format_number, integer_form, kernel_sum_is_zero, signed_limits


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "3"),
        (-4.0, "-4"),
        (-0.5, "-0.5"),
        (0.25, "0.25"),
        (1 / 9, "1/9"),
        (1 / 16, "1/16"),
        (-2 / 9, "-2/9"),
        (0.123456, "0.123"),
        (np.float64(196.5), "196"),  # three significant digits
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_signed_limits_are_symmetric_and_never_empty():
    assert signed_limits([-3.0, 1.0, 2.0]) == (-3.0, 3.0)
    assert signed_limits(np.zeros((2, 2))) == (-1.0, 1.0)
    lo, hi = signed_limits(np.arange(101.0), 50)
    assert (lo, hi) == (-50.0, 50.0)


def test_show_image_writes_every_number_in_a_readable_colour():
    values = np.array([[0, 255], [255, 0]], dtype=np.uint8)
    fig = show_image(values, numbers=True)
    ax = fig.axes[0]
    texts = {t.get_text(): [] for t in ax.texts}
    for t in ax.texts:
        texts[t.get_text()].append(t.get_color())
    assert len(ax.texts) == 4
    assert texts == {"0": ["white", "white"], "255": ["black", "black"]}
    image = ax.images[0]
    assert image.get_clim() == (0, 255)  # integers: the full 0..255 range, not autoscaled
    assert ax.get_xlabel() == "column $j$" and ax.get_ylabel() == "row $i$"


def test_show_image_of_a_colour_pixel_writes_its_three_values():
    fig = show_image(np.array([[[236, 167, 210]]]), numbers=True)
    assert [t.get_text() for t in fig.axes[0].texts] == ["236\n167\n210"]
    np.testing.assert_allclose(
        fig.axes[0].images[0].get_array()[0, 0], [236 / 255, 167 / 255, 210 / 255]
    )


def test_signed_image_is_centred_on_zero():
    fig = show_image(np.array([[-1.0, 4.0]]), signed=True)
    image = fig.axes[0].images[0]
    assert image.get_cmap().name == "RdBu_r"
    assert image.get_clim() == (-4.0, 4.0)


@pytest.mark.parametrize("shape", [(3,), (2, 2, 4), (2, 2, 3, 1)])
def test_show_image_rejects_other_shapes(shape):
    with pytest.raises(ValueError, match=r"image must have shape \(H, W\) or \(H, W, 3\)"):
        show_image(np.zeros(shape))


def test_show_pixel_draws_the_colour_and_three_bars():
    fig = show_pixel([236, 167, 210])
    swatch, bars = fig.axes
    np.testing.assert_allclose(swatch.images[0].get_array()[0, 0], np.array([236, 167, 210]) / 255)
    assert [p.get_width() for p in bars.patches] == [236, 167, 210]
    with pytest.raises(ValueError, match="three values"):
        show_pixel([1, 2])


def test_show_channels_draws_each_channel_unchanged():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(4, 5, 3))
    fig = show_channels(image)
    for c in range(3):
        np.testing.assert_array_equal(fig.axes[1 + c].images[0].get_array(), image[:, :, c])
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        show_channels(image[:, :, 0])


def test_kernel_sum_decides_the_colour_map():
    assert kernel_sum_is_zero([[-1, 0, 1]])
    assert not kernel_sum_is_zero(np.ones((3, 3)) / 9)
    image = np.linspace(0, 1, 36).reshape(6, 6)
    edge = np.array([[-1, 0, 1]] * 3)
    blur = np.ones((3, 3)) / 9
    signed = show_filter_result(cl.conv2d(image, edge), edge).axes[0].images[0]
    assert signed.get_cmap().name == "RdBu_r"
    lo, hi = signed.get_clim()
    assert lo == -hi
    plain = show_filter_result(cl.conv2d(image, blur), blur).axes[0].images[0]
    assert plain.get_cmap().name == "gray" and plain.get_clim() == (0.0, 1.0)


def test_filter_grid_draws_a_kernel_above_each_result():
    image = np.linspace(0, 1, 64).reshape(8, 8)
    kernels = {"edge": np.array([[-1, 0, 1]] * 3), "blur": np.ones((3, 3)) / 9, "id": [[1]]}
    outputs = {name: cl.conv2d(image, k) for name, k in kernels.items()}
    fig = show_filter_grid(kernels, outputs, ncols=2)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 6  # three kernels and three results; the spare cell stays blank
    kernel_axes = [ax for ax in visible if not ax.get_title().startswith("weights add to")]
    titles = [ax.get_title() for ax in kernel_axes]
    assert titles == ["edge", "blur, 1/9 ×", "id"]  # a common fraction is taken out
    assert [t.get_text() for t in kernel_axes[1].texts] == ["1"] * 9
    results = [ax for ax in visible if ax not in kernel_axes]
    assert [ax.get_title() for ax in results] == [
        "weights add to 0",
        "weights add to 1",
        "weights add to 1",
    ]
    assert [ax.images[0].get_cmap().name for ax in results] == ["RdBu_r", "gray", "gray"]
    with pytest.raises(ValueError, match="same names"):
        show_filter_grid(kernels, {"edge": outputs["edge"]})


def test_channel_sum_figure_shows_maps_and_total():
    volume = np.arange(75.0).reshape(5, 5, 3) % 2
    kernel = np.ones((3, 3, 3))
    maps = np.stack([cl.conv2d(volume[:, :, c], kernel[:, :, c]) for c in range(3)], axis=-1)
    total = cl.conv2d(volume, kernel)
    fig = show_channel_sum(volume, kernel, maps, total)
    assert len(fig.axes) == 10
    np.testing.assert_array_equal(fig.axes[-1].images[0].get_array(), total)
    with pytest.raises(ValueError, match="expected volume"):
        show_channel_sum(volume, kernel[:, :, :2], maps, total)


def test_windows_are_outlined_and_labelled_with_their_output_position():
    fig = show_windows(np.zeros((8, 8)), window=4, stride=4)
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    assert sorted(t.get_text() for t in ax.texts) == [
        f"output ({i}, {j})" for i in range(2) for j in range(2)
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "4", "8"]
    with pytest.raises(ValueError, match="window must fit"):
        show_windows(np.zeros((4, 4)), window=5, stride=1)


def test_compact_png_is_a_palette_png_that_looks_the_same():
    import io

    from PIL import Image

    from cnnlib.plotting import compact_png

    rng = np.random.default_rng(0)
    fig = show_image(rng.random((40, 40)))
    plain = io.BytesIO()
    fig.savefig(plain, format="png", bbox_inches="tight")
    data = compact_png(fig)
    with Image.open(io.BytesIO(data)) as small, Image.open(plain) as full:
        assert small.format == "PNG" and small.mode == "P"
        assert small.size == full.size
        difference = np.abs(
            np.asarray(small.convert("RGB"), dtype=int) - np.asarray(full.convert("RGB"), dtype=int)
        )
    assert difference.mean() < 2  # on a 0..255 scale
    assert len(data) < len(plain.getvalue())
    with pytest.raises(ValueError, match="colors must be between 2 and 256"):
        compact_png(fig, colors=300)


def test_use_compact_png_makes_ipython_display_palette_pngs():
    import base64
    import io

    from IPython.core.interactiveshell import InteractiveShell
    from PIL import Image

    from cnnlib.plotting import use_compact_png

    shell = InteractiveShell.instance()
    try:
        use_compact_png(shell)
        fig = show_image(np.eye(4))
        data, _ = shell.display_formatter.format(fig)
        with Image.open(io.BytesIO(base64.b64decode(data["image/png"]))) as image:
            assert image.mode == "P"
    finally:
        InteractiveShell.clear_instance()
    with pytest.raises(RuntimeError, match="needs a running IPython"):
        use_compact_png()


@pytest.mark.parametrize(
    ("kernel", "scale", "integers"),
    [
        (np.ones((3, 3)) / 9, "1/9", np.ones((3, 3))),
        (np.array([[1, 2, 1]]) / 16, "1/16", [[1, 2, 1]]),
        ([[0.5, -1.0]], "1/2", [[1, -2]]),
        ([[-1, 0, 1]], None, [[-1, 0, 1]]),
        ([[0.3141592]], None, [[0.3141592]]),
    ],
)
def test_integer_form(kernel, scale, integers):
    factor, shown = integer_form(kernel)
    assert (None if factor is None else str(factor)) == scale
    np.testing.assert_allclose(shown, integers)
