"""Serve web/ as static files, plus `/config.js` telling the page where the API is.

The same files are served two ways: by this server on WEB_PORT, and by the API's own
port (local/stack.py), so the page is at http://127.0.0.1:$PORT/. Both answer through
`static_answer`, the same way CloudFront answers in AWS (docs/deploy.md):

- text (html, js, css, json, svg, ...) is gzipped when the browser accepts it (`Vary: Accept-Encoding`);
- every answer has a strong ETag, and `If-None-Match` with it answers 304 with no body;
- `Cache-Control`: the page's code and `config.js` are `no-cache` (kept, but asked again every time: a
  304 costs a round trip, never a stale mix of old and new scripts); fonts, which change only with
  the pinned font package, are kept a week without asking;
- the security headers CloudFront's response headers policy adds in AWS (`security_headers`: the
  same Content-Security-Policy, with the local API's and storage's origins, and the same
  Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options and Referrer-Policy), with the
  page and the service worker's script; X-Content-Type-Options with every file (`EVERY_FILE`).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import shutil
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

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
# Worth compressing: text of any kind. Fonts (woff2) and images are compressed already.
COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "application/javascript", "image/svg+xml")
MIN_COMPRESS = 1024  # bytes: below this gzip's header and a second buffer cost more than they save
REVALIDATE = "no-cache"
FONT_CACHE = "public, max-age=604800"  # a week: the font is pinned (Makefile) and its name never means other glyphs


def config_script(config: dict[str, str]) -> bytes:
    return f"window.AWAAZ_CONFIG = {json.dumps(config)};\n".encode()


# The page's Content-Security-Policy, as CloudFront sends it (infra/functions.json WebSecurityHeaders):
# its own scripts only (no inline script, no eval: config.js is a file), inline styles allowed (the pages
# set `style=` attributes on drawn bars and charts), images from itself, `data:` (Leaflet's empty tile) and
# the storage's presigned URLs, requests to itself, the API and the storage (uploads POST there).
# `{api}`, `{files}` and `{tiles}` are the origins (space-separated, possibly empty) filled in here and there.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: {files} {tiles}; "
    "font-src 'self'; connect-src 'self' {api} {files}; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {  # the rest of CloudFront's response headers policy, word for word
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL (a tile URL's `{s}` subdomain becomes `*`), or "" for none."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def security_headers(config: Mapping[str, str], file_origins: Iterable[str] = ()) -> dict[str, str]:
    """The headers every page file is sent with: `config` is the page's (its API and tile server)."""
    files = " ".join(o for o in map(origin, file_origins) if o)
    policy = CSP.format(api=origin(config.get("apiBaseUrl", "")), files=files, tiles=origin(config.get("tileUrl", "")))
    return {"Content-Security-Policy": " ".join(policy.split()).replace(" ;", ";"), **SECURITY_HEADERS}


# Of those, what acts on a script, a stylesheet, a font or an image: the browser refuses a script or a
# stylesheet sent with the wrong type. The others act on the page (and the service worker's script, whose
# CSP governs its fetches). CloudFront sends all of them with every file, over HTTP/2 or 3, whose header
# compression sends a repeated header as a few bytes; HTTP/1.1, as served here, has none, and all of them
# on each of the ~20 files of a first paint would cost a slow phone ~80 ms (tests/e2e/test_web_speed.py).
EVERY_FILE = ("X-Content-Type-Options",)


def _security_for(path: str, content_type: str, security: Mapping[str, str]) -> dict[str, str]:
    if content_type.startswith("text/html") or path.split("?", 1)[0].endswith("/sw.js"):
        return dict(security)
    return {name: value for name, value in security.items() if name in EVERY_FILE}


_CSS_COMMENT = re.compile(rb"/\*.*?\*/\n?", re.S)


def lean(suffix: str, body: bytes) -> bytes:
    """A page file as phones get it: the comments in its code are for the people who read the source.

    Only whole comment lines of a script go (never a `//` inside a line: it may be in a string or a
    URL) and a stylesheet's `/* … */`: a fifth of what a phone downloads on its first visit. The same
    is done for AWS by `python -m local.web <dir>` (docs/deploy.md).
    """
    if suffix == ".js":
        return b"\n".join(line for line in body.split(b"\n") if not line.lstrip().startswith(b"//"))
    if suffix == ".css":
        return _CSS_COMMENT.sub(b"", body)
    return body


def lean_copy(web_dir: Path, out: Path) -> None:
    """The page's files as served, under `out` (for the bucket): scripts and styles lean, the rest as is."""
    if out.exists():
        shutil.rmtree(out)
    for source in web_dir.rglob("*"):
        if source.is_dir() or any(part.startswith(".") for part in source.relative_to(web_dir).parts):
            continue
        target = out / source.relative_to(web_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(lean(source.suffix, source.read_bytes()))


def static_file(web_dir: Path, path: str, config_js: bytes) -> tuple[str, bytes] | None:
    """(content type, body) of a page file for a GET path, or None (not a page file: the API's)."""
    path = unquote(path.split("?", 1)[0].split("#", 1)[0])
    if path.startswith(API_PREFIXES):
        return None
    if path == "/config.js":
        return _TYPES[".js"], config_js
    relative = "index.html" if path in ("", "/") else path.lstrip("/")
    target = (web_dir / relative).resolve()
    if web_dir.resolve() not in target.parents or not target.is_file() or target.suffix not in _TYPES:
        return None
    return _TYPES[target.suffix], lean(target.suffix, target.read_bytes())


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (`gzip`, `x-gzip` or `*`, not with q=0)."""
    allowed: dict[str, bool] = {}
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            allowed[name.strip().lower()] = quality > 0
    if "gzip" in allowed or "x-gzip" in allowed:
        return allowed.get("gzip", False) or allowed.get("x-gzip", False)
    return allowed.get("*", False)


def compressible(content_type: str) -> bool:
    return content_type.startswith(COMPRESSIBLE)


@functools.lru_cache(maxsize=256)
def _gzipped(body: bytes) -> bytes:
    # mtime=0: the same file always gives the same bytes (and so the same ETag, in every process).
    return gzip.compress(body, compresslevel=9, mtime=0)


@functools.lru_cache(maxsize=256)
def _tag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:20]


def _matches(if_none_match: str | None, tags: set[str]) -> bool:
    if not if_none_match:
        return False
    sent = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in sent or bool(sent & tags)


def static_answer(
    web_dir: Path,
    path: str,
    config_js: bytes,
    headers: Mapping[str, str],
    security: Mapping[str, str] | None = None,
) -> Answer | None:
    """The answer to a GET (or HEAD) of a page file, or None (not a page file: the API's).

    `headers` are the request's (any case). The body of a HEAD is the caller's to leave out.
    `security`: the security headers (`security_headers`): all of them with the page and the service
    worker's script, the one that acts on it with any other file (EVERY_FILE).
    """
    found = static_file(web_dir, path, config_js)
    if found is None:
        return None
    content_type, body = found
    lower = {k.lower(): v for k, v in headers.items()}
    tag = _tag(body)
    sent: dict[str, str] = {
        "Content-Type": content_type,
        "Cache-Control": FONT_CACHE if content_type.startswith("font/") else REVALIDATE,
        **_security_for(path, content_type, security or {}),
    }
    zipped = compressible(content_type) and len(body) >= MIN_COMPRESS
    if zipped:
        sent["Vary"] = "Accept-Encoding"
    use_gzip = zipped and accepts_gzip(lower.get("accept-encoding"))
    # Each encoding is its own representation with its own ETag; either names this content.
    etag = f'"{tag}-gz"' if use_gzip else f'"{tag}"'
    sent["ETag"] = etag
    if _matches(lower.get("if-none-match"), {f'"{tag}"', f'"{tag}-gz"'}):
        return Answer(304, sent)
    if use_gzip:
        body = _gzipped(body)
        sent["Content-Encoding"] = "gzip"
    sent["Content-Length"] = str(len(body))
    return Answer(200, sent, body)


def send_answer(handler: BaseHTTPRequestHandler, answer: Answer) -> None:
    """Write an Answer through a BaseHTTPRequestHandler (no body for HEAD or 304)."""
    handler.send_response(answer.status)
    for name, value in answer.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD" and answer.status != 304:
        handler.wfile.write(answer.body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a phone on a slow network opens fewer connections
    config_js = b""
    web_dir = Path(".")
    security: dict[str, str] = {}

    def do_GET(self) -> None:
        answer = static_answer(self.web_dir, self.path, self.config_js, dict(self.headers.items()), self.security)
        if answer is None:
            body = b"Not found\n"
            answer = Answer(404, {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}, body)
        send_answer(self, answer)

    do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the console is for events
        return


# Connections the kernel queues for a server that has not accepted them yet, here and on the
# API's port (local/gateway.py). http.server's (and chalice local's) default is socketserver's 5:
# with 16-20 clients connecting at once most SYNs were dropped (answered only after the 1 s,
# 3 s, 7 s retransmissions) and some connections reset. 128 is werkzeug's (the moto server's).
LISTEN_BACKLOG = 128


class _WebHTTPServer(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True


class WebServer:
    def __init__(
        self, directory: Path, host: str, port: int, config: dict[str, str], file_origins: Iterable[str] = ()
    ) -> None:
        script = config_script(config)
        security = security_headers(config, file_origins)
        handler = type(
            "AwaazWebHandler", (_Handler,), {"config_js": script, "web_dir": directory, "security": security}
        )
        self.server = _WebHTTPServer((host, port), handler)
        self._thread = threading.Thread(
            target=lambda: self.server.serve_forever(poll_interval=0.2), name="web", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


if __name__ == "__main__":  # python -m local.web <out>: the page's files as served, for the bucket
    lean_copy(Path(__file__).resolve().parents[1] / "web", Path(sys.argv[1]))
