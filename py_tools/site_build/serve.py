"""A small static server for the built site on localhost (make serve, tests, bench).

Any static web server works in production; this one sets the types Pyodide needs
(application/wasm, text/javascript for .mjs) and serves a precompressed `.gz`
(or Brotli `.br`) copy beside a file when the browser accepts it. Every file has an ETag and
Last-Modified (of the copy sent) and gets 304 when the browser's copy is current; files under
versioned or content-hashed folders are sent as cacheable for a year, immutable.
"""
from __future__ import annotations

import email.utils
import functools
import http.server
import os
import re
import threading
import urllib.parse
from pathlib import Path

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".zip": "application/zip", ".whl": "application/zip",
         ".bin": "application/octet-stream"}


# Files in these folders are named by a version or a content hash (py_tools/site_build/site_runtime.py):
# a changed file gets a new path, so browsers may keep them without asking again.
IMMUTABLE = re.compile(r"^/assets/(pyodide|engine|rules)/[^/]+/")
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    sent: list | None = None  # (path, status, body bytes) per response, when a list is given

    def log_message(self, format, *args):  # quiet: tests and bench read their own output
        if os.environ.get("SITE_SERVER_LOG"):
            super().log_message(format, *args)

    def _cache_control(self) -> str:
        path = urllib.parse.urlsplit(self.path).path
        return "public, max-age=31536000, immutable" if IMMUTABLE.match(path) else "no-cache"

    def send_head(self):
        """The file, or its precompressed copy, with validators; 304 when the browser's
        copy (If-None-Match, else If-Modified-Since) is still current."""
        path = self.translate_path(self.path)
        if os.path.isdir(path) and urllib.parse.urlsplit(self.path).path.endswith("/"):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return super().send_head()  # folders, redirects and 404 as the standard server
        accepted = self.headers.get("Accept-Encoding", "")
        encoding, chosen = None, path
        for name, suffix in ENCODINGS:
            if re.search(rf"\b{name}\b", accepted) and os.path.isfile(path + suffix):
                encoding, chosen = name, path + suffix
                break
        try:
            handle = open(chosen, "rb")
        except OSError:
            self.send_error(404, "File not found")
            return None
        stat = os.fstat(handle.fileno())
        etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}{"-" + encoding if encoding else ""}"'
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        if self._not_modified(etag, stat.st_mtime):
            handle.close()
            self.send_response(304)
            self._validators(etag, modified, encoding is not None or self._has_copies(path))
            self.end_headers()
            self._record(304, 0)
            return None
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(stat.st_size))
        self._validators(etag, modified, encoding is not None or self._has_copies(path))
        self.end_headers()
        self._record(200, stat.st_size if self.command != "HEAD" else 0)
        return handle

    @staticmethod
    def _has_copies(path: str) -> bool:
        return any(os.path.isfile(path + suffix) for _, suffix in ENCODINGS)

    def _validators(self, etag: str, modified: str, varies: bool) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        if varies:
            self.send_header("Vary", "Accept-Encoding")

    def _not_modified(self, etag: str, mtime: float) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = [t.strip().removeprefix("W/") for t in match.split(",")]
            return "*" in tags or etag in tags
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError, IndexError):
                return False
            return when is not None and int(mtime) <= when.timestamp()
        return False

    def _record(self, status: int, size: int) -> None:
        if self.sent is not None:
            self.sent.append((urllib.parse.urlsplit(self.path).path, status, size))

    def end_headers(self):
        self.send_header("Cache-Control", self._cache_control())
        super().end_headers()


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 0, sent: list | None = None):
    """sent: a list to record (path, status, body bytes) of every file response in."""
    handler = functools.partial(type("Handler", (SiteHandler,), {"sent": sent}), directory=str(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(directory: Path, host: str, port: int) -> None:
    server = make_server(directory, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_thread(directory: Path, host: str = "127.0.0.1", sent: list | None = None):
    """Start on a free port; returns (server, base_url). Call server.shutdown() to stop."""
    server = make_server(directory, host, 0, sent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"
