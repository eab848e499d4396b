"""Losses: each returns the mean loss and its gradient with respect to the prediction.

A loss ends the network, so instead of ``(out, cache)`` each function returns
``(loss, dpred)`` at once: ``loss`` is a NumPy scalar of the prediction's
dtype and ``dpred`` has the prediction's shape, ready for the backward pass.
Targets are cast to the prediction's dtype, so integer labels never turn a
float32 computation into a float64 one.
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array, check_bool, check_ndim, real_number
from cnnlib.functional.activations import stable_sigmoid


def softmax_cross_entropy(logits, labels):
    """Softmax followed by cross-entropy with integer class labels, fused and stable.

    ``loss = mean over n of -log softmax(logits[n])[labels[n]]``, computed as
    ``log-sum-exp(logits[n]) - logits[n, labels[n]]`` after subtracting each
    row's largest logit, so no ``exp`` overflows and no ``log`` sees 0.

    Parameters
    ----------
    logits : array, shape (N, K)
        Raw scores of ``K`` classes for ``N`` examples (no softmax applied).
    labels : array of int, shape (N,)
        The correct class of each example, in ``[0, K)``.

    Returns
    -------
    loss : scalar
        The mean cross-entropy over the batch.
    dlogits : array, shape (N, K)
        ``(softmax(logits) - one_hot(labels)) / N``.
    """
    logits = as_float_array(logits, "logits")
    check_ndim(logits, 2, "logits", "(N, K)")
    n, k = logits.shape
    if n == 0 or k == 0:
        raise ValueError(
            f"logits must not have an empty axis; received logits.shape={logits.shape}"
        )
    labels = check_labels(labels, n, k)
    shifted = logits - logits.max(axis=1, keepdims=True)  # the largest is now 0
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = -log_probs[rows, labels].mean()
    dlogits = np.exp(log_probs)  # softmax(logits)
    dlogits[rows, labels] -= 1
    dlogits /= n
    return loss, dlogits


def binary_cross_entropy(pred, target, from_logits=False, eps=1e-7):
    """Binary cross-entropy ``-mean(t log p + (1 - t) log(1 - p))``, and its gradient.

    Parameters
    ----------
    pred : array, any shape
        Probabilities ``p`` in ``[0, 1]`` (a sigmoid output), or, with
        ``from_logits=True``, raw scores ``z`` with ``p = sigmoid(z)``.
    target : array, same shape as ``pred``
        Targets ``t`` in ``[0, 1]``, usually 0 or 1.
    from_logits : bool
        Take raw scores. Preferred: then the loss is computed as
        ``max(z, 0) - z t + log(1 + exp(-|z|))``, stable for any ``z``, and
        the gradient is simply ``(sigmoid(z) - t) / size``.
    eps : float
        Probabilities are clipped to ``[eps, 1 - eps]`` (as Keras does) so
        that ``log`` never sees 0; unused with ``from_logits``.

    Returns
    -------
    loss : scalar
        The mean over every element.
    dpred : array, same shape as ``pred``
        With probabilities, ``(p - t) / (p (1 - p)) / size`` at the clipped ``p``.
    """
    pred, target = check_pred_target(pred, target)
    from_logits = check_bool(from_logits, "from_logits")
    if np.any((target < 0) | (target > 1)):
        raise ValueError(
            f"target must be in [0, 1]; received values from {target.min()} to {target.max()}"
        )
    if from_logits:
        z = pred
        losses = np.maximum(z, 0) - z * target + np.log1p(np.exp(-np.abs(z)))
        return losses.mean(), (stable_sigmoid(z) - target) / pred.size
    eps = real_number(eps, "eps")
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5); received eps={eps!r}")
    if np.any((pred < 0) | (pred > 1)):
        raise ValueError(
            "pred must be probabilities in [0, 1] (pass from_logits=True for raw scores); "
            f"received values from {pred.min()} to {pred.max()}"
        )
    p = np.clip(pred, eps, 1 - eps)
    losses = -(target * np.log(p) + (1 - target) * np.log1p(-p))
    return losses.mean(), (p - target) / (p * (1 - p)) / pred.size


def mean_squared_error(pred, target):
    """Mean squared error ``mean((pred - target)^2)``, and its gradient.

    Parameters
    ----------
    pred : array, any shape
    target : array, same shape as ``pred``

    Returns
    -------
    loss : scalar
        The mean over every element.
    dpred : array, same shape as ``pred``
        ``2 (pred - target) / size``.
    """
    pred, target = check_pred_target(pred, target)
    diff = pred - target
    return np.square(diff).mean(), diff * (2 / pred.size)


def check_labels(labels, n, k):
    """Return ``labels`` as an integer array of shape ``(n,)`` with values in ``[0, k)``."""
    labels = np.asarray(labels)
    if labels.dtype == bool or not np.issubdtype(labels.dtype, np.integer):
        hint = "for example labels.astype(int)"
        if labels.shape == (n, k):
            hint = "one-hot labels? pass labels.argmax(axis=1), or use categorical_crossentropy"
        raise TypeError(
            f"labels must be integer class indices ({hint}); "
            f"received an array of dtype {labels.dtype} and shape {labels.shape}"
        )
    if labels.shape != (n,):
        hint = " (one-hot labels? pass labels.argmax(axis=1))" if labels.shape == (n, k) else ""
        raise ValueError(
            f"labels must have shape (N,) = ({n},), one class per row of logits; "
            f"received labels.shape={labels.shape}{hint}"
        )
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(
            f"labels must be class indices in [0, K) = [0, {k}); "
            f"received values from {labels.min()} to {labels.max()}"
        )
    return labels


def check_pred_target(pred, target):
    """Return ``pred`` as floats and ``target`` in its dtype, raising unless the shapes match."""
    pred = as_float_array(pred, "pred")
    target = as_float_array(target, "target").astype(pred.dtype, copy=False)
    if pred.shape != target.shape:
        raise ValueError(
            f"pred and target must have the same shape; received pred.shape={pred.shape} "
            f"and target.shape={target.shape}"
        )
    if pred.size == 0:
        raise ValueError(f"pred must not be empty; received pred.shape={pred.shape}")
    return pred, target
