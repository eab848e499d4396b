"""Sequential: building and naming, the summary of the seeds' models, gradients, fit and errors."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.functional import softmax_cross_entropy
from tests.model_gradients import check_model_gradients

ROOT = Path(__file__).resolve().parents[1]


def e27(batch_norm=False):
    """The seeds' Keras model on 64×64×3 (E27), or with batch normalisation (E28)."""

    def block(layer):
        if not batch_norm:
            return [layer]
        return [layer, cl.BatchNormalization(), cl.Activation("relu")]

    activation = None if batch_norm else "relu"
    return cl.Sequential(
        [
            *block(
                cl.Conv2D(
                    filters=32,
                    kernel_size=(3, 3),
                    strides=1,
                    padding="same",
                    activation=activation,
                    input_shape=(64, 64, 3),
                )
            ),
            cl.MaxPooling2D(pool_size=(2, 2), strides=2, padding="valid"),
            *block(cl.Conv2D(64, (3, 3), strides=1, padding="same", activation=activation)),
            cl.MaxPooling2D(pool_size=(2, 2), strides=2, padding="valid"),
            cl.Flatten(),
            *block(cl.Dense(units=128, activation=activation)),
            cl.Dropout(0.5),
            cl.Dense(units=2, activation="softmax"),
        ]
    )


# ----- summaries of the seeds' models ----------------------------------------------------------


def test_summary_rows_of_the_keras_model_e27():
    rows = e27().summary_rows()
    assert [(r.name, r.type, r.output_shape, r.params) for r in rows] == [
        ("conv2d", "Conv2D", (None, 64, 64, 32), 896),
        ("max_pooling2d", "MaxPooling2D", (None, 32, 32, 32), 0),
        ("conv2d_1", "Conv2D", (None, 32, 32, 64), 18_496),
        ("max_pooling2d_1", "MaxPooling2D", (None, 16, 16, 64), 0),
        ("flatten", "Flatten", (None, 16_384), 0),
        ("dense", "Dense", (None, 128), 2_097_280),
        ("dropout", "Dropout", (None, 128), 0),
        ("dense_1", "Dense", (None, 2), 258),
    ]
    assert e27().param_counts() == (2_116_930, 2_116_930, 0)


def test_summary_text_of_e27_reads_like_keras():
    lines = []
    e27().summary(print_fn=lines.append)
    assert lines[0] == 'Model: "sequential"'
    assert "Layer (type)" in lines[2] and "Output Shape" in lines[2] and "Param #" in lines[2]
    assert any("conv2d (Conv2D)" in line and "(None, 64, 64, 32)" in line for line in lines)
    assert any("dense (Dense)" in line and "2,097,280" in line for line in lines)
    assert lines[-3:] == [
        " Total params: 2,116,930 (8.08 MB)",
        " Trainable params: 2,116,930 (8.08 MB)",
        " Non-trainable params: 0 (0.00 B)",
    ]
    assert len({len(line) for line in lines[1:-3]}) == 1  # the box lines up


def test_summary_of_e28_with_batch_normalization():
    model = e27(batch_norm=True)
    rows = model.summary_rows()
    assert [r.params for r in rows if r.type == "BatchNormalization"] == [128, 256, 512]
    assert [r.name for r in rows][:4] == [
        "conv2d",
        "batch_normalization",
        "activation",
        "max_pooling2d",
    ]
    assert rows[8] == ("flatten", "Flatten", (None, 16_384), 0)  # 16×16×64, not the deck's 15×15×64
    # 2,116,930 + 4 * (32 + 64 + 128); the moving means and variances are not trainable
    assert model.param_counts() == (2_117_826, 2_117_378, 448)
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[-1] == " Non-trainable params: 448 (1.75 KB)"


def e9():
    """The seeds' digit classifier on 28×28×1 MNIST images (E9)."""
    return cl.Sequential(
        [
            cl.Conv2D(32, (3, 3), activation="relu"),
            cl.Conv2D(64, (3, 3), activation="relu"),
            cl.MaxPooling2D((2, 2)),
            cl.Flatten(),
            cl.Dense(128, activation="relu"),
            cl.Dense(10, activation="softmax"),
        ],
        input_shape=(28, 28, 1),
    )


def test_summary_of_the_digit_classifier_e9():
    model = e9()
    rows = model.summary_rows()
    assert [r.output_shape for r in rows] == [
        (None, 26, 26, 32),
        (None, 24, 24, 64),
        (None, 12, 12, 64),
        (None, 9216),
        (None, 128),
        (None, 10),
    ]
    assert [r.params for r in rows] == [320, 18_496, 0, 0, 1_179_776, 1_290]
    assert model.count_params() == 1_199_882


# ----- building and naming ---------------------------------------------------------------------


def test_layers_are_named_like_keras_and_unique():
    model = cl.Sequential(
        [cl.Dense(4, name="hidden"), cl.Dense(4), cl.Dense(3), cl.ReLU()], input_shape=(5,)
    )
    assert [layer.name for layer in model.layers] == ["hidden", "dense", "dense_1", "re_lu"]
    assert model.get_layer("dense_1") is model.layers[2]
    with pytest.raises(ValueError, match="'a' is used twice"):
        cl.Sequential([cl.Dense(2, name="a"), cl.Dense(2, name="a")], input_shape=(3,))
    with pytest.raises(KeyError, match="no layer named 'output'"):
        model.get_layer("output")


def test_add_builds_each_layer_as_it_comes():
    model = cl.Sequential(seed=1)
    model.add(cl.Conv2D(4, 3, input_shape=(8, 8, 1)))
    model.add(cl.Flatten())
    assert model.output_shape == (144,)
    same = cl.Sequential([cl.Conv2D(4, 3), cl.Flatten()], input_shape=(8, 8, 1), seed=1)
    np.testing.assert_array_equal(model.layers[0].params["kernel"], same.layers[0].params["kernel"])


def test_each_layer_draws_from_its_own_generator():
    a = cl.Sequential([cl.Dense(3), cl.Dense(2)], input_shape=(4,), seed=5)
    b = cl.Sequential(
        [cl.Dense(3, kernel_initializer="he_uniform"), cl.Dense(2)], input_shape=(4,), seed=5
    )
    np.testing.assert_array_equal(a.layers[1].params["kernel"], b.layers[1].params["kernel"])
    c = cl.Sequential([cl.Dense(3), cl.Dense(2)], input_shape=(4,), seed=6)
    assert not np.array_equal(a.layers[0].params["kernel"], c.layers[0].params["kernel"])


def test_weights_are_created_in_the_model_dtype():
    model = cl.Sequential(
        [cl.Conv2D(2, 3), cl.BatchNormalization()], input_shape=(5, 5, 1), dtype="float64"
    )
    assert all(w.dtype == np.float64 for w in model.get_weights().values())
    assert model.predict(np.zeros((1, 5, 5, 1))).dtype == np.float64


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: cl.Sequential([cl.Dense(3)]), ValueError, r"needs the shape of one example"),
        (
            lambda: cl.Sequential([cl.Dense(3, input_shape=(4,))], input_shape=(5,)),
            ValueError,
            r"declared with input_shape=\(4,\) but receives examples of shape \(5,\)",
        ),
        (lambda: cl.Sequential([np.zeros(3)], input_shape=(3,)), TypeError, "cnnlib layers"),
        (lambda: cl.Sequential(dtype="int32"), ValueError, "dtype must be 'float32' or 'float64'"),
        (lambda: cl.Sequential(seed=1.5), TypeError, "seed must be an int or None"),
        (
            lambda: cl.Sequential([cl.Conv2D(4, 3), cl.Conv2D(4, 5)], input_shape=(6, 6, 1)),
            ValueError,
            r"conv2d_1 \(Conv2D\): kernel_size=\(5, 5\) is larger than its input",
        ),
    ],
)
def test_building_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_layer_cannot_be_in_two_models():
    layer = cl.Dense(2)
    cl.Sequential([layer], input_shape=(3,))
    with pytest.raises(ValueError, match="already built"):
        cl.Sequential([layer], input_shape=(3,))


# ----- gradients of a whole model ---------------------------------------------------------------


def small_model(dtype="float64"):
    return cl.Sequential(
        [
            cl.Conv2D(3, 3, padding="same", activation="tanh"),
            cl.MaxPooling2D(2, strides=1),
            cl.BatchNormalization(),
            cl.Conv2D(2, (2, 3), strides=2),
            cl.Flatten(),
            cl.Dense(5, activation="sigmoid"),
            cl.Dense(3, activation="softmax"),
        ],
        input_shape=(6, 7, 2),
        seed=0,
        dtype=dtype,
    )


def test_whole_model_gradients_match_numerical_gradients():
    x = np.random.default_rng(1).standard_normal((4, 6, 7, 2))
    check_model_gradients(small_model(), x, np.array([0, 2, 1, 2]))


def test_the_fused_gradient_equals_backpropagating_through_the_softmax():
    model = small_model()
    x = np.random.default_rng(2).standard_normal((3, 6, 7, 2))
    y = np.array([1, 0, 2])
    logits = model.forward(x, training=True, skip_final_activation=True)
    fused = model.backward(softmax_cross_entropy(logits, y)[1], skip_final_activation=True)
    probs = model.forward(x, training=True)
    dprobs = np.zeros_like(probs)
    dprobs[np.arange(3), y] = -1 / (3 * probs[np.arange(3), y])  # d(-mean log p_y) / dp
    np.testing.assert_allclose(model.backward(dprobs), fused, atol=1e-12)


# ----- compile, fit, evaluate, predict ---------------------------------------------------------


def blobs(n=120, seed=0):
    """Three well separated classes of 4×4×1 images."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.normal(0, 0.3, (n, 4, 4, 1)).astype(np.float32)
    x[y == 0, :2] += 1
    x[y == 1, 2:] += 1
    return x, y


def tiny_model(seed=0):
    model = cl.Sequential(
        [cl.Conv2D(4, 2, activation="relu"), cl.Flatten(), cl.Dense(3, activation="softmax")],
        input_shape=(4, 4, 1),
        seed=seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fit_returns_a_history_per_epoch_and_learns():
    x, y = blobs()
    history = tiny_model().fit(x, y, epochs=5, batch_size=16, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2, 3, 4]
    assert all(len(values) == 5 for values in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(isinstance(v, float) for v in history.history["loss"])


def visiting_order(model, epochs, batch_size, **options):
    """The example numbers each training step sees, batch by batch, in one fit."""
    x, y = blobs(30)
    x[:, 0, 0, 0] = np.arange(30)  # each example carries its number
    batches, train_step = [], model.train_step

    def recording_step(x_batch, y_batch):
        batches.append(x_batch[:, 0, 0, 0].astype(int))
        return train_step(x_batch, y_batch)

    model.train_step = recording_step
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, **options)
    return batches


def test_fit_visits_every_example_once_per_epoch_in_a_new_order():
    batches = visiting_order(tiny_model(), epochs=3, batch_size=8, seed=5)
    assert [len(b) for b in batches] == [8, 8, 8, 6] * 3  # the last, partial batch is kept
    epochs = [np.concatenate(batches[i : i + 4]) for i in (0, 4, 8)]
    rng = np.random.default_rng(5)  # fit(seed=5): one generator, one permutation per epoch
    for order in epochs:
        np.testing.assert_array_equal(order, rng.permutation(30))
        np.testing.assert_array_equal(np.sort(order), np.arange(30))
    assert not np.array_equal(epochs[0], epochs[1])


def test_fit_shuffles_with_the_model_generator_by_default_and_continues_it():
    model = tiny_model(seed=0)
    first = np.concatenate(visiting_order(model, epochs=2, batch_size=10))
    second = np.concatenate(visiting_order(model, epochs=1, batch_size=10))
    # Sequential(seed=0) spawns the shuffling generator first from SeedSequence(0).
    rng = np.random.default_rng(np.random.SeedSequence(0).spawn(1)[0])
    expected = [rng.permutation(30) for _ in range(3)]
    np.testing.assert_array_equal(first, np.concatenate(expected[:2]))
    np.testing.assert_array_equal(second, expected[2])


def test_fit_without_shuffle_keeps_the_order():
    batches = visiting_order(tiny_model(), epochs=2, batch_size=7, shuffle=False)
    assert [len(b) for b in batches] == [7, 7, 7, 7, 2] * 2
    np.testing.assert_array_equal(np.concatenate(batches), np.tile(np.arange(30), 2))


def test_validation_split_keeps_the_last_examples_as_keras_does():
    x, y = blobs(100)
    model = tiny_model()
    history = model.fit(x, y, epochs=1, batch_size=10, validation_split=0.2, verbose=0)
    loss, accuracy = model.evaluate(x[80:], y[80:])
    assert history.history["val_loss"] == [pytest.approx(loss)]
    assert history.history["val_accuracy"] == [accuracy]


def test_the_same_seed_gives_the_same_training():
    x, y = blobs()
    a = tiny_model().fit(x, y, epochs=2, batch_size=8, seed=3, verbose=0).history
    b = tiny_model().fit(x, y, epochs=2, batch_size=8, seed=3, verbose=0).history
    c = tiny_model().fit(x, y, epochs=2, batch_size=8, seed=4, verbose=0).history
    assert a == b
    assert a != c


def test_float32_training_stays_float32():
    x, y = blobs(32)
    model = tiny_model()
    model.fit(x.astype(np.float64), y, epochs=1, batch_size=8, verbose=0)
    assert all(w.dtype == np.float32 for w in model.get_weights().values())
    assert all(g.dtype == np.float32 for g in model.gradients().values())
    for slot in model.optimizer.slots.values():
        assert all(state.dtype == np.float32 for state in slot.values())
    assert model.predict(x).dtype == np.float32


def test_every_layer_computes_in_float32():
    model = cl.Sequential(
        [
            cl.Conv2D(4, 3, padding="same", activation="relu"),
            cl.BatchNormalization(),
            cl.AveragePooling2D(2, padding="same"),
            cl.LeakyReLU(),
            cl.MinPooling2D(2),
            cl.GlobalMaxPooling2D(),
            cl.Dropout(0.5),
            cl.Dense(3, activation="softmax"),
        ],
        input_shape=(5, 5, 2),
    )
    x = np.random.default_rng(0).random((4, 5, 5, 2), dtype=np.float32)
    for layer in model.layers:
        x = layer.forward(x, training=True)
        assert x.dtype == np.float32, layer.name
    for layer in reversed(model.layers):
        x = layer.backward(np.ones_like(x) if layer is model.layers[-1] else x)
        assert x.dtype == np.float32, layer.name


def test_train_on_batch_returns_the_loss_before_its_one_step():
    x, y = blobs(16)
    model = tiny_model()
    before = model.evaluate(x, y)[0]
    first = model.train_on_batch(x, y)
    assert isinstance(first, float)
    assert first == pytest.approx(before, rel=1e-6)
    assert model.optimizer.iterations == 1
    losses = [model.train_on_batch(x, y) for _ in range(30)]
    assert losses[-1] < first


def test_evaluate_and_predict():
    x, y = blobs(50)
    model = tiny_model()
    model.fit(x, y, epochs=3, batch_size=10, verbose=0)
    probs = model.predict(x, batch_size=7)
    assert probs.shape == (50, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-6)
    loss, accuracy = model.evaluate(x, y, batch_size=7)
    assert accuracy == np.mean(probs.argmax(axis=1) == y)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(50), y])), rel=1e-5)
    assert model.evaluate(x, y, return_dict=True) == {
        "loss": pytest.approx(loss),
        "accuracy": accuracy,
    }


def test_without_metrics_evaluate_returns_the_loss_alone():
    x, y = blobs(20)
    model = tiny_model()
    model.compile(
        optimizer=cl.SGD(learning_rate=0.1, momentum=0.9), loss="sparse_categorical_crossentropy"
    )
    history = model.fit(x, y, epochs=1, verbose=0)
    assert set(history.history) == {"loss"}
    assert isinstance(model.evaluate(x, y), float)


def test_other_losses_train():
    x, y = blobs(60)
    model = tiny_model()
    model.compile("adam", "categorical_crossentropy", ["accuracy"])
    one_hot = np.eye(3, dtype=np.float32)[y]
    history = model.fit(x, one_hot, epochs=3, batch_size=10, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    binary = cl.Sequential([cl.Flatten(), cl.Dense(1, activation="sigmoid")], input_shape=(4, 4, 1))
    binary.compile("adam", "binary_crossentropy", ["accuracy"])
    history = binary.fit(x, (y == 0).astype(np.float32)[:, None], epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    regression = cl.Sequential([cl.Flatten(), cl.Dense(1)], input_shape=(4, 4, 1))
    regression.compile("sgd", "mse")
    assert isinstance(regression.train_on_batch(x, y[:, None].astype(float)), float)


def test_logits_without_a_final_softmax():
    x, y = blobs(60)
    model = cl.Sequential([cl.Flatten(), cl.Dense(3)], input_shape=(4, 4, 1))
    model.compile("adam", cl.losses.SparseCategoricalCrossentropy(from_logits=True), ["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=10, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_verbose_2_prints_one_line_per_epoch(capsys):
    x, y = blobs(20)
    tiny_model().fit(x, y, epochs=2, batch_size=10, validation_split=0.5, verbose=2)
    out = capsys.readouterr().out
    # One summary per epoch, continued on an indented line to fit the page.
    epochs = out.replace("\n    - ", " - ").splitlines()
    assert len(epochs) == 2
    assert epochs[0].startswith("Epoch 1/2 - loss: ")
    assert (
        "- accuracy: " in epochs[0]
        and "- val_loss: " in epochs[0]
        and "- val_accuracy: " in epochs[0]
    )
    assert max(map(len, out.splitlines())) <= 76


def test_verbose_1_shows_a_progress_bar(capsys):
    x, y = blobs(20)
    tiny_model().fit(x, y, epochs=1, batch_size=10, verbose=1)
    err = capsys.readouterr().err
    assert "Epoch 1/1" in err and "2/2" in err and "loss=" in err


def test_the_library_imports_without_tqdm():
    code = "import sys, cnnlib; assert 'tqdm' not in sys.modules, 'tqdm imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda m, x, y: m.fit(x[..., 0], y, verbose=0),
            ValueError,
            r"add the channel axis: x\[\.\.\., None\]",
        ),
        (
            lambda m, x, y: m.predict(np.zeros((2, 5, 5, 1))),
            ValueError,
            r"shape \(N, 4, 4, 1\) to match",
        ),
        (
            lambda m, x, y: m.fit(x, y + 3, verbose=0),
            ValueError,
            r"class indices in \[0, K\) = \[0, 3\)",
        ),
        (
            lambda m, x, y: m.fit(x, y[:5], verbose=0),
            ValueError,
            r"labels must have shape \(N,\) = \(10,\)",
        ),
        (lambda m, x, y: m.fit(x, y, epochs=0, verbose=0), ValueError, "epochs must be a positive"),
        (lambda m, x, y: m.fit(x, y, batch_size=0, verbose=0), ValueError, "batch_size must be"),
        (lambda m, x, y: m.fit(x, y, verbose=3), ValueError, "verbose must be 0, 1 or 2"),
        (
            lambda m, x, y: m.fit(x, y, validation_split=1.5, verbose=0),
            ValueError,
            "validation_split",
        ),
        (
            lambda m, x, y: m.fit(x, y, validation_split=0.5, validation_data=(x, y), verbose=0),
            ValueError,
            "not both",
        ),
        (lambda m, x, y: m.compile("rmsprop", "mse"), ValueError, r"\['sgd', 'adam'\]"),
        (
            lambda m, x, y: m.compile("adam", "hinge"),
            ValueError,
            r"\['sparse_categorical_crossentropy'",
        ),
        (
            lambda m, x, y: m.compile("adam", "mse", ["accuracy"]),
            ValueError,
            "needs a classification loss",
        ),
        (
            lambda m, x, y: m.compile("adam", "mse", ["auc"]),
            ValueError,
            r"metrics must be chosen from \['accuracy'\]",
        ),
    ],
)
def test_errors_name_the_argument(call, error, message):
    x, y = blobs(10)
    with pytest.raises(error, match=message):
        call(tiny_model(), x, y)


def test_training_needs_compile_first():
    model = cl.Sequential([cl.Flatten(), cl.Dense(2)], input_shape=(2, 2, 1))
    with pytest.raises(RuntimeError, match=r"compile the model first"):
        model.fit(np.zeros((2, 2, 2, 1)), np.array([0, 1]))


# ----- predicting while training (issue 21, point 3) -----------------------------------------


def model_with_state(seed=0):
    model = cl.Sequential(
        [
            cl.Conv2D(4, 2, activation="relu"),
            cl.BatchNormalization(),
            cl.Flatten(),
            cl.Dropout(0.2),
            cl.Dense(3, activation="softmax"),
        ],
        input_shape=(4, 4, 1),
        seed=seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def gradients_of_one_step(model, x, y, between=None):
    """A training step's forward and backward, with ``between()`` run in between."""
    fused, from_logits = model.uses_logits()
    out = model.forward(x, training=True, skip_final_activation=fused)
    if between is not None:
        between()
    _, dout = model.loss(out, y, from_logits=from_logits)
    model.backward(dout, skip_final_activation=fused, input_grad=False)
    return model.gradients()


@pytest.mark.parametrize("other_size", [8, 5])  # the same batch size, and another
def test_predict_between_forward_and_backward_changes_no_gradient(other_size):
    x, y = blobs(8)
    other = blobs(other_size, seed=1)[0]
    undisturbed = gradients_of_one_step(model_with_state(), x, y)
    model = model_with_state()
    disturbed = gradients_of_one_step(
        model, x, y, between=lambda: (model.predict(other), model.evaluate(other, y[:other_size]))
    )
    for key, grad in undisturbed.items():
        np.testing.assert_array_equal(disturbed[key], grad, err_msg=key)


def test_predict_during_fit_leaves_the_training_unchanged():
    # A progress callback or a second thread calling predict at the worst moment:
    # after a layer's forward pass, before its backward pass.
    x, y = blobs(64)
    expected = model_with_state().fit(x, y, epochs=2, batch_size=16, verbose=0).history
    model = model_with_state()
    layer, calls = model.layers[1], []
    original = layer.forward

    def forward_then_predict(x_batch, training=False, **options):
        out = original(x_batch, training, **options)
        if training:
            calls.append(model.predict(x[:5]).shape)
        return out

    layer.forward = forward_then_predict
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0).history
    assert len(calls) == 8
    assert history == expected


def test_infer_keeps_no_cache_and_equals_forward():
    model = model_with_state()
    x = blobs(6)[0]
    before = [layer.cache for layer in model.layers]
    out = model.infer(x)
    assert [layer.cache for layer in model.layers] == before  # all still None
    np.testing.assert_array_equal(out, model.forward(x))


# ----- silent wrong numbers (point 4) ---------------------------------------------------------


def test_nan_outputs_are_never_counted_as_correct():
    model = tiny_model()
    model.layers[-1].params["bias"][:] = np.nan  # every output NaN, with finite inputs
    loss, accuracy = model.evaluate(blobs(10)[0], np.zeros(10, dtype=int))
    assert np.isnan(loss) and accuracy == 0.0
    scores = np.array([[np.nan, 0.2, 0.1], [0.1, 0.8, 0.1]])
    for loss_object, target in (
        (cl.losses.SparseCategoricalCrossentropy(), np.array([0, 1])),
        (cl.losses.CategoricalCrossentropy(), np.eye(3)[[0, 1]]),
    ):
        np.testing.assert_array_equal(loss_object.correct(scores, target), [False, True])
    binary = cl.losses.BinaryCrossentropy().correct(np.array([[np.nan], [0.2]]), np.zeros((2, 1)))
    np.testing.assert_array_equal(binary, [[False], [True]])


def test_inputs_must_be_finite():
    model = tiny_model()
    x, y = blobs(10)
    x[3, 0, 0, 0] = np.nan
    for call in (lambda: model.evaluate(x, y), lambda: model.predict(x)):
        with pytest.raises(ValueError, match=r"x must hold finite numbers; received 1 NaN"):
            call()


def test_training_that_turns_nan_stops_with_a_warning():
    x, y = blobs(64)
    model = tiny_model()
    model.compile(cl.SGD(learning_rate=1e30), "sparse_categorical_crossentropy", ["accuracy"])
    with (
        np.errstate(all="ignore"),
        pytest.warns(RuntimeWarning, match=r"training stopped at epoch"),
    ):
        history = model.fit(x * 1e10, y, epochs=5, batch_size=8, verbose=0)
    assert len(history.epoch) < 5
    assert not np.isfinite(history.history["loss"][-1])


def test_categorical_cross_entropy_needs_probabilities_unless_from_logits():
    x, y = blobs(16)
    model = cl.Sequential([cl.Flatten(), cl.Dense(3)], input_shape=(4, 4, 1))  # no softmax
    model.compile("adam", "categorical_crossentropy", ["accuracy"])
    with pytest.raises(ValueError, match=r"needs probabilities in \[0, 1\].*from_logits=True"):
        model.fit(x, np.eye(3)[y], verbose=0)
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    with pytest.raises(ValueError, match=r"needs probabilities in \[0, 1\]"):
        model.evaluate(x, y)
    model.compile("adam", cl.losses.CategoricalCrossentropy(from_logits=True), ["accuracy"])
    model.fit(x, np.eye(3)[y], verbose=0)  # raw scores are fine when said so


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (lambda y: -np.eye(3)[y], r"y must hold one-hot \(or soft\) targets in \[0, 1\]"),
        (lambda y: np.where(np.eye(3)[y] == 1, np.nan, 0), r"y must hold finite numbers"),
    ],
)
def test_categorical_targets_must_be_probabilities(targets, message):
    x, y = blobs(8)
    model = tiny_model()
    model.compile("adam", "categorical_crossentropy", ["accuracy"])
    with pytest.raises(ValueError, match=message):
        model.fit(x, targets(y), verbose=0)


def test_unscaled_uint8_images_get_a_hint():
    model = tiny_model()
    pixels = np.full((2, 4, 4, 1), 200, dtype=np.uint8)
    with pytest.warns(UserWarning, match=r"uint8 values up to 200.*x / 255"):
        model.predict(pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(np.ones((2, 4, 4, 1), dtype=np.uint8))  # 0/1 masks: no warning
        model.predict(pixels / 255)


# ----- clear messages (point 6) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda m, x, y: m.compile("adam", "sparse_categorical_crossentropy", "accuracy"),
            ValueError,
            r"metrics must be a list of names, for example metrics=\['accuracy'\]; "
            r"received the string metrics='accuracy'",
        ),
        (
            lambda m, x, y: m.fit(x, np.eye(3)[y], verbose=0),
            TypeError,
            r"one-hot labels\? pass labels.argmax\(axis=1\), or use categorical_crossentropy",
        ),
        (lambda m, x, y: m.fit(x, y, shuffle="no", verbose=0), TypeError, r"shuffle must be True"),
        (
            lambda m, x, y: m.fit(x, y, validation_data=(x, y, y), verbose=0),
            ValueError,
            r"validation_data must be a pair \(x_val, y_val\); received a tuple of 3",
        ),
        (lambda m, x, y: cl.SGD(learning_rate=np.inf), ValueError, r"learning_rate must be .*inf"),
        (lambda m, x, y: cl.Adam(epsilon=np.inf), ValueError, r"epsilon must be .*finite.*inf"),
    ],
)
def test_unclear_messages_are_clear_now(call, error, message):
    x, y = blobs(10)
    with pytest.raises(error, match=message):
        call(tiny_model(), x, y)


def test_set_weights_keeps_the_model_dtype():
    model = tiny_model()  # float32
    weights = {key: w.astype(np.float64) for key, w in model.get_weights().items()}
    model.set_weights(weights)
    assert {w.dtype for w in model.get_weights().values()} == {np.dtype(np.float32)}
    assert {p.dtype for p in model.trainable_params().values()} == {np.dtype(np.float32)}


# ----- cost: multiply-adds and activations ------------------------------------------------------


def test_cost_rows_of_the_digit_classifier_e9():
    rows = e9().summary_rows(cost=True)
    assert [r.mult_adds for r in rows] == [
        26 * 26 * 32 * 3 * 3 * 1,  # every output value: a sum of 3·3·1 products
        24 * 24 * 64 * 3 * 3 * 32,
        0,
        0,
        9216 * 128,
        128 * 10,
    ]
    assert [r.activations for r in rows] == [
        26 * 26 * 32,
        24 * 24 * 64,
        12 * 12 * 64,
        9216,
        128,
        10,
    ]
    assert [r[:4] for r in rows] == e9().summary_rows()  # the first four fields are the summary's


def test_the_cost_columns_are_opt_in():
    plain, with_cost, wide = [], [], []
    e9().summary(print_fn=plain.append)
    e9().summary(print_fn=with_cost.append, show_cost=True)
    e9().summary(print_fn=wide.append, show_cost=True, line_length=None)
    assert "Mult-adds" not in "".join(plain) and len(plain) == len(wide) - 2
    assert "Mult-adds" in wide[2] and max(map(len, wide)) > 76  # one line per layer
    assert "Mult-adds" in with_cost[2] and "Activations" in with_cost[2]
    assert any("10,616,832" in line and "36,864" in line for line in with_cost)
    assert with_cost[-2:] == [
        " Mult-adds per example: 11,992,448",
        " Activations per example: 77,066 (301.04 KB)",
    ]
    assert plain[-3:] == with_cost[-5:-2]
    assert len({len(line) for line in with_cost[1:-5]}) == 1  # the box lines up
    assert max(map(len, with_cost)) <= 76
    assert "│ (26, 26, 32) │" in with_cost[4]  # the cost columns are per example: no batch axis


def test_a_summary_fits_the_book_column_by_putting_long_types_under_their_names():
    lines, wide = [], []
    model = e27(batch_norm=True)
    model.summary(print_fn=lines.append)
    model.summary(print_fn=wide.append, line_length=None)
    assert max(map(len, wide)) == 85 and max(map(len, lines)) == 72
    assert len({len(line) for line in lines[1:-3]}) == 1  # the box lines up
    # Only the layers too long for the column are split; the others read as in Keras.
    assert any(line.startswith("│ conv2d (Conv2D) ") for line in lines)
    split = [i for i, line in enumerate(lines) if line.startswith("│ batch_normalization ")]
    assert len(split) == 1 and lines[split[0] + 1].startswith("│ (BatchNormalization) ")
    assert sum("(BatchNormalization)" in line for line in lines) == 3
    assert lines[-3:] == wide[-3:]
    narrow = []
    model.summary(print_fn=narrow.append, line_length=60)  # no minimum widths then
    assert max(map(len, narrow)) <= 60 and "2,097,280" in "".join(narrow)
