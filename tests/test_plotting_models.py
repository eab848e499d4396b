"""The model diagram: one box per layer, read from the model, with arrows between them."""

import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import cnnlib as cl
from cnnlib.plotting import draw_model
from cnnlib.plotting.models import layer_settings, model_boxes
from cnnlib.train_mnist import digit_classifier


def texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def test_one_box_per_layer_and_the_input_with_arrows_between():
    model = digit_classifier()
    fig = draw_model(model)
    patches = fig.axes[0].patches
    assert sum(isinstance(p, FancyBboxPatch) for p in patches) == len(model.layers) + 1
    assert sum(isinstance(p, FancyArrowPatch) for p in patches) == len(model.layers)


def test_the_boxes_show_the_summarys_shapes_and_counts():
    model = digit_classifier()
    shown = texts(draw_model(model))
    assert "output (None, 28, 28, 1)" in shown
    for row in model.summary_rows():
        assert f"output {row.output_shape}" in shown
        assert f"{row.params:,} parameters" in shown
    assert "conv2d (Conv2D): 32 filters 3×3, relu" in shown
    assert "max_pooling2d (MaxPooling2D): 2×2, stride 2" in shown
    assert "dense_1 (Dense): 10 units, softmax" in shown
    assert draw_model(model).axes[0].get_title() == "sequential: 1,199,882 parameters"


def test_parameters_can_be_left_out_and_the_title_chosen():
    fig = draw_model(digit_classifier(), show_params=False, title="E9")
    assert not [t for t in texts(fig) if t.endswith("parameters")]
    assert fig.axes[0].get_title() == "E9"


def test_the_boxes_follow_a_model_that_changes():
    model = cl.Sequential([cl.Flatten()], input_shape=(4, 4, 2))
    assert [b.output_shape for b in model_boxes(model)] == [(None, 4, 4, 2), (None, 32)]
    model.add(cl.Dense(3))
    boxes = model_boxes(model)
    assert boxes[-1].output_shape == (None, 3) and boxes[-1].params == 32 * 3 + 3
    assert [b.kind for b in boxes] == ["input", "reshape", "dense"]


@pytest.mark.parametrize(
    ("layer", "text"),
    [
        (cl.Conv2D(8, (5, 3), strides=2, padding="same"), "8 filters 5×3, stride 2×2, same"),
        (cl.Conv2D(4, 3, padding=1, activation="tanh"), "4 filters 3×3, padding 1, tanh"),
        (cl.MaxPooling2D(3, strides=2), "3×3, stride 2"),
        (cl.AveragePooling2D((2, 1), strides=(2, 1)), "2×1, stride 2×1"),
        (cl.Conv2D(4, 3, padding=(1, 2)), "4 filters 3×3, padding (1, 2)"),
        (cl.Dense(7), "7 units"),
        (cl.Dropout(0.25), "rate 0.25"),
        (cl.Activation("relu"), "relu"),
        (cl.BatchNormalization(), ""),
        (cl.Flatten(), ""),
    ],
)
def test_layer_settings(layer, text):
    assert layer_settings(layer) == text


def test_an_empty_model_is_refused():
    with pytest.raises(ValueError, match="no layers to draw"):
        draw_model(cl.Sequential(input_shape=(8, 8, 1)))
