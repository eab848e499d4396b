"""What a trained network looks at: saliency maps and occlusion maps.

- A *saliency map* (Simonyan, Vedaldi and Zisserman, 2014) is the gradient
  of one class's score (before the softmax) with respect to the input
  pixels, computed by the model's own backward pass: large where a small
  change of the pixel would change the score most.
- An *occlusion map* (Zeiler and Fergus, 2014) covers one patch of the image
  at a time and records how much the probability of the class falls: large
  where the network needs to see the image.
"""

from __future__ import annotations

import numpy as np


def saliency_map(model, x, class_index=None) -> np.ndarray:
    """The gradient of the score of ``class_index`` with respect to each input pixel.

    Parameters
    ----------
    model : Sequential or Model
        A trained classifier; its layers run in inference mode (no dropout).
    x : array, shape (N, *input_shape)
    class_index : int or array of N ints, optional
        Which class's score to differentiate; by default the predicted class.

    Returns
    -------
    ndarray of ``x``'s shape: ``∂ score / ∂ x`` (take ``abs`` or the maximum
    over channels to show it).
    """
    x = model.check_x(x)
    scores = model.forward(x, training=False, skip_final_activation=True)
    classes = scores.argmax(axis=1) if class_index is None else np.broadcast_to(class_index, len(x))
    dout = np.zeros_like(scores)
    dout[np.arange(len(x)), classes] = 1
    return model.backward(dout, skip_final_activation=True)


def occlusion_map(model, image, class_index, patch=4, stride=2, fill=0.0) -> np.ndarray:
    """How much the probability of ``class_index`` falls when a patch of ``image`` is covered.

    Parameters
    ----------
    image : array, shape input_shape
        One image, ``(H, W, C)``.
    patch, stride : int
        Size of the square that covers the image, and its step.
    fill : float
        Value of the covered pixels (0 is MNIST's background).

    Returns
    -------
    ndarray of shape ``((H - patch) // stride + 1, (W - patch) // stride + 1)``:
    the original probability minus the probability with the patch at each place.
    """
    image = np.asarray(image)
    h, w = image.shape[:2]
    if not 0 < patch <= min(h, w) or stride < 1:
        raise ValueError(f"patch must be 1 to {min(h, w)} and stride >= 1; got {patch}, {stride}")
    rows, cols = np.arange(0, h - patch + 1, stride), np.arange(0, w - patch + 1, stride)
    # covered[r, i]: row i lies in the patch that starts at rows[r]; likewise for columns.
    covered_rows = (np.arange(h) >= rows[:, None]) & (np.arange(h) < rows[:, None] + patch)
    covered_cols = (np.arange(w) >= cols[:, None]) & (np.arange(w) < cols[:, None] + patch)
    covered = covered_rows[:, None, :, None] & covered_cols[None, :, None, :]  # (R, C, H, W)
    covered = covered.reshape(len(rows) * len(cols), h, w)
    covered = covered.reshape(covered.shape + (1,) * (image.ndim - 2))  # over the channels
    copies = np.where(covered, np.asarray(fill, dtype=image.dtype), image[None])
    base = model.predict(image[None])[0, class_index]
    covered = model.predict(copies, batch_size=256)[:, class_index]
    return (base - covered).reshape(len(rows), len(cols))
