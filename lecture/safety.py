"""Where the commands may write, how they write there, and one run per output at a time.

- :func:`check_output_dir` refuses an output directory that is, or contains, the repository,
  the home directory or ``/``, or that lies inside the source packages.
- :func:`subdir` and :func:`bundle.files.open_new` never write through a symbolic link planted in an
  output directory: a planted link to a directory is refused, and a file is always created
  afresh (``O_EXCL | O_NOFOLLOW``) after whatever held its name is removed.
- :func:`output_lock` holds an OS-level lock (``flock``) on a file in the output directory
  for the whole run: a second run refuses at once, naming the holder, or waits if asked to;
  a crashed run's lock goes with its process.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bundle.files import clear_name, writing
from lecture.provenance import ROOT

__all__ = ["LOCK_NAME", "ROOT", "SafetyError", "check_output_dir", "output_lock", "subdir"]

# The source packages: nothing is ever written inside them.
SOURCE_DIRS = ("bundle", "lecture", "models", "scenes", ".git", ".venv")
LOCK_NAME = ".lecture.lock"


class SafetyError(Exception):
    """An output the commands refuse to write, or one in use by another run; one line."""


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


def _open_lock(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:  # a planted link: remove the link, make our own file
            clear_name(path)
            fd = os.open(path, flags, 0o644)
        else:
            raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SafetyError(f"{path}: is not a regular file; remove it")
    return fd


def _holder(fd: int) -> str:
    text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
    return text.splitlines()[0][:300] if text else "a process that has not said which"


def _lock_error(path: Path, problem: str) -> SafetyError:
    return SafetyError(f"{path}: {problem}")


def _say_holder(fd: int, path: Path, command: str) -> None:
    """Write who holds the lock, for a second run to name: the pid and the command line,
    with an undecodable byte of it escaped (``\\udcff``; only people read it). A full disk
    is one :class:`SafetyError`."""
    with writing(path, _lock_error):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}: {command}\n".encode("utf-8", "backslashreplace"), 0)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except FileNotFoundError:
        return False


@contextmanager
def output_lock(directory: Path, *, command: str, wait: bool = False,
                name: str = LOCK_NAME,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold ``directory/name`` locked while the block runs. Another holder makes this raise
    :class:`SafetyError` naming it (pid and command), or, with ``wait``, block until it lets
    go (Ctrl-C still interrupts). The lock is the kernel's: a killed holder releases it."""
    path = directory / name
    while True:
        try:
            fd = _open_lock(path)
        except OSError as e:
            raise SafetyError(f"{path}: cannot create the lock file ({e.strerror or e})"
                              ) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                if not wait:
                    raise SafetyError(f"{directory}: in use by another run ({holder}); wait "
                                      "for it to finish, or pass --wait") from None
                if on_wait:
                    on_wait(holder)
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder removed the file as it let go: lock the one there now
    try:
        _say_holder(fd, path, command)
        yield
    finally:
        try:
            if _same_file(fd, path):
                os.unlink(path)  # before letting go, so no one locks a file on its way out
        finally:
            os.close(fd)
