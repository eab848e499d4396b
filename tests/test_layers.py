"""Layers: output shapes, parameter counts, gradients through the layer API, configs, errors."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib import layers
from cnnlib.functional import conv2d_forward, pool2d_forward, relu_forward
from cnnlib.gradcheck import numerical_gradient, rel_error

RNG = np.random.default_rng(0)


def built(layer, input_shape, dtype=np.float64):
    return layer.build(input_shape, rng=0, dtype=dtype)


# ----- output shapes and parameter counts -----------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "input_shape", "output_shape", "params"),
    [
        (cl.Conv2D(32, 3), (28, 28, 1), (26, 26, 32), 320),  # E9, first convolution
        (cl.Conv2D(64, 3), (26, 26, 32), (24, 24, 64), 18_496),  # E9, second
        (cl.Conv2D(32, 3, padding="same"), (64, 64, 3), (64, 64, 32), 896),  # E27
        (cl.Conv2D(10, 3), (6, 6, 3), (4, 4, 10), 280),  # E14: 27 * 10 + 10
        (cl.Conv2D(64, 3), (256, 256, 3), (254, 254, 64), 1_792),  # E33
        (cl.Conv2D(4, (3, 5), strides=(2, 1)), (9, 9, 2), (4, 5, 4), 3 * 5 * 2 * 4 + 4),
        (cl.Conv2D(4, 3, strides=2, padding="same"), (8, 7, 2), (4, 4, 4), 76),
        (cl.Conv2D(4, 3, padding=1, use_bias=False), (5, 5, 1), (5, 5, 4), 36),
        (cl.Conv2D(4, 3, dilation_rate=2), (9, 8, 2), (5, 4, 4), 76),  # the taps span 5
        (cl.Conv2D(2, 3, padding="same", dilation_rate=(2, 3)), (7, 7, 1), (7, 7, 2), 20),
        (cl.MaxPooling2D(2), (24, 24, 64), (12, 12, 64), 0),  # E9
        (cl.MaxPooling2D(3, strides=2), (7, 7, 2), (3, 3, 2), 0),  # overlapping windows
        (cl.MaxPooling2D(2, padding="same"), (5, 5, 1), (3, 3, 1), 0),  # E37: keeps partials
        (cl.AveragePooling2D((2, 3)), (6, 6, 3), (3, 2, 3), 0),
        (cl.MinPooling2D(2, strides=1), (4, 4, 1), (3, 3, 1), 0),
        (cl.GlobalMaxPooling2D(), (5, 5, 7), (7,), 0),
        (cl.GlobalAveragePooling2D(), (5, 5, 7), (7,), 0),
        (cl.Flatten(), (12, 12, 64), (9216,), 0),  # E9
        (cl.Flatten(), (7, 7, 5), (245,), 0),  # E35
        (cl.Dense(128), (9216,), (128,), 1_179_776),  # E9
        (cl.Dense(2, use_bias=False), (128,), (2,), 256),
        (cl.Dropout(0.5), (128,), (128,), 0),
        (cl.BatchNormalization(), (64, 64, 32), (64, 64, 32), 128),  # 4 per channel
        (cl.Activation("relu"), (3, 4), (3, 4), 0),
        (cl.ReLU(), (3,), (3,), 0),
        (cl.LeakyReLU(), (3,), (3,), 0),
        (cl.Softmax(), (10,), (10,), 0),
    ],
)
def test_output_shapes_and_parameter_counts(layer, input_shape, output_shape, params):
    built(layer, input_shape)
    assert layer.output_shape == output_shape
    assert layer.compute_output_shape(input_shape) == output_shape
    assert layer.count_params() == params
    x = RNG.standard_normal((2, *input_shape))
    assert layer.forward(x, training=True).shape == (2, *output_shape)


def test_output_sizes_follow_the_formula():
    layer = built(cl.Conv2D(3, (3, 2), strides=(2, 3), padding="same"), (11, 10, 1))
    assert layer.output_shape == (6, 4, 3)  # ceil(11 / 2), ceil(10 / 3): worked by hand


def test_batch_normalization_counts_half_its_weights_as_non_trainable():
    layer = built(cl.BatchNormalization(), (8, 8, 16))
    assert layer.param_counts() == (64, 32, 32)
    assert list(layer.params) == ["gamma", "beta"]
    assert list(layer.state) == ["moving_mean", "moving_variance"]


def test_weights_have_keras_shapes_initial_values_and_dtype():
    conv = cl.Conv2D(8, (3, 5)).build((10, 10, 2), rng=0)
    assert conv.params["kernel"].shape == (3, 5, 2, 8)
    assert conv.params["kernel"].dtype == np.float32
    np.testing.assert_array_equal(conv.params["bias"], np.zeros(8, dtype=np.float32))
    dense = cl.Dense(4, kernel_initializer="he_normal").build((6,), rng=0, dtype=np.float64)
    assert dense.params["kernel"].shape == (6, 4)
    assert dense.params["kernel"].dtype == np.float64


def test_the_same_seed_gives_the_same_weights():
    a = cl.Conv2D(4, 3).build((5, 5, 2), rng=3)
    b = cl.Conv2D(4, 3).build((5, 5, 2), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.params["kernel"], b.params["kernel"])


# ----- forward equals the functional operations -----------------------------------------------


def test_conv2d_forward_is_the_functional_convolution_then_the_activation():
    layer = built(cl.Conv2D(3, 2, strides=2, padding="same", activation="relu"), (5, 5, 2))
    x = RNG.standard_normal((2, 5, 5, 2))
    z, _ = conv2d_forward(x, layer.params["kernel"], layer.params["bias"], 2, "same")
    np.testing.assert_array_equal(layer.forward(x), relu_forward(z)[0])


def test_pooling_same_keeps_the_partial_windows():
    x = RNG.standard_normal((1, 5, 5, 2))
    layer = built(cl.MaxPooling2D(2, padding="same"), (5, 5, 2))
    expected, _ = pool2d_forward(x, 2, mode="max", keep_partial=True)
    np.testing.assert_array_equal(layer.forward(x), expected)


def test_dropout_is_the_identity_at_inference_and_seeded_in_training():
    x = np.ones((4, 100))
    layer = built(cl.Dropout(0.5, seed=1), (100,))
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    out = layer.forward(x, training=True)
    assert set(np.unique(out)) == {0.0, 2.0}
    again = built(cl.Dropout(0.5, seed=1), (100,)).forward(x, training=True)
    np.testing.assert_array_equal(out, again)


def test_batch_normalization_stores_the_moving_statistics_it_returns():
    layer = built(cl.BatchNormalization(momentum=0.5), (3,))
    x = RNG.standard_normal((50, 3)) * 2 + 1
    layer.forward(x, training=True)
    np.testing.assert_allclose(layer.state["moving_mean"], 0.5 * x.mean(axis=0))
    np.testing.assert_allclose(layer.state["moving_variance"], 0.5 + 0.5 * x.var(axis=0))
    before = layer.state["moving_mean"].copy()
    layer.forward(x, training=False)
    np.testing.assert_array_equal(layer.state["moving_mean"], before)


def test_leaky_relu_uses_keras_default_slope_and_takes_others():
    x = np.array([[-10.0, 10.0]])
    np.testing.assert_allclose(built(cl.LeakyReLU(), (2,)).forward(x), [[-3.0, 10.0]])
    np.testing.assert_allclose(built(cl.LeakyReLU(0.1), (2,)).forward(x), [[-1.0, 10.0]])
    layer = built(cl.Activation("leaky_relu", slope=0.2), (2,))
    np.testing.assert_allclose(layer.forward(x), [[-2.0, 10.0]])


# ----- gradients through the layer API ----------------------------------------------------------


def check_gradients(layer, x, training=True, before_forward=lambda: None):
    """Compare the layer's backward with central differences for ``x`` and every parameter."""
    before_forward()
    out = layer.forward(x, training=training)
    dout = np.random.default_rng(1).standard_normal(out.shape)
    dx = layer.backward(dout)

    def loss():
        before_forward()
        return np.sum(layer.forward(x, training=training) * dout)

    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert layer.grads.keys() == layer.params.keys()
    for name, param in layer.params.items():
        assert rel_error(layer.grads[name], numerical_gradient(loss, param)) < 1e-7, name


@pytest.mark.parametrize(
    ("layer", "input_shape"),
    [
        (cl.Conv2D(3, (3, 2), activation="tanh"), (5, 6, 2)),
        (cl.Conv2D(2, 3, strides=2, padding="same", activation="sigmoid"), (6, 5, 3)),
        (cl.Conv2D(2, 3, padding=1, use_bias=False), (4, 4, 1)),
        (cl.Conv2D(2, 2, padding="same", dilation_rate=(2, 3), activation="tanh"), (6, 7, 2)),
        (cl.Dense(4, activation="tanh"), (6,)),
        (cl.Dense(5, activation="softmax"), (3,)),
        (cl.Dense(3, activation="elu", use_bias=False), (4,)),
        (cl.MaxPooling2D(3, strides=2), (7, 7, 2)),  # overlapping windows
        (cl.MaxPooling2D(2, padding="same"), (5, 5, 2)),
        (cl.AveragePooling2D(3, strides=2, padding="same"), (6, 6, 2)),
        (cl.MinPooling2D((2, 3), strides=1), (4, 5, 2)),
        (cl.GlobalMaxPooling2D(), (3, 4, 2)),
        (cl.GlobalAveragePooling2D(), (3, 4, 2)),
        (cl.Flatten(), (3, 2, 2)),
        (cl.BatchNormalization(), (4, 4, 3)),
        (cl.BatchNormalization(), (5,)),
        (cl.Activation("swish"), (4, 3)),
        (cl.Activation("leaky_relu", slope=0.2), (7,)),
        (cl.LeakyReLU(), (3, 3)),
        (cl.ReLU(), (3, 3)),
        (cl.Softmax(), (6,)),
    ],
)
def test_backward_matches_numerical_gradients(layer, input_shape):
    built(layer, input_shape)
    check_gradients(layer, np.random.default_rng(2).standard_normal((3, *input_shape)))


def test_batch_normalization_backward_at_inference():
    layer = built(cl.BatchNormalization(), (4,))
    layer.state["moving_mean"][:] = [0.1, -0.2, 0.3, 0.0]
    check_gradients(layer, RNG.standard_normal((5, 4)), training=False)


def test_dropout_backward_with_its_mask_replayed():
    layer = built(cl.Dropout(0.4), (10,))

    def same_mask():
        layer.rng = np.random.default_rng(5)

    check_gradients(layer, RNG.standard_normal((4, 10)), before_forward=same_mask)


@pytest.mark.parametrize("layer", [cl.Dense(3, activation="softmax"), cl.Softmax()])
def test_skip_activation_stops_before_the_final_softmax(layer):
    built(layer, (4,))
    x = RNG.standard_normal((2, 4))
    scores = layer.forward(x, skip_activation=True)
    np.testing.assert_allclose(cl.softmax(scores), layer.forward(x))
    dscores = RNG.standard_normal((2, 3 if isinstance(layer, cl.Dense) else 4))
    layer.forward(x, skip_activation=True)
    dx_skipped = layer.backward(dscores, skip_activation=True)
    if isinstance(layer, cl.Softmax):
        np.testing.assert_array_equal(dx_skipped, dscores)
    else:
        np.testing.assert_allclose(dx_skipped, dscores @ layer.params["kernel"].T)


def test_float32_layers_keep_float32():
    layer = cl.Conv2D(4, 3, activation="relu").build((6, 6, 2), rng=0)
    x = RNG.standard_normal((2, 6, 6, 2)).astype(np.float32)
    out = layer.forward(x, training=True)
    dx = layer.backward(np.ones_like(out))
    assert out.dtype == dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())


# ----- names and configs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "name"),
    [
        (cl.Conv2D, "conv2d"),
        (cl.MaxPooling2D, "max_pooling2d"),
        (cl.AveragePooling2D, "average_pooling2d"),
        (cl.GlobalAveragePooling2D, "global_average_pooling2d"),
        (cl.BatchNormalization, "batch_normalization"),
        (cl.Dense, "dense"),
        (cl.Flatten, "flatten"),
        (cl.Dropout, "dropout"),
        (cl.ReLU, "re_lu"),
        (cl.LeakyReLU, "leaky_re_lu"),
    ],
)
def test_default_names_are_keras_names(cls, name):
    assert cls.default_name() == name


@pytest.mark.parametrize(
    "layer",
    [
        cl.Conv2D(8, (3, 5), strides=2, padding="same", activation="relu", name="c"),
        cl.Conv2D(8, 3, padding=(1, 2), use_bias=False, kernel_initializer="he_normal"),
        cl.Conv2D(4, 2, dilation_rate=(2, 3), name="dilated"),
        cl.MaxPooling2D(3, strides=2, padding="same"),
        cl.Dense(10, activation="softmax"),
        cl.Dropout(0.25, seed=3),
        cl.BatchNormalization(momentum=0.9, epsilon=1e-5),
        cl.Activation("leaky_relu", slope=0.2),
        cl.LeakyReLU(0.1),
        cl.GlobalAveragePooling2D(),
    ],
)
def test_configs_rebuild_the_same_layer(layer):
    import json

    config = json.loads(json.dumps(layer.get_config()))  # survives JSON
    again = type(layer).from_config(config)
    assert again.get_config() == layer.get_config()


def test_every_layer_class_is_exported_and_registered():
    for name, cls in layers.LAYER_CLASSES.items():
        assert getattr(cl, name) is cls
        assert getattr(layers, name) is cls


# ----- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: cl.Conv2D(0, 3), ValueError, r"filters must be a positive integer.*filters=0"),
        (lambda: cl.Conv2D(2.5, 3), TypeError, "filters must be a positive integer"),
        (lambda: cl.Conv2D(4, (3, 3, 3)), ValueError, "kernel_size must be an int or a pair"),
        (lambda: cl.Conv2D(4, 3, strides=0), ValueError, "strides must be a positive integer"),
        (lambda: cl.Conv2D(4, 3, padding="full"), ValueError, "padding must be 'valid', 'same'"),
        (lambda: cl.Conv2D(4, 3, activation="rleu"), ValueError, r"one of \['linear', 'relu'"),
        (lambda: cl.Dense(0), ValueError, "units must be a positive integer"),
        (lambda: cl.Dense(3, use_bias=1), TypeError, "use_bias must be True or False"),
        (lambda: cl.MaxPooling2D(2, padding=1), ValueError, "padding must be 'valid' or 'same'"),
        (lambda: cl.Dropout(1.0), ValueError, r"rate must be in \[0, 1\)"),
        (lambda: cl.BatchNormalization(momentum=2), ValueError, "momentum must be in"),
        (lambda: cl.Activation("relu", slope=0.1), TypeError, "'relu' takes the options"),
        (lambda: cl.Conv2D(4, 3, name="a/b"), ValueError, "without '/'"),
        (lambda: cl.Conv2D(4, 3, dilation_rate=0), ValueError, r"dilation_rate must be.*=0"),
        (lambda: cl.Dense(3, input_shape=(0,)), ValueError, r"input_shape\[0\]"),
    ],
)
def test_bad_arguments_are_named(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    ("layer", "input_shape", "message"),
    [
        (cl.Conv2D(4, 5), (3, 3, 1), r"kernel_size=\(5, 5\) is larger than its input"),
        (cl.Conv2D(4, 3, dilation_rate=3), (6, 6, 1), r"\(dilation_rate=\(3, 3\)\) is larger"),
        (cl.Conv2D(4, 3), (28, 28), r"expects examples of shape \(H, W, C\)"),
        (cl.MaxPooling2D(4), (3, 3, 1), r"pool_size=\(4, 4\) is larger than its input"),
        (cl.Dense(10), (12, 12, 64), r"put a Flatten\(\) layer before it"),
        (cl.GlobalMaxPooling2D(), (10,), r"expects examples of shape \(H, W, C\)"),
        (cl.GlobalAveragePooling2D(), (4, 4), r"expects examples of shape \(H, W, C\)"),
        (cl.AveragePooling2D(2), (8, 8, 1, 1), r"expects examples of shape \(H, W, C\)"),
        (cl.Dense(3, input_shape=(4,)), (5,), r"declared with input_shape=\(4,\)"),
    ],
)
def test_build_rejects_shapes_that_do_not_fit(layer, input_shape, message):
    with pytest.raises(ValueError, match=message):
        layer.build(input_shape, rng=0)


def test_layers_with_weights_need_a_generator():
    with pytest.raises(TypeError, match="needs rng"):
        cl.Dense(3).build((4,))


def test_forward_checks_the_batch_shape_and_that_the_layer_is_built():
    with pytest.raises(RuntimeError, match="build it first"):
        cl.Dense(3).forward(np.zeros((2, 4)))
    layer = cl.Dense(3).build((4,), rng=0)
    with pytest.raises(ValueError, match=r"expects a batch of shape \(N, 4\).*\(2, 5\)"):
        layer.forward(np.zeros((2, 5)))
