"""Reading a ``.npz`` archive that may come from a stranger, with limits checked first.

A ``.npz`` file is a zip of ``.npy`` arrays. :class:`NpzArchive` looks at
what the file *announces* before it decompresses anything: the number of
members (in the zip's end record), each member's name and uncompressed size
(in the zip's directory) and each array's shape and dtype (in its ``.npy``
header, a few bytes). Only when every announced size is within the limits
and agrees with the others are arrays read, with ``allow_pickle=False``, so
reading a hostile file costs bounded memory and time, and never runs code.
Every problem with the contents is a ``ValueError`` naming the file.
"""

from __future__ import annotations

import math
import os
import zipfile
from typing import NamedTuple

import numpy as np

MAX_MEMBERS = 4096  # arrays in one archive
MAX_TOTAL_BYTES = 2**30  # 1 GiB of arrays in all, uncompressed
ZIP_START = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first member, or an empty zip
END_RECORD = b"PK\x05\x06"


class Member(NamedTuple):
    """What a member's ``.npy`` header announces."""

    shape: tuple[int, ...]
    dtype: np.dtype


class NpzArchive:
    """The arrays of a ``.npz`` file, read only after their headers pass the limits.

    Parameters
    ----------
    path : path
        The file; a missing or unreadable path raises the usual ``OSError``.
    limits : dict of str to int, optional
        Largest size in bytes of particular members (by key), on top of
        :data:`MAX_TOTAL_BYTES` for all of them.

    Use as a context manager; :attr:`members` maps each key to its announced
    shape and dtype, and :meth:`read` reads one array.
    """

    def __init__(self, path, limits=None):
        self.path = path
        check_zip_start(path)
        try:
            self.zip = zipfile.ZipFile(path)
        # A damaged directory can also claim a zip version or feature zipfile lacks.
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
                raise
            raise self.error(exc) from exc
        try:
            self.infos = self.check_directory(limits or {})
            self.members = {key: self.read_header(info) for key, info in self.infos.items()}
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> NpzArchive:
        return self

    def __exit__(self, *exc_info) -> None:
        self.zip.close()

    def error(self, exc: BaseException) -> ValueError:
        """The ``ValueError`` for a file that zipfile, zlib or numpy cannot read."""
        return ValueError(
            f"{self.path} is not a readable cnnlib model file (truncated or corrupt?): "
            f"{type(exc).__name__}: {exc}"
        )

    def check_directory(self, limits: dict[str, int]) -> dict[str, zipfile.ZipInfo]:
        """Each member's key and zip entry, raising unless names and sizes are within limits."""
        infos, total = {}, 0
        for info in self.zip.infolist():
            if not info.filename.endswith(".npy") or info.filename[:-4] in infos:
                raise ValueError(
                    f"{self.path} is not a cnnlib model file: it holds {info.filename!r}, "
                    "not one .npy array per name"
                )
            key = info.filename[:-4]
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ValueError(f"{self.path}: {key} is compressed in an unsupported way")
            if info.file_size > limits.get(key, MAX_TOTAL_BYTES):
                raise ValueError(
                    f"{self.path}: {key} announces {info.file_size:,} bytes; a cnnlib model file "
                    f"holds at most {limits.get(key, MAX_TOTAL_BYTES):,} there"
                )
            infos[key] = info
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ValueError(
                f"{self.path} announces {total:,} bytes of arrays; cnnlib reads at most "
                f"{MAX_TOTAL_BYTES:,} (cnnlib.archive.MAX_TOTAL_BYTES)"
            )
        return infos

    def read_header(self, info: zipfile.ZipInfo) -> Member:
        """The shape and dtype a member's ``.npy`` header announces, checked against its size."""
        key = info.filename[:-4]
        try:
            with self.zip.open(info) as stream:
                version = np.lib.format.read_magic(stream)
                read = {(1, 0): np.lib.format.read_array_header_1_0}.get(
                    version, np.lib.format.read_array_header_2_0
                )
                shape, _, dtype = read(stream)
                header_size = stream.tell()
        except Exception as exc:  # zipfile, zlib and numpy each raise their own kinds
            raise self.error(exc) from exc
        if dtype.hasobject:
            raise ValueError(
                f"{self.path}: {key} holds Python objects (a pickle); a cnnlib model file "
                "holds numbers only, and pickles are never loaded"
            )
        data_size = math.prod(shape) * dtype.itemsize  # Python integers: no overflow
        if header_size + data_size != info.file_size:
            raise ValueError(
                f"{self.path} is not a readable cnnlib model file (truncated or corrupt?): "
                f"{key} announces shape {shape} of {dtype}, {data_size:,} bytes, but its "
                f"entry holds {info.file_size - header_size:,}"
            )
        return Member(tuple(shape), dtype)

    def read(self, key: str) -> np.ndarray:
        """The array ``key``, whose size the checks above have bounded."""
        try:
            with self.zip.open(self.infos[key]) as stream:
                return np.lib.format.read_array(stream, allow_pickle=False)
        except Exception as exc:
            raise self.error(exc) from exc


def check_zip_start(path) -> None:
    """Raise unless ``path`` starts as a zip file and announces at most MAX_MEMBERS members.

    A text file or a pickle gets a clear error here instead of NumPy's advice to
    use ``allow_pickle``; a zip announcing millions of members is refused
    before its directory is read.
    """
    with open(path, "rb") as file:
        start = file.read(4)
        if start not in ZIP_START:
            raise ValueError(
                f"{path} is not a readable cnnlib model file: a model file is a .npz "
                f"(zip) archive, which starts with b'PK\\x03\\x04'; this one starts with {start!r}"
            )
        size = file.seek(0, os.SEEK_END)
        tail_size = min(size, 22 + 2**16)  # the end record and the longest zip comment
        file.seek(size - tail_size)
        tail = file.read(tail_size)
    end = tail.rfind(END_RECORD)
    if end >= 0 and len(tail) >= end + 12:
        count = int.from_bytes(tail[end + 10 : end + 12], "little")
        if count > MAX_MEMBERS:
            raise ValueError(
                f"{path} announces {count:,} arrays; a cnnlib model file holds at most "
                f"{MAX_MEMBERS:,}"
            )
