"""A small static server for the built site on localhost (make serve, tests, bench).

Any static web server works in production; this one sets the types Pyodide needs
(application/wasm, text/javascript for .mjs) and serves a precompressed `.gz` copy
beside a file when the browser accepts gzip.
"""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".zip": "application/zip", ".whl": "application/zip",
         ".bin": "application/octet-stream"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def log_message(self, format, *args):  # quiet: tests and bench read their own output
        if os.environ.get("SITE_SERVER_LOG"):
            super().log_message(format, *args)

    def send_head(self):
        path = self.translate_path(self.path)
        gz = path + ".gz"
        if ("gzip" in self.headers.get("Accept-Encoding", "") and os.path.isfile(path)
                and os.path.isfile(gz)):
            try:
                handle = open(gz, "rb")
            except OSError:
                return super().send_head()
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return handle
        return super().send_head()

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 0):
    handler = functools.partial(SiteHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(directory: Path, host: str, port: int) -> None:
    server = make_server(directory, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_thread(directory: Path, host: str = "127.0.0.1"):
    """Start on a free port; returns (server, base_url). Call server.shutdown() to stop."""
    server = make_server(directory, host, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"
