"""The service worker's app shell holds every file the page loads, so the page opens offline.

A script missing from `SHELL` in web/sw.js loads from nowhere offline, and the page's router,
which names every page's function, then fails: the offline page would be blank.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


class _Loads(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.files.append(str(found["src"]))
        if (
            tag == "link"
            and found.get("rel") in ("stylesheet", "manifest", "icon", "apple-touch-icon")
            and found.get("href")
        ):
            self.files.append(str(found["href"]))


def page_loads() -> list[str]:
    parser = _Loads()
    parser.feed((WEB / "index.html").read_text())
    return parser.files


def shell() -> set[str]:
    listed = re.search(r"const SHELL = \[(.*?)\];", (WEB / "sw.js").read_text(), re.S)
    assert listed, "web/sw.js has no SHELL list"
    return set(re.findall(r'"([^"]+)"', listed.group(1)))


def test_every_file_the_page_loads_is_in_the_offline_shell() -> None:
    loads = page_loads()
    assert "js/core.js" in loads and "style.css" in loads  # the parser reads the page
    missing = [f for f in loads if f not in shell()]
    assert missing == [], f"add to SHELL in web/sw.js (and bump VERSION): {missing}"


def test_every_file_in_the_shell_exists() -> None:
    generated = {"./", "config.js"}  # the page itself, and the config the server writes
    assert [f for f in shell() - generated if not (WEB / f).is_file()] == []


def test_the_files_core_loads_on_demand_exist_and_are_not_on_the_first_pages_path() -> None:
    # Administration's script, texts and styles load when an admin page is first opened (core.js administration())
    core = (WEB / "js" / "core.js").read_text()
    listed = re.search(r"adminLoaded = adminLoaded \|\| Promise\.all\(\[(.*?)\]\s*\n", core, re.S)
    assert listed, "core.js no longer lists administration's files where this test looks"
    on_demand = re.findall(r'\["(?:script|link)", "([^"]+)"\]', listed.group(1))
    assert sorted(on_demand) == ["admin.css", "js/admin.js", "js/i18n-admin.js"]
    assert [f for f in on_demand if not (WEB / f).is_file()] == []
    # Neither the page nor the offline shell downloads them for everyone
    assert not set(on_demand) & (set(page_loads()) | shell())
