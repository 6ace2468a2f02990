"""Reading a bundle: validate everything the contract promises, then hand out its arrays.

Every problem is reported as :class:`BundleError`, whose message is one line naming the file
and the problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from .contract import SCHEMA_VERSION, Spec, required_specs, scope

__all__ = [
    "ARRAYS",
    "DEFAULT_BUNDLE",
    "MANIFEST",
    "Bundle",
    "BundleError",
    "array_sha256",
    "load_bundle",
    "validate_bundle",
]

MANIFEST, ARRAYS = "manifest.json", "arrays.npz"
DEFAULT_BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "data" / "default"


class BundleError(Exception):
    """A bundle that cannot be read or breaks the contract. ``str()`` is one line."""

    def __init__(self, path: os.PathLike | str, problem: str):
        self.path, self.problem = Path(path), problem
        super().__init__(f"{path}: {problem}")


def array_sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.asarray(array, order="C").tobytes()).hexdigest()


def _read_manifest(root: Path) -> dict:
    if not root.exists():
        raise BundleError(root, "no such bundle directory")
    if not root.is_dir():
        raise BundleError(root, "not a directory")
    path = root / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BundleError(path, "missing file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BundleError(path, f"cannot read ({e})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as e:
        raise BundleError(path, f"invalid JSON ({e})") from None
    if not isinstance(manifest, dict):
        raise BundleError(path, "invalid manifest: the top level must be a JSON object")
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise BundleError(path, f"unknown schema_version {version!r} (this reader knows "
                          f"{SCHEMA_VERSION})")
    for field in ("arrays", "config", "vocab", "generator"):
        if not isinstance(manifest.get(field), dict):
            raise BundleError(path, f"invalid manifest: {field!r} must be an object")
    for key, entry in manifest["arrays"].items():
        if not (isinstance(entry, dict) and isinstance(entry.get("shape"), list)
                and isinstance(entry.get("sha256"), str) and isinstance(entry.get("dtype"), str)):
            raise BundleError(path, f"invalid manifest entry for {key!r}: needs shape, dtype "
                              "and sha256")
    return manifest


def _read_arrays(root: Path) -> dict[str, np.ndarray]:
    path = root / ARRAYS
    if not path.is_file():
        raise BundleError(path, "missing file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except Exception as e:  # noqa: BLE001 - any unreadable archive is the same user problem
        raise BundleError(path, f"cannot read arrays ({type(e).__name__}: {e})") from None


_DIM = re.compile(r"^(\d*)([A-Z])$")


def _check_shapes(path: Path, arrays: Mapping[str, np.ndarray], specs: list[Spec]) -> None:
    bound: dict[tuple[str, str], tuple[int, str]] = {}
    for spec in specs:
        array = arrays[spec.key]
        if array.ndim != len(spec.shape):
            raise BundleError(path, f"{spec.key} has shape {array.shape}, expected "
                              f"{len(spec.shape)} dimensions ({', '.join(spec.shape) or 'scalar'})")
        if array.dtype.kind not in (spec.kind, "u" if spec.kind == "i" else spec.kind):
            want = "an integer" if spec.kind == "i" else "a float"
            raise BundleError(path, f"{spec.key} has dtype {array.dtype}, expected {want} type")
        for size, symbol in zip(array.shape, spec.shape, strict=True):
            factor, name = _DIM.match(symbol).groups()
            factor = int(factor or 1)
            if size % factor:
                raise BundleError(path, f"{spec.key} has {symbol} = {size}, not a multiple of "
                                  f"{factor}")
            seen = bound.setdefault((scope(spec.key), name), (size // factor, spec.key))
            if seen[0] != size // factor:
                raise BundleError(path, f"{spec.key} has {name} = {size // factor} but "
                                  f"{seen[1]} has {name} = {seen[0]}")


def validate_bundle(root: os.PathLike | str) -> tuple[dict, dict[str, np.ndarray]]:
    """Check everything the contract promises; return (manifest, arrays) or raise."""
    root = Path(root)
    manifest = _read_manifest(root)
    arrays = _read_arrays(root)
    mpath, apath = root / MANIFEST, root / ARRAYS
    listed = manifest["arrays"]
    specs = required_specs()
    for spec in specs:
        if spec.key not in listed:
            raise BundleError(mpath, f"missing required key {spec.key!r}")
        if spec.key not in arrays:
            raise BundleError(apath, f"missing required key {spec.key!r}")
    for key, entry in listed.items():
        if key not in arrays:
            raise BundleError(apath, f"missing key {key!r}, listed in {MANIFEST}")
        array = arrays[key]
        if list(array.shape) != entry["shape"]:
            raise BundleError(apath, f"{key} has shape {list(array.shape)} but {MANIFEST} "
                              f"says {entry['shape']}")
        if str(array.dtype) != entry["dtype"]:
            raise BundleError(apath, f"{key} has dtype {array.dtype} but {MANIFEST} says "
                              f"{entry['dtype']}")
        if array_sha256(array) != entry["sha256"]:
            raise BundleError(apath, f"{key} fails its checksum: the array differs from the "
                              "one the manifest describes")
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            bad = int((~np.isfinite(array)).sum())
            raise BundleError(apath, f"{key} has {bad} non-finite value(s) (NaN or inf)")
    for key in arrays:
        if key not in listed:
            raise BundleError(mpath, f"{key!r} is in {ARRAYS} but not listed")
    _check_shapes(apath, arrays, specs)
    return manifest, arrays


class Bundle(Mapping):
    """A validated bundle: a read-only mapping from key to array, plus its manifest."""

    def __init__(self, root: Path, manifest: dict, arrays: dict[str, np.ndarray]):
        self.root, self.manifest, self._arrays = root, manifest, arrays
        for array in arrays.values():
            array.setflags(write=False)

    def __getitem__(self, key: str) -> np.ndarray:
        try:
            return self._arrays[key]
        except KeyError:
            raise KeyError(f"{key!r} is not in the bundle at {self.root}, or not among the "
                           "keys this scene declares in `reads`") from None

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    @property
    def config(self) -> dict:
        return self.manifest["config"]

    @property
    def vocab(self) -> dict:
        return self.manifest["vocab"]

    def words(self, task: str, ids: Iterable[int]) -> list[str]:
        tokens = self.vocab[task]["tokens"]
        return [tokens[int(i)] for i in ids]

    def keys_under(self, prefixes: Iterable[str]) -> list[str]:
        """The keys equal to, or below, any of ``prefixes`` (``"lstm/grad"`` covers
        ``"lstm/grad/h_norm"``)."""
        prefixes = tuple(prefixes)
        return sorted(k for k in self._arrays
                      if any(k == p or k.startswith(p.rstrip("/") + "/") for p in prefixes))

    def view(self, reads: Iterable[str]) -> Bundle:
        """The same bundle limited to ``reads``: array keys or key prefixes, and manifest
        fields as ``"config/<field>"`` or ``"generator/<field>"``. A scene declares what it
        reads, so the renderer knows what its picture depends on, and reading anything else
        fails."""
        arrays, fields = _split_reads(reads)
        manifest = {**self.manifest, **{
            part: {k: v for k, v in self.manifest[part].items() if k in names}
            for part, names in fields.items()}}
        keys = self.keys_under(arrays)
        return Bundle(self.root, manifest, {k: self._arrays[k] for k in keys})

    def digest(self, keys: Iterable[str] | None = None) -> str:
        """One checksum over the given keys' checksums (all keys when None)."""
        listed = self.manifest["arrays"]
        h = hashlib.sha256()
        for key in sorted(keys if keys is not None else listed):
            h.update(f"{key}={listed[key]['sha256']};".encode())
        return h.hexdigest()

    def reads_digest(self, reads: Iterable[str]) -> str:
        """One checksum over everything a reader of ``reads`` depends on: the arrays under
        them, the manifest fields they name, and the vocabulary."""
        arrays, _ = _split_reads(reads)
        seen = self.view(reads).manifest
        declared = {part: seen[part] for part in MANIFEST_READS}
        h = hashlib.sha256(self.digest(self.keys_under(arrays)).encode())
        h.update(json.dumps([declared, self.manifest["vocab"]], sort_keys=True).encode())
        return h.hexdigest()


# Manifest parts a scene may declare in its reads, field by field.
MANIFEST_READS = ("config", "generator")


def _split_reads(reads: Iterable[str]) -> tuple[list[str], dict[str, set[str]]]:
    """Array prefixes, and the manifest fields named as ``"config/<field>"``."""
    arrays, fields = [], {part: set() for part in MANIFEST_READS}
    for read in reads:
        part, _, name = read.partition("/")
        if part in fields:
            fields[part].add(name)
        else:
            arrays.append(read)
    return arrays, fields


def load_bundle(root: os.PathLike | str) -> Bundle:
    """Read and validate a bundle directory, or raise :class:`BundleError`."""
    manifest, arrays = validate_bundle(root)
    return Bundle(Path(root), manifest, arrays)
