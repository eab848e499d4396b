"""Data loading: IDX parsing, the MNIST loader (local, downloaded, real) and the digits."""

import functools
import gzip
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from cnnlib import datasets

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def idx_bytes(array: np.ndarray) -> bytes:
    header = (0x0800 | array.ndim).to_bytes(4, "big")
    header += b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist(folder: Path, part: str, n: int, compress=True, seed=0) -> tuple:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    prefix = "t10k" if part == "test" else "train"
    for kind, data in (("images-idx3", images), ("labels-idx1", labels)):
        name = f"{prefix}-{kind}-ubyte"
        raw = idx_bytes(data)
        if compress:
            (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return images, labels


@pytest.mark.parametrize("compress", [True, False])
def test_reads_idx_files_written_by_the_test(tmp_path, compress):
    images, labels = write_mnist(tmp_path, "test", 5, compress)
    x, y = datasets.load_mnist(tmp_path, subset="test", download=False)
    assert x.shape == (5, 28, 28, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[..., 0], images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    assert y.dtype == np.int64


def test_both_parts_come_back_keras_style(tmp_path):
    write_mnist(tmp_path, "train", 7, seed=1)
    write_mnist(tmp_path, "test", 3, seed=2)
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist(tmp_path, download=False)
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (7, 28, 28, 1),
        (7,),
        (3, 28, 28, 1),
        (3,),
    )


def test_missing_file_names_the_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"t10k-images-idx3-ubyte.gz.*not found in"):
        datasets.load_mnist(tmp_path, subset="test", download=False)


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda raw: raw[:-10], r"truncated: the header announces shape \(4, 28, 28\)"),
        (lambda raw: raw + b"\0", r"longer than its header says"),
        (lambda raw: b"\x00\x00\x09\x03" + raw[4:], r"expected a magic number.*0x00000903"),
        (lambda raw: raw[:6], r"truncated inside its header"),
        (lambda raw: raw[:2], r"too short for an IDX header"),
    ],
)
def test_damaged_files_give_clear_errors(tmp_path, damage, match):
    write_mnist(tmp_path, "test", 4, compress=False)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ValueError, match=match):
        datasets.load_mnist(tmp_path, subset="test", download=False)


def test_corrupt_gzip_gives_a_clear_error(tmp_path):
    write_mnist(tmp_path, "test", 4)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(ValueError, match=r"not a readable gzip file"):
        datasets.load_mnist(tmp_path, subset="test", download=False)


def test_mismatched_images_and_labels(tmp_path):
    write_mnist(tmp_path, "test", 4)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(np.zeros(3, np.uint8)))
    )
    with pytest.raises(ValueError, match=r"do not match: images of shape \(4, 28, 28\)"):
        datasets.load_mnist(tmp_path, subset="test", download=False)


def test_bad_subset():
    with pytest.raises(ValueError, match=r"subset must be one of \['both', 'train', 'test'\]"):
        datasets.load_mnist("nowhere", subset="validation")


@pytest.fixture
def local_server(tmp_path):
    """An HTTP server on 127.0.0.1 serving the folder it returns."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def use_hashes_of(monkeypatch, folder):
    table = {}
    for key, (name, _) in datasets.MNIST_FILES.items():
        path = folder / f"{name}.gz"
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "0" * 64
        table[key] = (name, digest)
    monkeypatch.setattr(datasets, "MNIST_FILES", table)


def test_download_caches_a_good_file(tmp_path, local_server, monkeypatch):
    served, url = local_server
    _, labels = write_mnist(served, "test", 6)
    use_hashes_of(monkeypatch, served)
    cache = tmp_path / "cache"
    x, y = datasets.load_mnist(cache, subset="test", base_url=url)
    np.testing.assert_array_equal(y, labels)
    assert sorted(p.name for p in cache.iterdir()) == [
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]
    # The second call reads the cache: it works with the server gone.
    (served / "t10k-images-idx3-ubyte.gz").unlink()
    x2, _ = datasets.load_mnist(cache, subset="test", base_url=url)
    np.testing.assert_array_equal(x, x2)


def test_download_with_wrong_checksum_raises_and_caches_nothing(
    tmp_path, local_server, monkeypatch
):
    served, url = local_server
    write_mnist(served, "test", 6)
    use_hashes_of(monkeypatch, served)
    (served / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"tampered"))
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match=r"failed its SHA-256 check"):
        datasets.load_mnist(cache, subset="test", base_url=url)
    assert list(cache.iterdir()) == []


def test_unreachable_server_says_how_to_fix(tmp_path):
    with pytest.raises(OSError, match=r"could not be downloaded from http://127.0.0.1:9/"):
        datasets.load_mnist(tmp_path, subset="test", base_url="http://127.0.0.1:9/")


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason="the shared MNIST test set is absent")
def test_real_mnist_test_set():
    x, y = datasets.load_mnist(SHARED_MNIST, subset="test", download=False)
    assert x.shape == (10_000, 28, 28, 1) and y.shape == (10_000,)
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(y[:10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    np.testing.assert_array_equal(
        np.bincount(y), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    )


def test_digits_split_is_fixed_and_stratified():
    (x_train, y_train), (x_test, y_test) = datasets.load_digits()
    assert x_train.shape == (1437, 8, 8, 1) and x_test.shape == (360, 8, 8, 1)
    assert x_train.dtype == np.float32 and x_train.min() >= 0 and x_train.max() == 1
    assert set(np.bincount(y_test)) <= {35, 36, 37}
    (_, again), _ = datasets.load_digits()
    np.testing.assert_array_equal(y_train, again)
