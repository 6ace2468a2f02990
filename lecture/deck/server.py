"""Serve a deck folder on localhost, with the byte ranges browsers ask for to seek a video.

``python -m lecture.deck.server out/deck [--port 8000]``, then open the address it prints.
Python's own ``http.server`` answers every request with the whole file, and a browser then
cannot seek within a slide's video (nor restart it when you step back onto it).
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["DeckServer", "serve"]


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` that honours a single ``Range: bytes=a-b``."""

    def log_message(self, format, *args):  # the base class's name
        self.server.requests.append(self.path)

    def send_head(self):
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:
            start, end = max(size - int(last or 0), 0), size - 1
        if start > end or start >= size:
            self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            return None
        f = open(path, "rb")  # the base class closes it after copyfile
        f.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return f

    def copyfile(self, source, outputfile):
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        while remaining > 0:
            chunk = source.read(min(remaining, 1 << 16))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)
        self._remaining = None

    def end_headers(self):
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()


class DeckServer(ThreadingHTTPServer):
    """A server for ``folder`` on 127.0.0.1, in a background thread (``with`` it)."""

    daemon_threads = True

    def __init__(self, folder: Path, port: int = 0):
        handler = functools.partial(RangeRequestHandler, directory=str(folder))
        super().__init__(("127.0.0.1", port), handler)
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def serve(folder: Path, port: int) -> None:
    with DeckServer(folder, port) as server:
        sys.stdout.write(f"serving {folder} at {server.url}index.html (Ctrl-C stops)\n")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lecture.deck.server",
                                     description="Serve a deck folder on localhost.")
    parser.add_argument("folder", type=Path, nargs="?", default=Path("out/deck"))
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if not (args.folder / "index.html").is_file():
        sys.stderr.write(f"lecture.deck.server: error: no deck at {args.folder} (no index.html); "
                         "build one with `lecture slides`\n")
        return 2
    serve(args.folder, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
