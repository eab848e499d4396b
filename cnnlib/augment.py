"""Data augmentation: random small shifts and rotations of a batch of images.

Training on moved copies of its images teaches a network that a digit moved
by a pixel or tilted a little is the same digit. Each call draws new moves,
so every epoch sees other copies.

>>> import numpy as np
>>> x = np.zeros((1, 5, 5, 1)); x[0, 2, 2, 0] = 1
>>> moved = shift_rotate(x, shifts=[(1, -2)], degrees=[0])
>>> [int(v) for v in np.argwhere(moved[0, :, :, 0])[0]]
[3, 0]
"""

from __future__ import annotations

import numpy as np

from cnnlib._checks import as_float_array


def shift_rotate(x, shifts, degrees) -> np.ndarray:
    """Move each image by ``shifts[n] = (down, right)`` pixels and turn it by ``degrees[n]``.

    The rotation is about the image's centre, anticlockwise for a positive
    angle as the image is shown; each output pixel takes the value of the
    point it comes from by bilinear interpolation, with 0 outside the image.

    Parameters
    ----------
    x : array, shape (N, H, W, C)
    shifts : array, shape (N, 2)
        Shifts along the rows (down) and columns (right), in pixels.
    degrees : array, shape (N,)

    Returns
    -------
    ndarray of ``x``'s shape and dtype.
    """
    x = as_float_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of images (N, H, W, C); received shape {x.shape}")
    n, h, w, _ = x.shape
    shifts, degrees = np.asarray(shifts, dtype=float), np.asarray(degrees, dtype=float)
    if shifts.shape != (n, 2) or degrees.shape != (n,):
        raise ValueError(
            f"shifts must have shape ({n}, 2) and degrees ({n},); received "
            f"{shifts.shape} and {degrees.shape}"
        )
    rows, cols = np.meshgrid(np.arange(h, dtype=float), np.arange(w, dtype=float), indexing="ij")
    cy, cx = (h - 1) / 2, (w - 1) / 2
    theta = -np.deg2rad(degrees)[:, None, None]  # rows run down: minus turns anticlockwise
    # Undo the shift, then the rotation: where does each output pixel come from?
    dy = rows[None] - cy - shifts[:, 0, None, None]
    dx = cols[None] - cx - shifts[:, 1, None, None]
    src_y = cy + np.cos(theta) * dy - np.sin(theta) * dx
    src_x = cx + np.sin(theta) * dy + np.cos(theta) * dx
    y0, x0 = np.floor(src_y).astype(int), np.floor(src_x).astype(int)
    fy, fx = (src_y - y0)[..., None], (src_x - x0)[..., None]
    batch = np.arange(n)[:, None, None]
    out = np.zeros_like(x)
    for oy, ox, weight in (
        (0, 0, (1 - fy) * (1 - fx)),
        (0, 1, (1 - fy) * fx),
        (1, 0, fy * (1 - fx)),
        (1, 1, fy * fx),
    ):
        yy, xx = y0 + oy, x0 + ox
        inside = ((yy >= 0) & (yy < h) & (xx >= 0) & (xx < w))[..., None]
        values = x[batch, np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]
        out += np.where(inside, weight * values, 0).astype(x.dtype, copy=False)
    return out


def random_shift_rotate(x, rng, max_shift=2, max_degrees=10.0) -> np.ndarray:
    """Each image shifted by whole pixels in ``[-max_shift, max_shift]`` and rotated.

    The angle is drawn uniformly from ``[-max_degrees, max_degrees]``; see
    :func:`shift_rotate`. ``rng`` is a ``numpy.random.Generator`` (or a seed).
    """
    rng = np.random.default_rng(rng)
    n = len(x)
    shifts = rng.integers(-max_shift, max_shift + 1, size=(n, 2))
    degrees = rng.uniform(-max_degrees, max_degrees, size=n)
    return shift_rotate(x, shifts, degrees)
