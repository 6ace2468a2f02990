"""Where the commands may write, and how they write there.

- :func:`check_output_dir` refuses an output directory that is, or contains, the repository,
  the home directory or ``/``, or that lies inside the source packages.
- :func:`subdir` and :func:`open_new` never write through a symbolic link planted in an
  output directory: a planted link to a directory is refused, and a file is always created
  afresh (``O_EXCL | O_NOFOLLOW``) after whatever held its name is removed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lecture.provenance import ROOT

__all__ = ["ROOT", "SafetyError", "check_output_dir", "clear_name", "open_new", "subdir"]

# The source packages: nothing is ever written inside them.
SOURCE_DIRS = ("bundle", "lecture", "models", "scenes", ".git", ".venv")


class SafetyError(Exception):
    """An output the commands refuse to write; one line."""


def _protected() -> list[tuple[Path, str]]:
    places = [(ROOT, "the repository"), (Path("/"), "the root directory")]
    try:
        places.append((Path.home().resolve(), "your home directory"))
    except (KeyError, RuntimeError, OSError):  # no home to protect
        pass
    return places


def check_output_dir(path: Path, *, current_dir_ok: bool = True) -> Path:
    """Refuse an output directory that is, or contains, the repository, the home directory
    or ``/``, or lies inside a source package (symbolic links resolved). With
    ``current_dir_ok=False`` the current directory is refused too (a bundle replaces its
    target directory)."""
    resolved = Path(os.path.realpath(path))
    places = _protected()
    for place, what in places:
        if resolved == place:
            raise SafetyError(f"{path}: refusing to write here: it is {what}")
    for place, what in places:
        if resolved in place.parents:
            raise SafetyError(f"{path}: refusing to write here: it contains {what} ({place})")
    for name in SOURCE_DIRS:
        package = ROOT / name
        if resolved == package or package in resolved.parents:
            raise SafetyError(f"{path}: refusing to write here: it is inside the source "
                              f"package {name}/")
    if not current_dir_ok and resolved == Path.cwd().resolve():
        raise SafetyError(f"{path}: refusing to replace the current directory; name the "
                          "bundle directory (for example --out data/mine)")
    return path


def subdir(parent: Path, name: str) -> Path:
    """``parent/name``, created if missing: never a symbolic link to somewhere else."""
    path = parent / name
    if path.is_symlink():
        raise SafetyError(f"{path}: is a symbolic link; refusing to write through it")
    path.mkdir(parents=True, exist_ok=True)
    return path


def clear_name(path: Path) -> None:
    """Free ``path`` for a new file: a file or link there is removed (a link, never what
    it points to); a directory is left, and the create that follows fails on it."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
    except FileNotFoundError:
        pass


def open_new(path: Path, mode: str = "w", **kwargs):
    """Open a fresh file at ``path`` for writing: whatever held the name is removed first and
    the file is created with ``O_EXCL | O_NOFOLLOW``, so a link planted there (even at the
    last moment) is never followed."""
    clear_name(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o666)
    return os.fdopen(fd, mode, **kwargs)
