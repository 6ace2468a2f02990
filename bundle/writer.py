"""Writing a bundle: atomically, validated before it is moved into place, byte-stable."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .contract import SCHEMA_VERSION, describe
from .reader import ARRAYS, MANIFEST, BundleError, array_sha256, validate_bundle

__all__ = ["check_writable", "write_bundle"]


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
