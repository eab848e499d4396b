"""Saving and loading: one .npz file, bit-for-bit predictions, clear errors for bad files."""

import errno
import json
import os
import stat
import zipfile

import numpy as np
import pytest

import cnnlib as cl
from cnnlib.saving import FORMAT_VERSION


def trained_model(seed=0):
    """A small model with every kind of weight, trained a little so nothing is at its start."""
    model = cl.Sequential(
        [
            cl.Conv2D(4, 3, padding="same", activation="relu"),
            cl.BatchNormalization(),
            cl.MaxPooling2D(2),
            cl.Conv2D(6, (2, 3), strides=(1, 2), use_bias=False),
            cl.LeakyReLU(0.1),
            cl.Flatten(),
            cl.Dense(8, activation="tanh"),
            cl.Dropout(0.3),
            cl.Dense(3, activation="softmax"),
        ],
        input_shape=(8, 8, 1),
        seed=seed,
    )
    model.compile(
        cl.SGD(learning_rate=0.05, momentum=0.9), "sparse_categorical_crossentropy", ["accuracy"]
    )
    rng = np.random.default_rng(seed)
    x, y = rng.random((32, 8, 8, 1), dtype=np.float32), rng.integers(0, 3, 32)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model, x, y


@pytest.fixture
def saved(tmp_path):
    model, x, y = trained_model()
    path = tmp_path / "model.npz"
    model.save(path)
    return model, x, y, path


def test_a_reloaded_model_predicts_bit_for_bit_the_same(saved):
    model, x, _, path = saved
    loaded = cl.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.get_config() == model.get_config()
    for key, weight in model.get_weights().items():
        np.testing.assert_array_equal(loaded.get_weights()[key], weight)
    assert loaded.summary_rows() == model.summary_rows()


def test_a_reloaded_model_is_compiled_and_keeps_training(saved):
    model, x, y, path = saved
    loaded = cl.load_model(path)
    assert type(loaded.optimizer) is cl.SGD
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.metrics == ["accuracy"]
    assert loaded.evaluate(x, y) == model.evaluate(x, y)
    loaded.fit(x, y, epochs=1, verbose=0)


def test_the_file_holds_json_architecture_and_named_weights(saved):
    model, _, _, path = saved
    with np.load(path, allow_pickle=False) as archive:
        assert int(archive["format_version"]) == FORMAT_VERSION
        assert str(archive["dtype"]) == "float32"
        config = json.loads(str(archive["architecture"]))
        weights = {k: archive[k] for k in archive.files if "/" in k}
    assert config["model"]["layers"][0]["class_name"] == "Conv2D"
    assert "batch_normalization/moving_mean" in weights
    assert weights.keys() == model.get_weights().keys()
    assert all(w.dtype == np.float32 for w in weights.values())


def test_an_uncompiled_float64_model_round_trips(tmp_path):
    model = cl.Sequential(
        [cl.Flatten(), cl.Dense(2)], input_shape=(2, 2, 1), dtype="float64", seed=None
    )
    model.save(tmp_path / "m.npz")
    loaded = cl.load_model(tmp_path / "m.npz")
    assert loaded.loss is None and loaded.dtype == np.float64
    x = np.random.default_rng(0).random((3, 2, 2, 1))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_saving_replaces_a_file_in_one_step(saved):
    model, x, _, path = saved
    model.layers[-1].params["bias"] += 1
    model.save(path)
    np.testing.assert_array_equal(cl.load_model(path).predict(x), model.predict(x))
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.npz"]  # no temporary left


def test_load_weights_into_the_same_architecture(saved):
    model, x, _, path = saved
    fresh, _, _ = trained_model(seed=1)
    fresh.load_weights(path)
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))


# ----- bad files ----------------------------------------------------------------------------------


def rewrite(path, change):
    """Save again with the arrays of ``path`` changed by ``change(dict)``."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    change(arrays)
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def test_a_truncated_file_gives_a_clear_error(saved):
    _, _, _, path = saved
    data = path.read_bytes()
    for size in (len(data) // 2, len(data) - 10, 10):
        path.write_bytes(data[:size])
        with pytest.raises(ValueError, match=r"model.npz is not a readable cnnlib model file"):
            cl.load_model(path)


def test_corrupt_bytes_give_a_clear_error(saved):
    _, _, _, path = saved
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("dense/kernel.npy")
    middle = info.header_offset + 200  # inside the stored kernel values
    data[middle : middle + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"model.npz is not a readable cnnlib model file.*CRC"):
        cl.load_model(path)


def test_a_file_that_is_not_a_model(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not a readable cnnlib model file"):
        cl.load_model(path)
    np.savez(tmp_path / "arrays.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match=r"not a cnnlib model file: it has no \['format_version'"):
        cl.load_model(tmp_path / "arrays.npz")
    with pytest.raises(FileNotFoundError):
        cl.load_model(tmp_path / "missing.npz")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("dense_1/bias"), r"missing \['dense_1/bias'\], unexpected \[\]"),
        (
            lambda a: a.update({"dense_2/bias": np.zeros(3, np.float32)}),
            r"unexpected \['dense_2/bias'\]",
        ),
        (
            lambda a: a.update({"dense/kernel": np.zeros((5, 8), np.float32)}),
            r"weight dense/kernel .* shape \(5, 8\)",
        ),
        (
            lambda a: a.update({"dense/bias": np.zeros(8)}),
            r"dtype float64; the model expects \(8,\) and float32",
        ),
        (lambda a: a.update({"format_version": np.array(99)}), "format version 99"),
        (lambda a: a.update({"architecture": np.array("{not json")}), "unreadable architecture"),
        (lambda a: a.update({"architecture": np.array("[1, 2]")}), "unreadable architecture"),
        (lambda a: a.update({"dtype": np.array("float64")}), "inconsistent: dtype 'float64'"),
    ],
)
def test_mismatched_contents_are_rejected_before_any_model_is_returned(saved, change, message):
    _, _, _, path = saved
    rewrite(path, change)
    with pytest.raises(ValueError, match=message):
        cl.load_model(path)


def edit_architecture(arrays, edit):
    config = json.loads(str(arrays["architecture"]))
    edit(config)
    arrays["architecture"] = np.array(json.dumps(config))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda c: c["model"]["layers"][0].update(class_name="Conv3D"),
            "unknown layer class 'Conv3D'",
        ),
        (
            lambda c: c["model"]["layers"][0]["config"].update(filters=0),
            "filters must be a positive",
        ),
        (
            lambda c: c["model"]["layers"][0]["config"].update(colour="red"),
            "unexpected keyword argument",
        ),
        (lambda c: c["model"].pop("input_shape"), "KeyError"),
        (lambda c: c["compile"]["optimizer"].update(class_name="RMSprop"), "KeyError"),
        (
            lambda c: c["model"]["layers"][6]["config"].update(units=9),
            r"dense/kernel .* expects \(18, 9\)",
        ),
    ],
)
def test_invalid_architectures_name_the_file(saved, edit, message):
    _, _, _, path = saved
    rewrite(path, lambda arrays: edit_architecture(arrays, edit))
    with pytest.raises(ValueError, match=message) as info:
        cl.load_model(path)
    assert "model.npz" in str(info.value)


def test_load_weights_into_a_different_model_changes_nothing(saved):
    path = saved[3]
    other = cl.Sequential(
        [cl.Conv2D(4, 3, padding="same"), cl.Flatten(), cl.Dense(3, activation="softmax")],
        input_shape=(8, 8, 1),
    )
    before = other.get_weights()
    with pytest.raises(
        ValueError,
        match=r"do not match the model: missing \[\], unexpected \[.*'batch_normalization/beta'",
    ):
        other.load_weights(path)
    for key, weight in other.get_weights().items():
        np.testing.assert_array_equal(weight, before[key])


def test_any_damaged_byte_gives_a_value_error_or_the_same_model(tmp_path):
    model = cl.Sequential(
        [cl.Conv2D(2, 3), cl.BatchNormalization(), cl.Flatten(), cl.Dense(3, activation="softmax")],
        input_shape=(5, 5, 1),
    )
    path, damaged = tmp_path / "m.npz", tmp_path / "damaged.npz"
    model.save(path)
    data = path.read_bytes()
    x = np.random.default_rng(0).random((2, 5, 5, 1), dtype=np.float32)
    for i in range(0, len(data), 13):  # every 13th byte, header and data alike
        damaged.write_bytes(data[:i] + bytes([data[i] ^ 0xA5]) + data[i + 1 :])
        try:
            loaded = cl.load_model(damaged)
        except ValueError:
            continue
        np.testing.assert_array_equal(loaded.predict(x), model.predict(x))  # a byte nobody reads


def small_model():
    return cl.Sequential([cl.Flatten(), cl.Dense(2)], input_shape=(2, 2, 1))


def test_save_does_not_replace_a_read_only_file(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"keep me")
    path.chmod(0o444)
    with pytest.raises(PermissionError, match=r"cannot save to .*model.npz: the file is read-only"):
        small_model().save(path)
    assert path.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left


def test_save_writes_through_a_symbolic_link(tmp_path):
    target, link = tmp_path / "real.npz", tmp_path / "link.npz"
    target.write_bytes(b"old")
    link.symlink_to(target)
    model = small_model()
    model.save(link)
    assert link.is_symlink() and link.resolve() == target
    loaded = cl.load_model(target)
    for key, weight in model.get_weights().items():
        np.testing.assert_array_equal(loaded.get_weights()[key], weight)


def test_save_refuses_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)  # like a device node: never opened, never replaced
    with pytest.raises(ValueError, match=r"pipe.npz: it exists and is not a regular file"):
        small_model().save(fifo)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    with pytest.raises(ValueError, match=r"not a regular file"):
        small_model().save(tmp_path)


def test_save_keeps_permissions_or_gives_the_usual_ones(tmp_path):
    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.npz"
        small_model().save(new)
        assert stat.S_IMODE(new.stat().st_mode) == 0o644  # 0o666 less the umask, not 0o600
        existing = tmp_path / "existing.npz"
        existing.write_bytes(b"")
        existing.chmod(0o640)
        small_model().save(existing)
        assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    finally:
        os.umask(umask)


def test_save_errors_name_the_path_asked_for(tmp_path, monkeypatch):
    missing = tmp_path / "missing_dir" / "m.npz"
    with pytest.raises(FileNotFoundError, match=r"cannot save to .*missing_dir/m.npz: the folder"):
        small_model().save(missing)

    def disk_full(file, **arrays):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError, match=r"could not save the model to .*m.npz: No space") as info:
        small_model().save(tmp_path / "m.npz")
    assert ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone


def test_saving_an_empty_model_says_so(tmp_path):
    with pytest.raises(ValueError, match=r"the model has no layers yet; add some before saving"):
        cl.Sequential().save(tmp_path / "empty.npz")
    with pytest.raises(ValueError, match=r"no layers yet"):
        cl.Sequential(input_shape=(3,)).save(tmp_path / "empty.npz")


def test_a_text_file_is_not_met_with_advice_about_pickles(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("format_version = 1\n")
    with pytest.raises(ValueError, match=r"a model file is a .npz \(zip\) archive") as info:
        cl.load_model(path)
    assert "allow_pickle" not in str(info.value)


def test_a_format_version_stored_as_text_is_named_as_such(saved):
    path = saved[3]
    rewrite(path, lambda arrays: arrays.update({"format_version": np.array("1")}))
    with pytest.raises(ValueError, match=r"format version of dtype <U1 .*\('1'\).*the integer 1"):
        cl.load_model(path)


def test_every_layer_announces_the_weights_it_builds():
    # Loading checks a file against weight_shapes before building: they must agree.
    model = trained_model()[0]
    for layer in model.layers:
        shapes = {key: weight.shape for key, weight in layer.weights().items()}
        assert layer.weight_shapes(layer.input_shape) == shapes, layer


def test_the_output_folder_of_train_mnist_is_checked_before_training(tmp_path, monkeypatch, capsys):
    from cnnlib import train_mnist

    def no_data(*args, **kwargs):
        raise AssertionError("load_mnist must not run when --output cannot be written")

    monkeypatch.setattr(train_mnist, "load_mnist", no_data)
    with pytest.raises(SystemExit):
        train_mnist.main(["--output", str(tmp_path / "missing_dir" / "m.npz"), "--test-only"])
    assert "--output: cannot save to" in capsys.readouterr().err


@pytest.mark.parametrize("seed", [None, 7])
def test_a_loaded_model_keeps_its_seed_even_none(tmp_path, seed):
    model = cl.Sequential([cl.Flatten(), cl.Dense(2)], input_shape=(2, 2, 1), seed=seed)
    model.save(tmp_path / "m.npz")
    loaded = cl.load_model(tmp_path / "m.npz")
    assert loaded.seed is None if seed is None else loaded.seed == seed
    assert loaded.get_config() == model.get_config()
