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
import secrets
import stat
from pathlib import Path

import numpy as np

from cnnlib.archive import NpzArchive
from cnnlib.layers import LAYER_CLASSES
from cnnlib.layers.base import shape_tuple
from cnnlib.losses import LOSS_CLASSES
from cnnlib.model import Sequential, unique_name
from cnnlib.optimizers import OPTIMIZERS

FORMAT_VERSION = 1
RESERVED = ("format_version", "architecture", "dtype")
MAX_LAYERS = 1000  # layers in a file (the book's largest model has about 20)
# Largest sizes of the small entries, in bytes: a hostile file is refused before parsing.
RESERVED_LIMITS = {"format_version": 1024, "dtype": 1024, "architecture": 8 * 2**20}


def check_save_path(path) -> Path:
    """Where a save to ``path`` writes: ``path`` itself, or the file a symbolic link points to.

    Raises, naming ``path``, unless its folder exists and the file is either
    absent or a regular file this user may write (a read-only file is not
    replaced). Call it before a long computation whose result will be saved.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))  # follow symbolic links: the link itself stays
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"cannot save to {path}: the folder {target.parent} does not exist; create it first"
        )
    if target.exists() or target.is_symlink():
        if not target.is_file():
            raise ValueError(
                f"cannot save to {path}: it exists and is not a regular file "
                "(a folder, a device or a broken link); choose another path"
            )
        if not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222:
            raise PermissionError(  # read-only for everyone: not replaced, even by root
                f"cannot save to {path}: the file is read-only; make it writable or choose "
                "another path"
            )
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot save to {path}: its folder {target.parent} is read-only")
    return target


def save_model(model: Sequential, path) -> None:
    """Write ``model``'s architecture and weights to the ``.npz`` file ``path``.

    The file is written under a temporary name in the same folder and then
    renamed, so an interrupted save never leaves a half-written file behind.
    A file already at ``path`` is replaced only if it is a regular file this
    user may write; it keeps its permissions, and a new file gets the usual
    ones (``0o666`` less the umask). A symbolic link is followed.
    """
    if not model.layers:
        raise ValueError("the model has no layers yet; add some before saving it")
    target = check_save_path(path)
    config = {"model": model.get_config(), "compile": model.compile_config()}
    arrays = {
        "format_version": np.array(FORMAT_VERSION),
        "architecture": np.array(json.dumps(config)),
        "dtype": np.array(model.dtype.name),
        **model.get_weights(),
    }
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)  # umask applies
        try:
            if target.exists():
                os.fchmod(handle, mode)  # exactly the old file's permissions
            with os.fdopen(handle, "wb") as file:
                np.savez(file, **arrays)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise type(exc)(exc.errno, f"could not save the model to {path}: {exc.strerror}") from exc


def read_file(path) -> tuple[dict, NpzArchive]:
    """``(configuration, archive)`` of a saved model, the weights not read yet.

    Raises unless the small entries and the architecture are sound; the
    caller closes the archive.
    """
    limits = {key: RESERVED_LIMITS[key] for key in RESERVED}
    archive = NpzArchive(path, limits)
    try:
        missing = [key for key in RESERVED if key not in archive.members]
        if missing:
            raise ValueError(f"{path} is not a cnnlib model file: it has no {missing} entries")
        version = archive.read("format_version")
        if version.shape != () or not np.issubdtype(version.dtype, np.integer):
            raise ValueError(
                f"{path} has a format version of dtype {version.dtype} and shape "
                f"{version.shape} ({version.tolist()!r}); this cnnlib reads files whose "
                f"format_version is the integer {FORMAT_VERSION}"
            )
        if version.item() != FORMAT_VERSION:
            raise ValueError(
                f"{path} has format version {version.item()}; "
                f"this cnnlib reads version {FORMAT_VERSION}"
            )
        try:
            config = json.loads(str(archive.read("architecture")))
            model_config, dtype = config["model"], str(archive.read("dtype"))
            if not isinstance(model_config, dict):
                raise TypeError(f"the model's configuration is a {type(model_config).__name__}")
        except (json.JSONDecodeError, KeyError, TypeError, RecursionError) as exc:
            raise ValueError(
                f"{path} holds an unreadable architecture: {type(exc).__name__}: {exc}"
            ) from exc
        if dtype not in ("float32", "float64"):
            raise ValueError(f"{path} has weights of dtype {dtype!r}; expected float32 or float64")
        if model_config.get("dtype") != dtype:
            raise ValueError(
                f"{path} is inconsistent: dtype {dtype!r} but architecture dtype "
                f"{model_config.get('dtype')!r}"
            )
    except BaseException:
        archive.zip.close()
        raise
    return config, archive


def layer_entries(model_config: dict) -> list:
    """The architecture's list of layers, raising unless it holds 1 to MAX_LAYERS of them."""
    entries = model_config["layers"]
    if not isinstance(entries, list) or not 0 < len(entries) <= MAX_LAYERS:
        count = len(entries) if isinstance(entries, list) else type(entries).__name__
        raise ValueError(f"expected a list of 1 to {MAX_LAYERS} layers; received {count}")
    return entries


def planned_weights(model_config: dict) -> dict[str, tuple[int, ...]]:
    """The shape of every weight the architecture asks for, worked out without building it.

    Names follow :meth:`Sequential.add`; each layer's arguments are checked by
    its constructor and its input by ``compute_output_shape``.
    """
    if model_config.get("class_name") == "Model":
        return planned_functional_weights(model_config)
    entries = layer_entries(model_config)
    shape, taken, planned = shape_tuple(model_config["input_shape"]), set(), {}
    for entry in entries:
        layer = new_layer(entry)
        name = layer.name or unique_name(layer.default_name(), taken)
        taken.add(name)
        output_shape = layer.compute_output_shape(shape)
        planned.update({f"{name}/{k}": s for k, s in layer.weight_shapes(shape).items()})
        shape = output_shape
    return planned


def planned_functional_weights(model_config: dict) -> dict[str, tuple[int, ...]]:
    """As :func:`planned_weights` for a functional :class:`~cnnlib.Model`.

    Each layer must be named, and may read only the input or layers listed
    before it, so the graph has no cycle and is checked in one pass; the last
    layer is the output, and every layer must lead to it.
    """
    entries = layer_entries(model_config)
    input_name = model_config["input_name"]
    if not isinstance(input_name, str):
        raise TypeError(f"input_name must be a string; received {type(input_name).__name__}")
    shapes = {input_name: shape_tuple(model_config["input_shape"])}
    planned, used = {}, set()
    for entry in entries:
        layer = new_layer(entry)
        inbound = entry["inbound"]
        if (
            not isinstance(inbound, list)
            or not inbound
            or len(inbound) > MAX_LAYERS
            or not all(isinstance(n, str) for n in inbound)
        ):
            raise ValueError(f"layer {layer.name!r} must read a list of 1 to {MAX_LAYERS} names")
        if layer.name is None or layer.name in shapes:
            raise ValueError(f"layers must have unique names; received {layer.name!r} again")
        unknown = [n for n in inbound if n not in shapes]
        if unknown:
            raise ValueError(
                f"layer {layer.name!r} reads {unknown}, which are neither the input nor a "
                "layer listed before it"
            )
        many = getattr(layer, "multiple_inputs", False)
        if not many and len(inbound) != 1:
            raise ValueError(f"layer {layer.name!r} reads one input; received {len(inbound)}")
        input_shapes = [shapes[n] for n in inbound]
        shape = input_shapes if many else input_shapes[0]
        shapes[layer.name] = layer.compute_output_shape(shape)
        planned.update({f"{layer.name}/{k}": s for k, s in layer.weight_shapes(shape).items()})
        used.update(inbound)
    unused = [e["config"]["name"] for e in entries[:-1] if e["config"]["name"] not in used]
    if unused or input_name not in used:
        raise ValueError(f"every layer must lead to the output; {unused or [input_name]} do not")
    return planned


def functional_from_config(model_config: dict):
    """A new functional :class:`~cnnlib.Model` with fresh weights from its configuration."""
    from cnnlib.graph import Input, Model

    tensors = {
        model_config["input_name"]: Input(model_config["input_shape"], model_config["input_name"])
    }
    for entry in model_config["layers"]:
        layer = new_layer(entry)
        inputs = [tensors[name] for name in entry["inbound"]]
        tensors[layer.name] = layer(
            inputs if getattr(layer, "multiple_inputs", False) else inputs[0]
        )
    return Model(
        tensors[model_config["input_name"]],
        tensors[model_config["layers"][-1]["config"]["name"]],
        seed=model_config["seed"],
        dtype=model_config["dtype"],
        name=model_config["name"],
    )


def new_layer(entry: dict):
    """An unbuilt layer from one entry ``{"class_name": ..., "config": {...}}``."""
    if entry["class_name"] not in LAYER_CLASSES:
        raise ValueError(
            f"unknown layer class {entry['class_name']!r}; known: {sorted(LAYER_CLASSES)}"
        )
    return LAYER_CLASSES[entry["class_name"]].from_config(entry["config"])


def model_from_config(model_config: dict) -> Sequential:
    """A new model with fresh weights from the output of :meth:`Sequential.get_config`."""
    if model_config.get("class_name") == "Model":
        return functional_from_config(model_config)
    return Sequential(
        [new_layer(entry) for entry in model_config["layers"]],
        input_shape=model_config["input_shape"],
        seed=model_config["seed"],
        dtype=model_config["dtype"],
        name=model_config["name"],
    )


def check_weights(expected: dict, archive: NpzArchive, dtype, path) -> None:
    """Raise unless the archive's arrays are exactly ``expected`` (key to shape) in ``dtype``."""
    stored = {key: member for key, member in archive.members.items() if key not in RESERVED}
    missing, extra = sorted(expected.keys() - stored.keys()), sorted(stored.keys() - expected)
    if missing or extra:
        raise ValueError(
            f"the weights in {path} do not match the model: missing {missing}, unexpected {extra}"
        )
    for key, shape in expected.items():
        if stored[key].shape != tuple(shape) or stored[key].dtype != dtype:
            raise ValueError(
                f"weight {key} in {path} has shape {stored[key].shape} and dtype "
                f"{stored[key].dtype}; the model expects {tuple(shape)} and {np.dtype(dtype)}"
            )


def load_model(path) -> Sequential:
    """The model saved in ``path`` by :meth:`Sequential.save`, compiled if it was.

    Safe for a file from a stranger: no code in it runs (no pickle), every
    size it announces is checked against the others and against fixed limits
    before anything is allocated, and any problem is a ``ValueError`` naming
    the file.

    Raises
    ------
    ValueError
        If the file is truncated, corrupt, of another format version, or its
        weights do not match its architecture.
    """
    config, archive = read_file(path)
    with archive:
        planned = invalid_architecture_is_value_error(planned_weights, path, config["model"])
        check_weights(planned, archive, config["model"]["dtype"], path)
        model = invalid_architecture_is_value_error(model_from_config, path, config["model"])
        invalid_architecture_is_value_error(compile_from_config, path, model, config.get("compile"))
        model.set_weights({key: archive.read(key) for key in planned})
    return model


def invalid_architecture_is_value_error(function, path, *args):
    """``function(*args)``, its errors about the configuration raised as ``ValueError``s."""
    try:
        return function(*args)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(
            f"{path} holds an invalid architecture: {type(exc).__name__}: {exc}"
        ) from exc


def compile_from_config(model: Sequential, compiled) -> None:
    """Compile ``model`` with the settings :meth:`Sequential.compile_config` gave, if any."""
    if compiled is None:
        return
    optimizer = compiled["optimizer"]
    model.compile(
        optimizer=OPTIMIZERS[optimizer["class_name"].lower()](**optimizer["config"]),
        loss=LOSS_CLASSES[compiled["loss"]["class_name"]](**compiled["loss"]["config"]),
        metrics=compiled["metrics"],
    )


def load_weights(model: Sequential, path) -> None:
    """Copy the weights saved in ``path`` into ``model``, which must have the same layers."""
    _, archive = read_file(path)
    with archive:
        expected = {key: weight.shape for key, weight in model.get_weights().items()}
        check_weights(expected, archive, model.dtype, path)
        model.set_weights({key: archive.read(key) for key in expected})
