"""Save a model to one ``.npz`` file and load it back, checking everything first.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays) holding:

- ``format_version``: the integer :data:`FORMAT_VERSION`;
- ``architecture``: the model's configuration as JSON text (layers, input
  shape, dtype, seed, and the compile settings if any);
- ``dtype``: the weights' dtype, "float32" or "float64";
- one array per weight, named ``"<layer_name>/<param_name>"``, for example
  ``"conv2d/kernel"`` or ``"batch_normalization/moving_mean"``.

It is read with ``allow_pickle=False``, so loading a file cannot run code.
Every key, shape and dtype is checked before the model is handed back: a
corrupt, truncated or mismatched file raises a ``ValueError`` naming the file,
never a half-loaded model. The optimiser's state is not saved.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from cnnlib.layers import LAYER_CLASSES
from cnnlib.losses import LOSS_CLASSES
from cnnlib.model import Sequential
from cnnlib.optimizers import OPTIMIZERS

FORMAT_VERSION = 1
RESERVED = ("format_version", "architecture", "dtype")


def save_model(model: Sequential, path) -> None:
    """Write ``model``'s architecture and weights to the ``.npz`` file ``path``.

    The file is written under a temporary name and then renamed, so an
    interrupted save never leaves a half-written file behind.
    """
    path = Path(path)
    config = {"model": model.get_config(), "compile": model.compile_config()}
    arrays = {
        "format_version": np.array(FORMAT_VERSION),
        "architecture": np.array(json.dumps(config)),
        "dtype": np.array(model.dtype.name),
        **model.get_weights(),
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def read_file(path) -> tuple[dict, dict[str, np.ndarray]]:
    """``(configuration, weights)`` from a saved model, every array read and checked."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise  # about the path, not the contents
    except Exception as exc:  # zipfile, zlib and numpy each raise their own kinds
        raise ValueError(
            f"{path} is not a readable cnnlib model file (truncated or corrupt?): "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    missing = [key for key in RESERVED if key not in arrays]
    if missing:
        raise ValueError(f"{path} is not a cnnlib model file: it has no {missing} entries")
    version = arrays.pop("format_version")
    if version.shape != () or version.item() != FORMAT_VERSION:
        raise ValueError(
            f"{path} has format version {version.tolist()}; "
            f"this cnnlib reads version {FORMAT_VERSION}"
        )
    try:
        config = json.loads(str(arrays.pop("architecture")))
        model_config, dtype = config["model"], str(arrays.pop("dtype"))
        if not isinstance(model_config, dict):
            raise TypeError(f"the model's configuration is a {type(model_config).__name__}")
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} holds an unreadable architecture: {exc}") from exc
    if model_config.get("dtype") != dtype:
        raise ValueError(
            f"{path} is inconsistent: dtype {dtype!r} but architecture dtype "
            f"{model_config.get('dtype')!r}"
        )
    return config, arrays


def model_from_config(model_config: dict) -> Sequential:
    """A new model with fresh weights from the output of :meth:`Sequential.get_config`."""
    layers = []
    for entry in model_config["layers"]:
        if entry["class_name"] not in LAYER_CLASSES:
            raise ValueError(
                f"unknown layer class {entry['class_name']!r}; known: {sorted(LAYER_CLASSES)}"
            )
        layers.append(LAYER_CLASSES[entry["class_name"]].from_config(entry["config"]))
    return Sequential(
        layers,
        input_shape=model_config["input_shape"],
        seed=model_config["seed"],
        dtype=model_config["dtype"],
        name=model_config["name"],
    )


def check_weights(model: Sequential, weights: dict[str, np.ndarray], path) -> None:
    """Raise unless ``weights`` has exactly the model's keys, shapes and dtype."""
    expected = model.get_weights()
    missing, extra = sorted(expected.keys() - weights.keys()), sorted(weights.keys() - expected)
    if missing or extra:
        raise ValueError(
            f"the weights in {path} do not match the model: missing {missing}, unexpected {extra}"
        )
    for key, array in expected.items():
        if weights[key].shape != array.shape or weights[key].dtype != array.dtype:
            raise ValueError(
                f"weight {key} in {path} has shape {weights[key].shape} and dtype "
                f"{weights[key].dtype}; the model expects {array.shape} and {array.dtype}"
            )


def load_model(path) -> Sequential:
    """The model saved in ``path`` by :meth:`Sequential.save`, compiled if it was.

    Raises
    ------
    ValueError
        If the file is truncated, corrupt, of another format version, or its
        weights do not match its architecture.
    """
    config, weights = read_file(path)
    try:
        model = model_from_config(config["model"])
        compiled = config.get("compile")
        if compiled is not None:
            optimizer = compiled["optimizer"]
            model.compile(
                optimizer=OPTIMIZERS[optimizer["class_name"].lower()](**optimizer["config"]),
                loss=LOSS_CLASSES[compiled["loss"]["class_name"]](**compiled["loss"]["config"]),
                metrics=compiled["metrics"],
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{path} holds an invalid architecture: {type(exc).__name__}: {exc}"
        ) from exc
    check_weights(model, weights, path)
    model.set_weights(weights)
    return model


def load_weights(model: Sequential, path) -> None:
    """Copy the weights saved in ``path`` into ``model``, which must have the same layers."""
    _, weights = read_file(path)
    check_weights(model, weights, path)
    model.set_weights(weights)
