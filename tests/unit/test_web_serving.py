"""The page's files and the API's answers, as a phone on a slow network receives them locally.

Page files (local/web.py's `static_answer`, on WEB_PORT and on the API's port alike): text
gzipped when the browser accepts it, a strong ETag and 304 for `If-None-Match`, `no-cache`
for the code and config.js, a week for fonts. API answers (local/gateway.py): gzipped from
`minimum_compression_size` bytes (.chalice/config.json, API Gateway's MinimumCompressionSize).
"""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.config import Config
from chalice.local import LocalDevServer

from local import gateway
from local.stack import _tame_request_logging
from local.web import WebServer, accepts_gzip, config_script, security_headers, static_answer

REPO = Path(__file__).resolve().parents[2]
PAGE_CONFIG = {"apiBaseUrl": "http://127.0.0.1:1", "stage": "local"}
CONFIG_JS = config_script(PAGE_CONFIG)
STORAGE = "http://127.0.0.1:2"  # where presigned URLs point locally (moto)
SECURITY = security_headers(PAGE_CONFIG, [STORAGE])
GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    (tmp_path / "js").mkdir()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Awaaz</title>" + "<p>آواز</p>\n" * 200)
    (tmp_path / "js" / "core.js").write_text("const answer = 42;\n" * 200)
    (tmp_path / "js" / "tiny.js").write_text("1;\n")
    (tmp_path / "style.css").write_text("body { margin: 0; }\n" * 100)
    (tmp_path / "fonts" / "urdu.woff2").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "secret.txt").write_text("not a page file")
    return tmp_path


def answer(web_dir: Path, path: str, headers: dict[str, str] | None = None) -> Any:
    found = static_answer(web_dir, path, CONFIG_JS, headers or {})
    assert found is not None, path
    return found


def test_text_is_gzipped_when_the_browser_accepts_it_and_says_so(web_dir: Path) -> None:
    for path, original in (("/js/core.js", "js/core.js"), ("/", "index.html"), ("/style.css", "style.css")):
        zipped = answer(web_dir, path, GZIP)
        assert zipped.status == 200 and zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.body) == (web_dir / original).read_bytes()
        assert int(zipped.headers["Content-Length"]) == len(zipped.body) < len((web_dir / original).read_bytes())
        assert zipped.headers["Vary"] == "Accept-Encoding"
        plain = answer(web_dir, path)
        assert "Content-Encoding" not in plain.headers and plain.body == (web_dir / original).read_bytes()
        assert plain.headers["Vary"] == "Accept-Encoding"


def test_no_gzip_when_refused_for_small_files_or_fonts(web_dir: Path) -> None:
    assert "Content-Encoding" not in answer(web_dir, "/js/core.js", {"accept-encoding": "gzip;q=0, br"}).headers
    assert "Content-Encoding" not in answer(web_dir, "/js/core.js", {"Accept-Encoding": "identity"}).headers
    assert answer(web_dir, "/js/core.js", {"Accept-Encoding": "*"}).headers["Content-Encoding"] == "gzip"
    tiny = answer(web_dir, "/js/tiny.js", GZIP)
    assert "Content-Encoding" not in tiny.headers and tiny.body == b"1;\n"
    font = answer(web_dir, "/fonts/urdu.woff2", GZIP)
    assert "Content-Encoding" not in font.headers and font.body == (web_dir / "fonts" / "urdu.woff2").read_bytes()
    assert font.headers["Content-Type"] == "font/woff2"


@pytest.mark.parametrize(
    ("accept_encoding", "allowed"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("x-gzip", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*;q=0.1", True),
        ("gzip;q=0", False),
        ("*, gzip;q=0", False),
        ("br", False),
        ("", False),
        (None, False),
        ("gzip;q=nonsense", False),
    ],
)
def test_what_accept_encoding_allows(accept_encoding: str | None, allowed: bool) -> None:
    assert accepts_gzip(accept_encoding) is allowed


def test_cache_control_the_code_is_asked_again_fonts_are_kept(web_dir: Path) -> None:
    for path in ("/", "/index.html", "/config.js", "/js/core.js", "/style.css"):
        assert answer(web_dir, path).headers["Cache-Control"] == "no-cache", path
    assert answer(web_dir, "/fonts/urdu.woff2").headers["Cache-Control"] == "public, max-age=604800"
    assert answer(web_dir, "/config.js").body == CONFIG_JS


def test_an_etag_names_the_content_and_if_none_match_answers_304_without_a_body(web_dir: Path) -> None:
    plain, zipped = answer(web_dir, "/js/core.js"), answer(web_dir, "/js/core.js", GZIP)
    assert plain.headers["ETag"].startswith('"') and plain.headers["ETag"] != zipped.headers["ETag"]
    assert answer(web_dir, "/js/core.js").headers["ETag"] == plain.headers["ETag"]  # stable
    # Either representation's tag names this content: a browser that kept either is told it is current.
    for tag in (
        plain.headers["ETag"],
        zipped.headers["ETag"],
        f"W/{zipped.headers['ETag']}",
        f'"x", {plain.headers["ETag"]}',
    ):
        again = answer(web_dir, "/js/core.js", {**GZIP, "If-None-Match": tag})
        assert again.status == 304 and again.body == b"" and again.headers["ETag"] == zipped.headers["ETag"], tag
        assert "Content-Length" not in again.headers
    # Changed content: a new tag, the old one answers 200 with the new body.
    (web_dir / "js" / "core.js").write_text("const answer = 43;\n" * 200)
    changed = answer(web_dir, "/js/core.js", {"If-None-Match": plain.headers["ETag"]})
    assert changed.status == 200 and changed.headers["ETag"] != plain.headers["ETag"]
    assert changed.body == (web_dir / "js" / "core.js").read_bytes()
    assert answer(web_dir, "/config.js", {"If-None-Match": answer(web_dir, "/config.js").headers["ETag"]}).status == 304


def test_only_page_files_are_served(web_dir: Path) -> None:
    for path in (
        "/v1/me",
        "/open311/v2/services.json",
        "/secret.txt",
        "/../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/nope.js",
    ):
        assert static_answer(web_dir, path, CONFIG_JS, {}) is None, path
    assert answer(web_dir, "/js/core.js?v=1#x").status == 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(port: int, path: str, headers: dict[str, str], method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def big_app() -> Chalice:
    app = Chalice(app_name="compression")

    @app.route("/v1/big")
    def big() -> dict[str, Any]:
        return {"items": [{"id": n, "name": f"Office {n}", "name_ur": f"دفتر {n}"} for n in range(400)]}

    @app.route("/v1/small")
    def small() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture
def servers(web_dir: Path) -> Iterator[tuple[int, int]]:
    """WEB_PORT's server and the API's port (chalice local, as local/stack.py wraps it): (web port, api port)."""
    gateway.install()
    web = WebServer(web_dir, "127.0.0.1", free_port(), PAGE_CONFIG, [STORAGE])
    api = LocalDevServer(big_app(), Config.create(), "127.0.0.1", free_port())
    _tame_request_logging(api, web_dir, CONFIG_JS, SECURITY)
    web.start()
    thread = threading.Thread(target=lambda: api.server.serve_forever(poll_interval=0.1), daemon=True)
    thread.start()
    try:
        yield web.server.server_address[1], api.server.server_address[1]
    finally:
        web.stop()
        api.server.shutdown()
        api.server.server_close()
        thread.join(5)


def test_both_local_servers_answer_page_files_the_same(servers: tuple[int, int], web_dir: Path) -> None:
    web_port, api_port = servers
    for path in ("/", "/js/core.js", "/style.css", "/config.js", "/fonts/urdu.woff2", "/js/tiny.js"):
        for headers in ({}, GZIP):
            on_web, on_api = fetch(web_port, path, headers), fetch(api_port, path, headers)
            assert on_web[0] == on_api[0] == 200
            assert on_web[2] == on_api[2], path
            wanted = ["content-type", "content-encoding", "content-length", "etag", "cache-control", "vary"]
            wanted += [name.lower() for name in SECURITY]
            assert {k: on_web[1].get(k) for k in wanted} == {k: on_api[1].get(k) for k in wanted}, path
            revalidated = [fetch(port, path, {**headers, "If-None-Match": on_web[1]["etag"]}) for port in servers]
            assert [r[0] for r in revalidated] == [304, 304] and [r[2] for r in revalidated] == [b"", b""]
            heads = [fetch(port, path, headers, "HEAD") for port in servers]
            assert [h[0] for h in heads] == [200, 200] and [h[2] for h in heads] == [b"", b""]
            assert heads[0][1]["content-length"] == heads[1][1]["content-length"] == on_web[1]["content-length"]
    assert fetch(web_port, "/secret.txt", {})[0] == 404


def test_the_api_gzips_answers_from_the_minimum_compression_size(servers: tuple[int, int]) -> None:
    _, api_port = servers
    threshold = json.loads((REPO / ".chalice" / "config.json").read_text())["minimum_compression_size"]
    assert gateway.minimum_compression_size() == threshold == 1024
    status, headers, body = fetch(api_port, "/v1/big", GZIP)
    assert status == 200 and headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
    assert int(headers["content-length"]) == len(body)
    data = json.loads(gzip.decompress(body))
    assert len(data["items"]) == 400 and data["items"][3]["name_ur"] == "دفتر 3"
    assert len(body) * 4 < len(gzip.decompress(body)) > threshold
    # Without gzip in Accept-Encoding, or with it refused: plain JSON.
    for headers_sent in ({}, {"Accept-Encoding": "gzip;q=0"}, {"Accept-Encoding": "br"}):
        status, headers, body = fetch(api_port, "/v1/big", headers_sent)
        assert status == 200 and "content-encoding" not in headers and json.loads(body) == data
    # A small answer is sent as it is, as API Gateway does below its minimum.
    status, headers, body = fetch(api_port, "/v1/small", GZIP)
    assert status == 200 and "content-encoding" not in headers and json.loads(body) == {"status": "ok"}
    # The gateway's own answers (an unknown path) follow the same rule: small, not compressed.
    status, headers, body = fetch(api_port, "/v1/nowhere", GZIP)
    assert status == 404 and "content-encoding" not in headers and json.loads(body)["error"]["code"] == "not_found"


def test_compressed_keeps_an_encoding_already_there_and_adds_to_vary() -> None:
    body = b"x" * 5000
    headers: dict[str, Any] = {"Content-Encoding": "br"}
    assert gateway.compressed(body, "gzip", headers) == body and headers == {"Content-Encoding": "br"}
    headers = {"vary": "Origin"}
    zipped = gateway.compressed(body, "gzip", headers)
    assert gzip.decompress(zipped) == body and headers == {
        "vary": "Origin, Accept-Encoding",
        "Content-Encoding": "gzip",
    }


def _urdu_font_ranges() -> set[int]:
    """The characters the Makefile cuts the Urdu font down to (URDU_TEXT)."""
    line = next(x for x in (REPO / "Makefile").read_text().splitlines() if x.startswith("URDU_TEXT :="))
    kept: set[int] = set()
    for part in line.split(":=", 1)[1].strip().split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        kept.update(range(int(first, 16), int(last or first, 16) + 1))
    return kept


def _urdu_texts(node: Any, urdu: bool = False) -> Iterator[str]:
    """Every Urdu text in a catalogue: under a key `ur` or a key ending in `_ur`."""
    if isinstance(node, str) and urdu:
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _urdu_texts(value, urdu or key == "ur" or str(key).endswith("_ur"))
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _urdu_texts(value, urdu)


def test_the_cut_down_urdu_font_has_every_letter_the_project_writes_in_urdu() -> None:
    from chalicelib.logic import messages
    from tests.unit.test_catalogues import _web_catalogue

    texts = list(_urdu_texts(_web_catalogue()))
    texts += list(_urdu_texts({name: getattr(messages, name) for name in dir(messages) if name.isupper()}))
    texts += list(_urdu_texts(json.loads((REPO / "infra" / "seed" / "directory.json").read_text())))
    assert len(texts) > 500
    arabic_script = [c for text in texts for c in text if 0x0600 <= ord(c) <= 0x08FF or 0xFB50 <= ord(c) <= 0xFEFF]
    kept = _urdu_font_ranges()
    missing = sorted({f"U+{ord(c):04X} {c}" for c in arabic_script if ord(c) not in kept})
    assert not missing, f"add these to URDU_TEXT in the Makefile (then `make fonts`): {missing}"
    font = REPO / "web" / "fonts" / "noto-nastaliq-urdu-arabic-400-normal.woff2"
    if font.exists():  # `make fonts` has run: the font itself draws them
        from fontTools.ttLib import TTFont

        drawn = set(TTFont(str(font)).getBestCmap())
        assert {ord(c) for c in arabic_script} <= drawn


def test_scripts_and_styles_are_served_without_their_comments_and_still_parse(tmp_path: Path) -> None:
    from local.web import lean, lean_copy

    script = b'// what this does\nconst url = "https://example.pk"; // kept: inside a line\n  // indented\nrun(url);\n'
    assert lean(".js", script) == b'const url = "https://example.pk"; // kept: inside a line\nrun(url);\n'
    assert lean(".css", b"/* why */\na { color: red; }\n") == b"a { color: red; }\n"
    assert lean(".html", b"<!-- kept -->") == b"<!-- kept -->"
    # Every script of the page, lean, is still JavaScript (node parses it) and smaller
    web = Path(__file__).resolve().parents[2] / "web"
    lean_copy(web, tmp_path / "web")
    for source in sorted((web / "js").glob("*.js")):
        served = tmp_path / "web" / "js" / source.name
        assert served.stat().st_size <= source.stat().st_size
        checked = subprocess.run(["node", "--check", str(served)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, (source.name, checked.stderr)


def test_both_local_servers_send_the_security_headers_cloudfront_sends(servers: tuple[int, int], web_dir: Path) -> None:
    """The CSP, HSTS, nosniff, frame denial and referrer policy (tests/unit/test_edge.py: as CloudFront's).

    All of them with the page and the service worker's script, where they act; nosniff with every file.
    """
    (web_dir / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    for port in servers:
        for path in ("/", "/index.html", "/sw.js"):
            status, headers, _ = fetch(port, path, {})
            assert status == 200
            assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
            assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
            policy = {d.split()[0]: d.split()[1:] for d in headers["content-security-policy"].split(";")}
            assert policy["script-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
            # The page calls the API on its own port and uploads to (and shows photos from) the storage
            assert policy["connect-src"] == ["'self'", "http://127.0.0.1:1", STORAGE]
            assert policy["img-src"] == ["'self'", "data:", STORAGE]
            # A revalidation (304) carries them too
            again = fetch(port, path, {"If-None-Match": headers["etag"]})
            assert again[0] == 304 and again[1]["content-security-policy"] == headers["content-security-policy"]
        for path in ("/js/core.js", "/config.js", "/style.css", "/fonts/urdu.woff2"):
            status, headers, _ = fetch(port, path, {})
            assert status == 200 and headers["x-content-type-options"] == "nosniff"
            assert not {"content-security-policy", "strict-transport-security", "x-frame-options"} & set(headers)


def test_a_tile_servers_origin_is_allowed_for_images_when_the_page_has_one() -> None:
    config = {**PAGE_CONFIG, "tileUrl": "https://{s}.tile.example.org/{z}/{x}/{y}.png"}
    policy = security_headers(config, [STORAGE])["Content-Security-Policy"]
    assert "img-src 'self' data: http://127.0.0.1:2 https://*.tile.example.org;" in policy
    assert "https://*.tile.example.org" not in policy.split("connect-src")[1]
