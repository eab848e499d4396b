"""Callbacks for :meth:`Sequential.fit`, as in Keras: change the learning rate, stop early.

``fit(..., callbacks=[...])`` calls each callback's ``on_train_begin`` once,
``on_epoch_begin(epoch)`` before an epoch, ``on_epoch_end(epoch, logs)``
after it (``logs`` holds the epoch's ``loss``, ``val_loss``, ...), and
``on_train_end`` at the end; setting ``model.stop_training = True`` ends
training after the current epoch.

>>> import cnnlib as cl
>>> schedule = cl.callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 * 0.5 ** (epoch // 2))
>>> [schedule.schedule(epoch, None) for epoch in range(5)]
[0.01, 0.01, 0.005, 0.005, 0.0025]
"""

from __future__ import annotations

from cnnlib._checks import non_negative_int, real_number


class Callback:
    """Base class: every hook does nothing; ``self.model`` is the model being trained."""

    model = None

    def set_model(self, model) -> None:
        """Called by ``fit`` before training."""
        self.model = model

    def on_train_begin(self, logs=None) -> None:
        """Before the first epoch."""

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        """Before epoch ``epoch`` (counted from 0)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """After epoch ``epoch``; ``logs`` holds its results, and may be added to."""

    def on_train_end(self, logs=None) -> None:
        """After the last epoch (or the one at which training was stopped)."""


class LearningRateScheduler(Callback):
    """Set the optimiser's learning rate before each epoch to ``schedule(epoch, lr)``.

    Parameters
    ----------
    schedule : callable
        ``schedule(epoch, lr) -> new_lr``, with ``epoch`` counted from 0 and
        ``lr`` the current learning rate. The rate is recorded in the
        history as ``learning_rate``, as Keras does.
    """

    def __init__(self, schedule):
        if not callable(schedule):
            raise TypeError(f"schedule must be a function (epoch, lr) -> lr; received {schedule!r}")
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = self.schedule(epoch, optimizer.learning_rate)
        try:
            optimizer.learning_rate = lr  # the optimiser checks it
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"the schedule returned learning rate {lr!r} at epoch {epoch}: {error}"
            ) from error

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate


class EarlyStopping(Callback):
    """Stop training once ``monitor`` has not improved for ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        A key of the epoch's logs, ``"val_loss"`` by default (lower is
        better; for a key containing ``accuracy`` higher is better).
    min_delta : float
        Smallest change that counts as an improvement.
    patience : int
        Epochs without improvement to wait before stopping.
    restore_best_weights : bool
        At the end of training, put back the weights of the best epoch.

    Attributes
    ----------
    best, best_epoch, stopped_epoch
        The best value, the epoch that gave it and the epoch after which
        training stopped (counted from 0; ``None`` if it ran to the end).
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, restore_best_weights=False):
        patience = non_negative_int(patience, "patience")
        min_delta = abs(real_number(min_delta, "min_delta"))
        self.monitor, self.min_delta, self.patience = monitor, min_delta, patience
        self.restore_best_weights = bool(restore_best_weights)
        self.higher_is_better = "accuracy" in monitor

    def on_train_begin(self, logs=None):
        self.best, self.best_epoch, self.stopped_epoch = None, None, None
        self.best_weights, self.wait = None, 0

    def improved(self, value: float) -> bool:
        if self.best is None:
            return True
        if self.higher_is_better:
            return value > self.best + self.min_delta
        return value < self.best - self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        if not logs or self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, which the epoch's logs lack "
                f"(they hold {sorted(logs or {})}); pass validation_data or validation_split"
            )
        value = logs[self.monitor]
        if self.improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:  # Keras: stop after `patience` epochs without progress
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
