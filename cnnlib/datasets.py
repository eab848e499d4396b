"""Data sets for the book: scikit-learn's digits (offline) and MNIST (IDX files).

MNIST's 10,000 test images ship with the book (``data/mnist`` of the
repository, installed as ``share/cnnlib/mnist``): :func:`load_mnist_test_bundled`
reads them offline, checked like every MNIST file.

Both return Keras-style ``(x_train, y_train), (x_test, y_test)`` with images
as NHWC float arrays in ``[0, 1]`` and labels as integer class numbers.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import math
import os
import site
import sys
import sysconfig
import zlib
from pathlib import Path

import numpy as np

from cnnlib._checks import check_bool

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
# The SHA-256 of each file's content (uncompressed), checked on every load, so a
# cached file that was changed (or replaced) is never used silently.
MNIST_CONTENT_SHA256 = {
    "train_images": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train_labels": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "test_images": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "test_labels": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MAX_IDX_BYTES = 64 * 2**20  # refuse IDX files announcing more data than this (64 MiB)
# A long-lived public mirror of the original files (the original site often
# refuses automated downloads). Override with ``base_url`` or CNNLIB_MNIST_URL.
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"


def _installed_mnist_dirs() -> list[Path]:
    """Where an installed wheel's share/cnnlib/mnist can be, most reliable first.

    pip puts a wheel's data files under the prefix of the scheme it installs
    into: ``sys.prefix`` in a virtual environment, ``/usr/local`` for a root
    install on Debian and Ubuntu (Colab), the user base for ``pip install
    --user`` (``~/.local``, ``%APPDATA%\\Python``, ``~/Library/Python/3.x``).
    Its record of the installed files says which, so that comes first.
    """
    found = []
    try:
        files = importlib.metadata.distribution("cnnlib").files or []
    except importlib.metadata.PackageNotFoundError:  # not installed: a plain checkout
        files = []
    for file in files:
        if file.name == "README.md" and file.parent.parts[-3:] == ("share", "cnnlib", "mnist"):
            found.append(Path(file.locate()).resolve().parent)
    bases = (sys.prefix, sysconfig.get_path("data"), site.getuserbase())
    return found + [Path(base) / "share" / "cnnlib" / "mnist" for base in bases]


# The bundled test set: in a checkout (or an editable install) beside the package,
# in an installed wheel under share/ of where pip put it (pyproject's data-files).
_CHECKOUT_MNIST_DIR = Path(__file__).resolve().parents[1] / "data" / "mnist"
BUNDLED_MNIST_DIRS = tuple(dict.fromkeys([_CHECKOUT_MNIST_DIR, *_installed_mnist_dirs()]))
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


def read_idx(path, max_bytes: int = MAX_IDX_BYTES, sha256: str | None = None) -> np.ndarray:
    """Read an IDX file of unsigned bytes (MNIST's format), gzip-compressed or not.

    The header is a magic number ``0x0000080D`` (``D`` the number of
    dimensions) followed by ``D`` big-endian 32-bit sizes; the data follow as
    one byte per value.

    The file is read as a stream: the header first, then exactly the bytes
    it announces (and one more, to see whether the file goes on), so a file
    that inflates to gigabytes is never decompressed beyond that. A header
    announcing more than ``max_bytes`` is refused before anything is read.

    Parameters
    ----------
    path : path
        A file ending in ``.gz`` is decompressed.
    max_bytes : int
        Largest data size accepted (MNIST's 60,000 training images are 47 MB).
    sha256 : str, optional
        Expected SHA-256 of the uncompressed file; a file with another one is refused.

    Raises
    ------
    ValueError
        If the file is not gzip when named ``.gz``, has the wrong magic number,
        announces more than ``max_bytes``, holds fewer or more bytes than its
        header announces, or has another SHA-256 than ``sha256``.
    """
    path = Path(path)
    try:
        with gzip.open(path) if path.suffix == ".gz" else open(path, "rb") as stream:
            return _read_idx_stream(stream, path, max_bytes, sha256)
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise ValueError(
            f"{path} is not a readable gzip file ({exc}); delete it and retry"
        ) from exc


def _read_idx_stream(stream, path: Path, max_bytes: int, sha256: str | None) -> np.ndarray:
    """The array of an open IDX stream, reading no more than the header announces."""
    start = stream.read(4)
    if len(start) < 4:
        raise ValueError(f"{path} is truncated: {len(start)} bytes, too short for an IDX header")
    magic = int.from_bytes(start, "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08 or ndim not in (1, 2, 3, 4):
        raise ValueError(
            f"{path} is not an IDX file of unsigned bytes: expected a magic number "
            f"0x0000080D (D = number of dimensions), received 0x{magic:08X}"
        )
    sizes = stream.read(4 * ndim)
    header = 4 + 4 * ndim
    if len(sizes) < 4 * ndim:
        raise ValueError(f"{path} is truncated inside its header ({4 + len(sizes)} bytes)")
    shape = tuple(int.from_bytes(sizes[4 * i : 4 * i + 4], "big") for i in range(ndim))
    size = math.prod(shape)  # Python integers: no overflow
    if size > max_bytes:
        raise ValueError(
            f"{path} announces shape {shape}, {size:,} bytes of data; expected at most "
            f"max_bytes={max_bytes:,} (MNIST's largest file holds 47,040,000)"
        )
    data = stream.read(size + 1)  # one byte more than announced, to detect a longer file
    if len(data) != size:
        problem = "truncated" if len(data) < size else "longer than its header says"
        received = f"{header + len(data)}" if len(data) < size else "more"
        raise ValueError(
            f"{path} is {problem}: the header announces shape {shape}, "
            f"so {header + size} bytes were expected; received {received}"
        )
    if sha256 is not None:
        digest = hashlib.sha256(start + sizes)
        digest.update(data)  # no copy of the data
        digest = digest.hexdigest()
        if digest != sha256:
            raise ValueError(
                f"{path} is not the published MNIST file: its content has SHA-256 {digest}, "
                f"expected {sha256}. Delete it (load_mnist downloads it again), or pass "
                "verify=False to use IDX files of your own"
            )
    return np.frombuffer(data, dtype=np.uint8).reshape(shape)


def default_data_dir() -> Path:
    """Where MNIST is looked for: ``$CNNLIB_DATA/mnist`` or the user's cache folder."""
    if os.environ.get("CNNLIB_DATA"):
        return Path(os.environ["CNNLIB_DATA"]) / "mnist"
    import pooch

    return Path(pooch.os_cache("cnnlib")) / "mnist"


def load_mnist(
    data_dir=None,
    *,
    subset: str = "both",
    download: bool = True,
    base_url=None,
    dtype=np.float32,
    verify: bool = True,
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
    verify : bool
        Check every file, downloaded or found in the folder, against the
        SHA-256 of the published MNIST file, on every load. Pass ``False`` to
        read IDX files of your own in MNIST's layout; their shapes and labels
        (0 to 9) are checked either way.

    Returns
    -------
    ``(x_train, y_train), (x_test, y_test)`` for "both", else ``(x, y)``: images
    of shape ``(N, 28, 28, 1)`` scaled to ``[0, 1]``, labels ``(N,)`` of int64.
    """
    parts = {"both": ("train", "test"), "train": ("train",), "test": ("test",)}
    if subset not in parts:
        raise ValueError(f"subset must be one of {list(parts)}; received subset={subset!r}")
    dtype = _floating_dtype(dtype)
    verify = check_bool(verify, "verify")
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    url = base_url or os.environ.get("CNNLIB_MNIST_URL") or MNIST_URL
    loaded = []
    for part in parts[subset]:
        images, labels = (
            read_idx(
                _find_or_fetch(folder, key, download, url),
                sha256=MNIST_CONTENT_SHA256[key] if verify else None,
            )
            for key in (f"{part}_images", f"{part}_labels")
        )
        _check_mnist(images, labels, f"the MNIST {part} files in {folder}")
        pixels = np.divide(images, 255, dtype=dtype)[..., None]  # no float64 copy on the way
        loaded.append((pixels, labels.astype(np.int64)))
    return tuple(loaded) if subset == "both" else loaded[0]


def bundled_mnist_dir() -> Path:
    """The folder of the MNIST test files that ship with cnnlib.

    ``data/mnist`` beside the package in a checkout of the repository (also
    for an editable install), else ``share/cnnlib/mnist`` where pip put an
    installed wheel's data files (found from pip's record of them).

    Raises
    ------
    FileNotFoundError
        If neither folder holds the two files.
    """
    images, labels = (MNIST_FILES[key][0] + ".gz" for key in ("test_images", "test_labels"))
    for folder in BUNDLED_MNIST_DIRS:
        if (folder / images).is_file() and (folder / labels).is_file():
            return folder
    raise FileNotFoundError(
        f"the bundled MNIST test files ({images}, {labels}) are in none of "
        f"{[str(f) for f in BUNDLED_MNIST_DIRS]}; reinstall cnnlib, or use load_mnist()"
    )


def load_mnist_test_bundled(n_train: int | None = None, *, dtype=np.float32):
    """MNIST's 10,000 test images, offline: the copy that ships with cnnlib.

    The two files are byte for byte those published by LeCun, Cortes and
    Burges (CC BY-SA 3.0, see ``data/mnist/README.md``); like every MNIST
    file they are checked against their SHA-256 on every load.

    Parameters
    ----------
    n_train : int, optional
        Split the images in order: the first ``n_train`` to train, the rest
        to test (``8000`` is the split of ``python -m cnnlib.train_mnist
        --test-only``). By default all 10,000 are returned together.
    dtype : floating dtype
        Type of the returned images.

    Returns
    -------
    ``(x, y)``, or ``(x_train, y_train), (x_test, y_test)`` with ``n_train``:
    images of shape ``(N, 28, 28, 1)`` in ``[0, 1]``, labels ``(N,)`` of int64.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist_test_bundled(8000)
    >>> x_train.shape, x_test.shape
    ((8000, 28, 28, 1), (2000, 28, 28, 1))
    """
    x, y = load_mnist(bundled_mnist_dir(), subset="test", download=False, dtype=dtype)
    if n_train is None:
        return x, y
    if isinstance(n_train, bool) or not isinstance(n_train, (int, np.integer)):
        raise ValueError(f"n_train must be an integer; received n_train={n_train!r}")
    if not 0 < n_train < len(x):
        raise ValueError(
            f"n_train must be between 1 and {len(x) - 1} (the test set has {len(x):,} "
            f"images); received n_train={n_train}"
        )
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def _floating_dtype(dtype) -> np.dtype:
    """``dtype`` as a NumPy floating dtype, raising a clear error otherwise."""
    try:
        result = np.dtype(dtype)
    except TypeError as exc:
        raise ValueError(f"dtype must be a floating dtype; received dtype={dtype!r}") from exc
    if not np.issubdtype(result, np.floating):
        raise ValueError(
            f"dtype must be a floating dtype such as np.float32 (pixels become 0 to 1); "
            f"received dtype={dtype!r}"
        )
    return result


def _check_mnist(images: np.ndarray, labels: np.ndarray, what: str) -> None:
    """Raise unless ``images`` is ``(N, 28, 28)`` and ``labels`` holds N digits 0 to 9."""
    if images.shape[1:] != (28, 28) or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"{what} do not match: images of shape {images.shape} and labels of shape "
            f"{labels.shape}; expected (N, 28, 28) and (N,)"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(
            f"{what} hold labels from {labels.min()} to {labels.max()}; expected digits 0 to 9"
        )


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
