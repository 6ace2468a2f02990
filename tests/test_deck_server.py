"""The deck server (``python -m lecture.deck.server``) serves the deck and nothing else: no
file reached through a link out of the folder, no page that names another host (DNS
rebinding), no traceback for a hostile path or Range, no idle connection kept forever; and a
mistake in starting it is one line and exit 2.

Requests go through ``http.client`` by hand, so that Host and Range are whatever a test says.
"""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest

from lecture.deck.server import DeckServer, RangeRequestHandler

ROOT = Path(__file__).resolve().parents[1]
VIDEO = bytes(range(256)) * 4


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """A deck folder: a page, a video, a link inside it, and links out of it."""
    tmp_path = tmp_path_factory.mktemp("served")
    (tmp_path / "secret.txt").write_text("outside the deck")
    root = tmp_path / "deck"
    (root / "slides").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>deck</title>")
    (root / "slides" / "001.mp4").write_bytes(VIDEO)
    (root / "slides" / "same.mp4").symlink_to("001.mp4")
    (root / "etc").symlink_to("/etc")
    (root / "slides" / "secret.mp4").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture(scope="module")
def server(deck):
    with DeckServer(deck) as running:
        yield running


def port(server: DeckServer) -> int:
    return server.server_address[1]


def get(server: DeckServer, path: str, headers: dict | None = None):
    """``GET path`` with ``Host: 127.0.0.1:PORT`` unless ``headers`` says otherwise (None
    leaves a header out): ``(status, body, response headers)``."""
    headers = {"Host": f"127.0.0.1:{port(server)}", **(headers or {})}
    connection = HTTPConnection("127.0.0.1", port(server), timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            if value is not None:
                connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


def start(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lecture.deck.server", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=10)


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("lecture.deck.server: error: "), lines
    return lines[0]


# ------------------------------------------------------------------- what is served


def test_the_deck_is_served(server):
    status, body, _ = get(server, "/")
    assert status == 200 and body.startswith(b"<!doctype html>")
    status, body, headers = get(server, "/slides/001.mp4")
    assert status == 200 and body == VIDEO and headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Type"] == "video/mp4"
    status, body, headers = get(server, "/slides/001.mp4", {"Range": "bytes=10-19"})
    assert status == 206 and body == bytes(range(10, 20))
    assert headers["Content-Range"] == "bytes 10-19/1024"
    assert get(server, "/slides/001.mp4", {"Range": "bytes=-4"})[1] == bytes(range(252, 256))
    assert get(server, "/slides/001.mp4", {"Range": "bytes=1020-"})[1] == bytes(range(252, 256))
    assert get(server, "/slides/same.mp4")[1] == VIDEO  # a link that stays inside the deck
    assert "/slides/001.mp4" in server.requests


def test_nothing_outside_the_deck_is_served_or_listed(server):
    for path in ("/etc/passwd", "/etc/", "/etc", "/slides/secret.mp4", "/../secret.txt",
                 "/%2e%2e/secret.txt", "/slides/", "/slides", "/index.html/"):
        status, body, _ = get(server, path)
        assert status == 404, path
        assert b"passwd" not in body and b"outside" not in body and b"001.mp4" not in body


def test_only_requests_that_name_this_server_are_answered(server):
    for host in (f"127.0.0.1:{port(server)}", f"localhost:{port(server)}", "127.0.0.1",
                 f"LocalHost:{port(server)}"):
        assert get(server, "/", {"Host": host})[0] == 200, host
    for host in ("evil.example", f"evil.example:{port(server)}", f"127.0.0.2:{port(server)}",
                 "", None):
        status, body, _ = get(server, "/", {"Host": host})
        assert status == 421 and len(body) < 1000 and b"deck" not in body, host


# ------------------------------------------------------------------- hostile requests


@pytest.mark.parametrize("path, range_, expected", [
    ("/index.html%00.txt", None, 404),
    ("/index.html%ED%A0%80", None, 404),  # a lone surrogate after unquoting
    ("/slides/001.mp4", "bytes=" + "9" * 5000 + "-", 416),
    ("/slides/001.mp4", "bytes=0-" + "9" * 5000, 416),
    ("/slides/001.mp4", "bytes=-" + "9" * 5000, 416),
    ("/slides/001.mp4", "bytes=1024-", 416),
    ("/slides/001.mp4", "bytes=-0", 416),
])
def test_hostile_requests_are_answered_without_a_traceback(server, capsys, path, range_,
                                                           expected):
    assert get(server, path, {"Range": range_})[0] == expected
    assert get(server, "/")[0] == 200  # still serving
    assert "Traceback" not in capsys.readouterr().err


def test_a_bad_request_line_is_answered_without_a_traceback(server, capsys):
    with socket.create_connection(("127.0.0.1", port(server)), timeout=5) as client:
        client.sendall(b"GET / HTTP/x.y\r\n\r\n")
        assert b"400" in client.makefile("rb").read()  # as HTTP/0.9: no status line
    assert "Traceback" not in capsys.readouterr().err


def test_a_client_that_hangs_up_midway_is_no_error(server, deck, capsys):
    (deck / "slides" / "big.mp4").write_bytes(bytes(32 << 20))
    try:
        client = socket.create_connection(("127.0.0.1", port(server)), timeout=5)
        client.sendall(f"GET /slides/big.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port(server)}"
                       "\r\n\r\n".encode())
        assert client.recv(100).startswith(b"HTTP/1.0 200")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset, as a browser that seeks elsewhere sends
        time.sleep(0.5)
    finally:
        (deck / "slides" / "big.mp4").unlink()
    assert "Traceback" not in capsys.readouterr().err


def test_an_idle_connection_is_dropped(server, monkeypatch):
    assert 0 < RangeRequestHandler.timeout <= 60
    monkeypatch.setattr(RangeRequestHandler, "timeout", 0.3)
    for request in (b"", b"GET / HTTP/1.1\r\n"):  # nothing, or a request never finished
        with socket.create_connection(("127.0.0.1", port(server)), timeout=5) as client:
            client.sendall(request)
            began = time.monotonic()
            assert client.recv(100) == b""
            assert time.monotonic() - began < 3


# ------------------------------------------------------------------- starting it


def test_a_port_in_use_is_one_line(server, deck):
    line = one_error_line(start(str(deck), "--port", str(port(server))))
    assert f"127.0.0.1:{port(server)}" in line


@pytest.mark.parametrize("value", ["99999", "65536", "-1", "eighty"])
def test_a_bad_port_is_one_line(deck, value):
    assert value in one_error_line(start(str(deck), "--port", value))


def test_no_deck_is_one_line(tmp_path):
    assert "no index.html" in one_error_line(start(str(tmp_path), "--port", "0"))


def test_a_folder_name_is_printed_on_one_line(tmp_path):
    folder = tmp_path / "two\nlines"
    folder.mkdir()
    assert "two\\nlines" in one_error_line(start(str(folder)))
