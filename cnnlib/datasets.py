"""Data sets for the book: scikit-learn's digits (offline) and MNIST (IDX files).

Both return Keras-style ``(x_train, y_train), (x_test, y_test)`` with images
as NHWC float arrays in ``[0, 1]`` and labels as integer class numbers.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

# The four files of MNIST as Yann LeCun and Corinna Cortes published them,
# with the SHA-256 of each gzip file.
MNIST_FILES = {
    "train_images": (
        "train-images-idx3-ubyte",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    ),
    "train_labels": (
        "train-labels-idx1-ubyte",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ),
    "test_images": (
        "t10k-images-idx3-ubyte",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ),
}
# A long-lived public mirror of the original files (the original site often
# refuses automated downloads). Override with ``base_url`` or CNNLIB_MNIST_URL.
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
_IDX_MAGIC = {1: 0x00000801, 3: 0x00000803}  # unsigned bytes, 1-D labels / 3-D images


def load_digits(test_fraction: float = 0.2, dtype=np.float32):
    """scikit-learn's 1,797 handwritten digits (8×8 pixels), ready for a CNN.

    The data ship with scikit-learn, so this works offline. The split is
    fixed (stratified by class, seed 0), so every run sees the same test set.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x`` of shape ``(N, 8, 8, 1)`` in ``[0, 1]`` (pixel values 0 to 16
        divided by 16), ``y`` of shape ``(N,)`` with classes 0 to 9.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1; received {test_fraction!r}")
    try:
        from sklearn.datasets import load_digits as sklearn_digits
        from sklearn.model_selection import train_test_split
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("load_digits needs scikit-learn: pip install scikit-learn") from exc
    digits = sklearn_digits()
    x = np.divide(digits.images, 16, dtype=dtype)[..., None]  # no float64 copy on the way
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, stratify=y, random_state=0
    )
    return (x_train, y_train), (x_test, y_test)


def read_idx(path) -> np.ndarray:
    """Read an IDX file of unsigned bytes (MNIST's format), gzip-compressed or not.

    The header is a magic number ``0x0000080D`` (``D`` the number of
    dimensions) followed by ``D`` big-endian 32-bit sizes; the data follow as
    one byte per value.

    Raises
    ------
    ValueError
        If the file is not gzip when named ``.gz``, has the wrong magic number,
        or holds fewer or more bytes than its header announces.
    """
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError) as exc:
        raise ValueError(
            f"{path} is not a readable gzip file ({exc}); delete it and retry"
        ) from exc
    if len(raw) < 4:
        raise ValueError(f"{path} is truncated: {len(raw)} bytes, too short for an IDX header")
    magic = int.from_bytes(raw[:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim not in (1, 2, 3, 4):
        raise ValueError(
            f"{path} is not an IDX file of unsigned bytes: expected a magic number "
            f"0x0000080D (D = number of dimensions), received 0x{magic:08X}"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path} is truncated inside its header ({len(raw)} bytes)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "longer than its header says"
        raise ValueError(
            f"{path} is {problem}: the header announces shape {shape}, "
            f"so {expected} bytes were expected; received {len(raw)}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def default_data_dir() -> Path:
    """Where MNIST is looked for: ``$CNNLIB_DATA/mnist`` or the user's cache folder."""
    if os.environ.get("CNNLIB_DATA"):
        return Path(os.environ["CNNLIB_DATA"]) / "mnist"
    import pooch

    return Path(pooch.os_cache("cnnlib")) / "mnist"


def load_mnist(
    data_dir=None, *, subset: str = "both", download: bool = True, base_url=None, dtype=np.float32
):
    """Load MNIST from its IDX files, downloading the missing ones.

    Parameters
    ----------
    data_dir : path, optional
        Folder with the files (each may be gzip-compressed or not). Defaults to
        ``$CNNLIB_DATA/mnist``, else a ``cnnlib/mnist`` folder in the user's cache.
    subset : {"both", "train", "test"}
        Which part to load; "test" needs only the two ``t10k`` files.
    download : bool
        Download missing files (checked against their SHA-256) with pooch.
    base_url : str, optional
        Where to download from (default ``$CNNLIB_MNIST_URL`` or a public mirror).
    dtype : floating dtype
        Type of the returned images.

    Returns
    -------
    ``(x_train, y_train), (x_test, y_test)`` for "both", else ``(x, y)``: images
    of shape ``(N, 28, 28, 1)`` scaled to ``[0, 1]``, labels ``(N,)`` of int64.
    """
    parts = {"both": ("train", "test"), "train": ("train",), "test": ("test",)}
    if subset not in parts:
        raise ValueError(f"subset must be one of {list(parts)}; received subset={subset!r}")
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    url = base_url or os.environ.get("CNNLIB_MNIST_URL") or MNIST_URL
    loaded = []
    for part in parts[subset]:
        images = read_idx(_find_or_fetch(folder, f"{part}_images", download, url))
        labels = read_idx(_find_or_fetch(folder, f"{part}_labels", download, url))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f"the MNIST {part} files in {folder} do not match: images of shape "
                f"{images.shape} and labels of shape {labels.shape}; expected (N, 28, 28) and (N,)"
            )
        pixels = np.divide(images, 255, dtype=dtype)[..., None]  # no float64 copy on the way
        loaded.append((pixels, labels.astype(np.int64)))
    return tuple(loaded) if subset == "both" else loaded[0]


def _find_or_fetch(folder: Path, key: str, download: bool, url: str) -> Path:
    name, sha256 = MNIST_FILES[key]
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.exists():
            return candidate
    if not download:
        raise FileNotFoundError(
            f"MNIST file {name}.gz (or {name}) not found in {folder}; put the files there, "
            "point data_dir or CNNLIB_DATA at them, or pass download=True"
        )
    try:
        import pooch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("downloading MNIST needs pooch: pip install pooch") from exc
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # pooch downloads to a temporary file and keeps it only if the hash matches.
        path = pooch.retrieve(
            url=f"{url.rstrip('/')}/{name}.gz",
            known_hash=f"sha256:{sha256}",
            fname=f"{name}.gz",
            path=folder,
            progressbar=_has_tqdm(),
        )
    except ValueError as exc:  # pooch's hash mismatch
        raise ValueError(f"the download of {name}.gz failed its SHA-256 check: {exc}") from exc
    except Exception as exc:
        raise OSError(
            f"MNIST file {name}.gz is not in {folder} and could not be downloaded from {url} "
            f"({type(exc).__name__}: {exc}); download it by hand into that folder"
        ) from exc
    return Path(path)


def _has_tqdm() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:  # pragma: no cover
        return False
    return True
