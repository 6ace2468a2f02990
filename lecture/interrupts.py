"""Stopping cleanly: SIGTERM handled as Ctrl-C, worker processes that die with their parent,
and child process groups stopped on the way out of an interrupted run."""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import NoReturn

__all__ = ["ChildGroups", "Stopped", "die_with_parent", "exit_now", "ignoring_ctrl_c",
           "interrupts_raise", "spawn_pool", "worker_init"]


@contextmanager
def interrupts_raise() -> Iterator[None]:
    """Inside, SIGINT and SIGTERM raise KeyboardInterrupt in the main thread, once: every
    cleanup on the way out runs alike for Ctrl-C and for ``kill``, and a second signal
    while it runs does not cut it short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum, frame):
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)
        raise KeyboardInterrupt

    old = {s: signal.signal(s, interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def spawn_pool(max_workers: int, **kwargs) -> ProcessPoolExecutor:
    """A pool of worker processes started by spawn, not fork (the parent may have imported
    torch, and forked torch state is unsafe), for every pool the commands use.

    multiprocessing's resource tracker, the process that cleans up after the pool's
    workers, starts with its clean-up warnings ignored: after an interrupt it found the
    killed workers' semaphores to remove and said so on stderr, after "lecture:
    interrupted" (seen once in a fresh-clone CI run); the clean-up is right and needs no
    word. The tracker takes its -W options from ``sys.warnoptions`` when it starts."""
    option = "ignore:resource_tracker:UserWarning"
    if option not in sys.warnoptions:
        sys.warnoptions.append(option)
    return ProcessPoolExecutor(max_workers=max_workers,
                               mp_context=multiprocessing.get_context("spawn"), **kwargs)


def exit_now(code: int) -> NoReturn:
    """End the process after its exit handlers (multiprocessing's among them), skipping the
    interpreter's teardown: with torch imported that alone took 1.2-1.4 s here, and an
    interrupted run should be gone within 2 s. Call it only once everything the run must
    undo is undone (workers killed, temporary files removed, locks released)."""
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


@contextmanager
def ignoring_ctrl_c() -> Iterator[None]:
    """Ctrl-C ignored for a moment: processes started inside inherit that, so a terminal's
    Ctrl-C, which reaches the whole process group, never gives them a traceback; the
    parent stops them itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this process die with ``parent``, even when the parent is killed outright:
    Linux's parent-death signal, and a thread watching the parent's pid for the rest."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (AttributeError, OSError):  # not Linux: the watchdog alone
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before we asked
        os._exit(1)
    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def worker_init(parent: int) -> None:
    """A worker process's first step: Ctrl-C is the parent's business, and the worker goes
    when the parent goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


class Stopped(Exception):
    """Raised instead of starting a process once the run is being stopped."""


class ChildGroups:
    """Child processes, each leading a process group of its own (so a terminal's Ctrl-C
    reaches only the parent), stopped together: every group is sent SIGTERM, and SIGKILL
    after ``grace`` seconds."""

    def __init__(self, grace: float = 2.0):
        self.grace = grace
        self.stopping = False
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    def popen(self, cmd: list[str], **kwargs) -> subprocess.Popen:
        with self._lock:
            if self.stopping:
                raise Stopped("stopped before it started")
            proc = subprocess.Popen(cmd, process_group=0, **kwargs)
            self._procs.add(proc)
        return proc

    def wait(self, proc: subprocess.Popen) -> int:
        try:
            return proc.wait()
        finally:
            with self._lock:
                self._procs.discard(proc)

    def stop(self) -> None:
        with self._lock:
            self.stopping = True
            procs = list(self._procs)
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
            time.sleep(0.05)
        for proc in procs:
            _signal_group(proc, signal.SIGKILL)  # stragglers, and their own children


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
