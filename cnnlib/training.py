"""The training loop behind :meth:`Sequential.fit`: epochs, mini-batches, progress, history.

Each epoch visits the training examples in a new random order, in
mini-batches taken by index arrays (no Python loop over examples); each
mini-batch is one :meth:`Sequential.train_step`: forward, loss, backward,
optimiser step.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from cnnlib._checks import check_bool, positive_int, real_number
from cnnlib.summary import LINE_LENGTH


class History:
    """What :meth:`Sequential.fit` returns: ``history["loss"]`` and others, one value per epoch."""

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        """Record the results of one epoch."""
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


def fit(
    model,
    x,
    y,
    epochs,
    batch_size,
    validation_data,
    validation_split,
    shuffle,
    seed,
    verbose,
    callbacks=None,
):
    """Train ``model``; the arguments are those of :meth:`Sequential.fit`."""
    from cnnlib.callbacks import Callback

    callbacks = list(callbacks or [])
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(
                "callbacks must be cnnlib.callbacks objects, for example "
                f"cl.callbacks.EarlyStopping(patience=3); received {callback!r}"
            )
    model.check_compiled()
    x = model.check_x(x)
    y = model.check_y(y, len(x))
    epochs, batch_size = positive_int(epochs, "epochs"), positive_int(batch_size, "batch_size")
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1 or 2; received verbose={verbose!r}")
    shuffle = check_bool(shuffle, "shuffle")
    x, y, validation_data = split_validation(x, y, validation_data, validation_split)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            size = (
                f"of {len(validation_data)}" if isinstance(validation_data, (tuple, list)) else ""
            )
            raise ValueError(
                "validation_data must be a pair (x_val, y_val); received a "
                f"{type(validation_data).__name__} {size}".rstrip()
            )
        x_val = model.check_x(validation_data[0], "validation x")
        validation_data = (x_val, model.check_y(validation_data[1], len(x_val)))
    rng = model.shuffle_rng if seed is None else np.random.default_rng(seed)
    history, diverged = History(), None
    model.stop_training = False
    for callback in callbacks:
        callback.set_model(model)
        callback.on_train_begin()
    for epoch in range(epochs):
        for callback in callbacks:
            callback.on_epoch_begin(epoch)
        order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
        batches = [order[i : i + batch_size] for i in range(0, len(x), batch_size)]
        bar = progress_bar(verbose, len(batches), f"Epoch {epoch + 1}/{epochs}")
        total_loss, total_correct, seen = 0.0, 0, 0
        for number, index in enumerate(batches, 1):
            loss, correct = model.train_step(x[index], y[index])
            total_loss, total_correct = total_loss + loss * len(index), total_correct + correct
            seen += len(index)
            if bar is not None:
                bar.set_postfix(rounded(model.logs(total_loss / seen, total_correct / seen)), False)
                bar.update()
            if not math.isfinite(loss):
                diverged = f"epoch {epoch + 1}, batch {number}"
                break
        logs = model.logs(total_loss / seen, total_correct / seen)
        if validation_data is not None:
            val = model.evaluate(*validation_data, batch_size=batch_size, return_dict=True)
            logs.update({f"val_{key}": value for key, value in val.items()})
        for callback in callbacks:
            callback.on_epoch_end(epoch, logs)
        history.append(epoch, logs)
        if bar is not None:
            bar.set_postfix(rounded(logs))
            bar.close()
        elif verbose == 2:
            print(epoch_summary(f"Epoch {epoch + 1}/{epochs}", rounded(logs)))
        if diverged:
            warnings.warn(
                f"training stopped at {diverged}: the loss became {loss}, and every later step "
                "would be nan. Try a smaller learning_rate, or inputs scaled to [0, 1]",
                RuntimeWarning,
                stacklevel=3,
            )
            break
        if model.stop_training:
            break
    for callback in callbacks:
        callback.on_train_end()
    return history


def rounded(logs: dict[str, float]) -> dict[str, str]:
    """Results with four decimals, as Keras shows them."""
    return {key: f"{value:.4f}" for key, value in logs.items()}


def split_validation(x, y, validation_data, validation_split):
    """Keep the last ``validation_split`` of ``(x, y)`` for validation, as Keras does."""
    validation_split = real_number(validation_split, "validation_split")
    if not validation_split:
        return x, y, validation_data
    if validation_data is not None:
        raise ValueError("pass validation_data or validation_split, not both")
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be in [0, 1); received {validation_split!r}")
    split = int(len(x) * (1 - validation_split))
    if split in (0, len(x)):
        raise ValueError(
            f"validation_split={validation_split} of {len(x)} examples leaves "
            f"{split} for training and {len(x) - split} for validation; both must be at least 1"
        )
    return x[:split], y[:split], (x[split:], y[split:])


def progress_bar(verbose: int, total: int, description: str):
    """A tqdm progress bar when ``verbose == 1`` (a widget in notebooks), else ``None``.

    In a notebook the bar is shown with a display id, and when it closes its
    output is replaced by the same widget with a one-line summary as its text
    (:class:`NotebookProgress`): a notebook that stores the output shows that
    line, not the empty bar of the moment the epoch began.
    """
    if verbose != 1:
        return None
    try:
        from tqdm.auto import tqdm
        from tqdm.notebook import tqdm_notebook
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the progress bar needs tqdm: pip install tqdm, or pass verbose=0 or verbose=2"
        ) from exc
    if issubclass(tqdm, tqdm_notebook):  # tqdm.auto chose the widget: we are in a notebook
        return NotebookProgress(tqdm, total, description)
    return tqdm(total=total, desc=description, unit="batch")


def epoch_summary(
    description: str,
    logs: dict[str, str],
    done: int | None = None,
    total=None,
    line_length: int | None = LINE_LENGTH,
):
    """A line for an epoch: ``Epoch 1/20 - loss: 0.1234 - accuracy: 0.9000``.

    With ``done`` and ``total``, the number of batches is added after the
    description (``Epoch 1/20: 36/36 batches - ...``). Results that would go
    past ``line_length`` characters continue on an indented line of their own
    (``None``: one line, however long).
    """
    head = description if done is None else f"{description}: {done}/{total} batches"
    lines = [head]
    for part in (f"{key}: {value}" for key, value in logs.items()):
        if line_length is None or len(lines[-1]) + 3 + len(part) <= line_length:
            lines[-1] += f" - {part}"
        else:
            lines.append(f"    - {part}")
    return "\n".join(lines)


class NotebookProgress:
    """tqdm's notebook bar, whose stored text becomes a summary line when it closes.

    tqdm displays its widget when the epoch begins, and the text that goes
    with it (what a notebook shows where the widget cannot be drawn) is the
    bar at 0%. This bar is displayed with a display id instead; :meth:`close`
    updates that display with the same widget and :func:`epoch_summary` as
    its text. The live bar is tqdm's own.
    """

    def __init__(self, tqdm, total: int, description: str):
        from IPython.display import display

        self.bar = tqdm(total=total, desc=description, unit="batch", display=False)
        # The results after the bar go on a line of their own when they do not fit.
        self.bar.container.layout.flex_flow = "row wrap"
        self.bar.displayed = True
        self.description = description
        self.postfix: dict[str, str] = {}
        self.handle = display(self.bar.container, display_id=True)

    def set_postfix(self, postfix: dict[str, str], refresh: bool = True) -> None:
        self.postfix = dict(postfix)
        self.bar.set_postfix(postfix, refresh)

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def close(self) -> None:
        done, total = self.bar.n, self.bar.total
        self.bar.close()
        bundle = self.bar.container._repr_mimebundle_()
        if bundle is None:  # the widget is gone (tqdm closes it with leave=False)
            return
        bundle["text/plain"] = epoch_summary(self.description, self.postfix, done, total)
        self.handle.update(bundle, raw=True)
