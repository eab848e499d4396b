"""Losses by name, as ``model.compile(loss=...)`` takes them, with their accuracy.

Each loss is called as ``loss(pred, target, from_logits) -> (value, dpred)``.

*Fusing* an activation with the loss: a softmax output followed by
cross-entropy has the simple, stable gradient ``(softmax(z) - one_hot) / N``
with respect to the scores ``z`` before the softmax, where going through the
softmax's own backward pass would divide by probabilities that can round to 0.
So when a model ends in the activation a loss names in ``fuses_with``
("softmax" for the categorical cross-entropies, "sigmoid" for the binary
one), training stops before that activation and calls the loss with
``from_logits=True``. ``predict()`` still applies it and returns probabilities.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array, check_bool
from cnnlib.functional import binary_cross_entropy, mean_squared_error, softmax_cross_entropy
from cnnlib.functional.losses import check_labels


class Loss:
    """Base class: a loss with its name, the activation it fuses with and its accuracy.

    Parameters
    ----------
    from_logits : bool
        The model's outputs are raw scores, not probabilities (for a last layer
        without softmax or sigmoid). Not needed when the model ends in the
        activation named by ``fuses_with``: then it is used automatically.
    """

    name = ""
    fuses_with: str | None = None
    classification = True  # has an accuracy

    def __init__(self, from_logits=False):
        self.from_logits = check_bool(from_logits, "from_logits")

    def get_config(self) -> dict:
        """The constructor's arguments."""
        return {"from_logits": self.from_logits}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(from_logits={self.from_logits})"

    def __call__(self, pred, target, from_logits=False):
        """``(mean loss, gradient with respect to pred)``."""
        raise NotImplementedError

    def check_targets(self, target, n: int, output_shape) -> np.ndarray:
        """Return ``target`` checked against ``n`` predictions of ``output_shape``.

        One target per example, ``(N,)``, is accepted for an output of one value, ``(N, 1)``.
        """
        target = as_float_array(target, "y")
        if target.shape == (n,) and tuple(output_shape) == (1,):
            target = target[:, None]
        if target.shape != (n, *output_shape):
            raise ValueError(
                f"y must have shape {(n, *output_shape)} to match the model's output for "
                f"{n} examples; received y.shape={target.shape}"
            )
        if not np.isfinite(target).all():
            raise ValueError(
                f"y must hold finite numbers; received {np.count_nonzero(~np.isfinite(target))} "
                "NaN or infinite values"
            )
        return target

    def correct(self, pred, target, from_logits=False) -> np.ndarray:
        """Which predictions are right (booleans), for the "accuracy" metric.

        An example whose outputs are not all finite (NaN after a diverged
        training, say) is never right.
        """
        raise NotImplementedError


def check_probabilities(pred, loss: str) -> None:
    """Raise unless ``pred`` holds probabilities in ``[0, 1]`` (NaN is let through)."""
    if np.any((pred < 0) | (pred > 1)):
        raise ValueError(
            f"{loss} with from_logits=False needs probabilities in [0, 1] (a softmax output); "
            f"received values from {np.nanmin(pred)} to {np.nanmax(pred)}. For a model without "
            "a final softmax pass from_logits=True"
        )


def finite_rows(pred) -> np.ndarray:
    """Which rows of ``pred`` (one per example) hold only finite numbers."""
    return np.isfinite(pred).reshape(len(pred), -1).all(axis=1)


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer class labels ``y`` of shape ``(N,)``: ``-mean log p[y]``.

    ``pred`` holds ``K`` probabilities per example (after a softmax), or raw
    scores with ``from_logits=True``. Probabilities are clipped to
    ``[1e-7, 1 - 1e-7]`` as Keras does, so ``log`` never sees 0.
    """

    name = "sparse_categorical_crossentropy"
    fuses_with = "softmax"

    def __call__(self, pred, target, from_logits=False):
        if from_logits:
            return softmax_cross_entropy(pred, target)
        check_probabilities(pred, self.name)
        n = pred.shape[0]
        rows = np.arange(n)
        p = np.clip(pred[rows, target], 1e-7, 1 - 1e-7)
        dpred = np.zeros_like(pred)
        dpred[rows, target] = -1 / (n * p)
        return -np.log(p).mean(), dpred

    def check_targets(self, target, n, output_shape):
        target = np.asarray(target)
        if target.shape == (n, 1):
            target = target[:, 0]
        if len(output_shape) != 1:
            raise ValueError(
                f"{self.name} needs a model whose output is (N, K) class scores; "
                f"received an output of shape (N, {', '.join(map(str, output_shape))})"
            )
        return check_labels(target, n, output_shape[0])

    def correct(self, pred, target, from_logits=False):
        return (pred.argmax(axis=1) == target) & finite_rows(pred)


class CategoricalCrossentropy(Loss):
    """Cross-entropy with one-hot (or soft) targets ``y`` of shape ``(N, K)``.

    ``-mean over n of sum over k of y[n, k] log p[n, k]``; with logits ``z``
    the gradient is ``(softmax(z) * sum_k y - y) / N``.
    """

    name = "categorical_crossentropy"
    fuses_with = "softmax"

    def __call__(self, pred, target, from_logits=False):
        n = pred.shape[0]
        if from_logits:
            shifted = pred - pred.max(axis=1, keepdims=True)
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            loss = -(target * log_probs).sum() / n
            return loss, (np.exp(log_probs) * target.sum(axis=1, keepdims=True) - target) / n
        check_probabilities(pred, self.name)
        p = np.clip(pred, 1e-7, 1 - 1e-7)
        return -(target * np.log(p)).sum() / n, -target / (n * p)

    def check_targets(self, target, n, output_shape):
        target = super().check_targets(target, n, output_shape)
        if np.any((target < 0) | (target > 1)):
            raise ValueError(
                "y must hold one-hot (or soft) targets in [0, 1]; received values from "
                f"{target.min()} to {target.max()}"
            )
        return target

    def correct(self, pred, target, from_logits=False):
        return (pred.argmax(axis=1) == target.argmax(axis=1)) & finite_rows(pred)


class BinaryCrossentropy(Loss):
    """Binary cross-entropy with targets in ``[0, 1]`` of the output's shape, such as ``(N, 1)``.

    See :func:`cnnlib.functional.binary_cross_entropy`; it fuses with a sigmoid.
    """

    name = "binary_crossentropy"
    fuses_with = "sigmoid"

    def __call__(self, pred, target, from_logits=False):
        return binary_cross_entropy(pred, target, from_logits=from_logits)

    def correct(self, pred, target, from_logits=False):
        return ((pred > (0 if from_logits else 0.5)) == (target > 0.5)) & np.isfinite(pred)


class MeanSquaredError(Loss):
    """Mean squared error over every output value; targets of the output's shape."""

    name = "mean_squared_error"
    classification = False

    def __call__(self, pred, target, from_logits=False):
        return mean_squared_error(pred, target)


LOSSES = {
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
}

# The loss classes by name, to restore a saved model's compile settings.
LOSS_CLASSES = {cls.__name__: cls for cls in LOSSES.values()}


def get_loss(loss) -> Loss:
    """A loss from its Keras name (see :data:`LOSSES`), or the object itself."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]()
    raise ValueError(f"loss must be one of {list(LOSSES)} or a Loss object; received {loss!r}")
