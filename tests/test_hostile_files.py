"""Files crafted to exhaust memory or time are refused quickly, with a clear ValueError.

Each file is made here, in tmp_path. The loads run in a fresh Python process
that reports, for each file, the error, the time taken and the peak of memory
allocated while loading it (tracemalloc, which NumPy reports to), and at the
end the growth of the process's peak resident memory: every file must be
refused within the limits by construction (sizes read from headers and the
zip's directory before anything is decompressed), so the bounds below are
generous and do not flake.
"""

import gzip
import json
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import cnnlib as cl

MB = 2**20
MEMORY_LIMIT = 100 * MB
TIME_LIMIT = 1.0  # seconds per file


def small_model_file(path):
    model = cl.Sequential(
        [cl.Conv2D(2, 3), cl.Flatten(), cl.Dense(3, activation="softmax")],
        input_shape=(5, 5, 1),
    )
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    model.save(path)
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def small_residual_file(path):
    x = cl.Input((5, 5, 2))
    y = cl.Conv2D(2, 3, padding="same")(x)
    y = cl.Add()([y, x])
    out = cl.Dense(3, activation="softmax")(cl.Flatten()(y))
    cl.Model(x, out).save(path)
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def functional_edit(edit):
    return lambda config: edit(config["model"]["layers"])


def write_arrays(path, arrays):
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def with_architecture(arrays, edit):
    config = json.loads(str(arrays["architecture"]))
    edit(config)
    return {**arrays, "architecture": np.array(json.dumps(config))}


def set_units(units):
    return lambda config: config["model"]["layers"][2]["config"].update(units=units)


def many_relus(config):
    config["model"]["layers"][1:1] = [{"class_name": "ReLU", "config": {"name": None}}] * 16_000


def craft_model_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each hostile file and the error message (a regular expression) it must give."""
    arrays = small_model_file(folder / "good.npz")
    files = {}

    def add(name, match, arrays=None, data=None):
        path = folder / f"{name}.npz"
        if arrays is not None:
            write_arrays(path, arrays)
        elif data is not None:
            path.write_bytes(data)
        files[name] = (path, match)
        return path

    add(
        "units 10**9",
        r"dense/kernel .* has shape \(18, 3\).*expects \(18, 1000000000\)",
        with_architecture(arrays, set_units(10**9)),
    )
    add(
        "units 2*10**6", r"expects \(18, 2000000\)", with_architecture(arrays, set_units(2 * 10**6))
    )
    add("16,000 ReLUs", r"1 to 1000 layers; received 16003", with_architecture(arrays, many_relus))
    nested = "[" * 100_000 + "]" * 100_000
    add("nested JSON", r"unreadable architecture", {**arrays, "architecture": np.array(nested)})
    add(
        "architecture of 3 MB",
        r"architecture announces .* at most 8,388,608",
        {**arrays, "architecture": np.array(" " * 3 * MB + str(arrays["architecture"]))},
    )

    # A member that inflates to 200 MB of zeros (about 200 KB on disk) next to the weights.
    bomb = add("200 MB junk member", r"unexpected \['junk'\]", arrays)
    deflated = {"compression": zipfile.ZIP_DEFLATED, "compresslevel": 1}
    with zipfile.ZipFile(bomb, "a", **deflated) as zf, zf.open("junk.npy", "w") as stream:
        np.lib.format.write_array_header_1_0(
            stream, {"descr": "|u1", "fortran_order": False, "shape": (200 * MB,)}
        )
        zeros = bytes(8 * MB)
        for _ in range(25):
            stream.write(zeros)

    # The zip's directory says a member inflates to 3.9 GB (the 4 GB bomb of the issue).
    data = bytearray((folder / "good.npz").read_bytes())
    entry = data.find(b"PK\x01\x02")  # the central directory's first entry
    name = b"dense/kernel.npy"
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = struct.pack("<I", 3_900_000_000)  # uncompressed size
    add("3.9 GB member", r"dense/kernel announces 3,900,000,000 bytes", data=bytes(data))

    # An .npy header announcing a billion-by-billion kernel in a few bytes.
    lying = add("npy header (10**9, 10**9)", r"announces shape \(1000000000, 1000000000\)", arrays)
    with zipfile.ZipFile(lying, "a") as zf, zf.open("huge.npy", "w") as stream:
        np.lib.format.write_array_header_1_0(
            stream, {"descr": "<f4", "fortran_order": False, "shape": (10**9, 10**9)}
        )

    # A zip whose end record announces 60,000 members.
    data = bytearray((folder / "good.npz").read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", 60_000, 60_000)
    add(
        "60,000 members",
        r"announces 60,000 arrays; a cnnlib model file holds at most 4,096",
        data=bytes(data),
    )

    pickled = add("pickled object", r"holds Python objects \(a pickle\)", arrays)
    with zipfile.ZipFile(pickled, "a") as zf, zf.open("evil.npy", "w") as stream:
        np.lib.format.write_array(stream, np.array([print], dtype=object), allow_pickle=True)
    add("text file", r"starts with b'PK\\x03\\x04'; this one starts with b'hell'", data=b"hello")
    add(
        "format_version '1'",
        r"format version of dtype <U1.*the integer 1",
        {**arrays, "format_version": np.array("1")},
    )

    # The functional format (cnnlib.Model): each layer names what it reads.
    residual = small_residual_file(folder / "residual.npz")
    relu = {"class_name": "ReLU", "config": {"name": "relu"}, "inbound": ["add"]}
    add(
        "functional: 16,000 layers",
        r"1 to 1000 layers; received 16004",
        with_architecture(residual, functional_edit(lambda layers: layers.extend([relu] * 16_000))),
    )
    add(
        "functional: a cycle",
        r"reads \['add'\], which are neither the input nor a layer listed before it",
        with_architecture(residual, functional_edit(lambda ls: ls[0].update(inbound=["add"]))),
    )
    add(
        "functional: 100,000 inputs",
        r"must read a list of 1 to 1000 names",
        with_architecture(
            residual,
            functional_edit(lambda ls: ls[1].update(inbound=["input_layer"] * 100_000)),
        ),
    )
    add(
        "functional: units 10**9",
        r"dense/kernel .* has shape \(50, 3\).*expects \(50, 1000000000\)",
        with_architecture(
            residual, functional_edit(lambda ls: ls[3]["config"].update(units=10**9))
        ),
    )
    add(
        "functional: a name twice",
        r"unique names; received 'conv2d' again",
        with_architecture(
            residual, functional_edit(lambda ls: ls[2]["config"].update(name="conv2d"))
        ),
    )
    return files


def craft_mnist_files(folder: Path) -> dict[str, tuple[Path, str]]:
    folder.mkdir()
    bomb = folder / "t10k-images-idx3-ubyte.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as stream:  # 4 images, then 200 MB of zeros
        stream.write(
            (0x0803).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in (4, 28, 28))
        )
        stream.write(bytes(4 * 28 * 28))
        zeros = bytes(8 * MB)
        for _ in range(25):
            stream.write(zeros)
    huge = folder / "huge-idx3-ubyte"
    huge.write_bytes(
        (0x0803).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in (2**31, 2**31, 4))
    )
    return {
        "IDX gzip bomb": (bomb, r"longer than its header says"),
        "IDX header (2**31, 2**31, 4)": (huge, r"announces shape \(2147483648, 2147483648, 4\)"),
    }


MEASURE = r"""
import json, re, resource, sys, time, tracemalloc
import cnnlib as cl
from cnnlib.datasets import read_idx

files = json.loads(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
results = {}
for name, (path, kind) in files.items():
    tracemalloc.start()
    start = time.perf_counter()
    try:
        cl.load_model(path) if kind == "model" else read_idx(path)
        error = None
    except ValueError as exc:
        error = str(exc)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results[name] = {"error": error, "seconds": seconds, "peak": peak}
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"results": results, "rss_growth": after - before}))
"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    models = craft_model_files(folder)
    mnist = craft_mnist_files(folder / "mnist")
    files = {name: (str(path), "model") for name, (path, _) in models.items()}
    files |= {name: (str(path), "idx") for name, (path, _) in mnist.items()}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(files)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(done.stdout)
    print(json.dumps(report, indent=1))  # shown with pytest -s: the measured times and peaks
    matches = {name: match for name, (_, match) in (models | mnist).items()}
    return report, matches


def test_each_hostile_file_is_refused_with_a_clear_value_error(measured):
    report, matches = measured
    for name, result in report["results"].items():
        assert result["error"] is not None, f"{name}: loaded without an error"
        assert re.search(matches[name], result["error"]), (name, result["error"])


def test_each_hostile_file_is_refused_in_bounded_time_and_memory(measured):
    report, _ = measured
    for name, result in report["results"].items():
        assert result["seconds"] < TIME_LIMIT, (name, result)
        assert result["peak"] < MEMORY_LIMIT, (name, result)
    assert report["rss_growth"] < MEMORY_LIMIT, report
