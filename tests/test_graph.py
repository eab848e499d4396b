"""The functional API: Input, layers called on tensors, Model, Add; residual blocks."""

import numpy as np
import pytest

import cnnlib as cl
from tests.model_gradients import check_model_gradients


def residual_model(dtype="float64", seed=0, batch_norm=True):
    """conv → BN → ReLU → conv, plus the identity path, then ReLU, flatten, dense."""
    x = cl.Input((5, 5, 3))
    y = cl.Conv2D(3, 3, padding="same")(x)
    if batch_norm:
        y = cl.BatchNormalization()(y)
    y = cl.ReLU()(y)
    y = cl.Conv2D(3, 3, padding="same")(y)
    y = cl.ReLU()(cl.Add()([y, x]))
    out = cl.Dense(4, activation="softmax")(cl.Flatten()(y))
    return cl.Model(x, out, seed=seed, dtype=dtype)


def test_layers_are_built_in_data_flow_order_and_named_as_keras_does():
    model = residual_model()
    assert [la.name for la in model.layers] == [
        "conv2d", "batch_normalization", "re_lu", "conv2d_1", "add", "re_lu_1", "flatten", "dense",
    ]  # fmt: skip
    assert model.inbound(model.get_layer("add")) == ["conv2d_1", "input_layer"]
    assert model.input_shape == (5, 5, 3) and model.output_shape == (4,)
    assert model.count_params() == 2 * (27 * 3 + 3) + 4 * 3 + 75 * 4 + 4


@pytest.mark.parametrize("batch_norm", [False, True])
def test_gradients_of_a_residual_block_match_numerical_gradients(batch_norm):
    model = residual_model(batch_norm=batch_norm)
    x = np.random.default_rng(1).standard_normal((3, 5, 5, 3))
    names = check_model_gradients(model, x, np.array([0, 3, 1]))
    assert len(names) == (8 if batch_norm else 6)


def test_a_tensor_read_twice_gets_the_sum_of_both_gradients():
    x = cl.Input((2,))
    model = cl.Model(x, cl.Add()([x, x]), dtype="float64")
    batch = np.array([[1.0, -2.0]])
    np.testing.assert_array_equal(model.forward(batch), 2 * batch)
    np.testing.assert_array_equal(model.backward(np.array([[0.5, 1.0]])), [[1.0, 2.0]])


def test_a_chain_as_a_model_equals_the_same_sequential():
    def layers():
        return [cl.Conv2D(4, 3, activation="relu"), cl.Flatten(), cl.Dense(3)]

    sequential = cl.Sequential(layers(), input_shape=(6, 6, 1), seed=3)
    x = cl.Input((6, 6, 1))
    y = x
    for layer in layers():
        y = layer(y)
    functional = cl.Model(x, y, seed=3)
    batch = np.random.default_rng(0).random((2, 6, 6, 1))
    np.testing.assert_array_equal(functional.predict(batch), sequential.predict(batch))
    assert functional.summary_rows() == sequential.summary_rows()


def test_the_summary_has_an_input_row_and_a_connected_to_column():
    lines = []
    residual_model().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "functional"'
    assert "Connected to" in lines[2]
    assert "(None, 5, 5, 3)" in text and max(map(len, lines)) <= 76  # fits the book's column
    # The input row's type goes under its name, to fit; one line per layer without a limit.
    assert lines[4].startswith("│ input_layer ") and lines[5].startswith("│ (InputLayer) ")
    wide = []
    residual_model().summary(print_fn=wide.append, line_length=None)
    assert wide[4].startswith("│ input_layer (InputLayer) ") and max(map(len, wide)) > 76
    add_row = next(i for i, line in enumerate(lines) if "add (Add)" in line)
    assert "conv2d_1[0][0]" in lines[add_row]
    assert "input_layer[0][0]" in lines[add_row + 1] and "│" in lines[add_row + 1]
    # Only an entry wider than the longest name is split, as name, then [0][0].
    relu_row = next(i for i, line in enumerate(lines) if "re_lu (ReLU)" in line)
    assert "│ batch_normalization │" in lines[relu_row]
    assert "│ [0][0]" in lines[relu_row + 1]
    assert "batch_normalization[0][0]" in "\n".join(wide)
    assert len({len(line) for line in lines[1:-3]}) == 1  # every table line equally wide
    assert lines[-3] == " Total params: 484 (3.78 KB)"  # 484 float64 weights of 8 bytes


def test_a_saved_residual_model_reloads_bit_for_bit(tmp_path):
    model = residual_model(dtype="float32")
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 5, 5, 3)), rng.integers(0, 4, 16)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)  # moves weights and BN statistics
    model.save(tmp_path / "residual.npz")
    reloaded = cl.load_model(tmp_path / "residual.npz")
    assert isinstance(reloaded, cl.Model)
    assert reloaded.get_config() == model.get_config()
    for key, weight in model.get_weights().items():
        np.testing.assert_array_equal(reloaded.get_weights()[key], weight)
    np.testing.assert_array_equal(reloaded.predict(x), model.predict(x))
    lines, reloaded_lines = [], []
    model.summary(print_fn=lines.append)
    reloaded.summary(print_fn=reloaded_lines.append)
    assert reloaded_lines == lines
    assert reloaded.evaluate(x, y) == model.evaluate(x, y)
    fresh = residual_model(dtype="float32", seed=5)
    fresh.load_weights(tmp_path / "residual.npz")
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))


def test_a_residual_model_trains():
    (x_train, y_train), _ = cl.datasets.load_digits()
    x = cl.Input((8, 8, 1))
    y = cl.Conv2D(8, 3, padding="same", activation="relu")(x)
    z = cl.Conv2D(8, 3, padding="same")(y)
    y = cl.ReLU()(cl.Add()([z, y]))
    out = cl.Dense(10, activation="softmax")(cl.GlobalAveragePooling2D()(y))
    model = cl.Model(x, out, seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    history = model.fit(x_train[:300], y_train[:300], epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_mistakes_give_clear_errors():
    x = cl.Input((4, 4, 1))
    with pytest.raises(TypeError, match="must be called on tensors"):
        cl.Conv2D(2, 3)(np.zeros((1, 4, 4, 1)))
    conv = cl.Conv2D(1, 3, padding="same")
    y = conv(x)
    with pytest.raises(ValueError, match="each layer is called once"):
        conv(y)
    with pytest.raises(ValueError, match="same shape"):
        cl.Add()([x, cl.Conv2D(2, 3)(x)])
    with pytest.raises(ValueError, match="two or more"):
        cl.Add()([x])
    with pytest.raises(ValueError, match="from inputs alone"):
        cl.Model(cl.Input((4, 4, 1)), cl.Flatten()(y))
    with pytest.raises(TypeError, match="outputs must be a tensor made by calling a layer"):
        cl.Model(x, x)
    model = cl.Model(x, cl.Flatten()(y))
    with pytest.raises(TypeError, match="functional Model is fixed"):
        model.add(cl.Dense(2))
    with pytest.raises(ValueError, match="called on a tensor"):
        cl.Sequential([conv], input_shape=(4, 4, 1))
    with pytest.raises(ValueError, match="unique"):
        z = cl.Flatten(name="same")(cl.Conv2D(1, 3, name="same")(cl.Input((4, 4, 1))))
        cl.Model(z.inputs[0].inputs[0], z)
