"""Serve web/ as static files, plus `/config.js` telling the page where the API is.

The same files are served two ways: by this server on WEB_PORT, and by the API's own
port (`static_file`, used by local/stack.py), so the page is at http://127.0.0.1:$PORT/.
"""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
}
API_PREFIXES = ("/v1/", "/open311/")


def config_script(config: dict[str, str]) -> bytes:
    return f"window.AWAAZ_CONFIG = {json.dumps(config)};\n".encode()


def static_file(web_dir: Path, path: str, config_js: bytes) -> tuple[str, bytes] | None:
    """(content type, body) of a page file for a GET path, or None (not a page file: the API's)."""
    path = path.split("?", 1)[0]
    if path.startswith(API_PREFIXES):
        return None
    if path == "/config.js":
        return _TYPES[".js"], config_js
    relative = "index.html" if path in ("", "/") else path.lstrip("/")
    target = (web_dir / relative).resolve()
    if web_dir.resolve() not in target.parents or not target.is_file() or target.suffix not in _TYPES:
        return None
    return _TYPES[target.suffix], target.read_bytes()


class _Handler(SimpleHTTPRequestHandler):
    config_js = b""

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/config.js":
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(self.config_js)))
            self.end_headers()
            self.wfile.write(self.config_js)
            return
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the console is for events
        return


class WebServer:
    def __init__(self, directory: Path, host: str, port: int, config: dict[str, str]) -> None:
        script = config_script(config)
        handler = type("AwaazWebHandler", (_Handler,), {"config_js": script})
        self.server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(directory)))
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=lambda: self.server.serve_forever(poll_interval=0.2), name="web", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
