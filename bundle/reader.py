"""Reading a bundle: validate everything the contract promises, then hand out its arrays.

Every problem is reported as :class:`BundleError`, whose message is one line naming the file
and the problem.

The reader trusts nothing it reads and bounds what it spends, in this order: both files must
be regular files (a FIFO, a device or a link to one is refused without being opened), the
manifest at most :data:`MAX_MANIFEST_BYTES`; the manifest is checked whole (every key,
shape, dtype and checksum entry, the vocabulary and configuration the scenes rely on); then
the archive's central directory (only ``.npy`` entries, each listed, stored or deflated, and
all of them together at most :data:`MAX_ARRAY_BYTES` once decompressed), then the ``.npy``
header of each entry to be read against the manifest's shape and dtype, and its declared size
against that header, before a single array is decompressed. Only then are arrays read: the
ones asked for, each checked (checksum, finite values, word ids in range) as it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from .archive import MAX_ARRAY_BYTES, Archive
from .contract import (
    ARRAYS,
    CUISINE_MODEL,
    MANIFEST,
    RECALL_MODELS,
    SCHEMA_VERSION,
    Spec,
    norm_limits,
    probe_key,
    required_specs,
    scope,
)
from .files import BundleError, read_regular_file, reading, show_value

__all__ = [
    "ARRAYS",
    "DEFAULT_BUNDLE",
    "MANIFEST",
    "MAX_ARRAY_BYTES",
    "MAX_MANIFEST_BYTES",
    "Bundle",
    "BundleError",
    "array_sha256",
    "load_bundle",
    "read_regular_file",
    "validate_bundle",
]

# The committed default bundle: in the repository, or where an installed wheel put it.
_REPOSITORY_BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "data" / "default"
_INSTALLED_BUNDLE = Path(sys.prefix) / "share" / "vanishing-gradients-animated" / "default"
DEFAULT_BUNDLE = _REPOSITORY_BUNDLE if _REPOSITORY_BUNDLE.is_dir() else _INSTALLED_BUNDLE

# The default bundle's manifest is 35 kB for 156 arrays: 4 MiB leaves room for about 18,000.
MAX_MANIFEST_BYTES = 4 << 20
MAX_KEY_LENGTH = 200
MAX_WORD_LENGTH = 20  # vocabulary words are drawn on screen, each fitted to its place
_TASKS = ("recall", CUISINE_MODEL.split("/")[0])


def array_sha256(array: np.ndarray) -> str:
    """sha256 of the array's C-order bytes, hashed in place when it is C-contiguous."""
    array = np.asarray(array)
    if not array.flags.c_contiguous:
        array = np.ascontiguousarray(array)
    try:
        return hashlib.sha256(array).hexdigest()  # the buffer itself: no copy
    except (BufferError, TypeError, ValueError):  # a dtype that exports no buffer
        return hashlib.sha256(array.tobytes()).hexdigest()


# ---------------------------------------------------------------------------- manifest


def _read_manifest(root: Path) -> dict:
    try:
        mode = os.stat(root).st_mode
    except FileNotFoundError:
        raise BundleError(root, "no such bundle directory") from None
    except OSError as e:
        raise BundleError(root, f"cannot read ({e.strerror or e})") from None
    if not stat.S_ISDIR(mode):
        raise BundleError(root, "not a directory")
    path = root / MANIFEST
    with reading(path):
        text = read_regular_file(path, MAX_MANIFEST_BYTES).decode("utf-8")
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as e:
        raise BundleError(path, f"invalid JSON ({e})") from None
    except RecursionError:
        raise BundleError(path, "invalid JSON (nested too deeply)") from None
    except ValueError as e:  # Python's limit on the digits of an integer
        problem = (f"an integer of more than {sys.get_int_max_str_digits()} digits"
                   if "integer string conversion" in str(e) else str(e).split(";")[0])
        raise BundleError(path, f"invalid JSON ({problem})") from None
    _check_manifest(path, manifest)
    return manifest


def _check_key(path: Path, key: str) -> None:
    parts = key.split("/")
    if (len(key) > MAX_KEY_LENGTH or not key.isprintable() or "\\" in key
            or any(part in ("", ".", "..") for part in parts)):
        raise BundleError(path, f"invalid key {show_value(key)}: a key is names joined by '/', "
                          f"printable, at most {MAX_KEY_LENGTH} characters")


def _is_int(value) -> bool:
    return type(value) is int


def _check_manifest(path: Path, manifest) -> None:
    if not isinstance(manifest, dict):
        raise BundleError(path, "invalid manifest: the top level must be a JSON object")
    version = manifest.get("schema_version")
    if not (_is_int(version) and version == SCHEMA_VERSION):
        raise BundleError(path, f"unknown schema_version {show_value(version)} (this reader knows "
                          f"{SCHEMA_VERSION})")
    for field in ("arrays", "config", "vocab", "generator"):
        if not isinstance(manifest.get(field), dict):
            raise BundleError(path, f"invalid manifest: {field!r} must be an object")
    for key, entry in manifest["arrays"].items():
        _check_key(path, key)
        if not (isinstance(entry, dict) and isinstance(entry.get("shape"), list)
                and isinstance(entry.get("sha256"), str) and isinstance(entry.get("dtype"), str)):
            raise BundleError(path, f"invalid manifest entry for {show_value(key)}: needs shape, "
                              "dtype and sha256")
        shape = entry["shape"]
        if len(shape) > 32 or not all(_is_int(n) and n >= 0 for n in shape):
            raise BundleError(path, f"invalid manifest entry for {show_value(key)}: shape "
                              f"{show_value(shape)} is not a list of sizes")
    _check_vocab(path, manifest["vocab"])
    for field, what in (("name", "the tool that wrote it"),
                        ("torch", "the PyTorch version the lecture credits")):
        value = manifest["generator"].get(field)
        if not (isinstance(value, str) and value.isprintable() and len(value) <= 100):
            raise BundleError(path, f"invalid manifest: generator {field!r} must be a line of "
                              f"text ({what})")
    for field in ("seed", "seq_len"):
        value = manifest["config"].get(field)
        if not (_is_int(value) and value >= 0):
            raise BundleError(path, f"invalid manifest: config {field!r} must be a "
                              f"non-negative integer, not {show_value(value)}")


def _check_vocab(path: Path, vocab: dict) -> None:
    for task in _TASKS:
        entry = vocab.get(task)
        if not isinstance(entry, dict):
            raise BundleError(path, f"invalid manifest: vocab {task!r} must be an object with "
                              "tokens and classes")
        for field in ("tokens", "classes"):
            words = entry.get(field)
            if not (isinstance(words, list) and words):
                raise BundleError(path, f"invalid manifest: vocab {task!r} {field} must be a "
                                  "non-empty list of words")
            for word in words:
                if not (isinstance(word, str) and word.strip() and word.isprintable()
                        and len(word) <= MAX_WORD_LENGTH):
                    raise BundleError(path, f"invalid manifest: vocab {task!r} {field} holds "
                                      f"{show_value(word)}, not a word of at most "
                                      f"{MAX_WORD_LENGTH} printable characters")


# ------------------------------------------------------------------------------ shapes

_DIM = re.compile(r"^(\d*)([A-Z])$")


def _check_shapes(path: Path, listed: dict, specs: list[Spec]) -> dict:
    """The contract's symbols against the (already checked) shapes and dtypes; returns what
    each symbol is bound to, per scope."""
    bound: dict[tuple[str, str], tuple[int, str]] = {}
    for spec in specs:
        shape, dtype = tuple(listed[spec.key]["shape"]), np.dtype(listed[spec.key]["dtype"])
        if len(shape) != len(spec.shape):
            raise BundleError(path, f"{spec.key} has shape {shape}, expected "
                              f"{len(spec.shape)} dimensions ({', '.join(spec.shape) or 'scalar'})")
        if dtype.kind not in (spec.kind, "u" if spec.kind == "i" else spec.kind):
            want = "an integer" if spec.kind == "i" else "a float"
            raise BundleError(path, f"{spec.key} has dtype {dtype}, expected {want} type")
        for size, symbol in zip(shape, spec.shape, strict=True):
            factor, name = _DIM.match(symbol).groups()
            factor = int(factor or 1)
            if size % factor:
                raise BundleError(path, f"{spec.key} has {symbol} = {size}, not a multiple of "
                                  f"{factor}")
            seen = bound.setdefault((scope(spec.key), name), (size // factor, spec.key))
            if seen[0] != size // factor:
                raise BundleError(path, f"{spec.key} has {name} = {size // factor} but "
                                  f"{seen[1]} has {name} = {seen[0]}")
    return bound


def _task_of(model: str) -> str:
    return model.split("/")[0] if "/" in model else "recall"


def _check_words(path: Path, manifest: dict, bound: dict) -> None:
    """The vocabulary fits the arrays: one-hot inputs as wide as the tokens, a readout as
    wide as the classes, and the configuration's T is the lecture models' T."""
    for model in (*RECALL_MODELS, CUISINE_MODEL):
        words = manifest["vocab"][_task_of(model)]
        for symbol, field in (("D", "tokens"), ("C", "classes")):
            size, key = bound[(model, symbol)]
            if size != len(words[field]):
                raise BundleError(path, f"vocab {_task_of(model)!r} has {len(words[field])} "
                                  f"{field} but {key} has {symbol} = {size}")
    seq_len, key = bound[(RECALL_MODELS[0], "T")]
    if manifest["config"]["seq_len"] != seq_len:
        raise BundleError(path, f"config 'seq_len' is {manifest['config']['seq_len']} but {key} "
                          f"has T = {seq_len}")


# -------------------------------------------------------------------------------- data


def _word_ranges(manifest: dict) -> dict[str, tuple[int, str]]:
    """Arrays of word or class ids, and how many words they index."""
    ranges = {}
    for model in (*RECALL_MODELS, CUISINE_MODEL):
        words = manifest["vocab"][_task_of(model)]
        ranges[probe_key(model, "tokens")] = (len(words["tokens"]), "tokens")
        ranges[probe_key(model, "target")] = (len(words["classes"]), "classes")
    return ranges


def _check_values(path: Path, key: str, array: np.ndarray, entry: dict,
                  ranges: dict[str, tuple[int, str]]) -> None:
    if array_sha256(array) != entry["sha256"]:
        raise BundleError(path, f"{key} fails its checksum: the array differs from the "
                          "one the manifest describes")
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = int((~np.isfinite(array)).sum())
        raise BundleError(path, f"{key} has {bad} non-finite value(s) (NaN or inf)")
    if (limits := norm_limits(key)) and array.size:
        if (array < 0).any():
            raise BundleError(path, f"{key} holds {array.min():.3g}: a norm is never negative")
        outside = array[(array != 0) & ((array < limits[0]) | (array > limits[1]))]
        if outside.size:
            raise BundleError(path, f"{key} holds {outside.flat[0]:.3g}: a gradient norm must "
                              f"be exactly 0 or between {limits[0]:g} and {limits[1]:g}, so "
                              "that the ratio of two is a float")
    if key in ranges and array.size:
        count, what = ranges[key]
        low, high = int(array.min()), int(array.max())
        if low < 0 or high >= count:
            raise BundleError(path, f"{key} holds id {low if low < 0 else high}, outside the "
                              f"vocabulary's {count} {what}")


def _selected(listed: Iterable[str], prefixes: Iterable[str] | None) -> list[str]:
    if prefixes is None:
        return sorted(listed)
    exact = set(prefixes)
    below = tuple(p.rstrip("/") + "/" for p in exact)
    return sorted(k for k in listed if k in exact or k.startswith(below))


def _load(root: Path, keys: Iterable[str] | None, verify_all: bool
          ) -> tuple[dict, dict[str, np.ndarray]]:
    manifest = _read_manifest(root)
    mpath = root / MANIFEST
    listed = manifest["arrays"]
    specs = required_specs()
    for spec in specs:
        if spec.key not in listed:
            raise BundleError(mpath, f"missing required key {spec.key!r}")
    archive = Archive(root, listed)
    try:
        archive.check_directory(mpath, listed)
        wanted = set(_selected(listed, keys))
        archive.check_headers(listed, listed if verify_all else wanted)
        bound = _check_shapes(archive.path, listed, specs)
        _check_words(mpath, manifest, bound)
        ranges = _word_ranges(manifest)
        arrays = {}
        for key in sorted(listed):
            if key in wanted or verify_all:
                array = archive.read(key)
                _check_values(archive.path, key, array, listed[key], ranges)
                if key in wanted:
                    arrays[key] = array
    finally:
        archive.close()
    return manifest, arrays


def validate_bundle(root: os.PathLike | str) -> tuple[dict, dict[str, np.ndarray]]:
    """Check everything the contract promises; return (manifest, arrays) or raise."""
    return _load(Path(root), None, True)


class Bundle(Mapping):
    """A validated bundle: a read-only mapping from key to array, plus its manifest. It
    holds the arrays it was loaded with (every one, or those under the keys asked for)."""

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
        """The bundle's keys (loaded or not) equal to, or below, any of ``prefixes``
        (``"lstm/grad"`` covers ``"lstm/grad/h_norm"``)."""
        return _selected(self.manifest["arrays"], prefixes)

    def view(self, reads: Iterable[str]) -> Bundle:
        """The same bundle limited to ``reads``: array keys or key prefixes, and manifest
        fields as ``"config/<field>"`` or ``"generator/<field>"``. A scene declares what it
        reads, so the renderer knows what its picture depends on, and reading anything else
        fails."""
        arrays, fields = _split_reads(reads)
        manifest = {**self.manifest, **{
            part: {k: v for k, v in self.manifest[part].items() if k in names}
            for part, names in fields.items()}}
        keys = [k for k in self.keys_under(arrays) if k in self._arrays]
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


def load_bundle(root: os.PathLike | str, keys: Iterable[str] | None = None, *,
                verify_all: bool = True) -> Bundle:
    """Read and validate a bundle directory, or raise :class:`BundleError`.

    ``keys``: the keys, or key prefixes (a scene's ``reads``), whose arrays to load; None
    loads every one, ``()`` none. The manifest and the archive's directory are always checked
    whole; headers, checksums and values for the arrays loaded, and, when ``verify_all``, for
    every other array too, read one at a time and dropped. Without it, nothing else of the
    archive is read (a scene's process, after the renderer has checked the whole bundle)."""
    root = Path(root)
    manifest, arrays = _load(root, keys, verify_all)
    return Bundle(root, manifest, arrays)
