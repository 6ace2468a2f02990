"""No network: a build run under :func:`offline` fails on any network access, in this process
and in every Python process it starts (their ``sitecustomize`` blocks it too)."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

__all__ = ["NetworkBlocked", "block_network", "offline"]

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(__file__).parent / "offline"


class NetworkBlocked(OSError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkBlocked("network access is blocked in this test")


def block_network() -> dict:
    """Make every connection and name lookup but a Unix socket's fail; returns what it
    replaced."""
    saved = {name: getattr(socket, name) for name in ("getaddrinfo", "create_connection")}
    saved["connect"], saved["connect_ex"] = socket.socket.connect, socket.socket.connect_ex

    def guard(method):
        def guarded(self, address, *args):
            if self.family == getattr(socket, "AF_UNIX", None):
                return method(self, address, *args)
            _refuse()
        return guarded

    socket.getaddrinfo = socket.create_connection = _refuse
    socket.socket.connect = guard(saved["connect"])
    socket.socket.connect_ex = guard(saved["connect_ex"])
    return saved


@contextlib.contextmanager
def offline():
    saved = block_network()
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SITE), str(ROOT), path]))
    try:
        yield
    finally:
        socket.getaddrinfo, socket.create_connection = (saved["getaddrinfo"],
                                                        saved["create_connection"])
        socket.socket.connect, socket.socket.connect_ex = saved["connect"], saved["connect_ex"]
        if path is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = path
