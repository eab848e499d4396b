"""Every figure of cnnlib.plotting fits the book's column, and its text is readable there.

The book stores figures as PNGs at 80 dpi cropped with bbox_inches="tight", and
shows images up to 688 px wide at their own size; wider ones are scaled down,
labels with them. Each case below draws a figure the way a chapter does (the
same function, the same arguments, arrays of the same shapes), stores it as
the book does, and checks its width and the size of every text drawn in it.
"""

import inspect
import re

import numpy as np
import pytest

import cnnlib as cl
from cnnlib import plotting as P
from cnnlib.plotting.page import MIN_FONT_PX, PAGE_WIDTH_PX, measure

RNG = np.random.default_rng(0)
E1_IMAGE = np.array(
    [[1, 0, 1, 0, 1], [1, 0, 0, 1, 1], [0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [0, 0, 1, 1, 0]]
)
E1_KERNEL = np.array([[0, 1, 0], [1, 0, -1], [0, 1, 0]])
E1_MAP = cl.conv2d(E1_IMAGE, E1_KERNEL)
DIGITS6 = RNG.integers(0, 10, size=(6, 6))
EIGHT = np.random.default_rng(1).integers(0, 10, size=(8, 8))
E24 = np.array([[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [9, 8, 6, 5]])
PEAK = np.array([[1, 2, 0], [3, 9, 4], [0, 5, 1]])
POOL_DOUT = np.array([[1, 2], [3, 4]])
HISTORY = {
    "loss": list(np.linspace(2, 0.1, 20)),
    "accuracy": list(np.linspace(0.3, 0.99, 20)),
    "val_loss": list(np.linspace(2.1, 0.2, 20)),
    "val_accuracy": list(np.linspace(0.3, 0.98, 20)),
}
SHARPEN = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
FILTERS = {  # the ten kernels of the filters chapter
    "Sobel X": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "Sobel Y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "8-neighbour edge": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "edge enhance": np.array([[0, 0, 0], [-1, 1, 0], [0, 0, 0]]),
    "sharpen": SHARPEN,
    "sharpen 5×5": np.pad(SHARPEN, 1),
    "box blur": np.ones((3, 3)) / 9,
    "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}
PHOTO = RNG.random((100, 100))
STAGES = [  # the digit CNN of the training chapter, one test image
    ("input\n8×8×1", RNG.random((8, 8, 1))),
    ("conv2d\n8×8×16", RNG.standard_normal((8, 8, 16))),
    ("max_pooling2d\n4×4×16", RNG.random((4, 4, 16))),
    ("conv2d_1\n4×4×32", RNG.standard_normal((4, 4, 32))),
    ("max_pooling2d_1\n2×2×32", RNG.random((2, 2, 32))),
    ("dense\n64", RNG.random(64)),
    ("dense_1\n10", RNG.random(10)),
]


def _volume():
    x = np.zeros((5, 5, 3))
    x[:, :2] = [1.0, 1.0, 0.0]
    x[:, 2:] = [0.0, 0.0, 1.0]
    vertical = np.array([[1, 0, -1]] * 3)
    w = np.stack([vertical] * 3, axis=-1)
    maps = np.stack([cl.conv2d(x[:, :, c], w[:, :, c]) for c in range(3)], axis=-1)
    return x, w, maps, cl.conv2d(x, w)


def _graph():
    return P.draw_computation_graph(
        ["conv", "ReLU", "max pool", "flatten", "dense", "softmax\ncross-entropy"],
        [
            "x\n(N, 8, 8, 1)",
            "z₁\n(N, 6, 6, 4)",
            "a₁\n(N, 6, 6, 4)",
            "m₁\n(N, 3, 3, 4)",
            "v\n(N, 36)",
            "z₂\n(N, 10)",
            "L",
        ],
        {0: "w₁, b₁", 4: "w₂, b₂"},
    )


def _receptive_fields(numbers):
    maps = [np.pad(np.ones((s, s)), (9 - s) // 2) for s in (3, 5, 7)]
    if not numbers:
        maps = [np.ones((15, 15)) for _ in range(3)]
    titles = [f"{d + 1} layers: {s}×{s},\n49 pixels reached" for d, s in enumerate((3, 5, 7))]
    boxes = [(0, 0, 7, 7)] * 3
    return P.draw_receptive_fields(
        maps, titles, boxes, numbers=numbers, suptitle="Paths from each input pixel to a value"
    )


E36_IMAGE = np.zeros((7, 7))  # the smiley face of the dense chapter
E36_IMAGE[[1, 1, 3, 4, 4, 5, 5, 5], [1, 5, 3, 1, 5, 2, 3, 4]] = 1
E36_DETECTOR = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 1]])
E36_MAP = cl.conv2d(E36_IMAGE, E36_DETECTOR)


def _dense_steps():
    pooled = cl.pool2d(E36_MAP, 2, keep_partial=True)
    return P.draw_steps(
        [E36_IMAGE, E36_MAP, pooled, pooled.ravel()],
        ["image", "feature map", "pooled map", "flat vector"],
        ["∗ detector", "max pool\n2×2, stride 2", "flatten"],
    )


def _image_grid(n, ncols, cell, titles, **options):
    return P.show_image_grid(
        RNG.random((n, 28, 28, 1)), titles=titles, ncols=ncols, cell=cell, **options
    )


def _first_frame(anim):
    """The animation's figure with frame 0 drawn, as animation_html shows it first."""
    anim._init_draw()  # the public way, to_jshtml, would render every frame
    return anim.fig


WRONG = [f"true {k % 10}\nsaid {(k + 3) % 10} (97%)" for k in range(20)]

# (chapter and what it draws, a function drawing it as the chapter does)
CASES = {
    "convolution: a step of E1": lambda: P.draw_conv_step(E1_IMAGE, E1_KERNEL, 0, 1),
    "convolution: the animation's frame": lambda: _first_frame(P.animate_conv(E1_IMAGE, E1_KERNEL)),
    "convolution: the result": lambda: P.draw_conv_result(E1_IMAGE, E1_KERNEL),
    "padding_stride: padded animation": lambda: _first_frame(
        P.animate_conv(E1_IMAGE, E1_KERNEL, padding=1)
    ),
    "padding_stride: 'same', 4×4 kernel": lambda: P.draw_conv_step(
        DIGITS6, np.ones((4, 4)), 5, 5, padding="same"
    ),
    "padding_stride: stride 2": lambda: P.draw_conv_step(EIGHT, E1_KERNEL, 2, 2, stride=2),
    "padding_stride: stride 2, 'same'": lambda: P.draw_conv_step(
        EIGHT, E1_KERNEL, 3, 3, stride=2, padding="same"
    ),
    "padding_stride: stride-2 animation": lambda: _first_frame(
        P.animate_conv(EIGHT, E1_KERNEL, stride=2)
    ),
    "convolution: one matrix": lambda: P.draw_matrix(E1_IMAGE).figure,
    "grids: a numbered grid": lambda: P.draw_grid(RNG.integers(0, 10, (9, 9))).figure,
    "backprop: computation graph": _graph,
    "backprop: weight gradient": lambda: P.draw_weight_gradient(E1_IMAGE, E1_MAP, 0, 1),
    "backprop: input gradient": lambda: P.draw_input_gradient(
        E1_MAP, E1_KERNEL, (5, 5), position=(0, 0)
    ),
    "backprop: input gradient, stride 2": lambda: P.draw_input_gradient(
        POOL_DOUT, E1_KERNEL, (5, 5), stride=2
    ),
    "backprop: input gradient, padding 1": lambda: P.draw_input_gradient(
        np.arange(25).reshape(5, 5) % 5 - 2, E1_KERNEL, (5, 5), padding=1
    ),
    "backprop: max-pool routing": lambda: P.draw_pool_routing(E24, POOL_DOUT, 2),
    "backprop: overlapping max pool": lambda: P.draw_pool_routing(PEAK, POOL_DOUT, 2, stride=1),
    "backprop: overlapping avg pool": lambda: P.draw_pool_routing(
        PEAK, POOL_DOUT, 2, stride=1, mode="avg"
    ),
    "backprop: im2col": lambda: P.draw_im2col(E1_IMAGE, E1_KERNEL),
    "receptive_field: three layers": lambda: _receptive_fields(True),
    "receptive_field: dilations": lambda: _receptive_fields(False),
    "receptive_field: dilated kernels": lambda: P.draw_dilated_kernels(3, (1, 2, 3)),
    "dense: the whole path": _dense_steps,
    "dense: detector steps": lambda: P.draw_steps(
        [E36_IMAGE, E36_DETECTOR, E36_MAP],
        ["input image", "feature detector", "feature map"],
        ["∗", "="],
        marked=[E36_IMAGE > 0, None, E36_MAP > 1],
    ),
    "dense: pooling with partial windows": lambda: P.draw_pooling(E36_MAP, keep_partial=True),
    "dense: flatten": lambda: P.draw_flatten(cl.pool2d(E36_MAP, 2, keep_partial=True)),
    "dense: flatten 3×3×2 by index": lambda: P.draw_flatten(np.zeros((3, 3, 2)), show="index"),
    "dense: a dense layer": lambda: (
        P.draw_dense_layer(
            RNG.normal(0, 0.5, (9, 2)),
            np.array([0.1, -0.1]),
            input_labels=[str(v) for v in range(9)],
            output_labels=["awake score", "drowsy score"],
        ).figure
    ),
    "dense: probabilities": lambda: (
        P.draw_probabilities(
            cl.softmax(np.array([2.0, 0.5])), ["awake", "drowsy"], title="softmax of the scores"
        ).figure
    ),
    "dense: dropout": lambda: P.draw_dropout(np.arange(9.0), 0.5, rng=1, draws=3),
    "pooling: max": lambda: P.draw_pooling(E24),
    "pooling: 5×5 map": lambda: P.draw_pooling(RNG.integers(0, 5, (5, 5))),
    "pooling: subsampling a line": lambda: P.draw_pooling(
        np.eye(8)[::-1], 1, stride=2, title="subsampling: the line falls between the kept pixels"
    ),
    "pooling: max pool of a line": lambda: P.draw_pooling(
        np.eye(8)[::-1], 2, title="max pooling: every pixel is seen, the line survives"
    ),
    "pooling: shift comparison": lambda: P.draw_shift_comparison(
        RNG.random((8, 8)), RNG.random((8, 8)), labels=("digit", "shifted right")
    ),
    "activations: rectified E1 map": lambda: P.draw_rectified(
        E1_MAP, titles=("E1 feature map", "rectified map")
    ),
    "activations: rectified photo": lambda: P.draw_rectified(
        RNG.standard_normal((118, 100)),
        image=RNG.random((120, 102)),
        titles=("vertical-edge map", "rectified"),
        figsize=(8, 3.5),
    ),
    "activations: ten activations": lambda: P.plot_activations(
        options={"leaky_relu": {"slope": 0.1}}
    ),
    "activations: overlay": lambda: P.plot_overlay(["relu", "sigmoid", "tanh"]),
    "activations: one activation": lambda: P.plot_activation("relu").figure,
    "activations: dead units": lambda: (
        P.plot_dead_units(
            {"ReLU": np.arange(20), "leaky ReLU (silent, but still learning)": np.arange(20) // 2},
            100,
            boundary=10,
            title="hidden units that output 0 for every training image",
        ).figure
    ),
    "images: a pixel": lambda: P.show_pixel(np.array([236, 167, 210])),
    "images: three channels": lambda: P.show_channels(RNG.random((200, 200, 3))),
    "images: image": lambda: P.show_image(RNG.random((5, 5)), numbers=True).figure,
    "images: filter result": lambda: (
        P.show_filter_result(RNG.standard_normal((98, 98)), FILTERS["Sobel X"]).figure
    ),
    "filters: the kernel grid": lambda: P.show_filter_grid(
        FILTERS, {name: cl.conv2d(PHOTO, k) for name, k in FILTERS.items()}
    ),
    "volumes: channel sum": lambda: P.show_channel_sum(*_volume()),
    "volumes: windows": lambda: (
        P.show_windows(
            RNG.random((256, 256, 3)), window=128, stride=128, title="One neuron, four quadrants"
        ).figure
    ),
    "architectures: E9": lambda: P.draw_model(
        __import__("cnnlib.train_mnist").train_mnist.digit_classifier(), title="Worked example E9"
    ),
    "architectures: eight digits": lambda: _image_grid(8, 8, 0.9, [str(d) for d in range(8)]),
    "training: history": lambda: P.plot_history(HISTORY),
    "training: confusion matrix": lambda: (
        P.show_confusion_matrix(
            RNG.integers(0, 200, (10, 10)), title="Test digits: true class against prediction"
        ).figure
    ),
    "training: twenty digits": lambda: _image_grid(
        20, 10, 0.8, [str(k % 10) for k in range(20)], suptitle="The first 20 training digits"
    ),
    "training: mistakes": lambda: _image_grid(
        20, 10, 0.95, WRONG, title_colours=["firebrick"] * 20, suptitle="The surest mistakes"
    ),
    "training: kernels": lambda: P.show_kernels(
        RNG.standard_normal((3, 3, 1, 16)), suptitle="First-layer filters after training"
    ),
    "training: feature maps by depth": lambda: P.show_feature_maps_by_depth(
        STAGES, max_channels=16, cell=0.62, suptitle="A test digit through the network"
    ),
    "practice: ten copies": lambda: _image_grid(
        10, 10, 0.8, ["original"] + [f"copy {i + 1}" for i in range(9)], suptitle="Random shifts"
    ),
    "practice: saliency": lambda: _image_grid(
        5, 5, 1.2, [f"saliency for {d}" for d in range(5)], cmap="viridis", suptitle="Saliency"
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_figure_fits_the_column_and_its_text_is_readable(name):
    measured = measure(CASES[name]())
    assert measured.width_px <= PAGE_WIDTH_PX, (
        f"{name}: {measured.width_px} px wide; the column shows {PAGE_WIDTH_PX} px"
    )
    small = measured.small_texts(MIN_FONT_PX)
    assert not small, f"{name}: texts under {MIN_FONT_PX} px: {small[:8]}"


def test_the_measure_sees_small_text_and_wide_figures():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 2))  # axes 9.3 in wide: 744 px
    ax.set_xticks([0, 1], ["a", "b"], fontsize=7)
    ax.text(0.5, 0.5, "hidden", fontsize=5, visible=False)
    measured = measure(fig)
    assert measured.width_px > PAGE_WIDTH_PX
    assert sorted(t for t, _ in measured.small_texts()) == ["a", "b"]


# Public names of cnnlib.plotting that draw no figure: helpers, text, and the PNG format.
NOT_FIGURES = {
    "SEED_ACTIVATIONS",
    "activation_curve",
    "animation_html",
    "compact_png",
    "dilation_taps",
    "flat_positions",
    "input_gradient_steps",
    "number_text",
    "pool_routes",
    "pooling_sources",
    "sum_of_products_text",
    "use_compact_png",
}


def test_every_figure_of_the_library_has_a_case():
    drawn = set(re.findall(r"\bP\.(\w+)\(", inspect.getsource(inspect.getmodule(_volume))))
    missing = set(P.__all__) - NOT_FIGURES - drawn
    assert not missing, f"no case draws {sorted(missing)}"


def test_chapters_draw_at_the_page_dpi_and_ask_for_no_smaller_font():
    """The chapters' own figures: drawn at the book's dpi, no font size under 9 pt."""
    import json
    from pathlib import Path

    from cnnlib.plotting.page import DPI, MIN_FONT_PT

    chapters = Path(__file__).resolve().parents[1] / "chapters"
    for path in sorted(chapters.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        stored = any("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
        if stored:
            assert f'plt.rcParams["figure.dpi"] = {DPI}' in code, path.name
        sizes = [float(s) for s in re.findall(r"fontsize=(\d+(?:\.\d+)?)\b", code)]
        assert all(size >= MIN_FONT_PT for size in sizes), (path.name, sizes)
