"""The data bundle: its contract (schema_version 1), and the one reader and writer of it.

A bundle is a directory with ``manifest.json`` and ``arrays.npz``. ``models/`` produces the
arrays; this module writes them, validates them and loads them for the scenes. It needs only
numpy and the standard library: rendering never imports torch.

Every problem is reported as :class:`BundleError`, whose message is one line naming the file
and the problem.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_BUNDLE",
    "SCHEMA_VERSION",
    "Bundle",
    "BundleError",
    "Spec",
    "array_sha256",
    "load_bundle",
    "required_specs",
    "validate_bundle",
    "write_bundle",
]

SCHEMA_VERSION = 1
MANIFEST, ARRAYS = "manifest.json", "arrays.npz"
DEFAULT_BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "data" / "default"
MODELS = ("rnn_tanh", "rnn_sigmoid", "rnn_relu", "irnn", "lstm", "gru")
SWEEP_MODELS = ("rnn_tanh", "irnn", "lstm", "gru")
GATE_NAMES = {
    "lstm": ("input", "forget", "candidate", "output"),
    "gru": ("reset", "update", "candidate"),
}
FEEDFORWARD = (
    "x", "y_true", "w", "b", "z", "y_hat", "loss", "dloss_dyhat", "dyhat_dz", "dz_dw",
    "dloss_dw", "dloss_db", "lr", "w_next", "b_next",
)


class BundleError(Exception):
    """A bundle that cannot be read or breaks the contract. ``str()`` is one line."""

    def __init__(self, path: os.PathLike | str, problem: str):
        self.path, self.problem = Path(path), problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class Spec:
    """A required key. ``shape`` holds symbols bound per scope (a model's prefix): the same
    symbol must mean the same length everywhere in its scope. ``"4H"`` is four times H."""

    key: str
    shape: tuple[str, ...]
    description: str
    kind: str = "f"  # numpy dtype kind: f float, i integer


def _model_specs(prefix: str, kind: str) -> list[Spec]:
    gates = {"lstm": "4", "gru": "3"}.get(kind, "")
    g = f"{gates}H" if gates else "H"
    specs = [
        Spec(f"{prefix}/param/weight_ih_l0", (g, "D"), "input-to-hidden weights, PyTorch layout"),
        Spec(f"{prefix}/param/weight_hh_l0", (g, "H"), "hidden-to-hidden weights W_h"),
        Spec(f"{prefix}/param/bias_ih_l0", (g,), "input-to-hidden bias"),
        Spec(f"{prefix}/param/bias_hh_l0", (g,), "hidden-to-hidden bias"),
        Spec(f"{prefix}/param/head_weight", ("C", "H"), "readout weights on h_T"),
        Spec(f"{prefix}/param/head_bias", ("C",), "readout bias"),
        Spec(f"{prefix}/probe/tokens", ("T",), "the probe sentence's word ids", "i"),
        Spec(f"{prefix}/probe/x", ("T", "D"), "the probe as fed to the recurrent core"),
        Spec(f"{prefix}/probe/target", (), "the probe's class", "i"),
        Spec(f"{prefix}/probe/h", ("T", "H"), "hidden states under the final weights, h_0 = 0"),
        Spec(f"{prefix}/grad/step", ("S",), "training step of each gradient snapshot", "i"),
        Spec(f"{prefix}/grad/h_norm", ("S", "T"),
             "||dL/dh_t|| on the probe at each snapshot (total derivative)"),
        Spec(f"{prefix}/train/step", ("N",), "logged training steps", "i"),
        Spec(f"{prefix}/train/loss", ("N",), "held-out cross-entropy"),
        Spec(f"{prefix}/train/accuracy", ("N",), "held-out accuracy"),
    ]
    if kind == "lstm":
        specs += [
            Spec(f"{prefix}/probe/c", ("T", "H"), "cell states"),
            Spec(f"{prefix}/grad/c_norm", ("S", "T"), "||dL/dc_t|| (total derivative)"),
        ]
    specs += [Spec(f"{prefix}/probe/gate/{gate}", ("T", "H"), f"{gate} gate values")
              for gate in GATE_NAMES.get(kind, ())]
    return specs


def required_specs() -> list[Spec]:
    """Every key a schema_version 1 bundle must hold, with its shape and meaning."""
    specs = [
        Spec("scalar/w", ("W",), "recurrent weights of the scalar example: 0.5, 1.0, 1.5"),
        Spec("scalar/factor", ("W", "K"),
             "dh_K/dh_{K-k}, k = 0..K, for h_t = w h_{t-1} + x_t, from autograd"),
        Spec("activation/x", ("M",), "inputs for the activation curves"),
        Spec("sweep/seq_len", ("L",), "sequence lengths of the sweep", "i"),
    ]
    for name in ("sigmoid", "tanh", "relu"):
        specs.append(Spec(f"activation/{name}", ("M",), f"{name}(x)"))
        specs.append(Spec(f"activation/d_{name}", ("M",), f"{name}'(x), from autograd"))
    specs += [Spec(f"feedforward/{name}", (), f"one sigmoid neuron's {name}")
              for name in FEEDFORWARD]
    for kind in MODELS:
        specs += _model_specs(kind, kind)
    specs += _model_specs("cuisine/lstm", "lstm")
    specs += [Spec(f"sweep/{kind}/accuracy", ("L",), f"final accuracy of {kind} per length")
              for kind in SWEEP_MODELS]
    return specs


# Optional keys that the reference generator writes. Other keys are welcome: a bundle may
# carry anything more, described in its manifest.
OPTIONAL_DESCRIPTIONS = {
    "probe/prob": "softmax of the readout applied to each h_t: (T, C)",
}


def _scope(key: str) -> str:
    parts = key.split("/")
    if parts[0] == "cuisine":
        return "/".join(parts[:2])
    return parts[0] if parts[0] in MODELS else ""


def describe(key: str) -> str | None:
    for spec in required_specs():
        if spec.key == key:
            return spec.description
    suffix = key.split("/", 2)[-1] if _scope(key).startswith("cuisine") else key.split("/", 1)[-1]
    return OPTIONAL_DESCRIPTIONS.get(suffix)


def array_sha256(array: np.ndarray) -> str:
    return hashlib.sha256(np.asarray(array, order="C").tobytes()).hexdigest()


# ---------------------------------------------------------------------------- validation


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
            seen = bound.setdefault((_scope(spec.key), name), (size // factor, spec.key))
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


# ------------------------------------------------------------------------------- reading


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

    def view(self, prefixes: Iterable[str]) -> Bundle:
        """The same bundle limited to ``prefixes``: a scene declares what it reads, so the
        renderer knows which arrays its picture depends on, and reading anything else fails."""
        keys = self.keys_under(prefixes)
        return Bundle(self.root, self.manifest, {k: self._arrays[k] for k in keys})

    def digest(self, keys: Iterable[str] | None = None) -> str:
        """One checksum over the given keys' checksums (all keys when None)."""
        listed = self.manifest["arrays"]
        h = hashlib.sha256()
        for key in sorted(keys if keys is not None else listed):
            h.update(f"{key}={listed[key]['sha256']};".encode())
        return h.hexdigest()


def load_bundle(root: os.PathLike | str) -> Bundle:
    """Read and validate a bundle directory, or raise :class:`BundleError`."""
    manifest, arrays = validate_bundle(root)
    return Bundle(Path(root), manifest, arrays)


# ------------------------------------------------------------------------------- writing


def _write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed``, but with fixed timestamps: equal arrays, equal bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asarray(arrays[key], order="C"),
                                          allow_pickle=False)


def check_writable(target: os.PathLike | str) -> Path:
    """Fail early, before minutes of work, if ``target`` cannot be written."""
    target = Path(target)
    parent = target.absolute().parent
    if target.exists() and not target.is_dir():
        raise BundleError(target, "exists and is not a directory")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BundleError(parent, f"cannot create directory ({e.strerror})") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise BundleError(parent, "directory is not writable")
    return target


def write_bundle(target: os.PathLike | str, arrays: Mapping[str, np.ndarray], *, config: dict,
                 vocab: dict, generator: dict,
                 descriptions: Mapping[str, str] | None = None) -> Path:
    """Write a bundle atomically: build it in a temporary directory beside ``target``,
    validate it, then move it into place. An existing bundle at ``target`` stays intact
    until the new one is complete, and no half-written bundle is ever left behind."""
    target = check_writable(target)
    descriptions = dict(descriptions or {})
    entries = {}
    for key in sorted(arrays):
        description = descriptions.get(key) or describe(key)
        if description is None:
            raise ValueError(f"no description for bundle key {key!r}")
        array = np.asarray(arrays[key])
        entries[key] = {"shape": list(array.shape), "dtype": str(array.dtype),
                        "sha256": array_sha256(array), "description": description}
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generator": generator,
        "config": config,
        "vocab": vocab,
        "arrays": entries,
    }
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial",
                                dir=target.absolute().parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp's 0700 would outlive the rename
        _write_npz(tmp / ARRAYS, arrays)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, default=_json_default) + "\n")
        validate_bundle(tmp)
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _replace_dir(new: Path, target: Path) -> None:
    if not target.exists():
        os.rename(new, target)
        return
    old = new.with_suffix(".old")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in the manifest")
