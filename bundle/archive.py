"""A bundle's ``arrays.npz``, checked before anything in it is decompressed: the zip's
central directory against the manifest, each ``.npy`` header against its entry, and the
sizes a hostile archive could lie about. numpy and the standard library only."""

from __future__ import annotations

import math
import os
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .contract import ARRAYS, MANIFEST, required_specs
from .files import BundleError, open_regular, reading, show_value

__all__ = ["MAX_ARRAY_BYTES", "Archive"]

# Every array together, decompressed. The default bundle holds 0.5 MB; a run at H = 512 and
# T = 1000 about 100 MB. The cap is what a hostile bundle can make one process spend.
MAX_ARRAY_BYTES = 256 << 20
_NPY_HEADER_BYTES = 10_000  # numpy's own limit on a .npy header


def _directory_extent(f, size: int) -> tuple[int, int]:
    """(entries, bytes) of the zip's central directory, from its end record: read before
    :mod:`zipfile` parses the directory, which would hold all of it, and an object per
    entry, in memory."""
    tail = min(size, 22 + 0xFFFF)
    f.seek(size - tail)
    data = f.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < 22:
        raise zipfile.BadZipFile("not a zip archive")
    entries, length = struct.unpack("<HI", data[at + 10:at + 16])
    if at >= 20 and data[at - 20:at - 16] == b"PK\x06\x07":  # a zip64 end record
        (offset,) = struct.unpack("<Q", data[at - 12:at - 4])
        f.seek(offset)
        record = f.read(56)
        if record[:4] == b"PK\x06\x06":
            entries, length = struct.unpack("<QQ", record[32:48])
    return entries, length


class Archive:
    """arrays.npz, its directory checked against the manifest before anything is
    decompressed."""

    def __init__(self, root: Path, listed: dict):
        self.path = path = root / ARRAYS
        with reading(path):
            self.file = open_regular(path, None)
        try:
            entries, length = _directory_extent(self.file, os.fstat(self.file.fileno()).st_size)
            if entries > len(listed) + 16 or length > 1024 * (len(listed) + 16):
                raise BundleError(path, f"the archive lists {entries:,} entries in "
                                  f"{length:,} bytes, but {MANIFEST} lists {len(listed):,} "
                                  "arrays")
            self.zip = zipfile.ZipFile(self.file)
        except BundleError:
            self.file.close()
            raise
        except Exception as e:  # any unreadable archive is the same problem
            self.file.close()
            raise BundleError(path, f"cannot read arrays ({_reason(e)})") from None
        self.infos: dict[str, zipfile.ZipInfo] = {}

    def close(self) -> None:
        self.zip.close()
        self.file.close()

    def check_directory(self, manifest_path: Path, listed: dict) -> None:
        for info in self.zip.infolist():
            name = info.filename
            if not name.endswith(".npy") or info.is_dir():
                raise BundleError(self.path, f"entry {show_value(name)} is not a .npy array; a "
                                  "bundle's archive holds only .npy files")
            key = name[:-len(".npy")]
            if key in self.infos:
                raise BundleError(self.path, f"entry {show_value(name)} appears twice")
            if key not in listed:
                raise BundleError(manifest_path, f"{show_value(key)} is in {ARRAYS} but not listed")
            if info.flag_bits & 0x1:
                raise BundleError(self.path, f"entry {show_value(name)} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BundleError(self.path, f"entry {show_value(name)} uses compression method "
                                  f"{info.compress_type}; a bundle's arrays are stored or "
                                  "deflated, as numpy writes them")
            self.infos[key] = info
        for spec in required_specs():
            if spec.key not in self.infos:
                raise BundleError(self.path, f"missing required key {spec.key!r}")
        for key in listed:
            if key not in self.infos:
                raise BundleError(self.path, f"missing key {show_value(key)}, listed in {MANIFEST}")
        total = sum(info.file_size for info in self.infos.values())
        if total > MAX_ARRAY_BYTES:
            raise BundleError(self.path, f"its arrays take {_size(total)} decompressed, more "
                              f"than this reader's limit of {_size(MAX_ARRAY_BYTES)}")

    def check_headers(self, listed: dict, keys: Iterable[str]) -> None:
        """The .npy header of each of ``keys`` against the manifest, and its declared size
        against that header: what is read later is exactly what was checked here."""
        for key in sorted(keys):
            info, entry = self.infos[key], listed[key]
            try:
                with self.zip.open(info) as f:
                    version = np.lib.format.read_magic(f)
                    read_header = _HEADER_READERS.get(version)
                    if read_header is None:
                        raise ValueError(f".npy format version {version}; this reader knows "
                                         "1.0 and 2.0")
                    shape, _, dtype = read_header(f, max_header_size=_NPY_HEADER_BYTES)
                    start = f.tell()
            except Exception as e:  # any unreadable header is the same problem
                raise BundleError(self.path, f"{key} is not a readable .npy array "
                                  f"({_reason(e)})") from None
            if list(shape) != entry["shape"]:
                raise BundleError(self.path, f"{key} has shape {list(shape)} but {MANIFEST} "
                                  f"says {entry['shape']}")
            if str(dtype) != entry["dtype"]:
                raise BundleError(self.path, f"{key} has dtype {dtype} but {MANIFEST} says "
                                  f"{show_value(entry['dtype'])}")
            if dtype.hasobject or dtype.names is not None or dtype.subdtype is not None:
                raise BundleError(self.path, f"{key} has dtype {dtype}; a bundle holds plain "
                                  "numeric arrays")
            expected = start + dtype.itemsize * math.prod(shape)
            if info.file_size != expected:
                raise BundleError(self.path, f"{key} declares {info.file_size:,} bytes but its "
                                  f"header describes {expected:,}")

    def read(self, key: str) -> np.ndarray:
        try:
            with self.zip.open(self.infos[key]) as f:
                array = np.lib.format.read_array(f, allow_pickle=False,
                                                 max_header_size=_NPY_HEADER_BYTES)
        except Exception as e:  # a corrupt entry is the same user problem
            raise BundleError(self.path, f"cannot read {key} ({_reason(e)})") from None
        return array


_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}


def _reason(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"
