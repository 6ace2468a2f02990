"""Files, read and written safely: the one home of these primitives for every package.

- :func:`read_regular_file` reads a regular file of bounded size: never a FIFO (which would
  block), a device (``/dev/zero`` never ends) or anything larger than asked.
- :func:`writing` turns a failed write of an output (a full disk, a read-only file system,
  no permission) into one error naming the output and the system's reason.
- :func:`open_new` creates a fresh file (``O_EXCL | O_NOFOLLOW``) after removing whatever
  held the name, so a link planted there is never followed.
- :func:`atomic_path` and :func:`atomic_write` write through a temporary name in the same
  folder and rename it over the target only when the write succeeded: a reader sees the old
  file or the new one, never half of one, and a failed write leaves no temporary behind;
  :func:`atomic_copy` copies that way, and :func:`replace_dir` swaps in a whole directory.

numpy-free, Manim-free, torch-free.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["WRITE_ERRNOS", "BundleError", "atomic_copy", "atomic_path", "atomic_write",
           "clear_name", "old_name", "open_new", "open_regular", "read_regular_file", "reading",
           "replace_dir", "shorten", "show_value", "writing"]

PARTIAL_SUFFIX = ".partial"  # a temporary file is ``.<name>.partial`` beside its target
# How a write fails that the user can mend, never a bug: a full disk or quota, a file too
# large for its file system, a read-only file system, no permission.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES,
                          errno.EPERM})


class BundleError(Exception):
    """A bundle that cannot be read or breaks the contract. ``str()`` is one line."""

    def __init__(self, path: os.PathLike | str, problem: str):
        self.path, self.problem = Path(path), problem
        super().__init__(f"{path}: {problem}")


def shorten(text: str, limit: int = 80) -> str:
    """``text``, cut to at most ``limit`` characters (ending ``...`` when cut)."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def show_value(value, limit: int = 80) -> str:
    """``repr(value)``, shortened: an untrusted value never floods a message."""
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit]  # never the repr of all of a huge string
    return shorten(repr(value), limit)


@contextmanager
def reading(path: Path):
    """Opening or reading one of the bundle's files: each way it fails, as one BundleError."""
    try:
        yield
    except FileNotFoundError:
        raise BundleError(path, "missing file") from None
    except UnicodeDecodeError:
        raise BundleError(path, "cannot read (not UTF-8 text)") from None
    except ValueError as e:  # a special file or one over its size limit
        raise BundleError(path, f"{e}; refusing to read it") from None
    except OSError as e:
        raise BundleError(path, f"cannot read ({e.strerror or e})") from None


@contextmanager
def writing(path: os.PathLike | str,
            error: Callable[[Path, str], Exception] = BundleError) -> Iterator[None]:
    """Writing the output ``path``: an OSError of :data:`WRITE_ERRNOS` (no space left on
    device, a read-only file system, permission denied; PyAV's errors are OSErrors too)
    becomes one ``error(path, "cannot write (<the system's reason>)")``; any other stays
    as it is. Whatever cleans up a failed write runs inside the block, before this."""
    try:
        yield
    except OSError as e:
        if e.errno not in WRITE_ERRNOS:
            raise
        raise error(Path(path), f"cannot write ({e.strerror or os.strerror(e.errno)})"
                    ) from None


_SPECIAL = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
            (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _SPECIAL if test(mode)), "not a plain file")
    return f"not a regular file ({kind})"


def open_regular(path: Path, limit: int | None):
    """Open ``path`` for reading only if it is a regular file (a link to one is fine) of at
    most ``limit`` bytes. A FIFO or a device is refused before it is opened, and the open
    itself cannot block (``O_NONBLOCK``), should the file be swapped for a FIFO meanwhile.
    Raises OSError, or ValueError with the problem."""
    problem = _not_regular(os.stat(path).st_mode)
    if problem:
        raise ValueError(problem)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        problem = _not_regular(st.st_mode)
        if problem:
            raise ValueError(problem)
        if limit is not None and st.st_size > limit:
            raise ValueError(f"{st.st_size:,} bytes, more than this reader's limit of "
                             f"{limit:,} bytes")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular_file(path: os.PathLike | str, limit: int) -> bytes:
    """The bytes of ``path``, if it is a regular file of at most ``limit`` bytes: never a
    FIFO (which would block), a device (``/dev/zero`` never ends) or anything larger. Raises
    OSError (``FileNotFoundError`` when missing), or ValueError naming the problem."""
    with open_regular(Path(path), limit) as f:
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew after the check
        raise ValueError(f"more than this reader's limit of {limit:,} bytes")
    return data


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


def partial_name(path: Path) -> Path:
    """The temporary name a write of ``path`` goes through."""
    return path.with_name(f".{path.name}{PARTIAL_SUFFIX}")


@contextmanager
def atomic_path(path: os.PathLike | str) -> Iterator[Path]:
    """A temporary path beside ``path`` for a library that writes a file by name (PyAV,
    wave): renamed over ``path`` when the block ends without error, removed if it fails."""
    path = Path(path)
    tmp = partial_name(path)
    clear_name(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        clear_name(tmp)
        raise


@contextmanager
def atomic_write(path: os.PathLike | str, mode: str = "w", **kwargs) -> Iterator:
    """``open``, for writing, of a fresh temporary file (:func:`open_new`) that replaces
    ``path`` in one rename when the block ends without error."""
    with atomic_path(path) as tmp, open_new(tmp, mode, **kwargs) as f:
        yield f


def atomic_copy(src: os.PathLike | str, dst: os.PathLike | str) -> None:
    """Copy ``src`` to ``dst`` through :func:`atomic_write` (a link planted at ``dst`` is
    replaced, never followed)."""
    with open(src, "rb") as s, atomic_write(dst, "wb") as d:
        shutil.copyfileobj(s, d)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux's renameat2 with RENAME_EXCHANGE).
    False where the system or the file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def old_name(new: Path) -> Path:
    """Where :func:`replace_dir` keeps the old directory for a moment, when it cannot
    exchange the two in one step: ``.x.partial`` -> ``.x.old.partial``."""
    return new.with_name(f"{new.name.removesuffix(PARTIAL_SUFFIX)}.old{PARTIAL_SUFFIX}")


def replace_dir(new: Path, target: Path, remove: Callable[[Path], None]) -> None:
    """Put the directory ``new`` in the place of ``target`` (a directory, or nothing): in one
    atomic exchange where the system can, else in two renames, the first undone should the
    second fail. The old directory is then handed to ``remove``."""
    if not os.path.lexists(target):
        os.rename(new, target)
        return
    if _exchange(new, target):  # ``new`` now holds the old directory
        remove(new)
        return
    old = old_name(new)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    remove(old)
