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

ROOT = Path(__file__).resolve().parents[1]
# The MNIST test set that ships with the repository (data/mnist, byte for byte the published files).
BUNDLED_MNIST = ROOT / "data" / "mnist"


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
    x, y = datasets.load_mnist(tmp_path, subset="test", download=False, verify=False)
    assert x.shape == (5, 28, 28, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[..., 0], images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    assert y.dtype == np.int64


def test_both_parts_come_back_keras_style(tmp_path):
    write_mnist(tmp_path, "train", 7, seed=1)
    write_mnist(tmp_path, "test", 3, seed=2)
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist(
        tmp_path, download=False, verify=False
    )
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (7, 28, 28, 1),
        (7,),
        (3, 28, 28, 1),
        (3,),
    )


def test_missing_file_names_the_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"t10k-images-idx3-ubyte.gz.*not found in"):
        datasets.load_mnist(tmp_path, subset="test", download=False, verify=False)


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
        datasets.load_mnist(tmp_path, subset="test", download=False, verify=False)


def test_corrupt_gzip_gives_a_clear_error(tmp_path):
    write_mnist(tmp_path, "test", 4)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(ValueError, match=r"not a readable gzip file"):
        datasets.load_mnist(tmp_path, subset="test", download=False, verify=False)


def test_mismatched_images_and_labels(tmp_path):
    write_mnist(tmp_path, "test", 4)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(
        gzip.compress(idx_bytes(np.zeros(3, np.uint8)))
    )
    with pytest.raises(ValueError, match=r"do not match: images of shape \(4, 28, 28\)"):
        datasets.load_mnist(tmp_path, subset="test", download=False, verify=False)


def test_a_changed_cached_file_is_refused_on_every_load(tmp_path, monkeypatch):
    # The first load accepts the cache (its hashes are "published"); relabelling
    # every 7 as 1 afterwards keeps the file well-formed, but not the same.
    write_mnist(tmp_path, "test", 20)
    labels, path = np.arange(20) % 10, tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(labels)))
    use_hashes_of(monkeypatch, tmp_path)
    datasets.load_mnist(tmp_path, subset="test", download=False)
    path.write_bytes(gzip.compress(idx_bytes(np.where(labels == 7, 1, labels))))
    with pytest.raises(ValueError, match=r"not the published MNIST file.*SHA-256.*verify=False"):
        datasets.load_mnist(tmp_path, subset="test", download=False)


@pytest.mark.parametrize("compress", [True, False])
def test_relabelled_real_mnist_in_the_cache_is_refused(tmp_path, compress):
    images = gzip.decompress((BUNDLED_MNIST / "t10k-images-idx3-ubyte.gz").read_bytes())
    labels = bytearray(gzip.decompress((BUNDLED_MNIST / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    labels[8:] = bytes(1 if label == 7 else label for label in labels[8:])  # every 7 is a 1
    for name, raw in (("t10k-images-idx3-ubyte", images), ("t10k-labels-idx1-ubyte", labels)):
        if compress:
            (tmp_path / f"{name}.gz").write_bytes(gzip.compress(bytes(raw), compresslevel=1))
        else:
            (tmp_path / name).write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte.*not the published MNIST"):
        datasets.load_mnist(tmp_path, subset="test", download=False)


def test_unpacked_real_files_pass_the_check(tmp_path):
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(gzip.decompress((BUNDLED_MNIST / f"{name}.gz").read_bytes()))
    _, y = datasets.load_mnist(tmp_path, subset="test", download=False)
    assert y.shape == (10_000,)


def test_own_files_must_still_look_like_mnist(tmp_path):
    write_mnist(tmp_path, "test", 4)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(idx_bytes(np.array([0, 3, 10, 2]))))
    with pytest.raises(ValueError, match=r"labels from 0 to 10; expected digits 0 to 9"):
        datasets.load_mnist(tmp_path, subset="test", download=False, verify=False)
    labels.write_bytes(gzip.compress(idx_bytes(np.arange(4))))
    images = tmp_path / "t10k-images-idx3-ubyte.gz"
    images.write_bytes(gzip.compress(idx_bytes(np.zeros((4, 27, 27)))))
    with pytest.raises(ValueError, match=r"images of shape \(4, 27, 27\).*expected \(N, 28, 28\)"):
        datasets.load_mnist(tmp_path, subset="test", download=False, verify=False)


def test_a_header_announcing_too_much_is_refused_before_reading(tmp_path):
    # (2**31, 2**31, 4) overflowed np.prod to 0 before; it is 2**64 bytes.
    path = tmp_path / "huge.idx"
    path.write_bytes(
        (0x0803).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in (2**31, 2**31, 4))
    )
    with pytest.raises(ValueError, match=r"announces shape \(2147483648, 2147483648, 4\).*at most"):
        datasets.read_idx(path)


def test_a_file_longer_than_its_header_is_not_decompressed_to_the_end(tmp_path):
    # 40 MB of zeros after a 4-image header: read_idx stops one byte past the data.
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    with gzip.open(path, "wb", compresslevel=1) as stream:
        stream.write(idx_bytes(np.zeros((4, 28, 28))))
        for _ in range(40):
            stream.write(bytes(2**20))
    with pytest.raises(ValueError, match=r"longer than its header says"):
        datasets.read_idx(path)


@pytest.mark.parametrize("dtype", [int, np.uint8, "text", bool])
def test_dtype_must_be_floating(dtype):
    with pytest.raises(ValueError, match=r"dtype must be a floating dtype.*received dtype="):
        datasets.load_mnist("nowhere", subset="test", download=False, dtype=dtype)


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
    """Make the files in ``folder`` the "published" ones: their hashes, compressed and not."""
    table, content = {}, {}
    for key, (name, _) in datasets.MNIST_FILES.items():
        path = folder / f"{name}.gz"
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "0" * 64
        table[key] = (name, digest)
        raw = gzip.decompress(path.read_bytes()) if path.exists() else b""
        content[key] = hashlib.sha256(raw).hexdigest()
    monkeypatch.setattr(datasets, "MNIST_FILES", table)
    monkeypatch.setattr(datasets, "MNIST_CONTENT_SHA256", content)


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


def test_real_mnist_test_set():
    x, y = datasets.load_mnist(BUNDLED_MNIST, subset="test", download=False)
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


def test_the_bundled_files_are_the_published_ones():
    for key in ("test_images", "test_labels"):
        name, sha256 = datasets.MNIST_FILES[key]
        assert hashlib.sha256((BUNDLED_MNIST / f"{name}.gz").read_bytes()).hexdigest() == sha256
    readme = (BUNDLED_MNIST / "README.md").read_text(encoding="utf-8")
    for credit in ("CC BY-SA 3.0", "LeCun", "Cortes", "Burges"):
        assert credit in readme


def test_the_bundled_test_set_loads_offline_and_splits_in_order():
    assert datasets.bundled_mnist_dir() == BUNDLED_MNIST
    x, y = datasets.load_mnist_test_bundled()
    assert x.shape == (10_000, 28, 28, 1) and x.dtype == np.float32
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist_test_bundled(8000, dtype=np.float64)
    assert x_train.shape == (8000, 28, 28, 1) and x_test.shape == (2000, 28, 28, 1)
    assert x_train.dtype == np.float64
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y)
    np.testing.assert_array_equal(x_test[:, :, :, 0].astype(np.float32), x[8000:, :, :, 0])


@pytest.mark.parametrize("n_train", [0, 10_000, -1, 2.5, True, "8000"])
def test_the_bundled_split_must_leave_both_parts(n_train):
    with pytest.raises(ValueError, match="n_train must be"):
        datasets.load_mnist_test_bundled(n_train)


def test_a_changed_bundled_file_is_refused(tmp_path, monkeypatch):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (tmp_path / name).write_bytes((BUNDLED_MNIST / name).read_bytes())
    labels = bytearray(gzip.decompress((BUNDLED_MNIST / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    labels[8] = (labels[8] + 1) % 10  # one label changed: still valid IDX, not MNIST
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(labels), 1))
    monkeypatch.setattr(datasets, "BUNDLED_MNIST_DIRS", (tmp_path,))
    with pytest.raises(ValueError, match="not the published MNIST file"):
        datasets.load_mnist_test_bundled()


def test_missing_bundled_files_say_where_they_were_looked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "BUNDLED_MNIST_DIRS", (tmp_path / "a", tmp_path / "b"))
    with pytest.raises(FileNotFoundError, match="bundled MNIST test files") as info:
        datasets.load_mnist_test_bundled()
    assert str(tmp_path / "b") in str(info.value)


def test_an_installed_wheel_carries_the_bundled_files():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["data-files"]["share/cnnlib/mnist"]
    assert sorted(Path(f).name for f in shipped) == sorted(
        p.name for p in BUNDLED_MNIST.iterdir() if p.is_file()
    )
    assert all((ROOT / f).is_file() for f in shipped)
    # where a wheel installs them: every folder the loader tries after the checkout's
    # (tests/test_packaging.py installs the wheel and loads them)
    assert datasets.BUNDLED_MNIST_DIRS[0] == BUNDLED_MNIST
    assert len(datasets.BUNDLED_MNIST_DIRS) >= 2
    for folder in datasets.BUNDLED_MNIST_DIRS[1:]:
        assert folder.parts[-3:] == ("share", "cnnlib", "mnist")
