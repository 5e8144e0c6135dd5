"""Serve web/ as static files, plus `/config.js` telling the page where the API is."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


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
        script = f"window.AWAAZ_CONFIG = {json.dumps(config)};\n".encode()
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
