"""Serve a deck folder on localhost, with the byte ranges browsers ask for to seek a video.

``python -m lecture.deck.server out/deck [--port 8000]``, then open the address it prints.
Python's own ``http.server`` answers every request with the whole file, and a browser then
cannot seek within a slide's video (nor restart it when you step back onto it).

It serves the deck and nothing a web page could reach through it:

- only regular files whose real path lies inside the deck folder's real path; a path ending
  in ``/`` names that folder's ``index.html``, and there are no directory listings. A link
  that leads out of the folder, a folder, a special file, or a path no file can have (a NUL
  byte) is 404;
- only requests that name it (``Host: 127.0.0.1`` or ``localhost``, with or without its
  port), so a page whose domain name is rebound to 127.0.0.1 gets 421;
- a ``Range`` position of more than ``MAX_DIGITS`` digits (past any file) is 416;
- a connection idle for ``RangeRequestHandler.timeout`` seconds is dropped, and a client that
  hangs up midway (a browser seeking a video does) is no error.

A mistake in starting it (a bad ``--port``, a port in use, no deck) is one line and exit 2.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["DeckServer", "serve"]

MAX_DIGITS = 20  # a byte position no file reaches, and cheap to parse
PROG = "lecture.deck.server"


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """Serves the deck's files to this host only, honouring a single ``Range: bytes=a-b``."""

    timeout = 10  # seconds a client may send or read nothing before it is dropped

    def log_message(self, format, *args):  # the base class's name
        """Quiet: what was asked is kept in ``server.requests``, and errors are answered."""

    def log_request(self, code="-", size="-"):
        """Keep the path of each request answered in ``server.requests``."""
        if self.command:  # a request line was read (``path`` is this request's)
            self.server.requests.append(self.path)

    def parse_request(self):
        """The base class's, and then the request must name this server: DNS rebinding."""
        if not super().parse_request():
            return False
        if self.headers.get("Host", "").lower() in self.server.hosts:
            return True
        self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Not this server's host")
        return False

    def deck_file(self) -> str | None:
        """The real path of the regular file in the deck that the request names, or None."""
        path = self.translate_path(self.path)  # it keeps a trailing "/"
        root = os.path.realpath(self.directory)
        try:
            path = os.path.realpath(path + "index.html" if path.endswith("/") else path)
        except ValueError:  # a NUL byte, or a lone surrogate from %-escapes
            return None
        inside = os.path.commonpath([root, path]) == root
        return path if inside and os.path.isfile(path) else None

    def byte_range(self, size: int) -> range | None:
        """The bytes of a file of ``size`` that ``Range`` asks for (empty: none can be sent),
        or None for the whole file: no Range, or one not parsed here (several ranges)."""
        match = re.fullmatch(r"bytes=([0-9]*)-([0-9]*)", self.headers.get("Range", "").strip())
        if not match:
            return None
        first, last = match.groups()
        if max(len(first), len(last)) > MAX_DIGITS:
            return range(0)
        if first:
            return range(int(first), min(int(last) + 1 if last else size, size))
        return range(max(size - int(last or 0), 0), size)

    def send_head(self):
        """Send the status and headers; return the open file to copy after them, or None."""
        path = self.deck_file()
        try:
            f = open(path, "rb") if path else None  # the base class closes it
        except OSError:
            f = None
        if f is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            return self.send_file_head(f, path)
        except BaseException:
            f.close()
            raise

    def send_file_head(self, f, path: str):
        """``send_head`` for the open file ``f``: 200, 206 for a range, or 416 (and None)."""
        stat = os.fstat(f.fileno())
        span = self.byte_range(stat.st_size)
        if span is not None and not span:
            f.close()
            self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            return None
        self.send_response(HTTPStatus.OK if span is None else HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.send_header("Accept-Ranges", "bytes")
        if span is not None:
            self.send_header("Content-Range", f"bytes {span.start}-{span.stop - 1}/{stat.st_size}")
            f.seek(span.start)
        self.length = stat.st_size if span is None else len(span)
        self.send_header("Content-Length", str(self.length))
        self.end_headers()
        return f

    def copyfile(self, source, outputfile):
        """Copy the ``Content-Length`` bytes that ``send_head`` announced."""
        remaining = self.length
        while remaining > 0:
            chunk = source.read(min(remaining, 1 << 16))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)


def local_hosts(port: int) -> set[str]:
    """The ``Host`` headers that name a server on 127.0.0.1:``port``."""
    return {f"{name}{at}" for name in ("127.0.0.1", "localhost") for at in ("", f":{port}")}


class DeckServer(ThreadingHTTPServer):
    """A server for ``folder`` on 127.0.0.1, in a background thread (``with`` it)."""

    daemon_threads = True

    def __init__(self, folder: Path, port: int = 0):
        handler = functools.partial(RangeRequestHandler, directory=str(folder))
        super().__init__(("127.0.0.1", port), handler)
        self.requests: list[str] = []
        self.hosts = local_hosts(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def handle_error(self, request, client_address):
        """A client that hangs up midway is no error; anything else is the base class's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def serve(server: DeckServer, folder: Path) -> None:
    """Run ``server`` (for ``folder``) until Ctrl-C."""
    with server:
        sys.stdout.write(f"serving {folder} at {server.url}index.html (Ctrl-C stops)\n")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


def fail(message: str) -> int:
    """Print ``message`` as one line (control characters escaped) on stderr; return 2."""
    message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return 2


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose mistakes are one line, without the usage."""

    def error(self, message):
        sys.exit(fail(message))


def tcp_port(text: str) -> int:
    """``--port``: 1 to 65535, or 0 for any free one (printed when it starts)."""
    if not (re.fullmatch(r"[0-9]{1,5}", text) and int(text) <= 65535):
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0 to 65535)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog=f"python -m {PROG}", description="Serve a deck folder on localhost.")
    parser.add_argument("folder", type=Path, nargs="?", default=Path("out/deck"))
    parser.add_argument("--port", type=tcp_port, default=8000,
                        help="port on 127.0.0.1 (default 8000; 0: any free one)")
    args = parser.parse_args(argv)
    if not (args.folder / "index.html").is_file():
        return fail(f"no deck at {args.folder} (no index.html); build one with `lecture slides`")
    try:
        server = DeckServer(args.folder, args.port)
    except OSError as e:  # the port is in use, or needs privileges
        return fail(f"cannot serve on 127.0.0.1:{args.port}: {e.strerror or e}")
    serve(server, args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
