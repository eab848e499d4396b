"""Figures of a training run: what each one draws, and the errors it raises."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.plotting import (
    plot_history,
    show_confusion_matrix,
    show_feature_maps_by_depth,
    show_image_grid,
    show_kernels,
)

HISTORY = {
    "loss": [2.0, 1.0, 0.5],
    "accuracy": [0.3, 0.6, 0.9],
    "val_loss": [2.1, 1.2, 0.7],
    "val_accuracy": [0.25, 0.55, 0.8],
}


def test_learning_curves_have_a_panel_per_metric_and_both_curves():
    fig = plot_history(HISTORY)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, metric in zip(fig.axes, ("loss", "accuracy"), strict=True):
        train, val = ax.get_lines()
        np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])  # epochs from 1
        np.testing.assert_array_equal(train.get_ydata(), HISTORY[metric])
        np.testing.assert_array_equal(val.get_ydata(), HISTORY[f"val_{metric}"])
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation"]


def test_learning_curves_name_their_unit():
    assert plot_history(HISTORY).axes[0].get_xlabel() == "epoch"
    fig = plot_history(HISTORY, xlabel="round of 750 images")
    assert {ax.get_xlabel() for ax in fig.axes} == {"round of 750 images"}


def test_learning_curves_accept_what_fit_returns():
    history = cl.History()
    for epoch, loss in enumerate([1.0, 0.5]):
        history.append(epoch, {"loss": loss})
    fig = plot_history(history)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1


def test_learning_curves_reject_unknown_metrics():
    with pytest.raises(ValueError, match="metrics must be among"):
        plot_history(HISTORY, metrics=["precision"])
    with pytest.raises(ValueError, match="history must be"):
        plot_history({})


def test_confusion_matrix_writes_the_counts_and_outlines_the_mistakes():
    matrix = np.array([[5, 0, 1], [0, 7, 0], [2, 0, 4]])
    fig = show_confusion_matrix(matrix, labels=["a", "b", "c"], title="t")
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(["5", "1", "7", "2", "4"])
    outlined = [(p.get_x() + 0.5, p.get_y() + 0.5) for p in ax.patches]
    assert sorted(outlined) == [(0.0, 2.0), (2.0, 0.0)]  # (column, row) of the two mistakes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"


@pytest.mark.parametrize("matrix", [np.zeros((2, 3)), np.zeros(4), np.zeros((0, 0))])
def test_confusion_matrix_must_be_square(matrix):
    with pytest.raises(ValueError, match="must be square"):
        show_confusion_matrix(matrix)


def test_confusion_matrix_labels_must_match():
    with pytest.raises(ValueError, match="must name the 2 classes"):
        show_confusion_matrix(np.eye(2), labels=["x"])


def test_image_grid_draws_each_image_with_its_title():
    images = np.random.default_rng(0).random((5, 8, 8, 1))
    fig = show_image_grid(images, titles=list("abcde"), ncols=3, title_colours=["red"] * 5)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 5 and len(fig.axes) == 6  # two rows of three, one spare hidden
    np.testing.assert_array_equal(shown[4].images[0].get_array(), images[4, :, :, 0])
    assert [ax.get_title() for ax in shown] == list("abcde")
    assert shown[0].title.get_color() == "red"


def test_image_grid_errors():
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        show_image_grid(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="one entry per image"):
        show_image_grid(np.zeros((2, 8, 8)), titles=["only one"])


def test_kernels_share_one_signed_scale():
    kernel = np.zeros((3, 3, 1, 4))
    kernel[0, 0, 0, 2] = -2.0
    kernel[1, 1, 0, 3] = 0.5
    fig = show_kernels(kernel, ncols=2)
    drawn = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in drawn] == [f"filter {k}" for k in range(4)]
    for ax in drawn:
        assert ax.images[0].get_clim() == (-2.0, 2.0)
        assert ax.images[0].get_cmap().name == "RdBu_r"
    np.testing.assert_array_equal(drawn[2].images[0].get_array(), kernel[:, :, 0, 2])


def test_kernels_need_one_input_channel():
    with pytest.raises(ValueError, match="one input channel"):
        show_kernels(np.zeros((3, 3, 2, 4)))


def test_feature_maps_one_row_per_stage():
    rng = np.random.default_rng(1)
    stages = [
        ("input", rng.random((8, 8, 1))),
        ("conv", rng.random((8, 8, 12))),
        ("pool", rng.random((4, 4, 3))),
        ("dense", rng.random(10)),
    ]
    fig = show_feature_maps_by_depth(stages, max_channels=8)
    ylabels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert ylabels == ["input", "conv", "pool", "dense"]
    assert len(fig.axes) == 1 + 8 + 3 + 1  # at most max_channels maps per row
    conv_axes = fig.axes[1:9]
    vmax = float(stages[1][1].max())
    assert all(ax.images[0].get_clim() == (0.0, vmax) for ax in conv_axes)  # one scale per row
    strip = fig.axes[-1]
    np.testing.assert_array_equal(strip.images[0].get_array(), stages[3][1][None, :])
    assert len(strip.get_xticks()) == 10


def test_feature_maps_errors():
    with pytest.raises(ValueError, match="at least one"):
        show_feature_maps_by_depth([])
    with pytest.raises(ValueError, match="stage 'x' must have shape"):
        show_feature_maps_by_depth([("x", np.zeros((2, 2, 2, 2)))])
