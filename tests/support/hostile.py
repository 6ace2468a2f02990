"""Hostile bundles for the hardening tests: zip bombs, special files, deep JSON.

Plain files and the standard library only, so the same helpers make the inputs for any
version of the code (``bench/bench_hardening.py`` runs them against an older checkout).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# sha256 of 2**31 zero bytes (hashlib over 128 chunks of 2**24 zeros), so that a test need
# not hash 2 GiB to list the bomb honestly in its manifest.
ZEROS_2GIB_SHA256 = "a7c744c13cc101ed66c29f672f92455547889cc586ce6d44fe76ae824958ea51"


@dataclass(frozen=True)
class Zeros:
    """An entry of ``header`` followed by ``count`` zero bytes, deflated without ever
    holding them: one compressed MiB of zeros, repeated."""

    header: bytes
    count: int


def _deflate(data: bytes) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush(zlib.Z_FULL_FLUSH)


def _entry(data: bytes | Zeros) -> tuple[bytes, int, int]:
    """(raw deflate stream, crc32, uncompressed size)."""
    if isinstance(data, bytes):
        return _deflate(data) + b"\x03\x00", zlib.crc32(data), len(data)
    mib = 1 << 20
    whole, rest = divmod(data.count, mib)
    chunk = _deflate(bytes(mib))
    crc = zlib.crc32(data.header)
    zeros = bytes(mib)
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    stream = _deflate(data.header) + chunk * whole + _deflate(bytes(rest)) + b"\x03\x00"
    return stream, crc, len(data.header) + data.count


def write_zip(path: Path, entries: dict[str, bytes | Zeros]) -> None:
    """A deflated zip written by hand (so an entry may be a 2 GiB run of zeros)."""
    central, offset = [], 0
    with open(path, "wb") as f:
        for name, data in entries.items():
            stream, crc, size = _entry(data)
            raw = name.encode()
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc,
                                len(stream), size, len(raw), 0) + raw)
            f.write(stream)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0,
                                       0x21, crc, len(stream), size, len(raw), 0, 0, 0, 0,
                                       0o644 << 16, offset) + raw)
            offset += 30 + len(raw) + len(stream)
        directory = b"".join(central)
        f.write(directory)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                            len(directory), offset, 0))


def npy_header(shape: tuple[int, ...], dtype: str) -> bytes:
    """The .npy header numpy writes for an array of this shape and dtype."""
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
              "shape": shape})
    return buf.getvalue()


def entries_of(root: Path) -> dict[str, bytes | Zeros]:
    import zipfile

    with zipfile.ZipFile(root / "arrays.npz") as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def edit_manifest(root: Path, edit) -> None:
    manifest = json.loads((root / "manifest.json").read_text())
    edit(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))


def copy_bundle(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def add_zip_bomb(root: Path, key: str = "extra/zeros") -> None:
    """2 GiB of float64 zeros in a few MB, listed in the manifest with its true shape and
    checksum: a bundle that is valid, only huge."""
    count = 1 << 31
    entries = entries_of(root)
    entries[f"{key}.npy"] = Zeros(npy_header((count // 8,), "float64"), count)
    write_zip(root / "arrays.npz", entries)
    edit_manifest(root, lambda m: m["arrays"].update({key: {
        "shape": [count // 8], "dtype": "float64", "sha256": ZEROS_2GIB_SHA256,
        "description": "2 GiB of zeros"}}))


def add_entry(root: Path, name: str, data: bytes) -> None:
    entries = entries_of(root)
    entries[name] = data
    write_zip(root / "arrays.npz", entries)


def add_listed_array(root: Path, key: str, array: np.ndarray, description: str) -> None:
    """An extra key, in both files, with its checksum: what the contract allows."""
    import hashlib
    import io

    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ascontiguousarray(array), allow_pickle=False)
    add_entry(root, f"{key}.npy", buf.getvalue())
    edit_manifest(root, lambda m: m["arrays"].update({key: {
        "shape": list(array.shape), "dtype": str(array.dtype),
        "sha256": hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest(),
        "description": description}}))


def manifest_to(root: Path, target: str) -> None:
    """Make manifest.json a symbolic link (to /dev/zero, say)."""
    (root / "manifest.json").unlink()
    os.symlink(target, root / "manifest.json")


def manifest_fifo(root: Path) -> None:
    (root / "manifest.json").unlink()
    os.mkfifo(root / "manifest.json")


def deep_json(root: Path, depth: int = 200_000) -> None:
    (root / "manifest.json").write_text("[" * depth + "]" * depth)


def huge_integer(root: Path, digits: int = 5000) -> None:
    edit_manifest(root, lambda m: m.update(created_utc="@"))
    text = (root / "manifest.json").read_text().replace('"@"', "1" * digits)
    (root / "manifest.json").write_text(text)


def only_error_line(capsys) -> str:
    """The one line on stderr, which must be the whole of it."""
    err = capsys.readouterr().err
    assert err.startswith("lecture: error: ") and err.count("\n") == 1, err
    return err.strip()


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
