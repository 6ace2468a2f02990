"""Writing a bundle: atomically, validated before it is moved into place, byte-stable, and
never over anything but a bundle."""

from __future__ import annotations

import fcntl
import glob
import json
import math
import os
import stat
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .contract import ARRAYS, MANIFEST, SCHEMA_VERSION, describe
from .files import PARTIAL_SUFFIX, BundleError, read_regular_file, replace_dir, writing
from .reader import MAX_MANIFEST_BYTES, array_sha256, load_bundle

__all__ = ["check_replaceable", "check_writable", "clear_leftovers", "write_bundle"]

BUNDLE_FILES = (MANIFEST, ARRAYS)  # all a bundle directory this package writes holds


def _write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed``, but with fixed timestamps: equal arrays, equal bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asarray(arrays[key], order="C"),
                                          allow_pickle=False)


def check_writable(target: os.PathLike | str, generator_name: str | None = None) -> Path:
    """Fail early, before minutes of work, if ``target`` cannot be written, or if writing it
    would destroy anything but a bundle: an existing directory is replaced only when it is
    empty or a bundle that ``generator_name`` wrote (see :func:`check_replaceable`). Also
    clears what a killed earlier write left beside it."""
    target = Path(target)
    parent = target.absolute().parent
    if target.is_symlink():
        raise BundleError(target, "is a symbolic link; give the bundle directory itself")
    if target.exists() and not target.is_dir():
        raise BundleError(target, "exists and is not a directory")
    if target.is_dir():
        check_replaceable(target, generator_name)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BundleError(parent, f"cannot create directory ({e.strerror})") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise BundleError(parent, "directory is not writable")
    clear_leftovers(target)
    return target


def check_replaceable(target: Path, generator_name: str | None) -> None:
    """An existing directory may be replaced only if it is empty, or if it holds nothing but
    a bundle's two files and its manifest names ``generator_name`` as the tool that wrote
    it: anything else in it (notes, a git clone, a home directory) would be deleted."""
    try:
        names = sorted(os.listdir(target))
    except OSError as e:
        raise BundleError(target, f"cannot read directory ({e.strerror})") from None
    if not names:
        return
    others = [n for n in names if n not in BUNDLE_FILES
              or not stat.S_ISREG(os.lstat(target / n).st_mode)]
    if others:
        shown = ", ".join(repr(n) for n in others[:3]) + (
            f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise BundleError(target, f"not a bundle this tool wrote: it holds {shown}, which "
                          "replacing it would delete; choose a new or empty directory")
    try:
        manifest = json.loads(read_regular_file(target / MANIFEST, MAX_MANIFEST_BYTES))
        writer = manifest["generator"]["name"]
    except FileNotFoundError:
        writer = None
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        raise BundleError(target, f"cannot tell which tool wrote it ({MANIFEST} is unreadable); "
                          "refusing to replace it: remove it yourself or choose another "
                          "directory") from None
    if generator_name is None or writer != generator_name:
        who = f"by {writer!r}" if isinstance(writer, str) else "by an unknown tool"
        raise BundleError(target, f"holds a bundle written {who[:120]}, not by "
                          f"{generator_name!r}; refusing to replace it: choose another "
                          "directory")


def _leftovers(target: Path) -> list[Path]:
    parent = target.absolute().parent
    return sorted(parent.glob(f".{glob.escape(target.name)}.*{PARTIAL_SUFFIX}"))


def _lock_dir(path: Path) -> int:
    """An open descriptor of directory ``path`` holding an exclusive lock, or -1 when
    another process holds it."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return -1
    return fd


def clear_leftovers(target: Path) -> None:
    """Remove the temporary directories a killed write left beside ``target``: only those
    no running write holds (each write locks its own), and in them only a bundle's files."""
    for path in _leftovers(target):
        try:
            fd = _lock_dir(path)
        except OSError:  # not a directory, a link, gone: not ours to clear
            continue
        if fd < 0:
            continue
        try:
            _remove_bundle_dir(path)
        finally:
            os.close(fd)


def _remove_bundle_dir(path: Path) -> None:
    """Delete a bundle's two files in ``path``, then ``path`` if that left it empty: nothing
    else is ever deleted."""
    for name in BUNDLE_FILES:
        try:
            os.unlink(path / name)
        except FileNotFoundError:
            pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def write_bundle(target: os.PathLike | str, arrays: Mapping[str, np.ndarray], *, config: dict,
                 vocab: dict, generator: dict,
                 descriptions: Mapping[str, str] | None = None) -> Path:
    """Write a bundle atomically: build it in a temporary directory beside ``target``,
    validate it, then swap it into place in one rename. An existing bundle at ``target``
    stays intact until the new one is complete, no half-written bundle is ever left behind,
    and a directory that is not a bundle ``generator['name']`` wrote is never replaced."""
    name = generator.get("name")
    target = check_writable(target, name)
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
    target = Path(os.path.abspath(target))
    with writing(target):  # a full disk, a read-only file system: one line, nothing left
        _build_and_swap(target, arrays, manifest, name)
    return target


def _build_and_swap(target: Path, arrays: Mapping[str, np.ndarray], manifest: dict,
                    name: str | None) -> None:
    """Build the bundle in a temporary directory beside ``target``, validate it and swap it
    into place; whatever fails, the temporary directory is removed."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX,
                                dir=target.parent))
    lock = _lock_dir(tmp)  # a later write clears it only once this process is gone
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp's 0700 would outlive the rename
        _write_npz(tmp / ARRAYS, arrays)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, default=_json_default) + "\n")
        load_bundle(tmp, keys=())  # every check, every array, none of them kept
        if target.is_dir():
            check_replaceable(target, name)  # again: minutes may have passed
        replace_dir(tmp, target, _remove_bundle_dir)
    except BaseException:
        _remove_bundle_dir(tmp)
        raise
    finally:
        os.close(lock)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in the manifest")
