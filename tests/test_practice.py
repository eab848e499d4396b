"""Training practice: callbacks, weight decay, augmentation, saliency and occlusion maps."""

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.augment import random_shift_rotate, shift_rotate
from cnnlib.explain import occlusion_map, saliency_map
from cnnlib.gradcheck import numerical_gradient, rel_error


def small_classifier(dtype="float32", seed=0):
    return cl.Sequential(
        [cl.Conv2D(4, 3, activation="relu"), cl.Flatten(), cl.Dense(3, activation="softmax")],
        input_shape=(6, 6, 1),
        seed=seed,
        dtype=dtype,
    )


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 6, 6, 1)), rng.integers(0, 3, n)


def test_the_scheduler_sets_and_records_the_learning_rate():
    model = small_classifier()
    model.compile(cl.SGD(0.1), "sparse_categorical_crossentropy", ["accuracy"])
    seen = []
    schedule = cl.callbacks.LearningRateScheduler(
        lambda epoch, lr: seen.append(lr) or 0.1 * 0.5**epoch
    )
    history = model.fit(*data(), epochs=3, verbose=0, callbacks=[schedule])
    assert history.history["learning_rate"] == [0.1, 0.05, 0.025]
    assert seen == [0.1, 0.1, 0.05]  # the schedule receives the current rate
    assert model.optimizer.learning_rate == 0.025


def test_a_bad_schedule_or_callback_is_refused():
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="learning rate -1"):
        model.fit(
            *data(), verbose=0, callbacks=[cl.callbacks.LearningRateScheduler(lambda e, r: -1)]
        )
    with pytest.raises(ValueError, match=r"learning rate 'fast' at epoch 0.*a real number"):
        model.fit(
            *data(), verbose=0, callbacks=[cl.callbacks.LearningRateScheduler(lambda e, r: "fast")]
        )
    with pytest.raises(TypeError, match="callbacks must be"):
        model.fit(*data(), verbose=0, callbacks=[print])
    with pytest.raises(ValueError, match=r"patience must be a non-negative integer.*-1"):
        cl.callbacks.EarlyStopping(patience=-1)
    with pytest.raises(TypeError, match=r"min_delta must be a real number"):
        cl.callbacks.EarlyStopping(min_delta="a lot")


def test_the_learning_rate_is_checked_whenever_it_is_set():
    optimizer = cl.optimizers.Adam()
    optimizer.learning_rate = 0.01
    assert optimizer.learning_rate == 0.01 and optimizer.get_config()["learning_rate"] == 0.01
    for bad, error in ((0, ValueError), (float("inf"), ValueError), ("fast", TypeError)):
        with pytest.raises(error, match="learning_rate must be"):
            optimizer.learning_rate = bad
    assert optimizer.learning_rate == 0.01


def test_early_stopping_stops_and_restores_the_best_weights():
    model = small_classifier()
    model.compile(cl.SGD(0.5), "sparse_categorical_crossentropy", ["accuracy"])
    x, y = data(60)
    stop = cl.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    history = model.fit(x, y, epochs=50, validation_split=0.5, verbose=0, callbacks=[stop])
    losses = history.history["val_loss"]
    assert stop.stopped_epoch == len(losses) - 1 < 49  # random labels: it stops early
    assert stop.best_epoch == int(np.argmin(losses)) == len(losses) - 2  # patience 1
    assert stop.best == min(losses)
    _, (x_val, y_val) = (x[:30], y[:30]), (x[30:], y[30:])
    assert model.evaluate(x_val, y_val)[0] == pytest.approx(stop.best, rel=1e-6)


def test_early_stopping_needs_what_it_monitors():
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="monitors 'val_loss'"):
        model.fit(*data(), verbose=0, callbacks=[cl.callbacks.EarlyStopping()])


def test_weight_decay_shrinks_kernels_only_as_l2_regularisation_would():
    kernel, bias = np.array([1.0, -2.0]), np.array([3.0])
    grads = {"d/kernel": np.array([0.5, 0.5]), "d/bias": np.array([1.0])}
    optimizer = cl.SGD(0.1, weight_decay=0.2)
    optimizer.step({"d/kernel": kernel, "d/bias": bias}, grads)
    # w - lr * (g + wd * w): the gradient of the penalty wd/2 * sum(w**2) added to the loss
    np.testing.assert_allclose(kernel, [1.0 - 0.1 * (0.5 + 0.2), -2.0 - 0.1 * (0.5 - 0.4)])
    np.testing.assert_allclose(bias, [3.0 - 0.1])
    assert optimizer.get_config() == {
        "learning_rate": 0.1, "momentum": 0.0, "nesterov": False, "weight_decay": 0.2,
    }  # fmt: skip
    assert "weight_decay" not in cl.Adam().get_config()
    with pytest.raises(ValueError, match="weight_decay"):
        cl.Adam(weight_decay=-1)


def test_a_model_compiled_with_weight_decay_saves_it(tmp_path):
    model = small_classifier()
    model.compile(cl.Adam(weight_decay=1e-3), "sparse_categorical_crossentropy")
    model.save(tmp_path / "m.npz")
    assert cl.load_model(tmp_path / "m.npz").optimizer.weight_decay == 1e-3


def test_shift_rotate_moves_and_turns_like_numpy():
    x = np.random.default_rng(0).random((2, 5, 5, 3))
    shifted = shift_rotate(x, shifts=[(1, 0), (0, -1)], degrees=[0, 0])
    np.testing.assert_allclose(shifted[0, 1:], x[0, :-1])
    np.testing.assert_array_equal(shifted[0, 0], 0)
    np.testing.assert_allclose(shifted[1, :, :-1], x[1, :, 1:])
    turned = shift_rotate(x, shifts=np.zeros((2, 2)), degrees=[90, -90])
    np.testing.assert_allclose(turned[0], np.rot90(x[0]), atol=1e-12)  # anticlockwise
    np.testing.assert_allclose(turned[1], np.rot90(x[1], -1), atol=1e-12)
    assert shift_rotate(x.astype(np.float32), np.zeros((2, 2)), [5, 5]).dtype == np.float32


def test_random_shift_rotate_is_seeded_and_keeps_the_ink_roughly():
    x = np.zeros((10, 12, 12, 1))
    x[:, 4:8, 4:8] = 1
    a, b = random_shift_rotate(x, 0), random_shift_rotate(x, 0)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, x)
    np.testing.assert_allclose(a.sum(axis=(1, 2, 3)), 16, rtol=0.1)
    with pytest.raises(ValueError, match="shifts must have shape"):
        shift_rotate(x, [(1, 1)], [0])


def test_the_saliency_map_is_the_gradient_of_the_class_score():
    model = small_classifier(dtype="float64")
    x = np.random.default_rng(3).random((2, 6, 6, 1))
    scores = model.forward(x, skip_final_activation=True)
    classes = scores.argmax(axis=1)
    grad = saliency_map(model, x)
    for n in range(2):
        image = x[n : n + 1].copy()
        numerical = numerical_gradient(
            lambda image=image, n=n: model.forward(image, skip_final_activation=True)[
                0, classes[n]
            ],
            image,
        )
        assert rel_error(grad[n : n + 1], numerical) < 1e-7
    np.testing.assert_array_equal(saliency_map(model, x, class_index=classes), grad)


def test_the_occlusion_map_records_the_fall_of_the_probability():
    model = small_classifier(dtype="float64")
    image = np.random.default_rng(4).random((6, 6, 1))
    drop = occlusion_map(model, image, 1, patch=2, stride=2)
    assert drop.shape == (3, 3)
    covered = image.copy()
    covered[2:4, 4:6] = 0
    base, after = model.predict(image[None])[0, 1], model.predict(covered[None])[0, 1]
    assert drop[1, 2] == pytest.approx(base - after)
    with pytest.raises(ValueError, match="patch must be"):
        occlusion_map(model, image, 1, patch=7)


def test_every_place_of_an_overlapping_occlusion_is_the_patch_covered_by_hand():
    model = small_classifier(dtype="float64")
    image = np.random.default_rng(5).random((6, 6, 1))
    drop = occlusion_map(model, image, 2, patch=3, stride=2, fill=0.5)
    assert drop.shape == (2, 2)
    base = model.predict(image[None])[0, 2]
    for r, i in enumerate((0, 2)):
        for c, j in enumerate((0, 2)):
            covered = image.copy()
            covered[i : i + 3, j : j + 3] = 0.5
            assert drop[r, c] == pytest.approx(base - model.predict(covered[None])[0, 2])
