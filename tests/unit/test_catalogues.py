"""The English and Urdu catalogues say the same things: no text in one language only, none empty.

The server's texts (chalicelib/logic/messages.py) and the page's (web/js/i18n.js) are checked
whole, whatever keys they hold, so a text added in one language only fails here.
"""

from __future__ import annotations

import json
import shutil
import string
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.logic import messages

LANGUAGES = {"en", "ur"}
WEB_CATALOGUE = Path(__file__).resolve().parents[2] / "web" / "js" / "i18n.js"
# The administration pages' texts, loaded with those pages only (js/admin.js merges them into the page's).
# The satisfaction gap's texts live in its own script (js/gap.js), merged into the page's when it loads.
# So do the emerging topics' (js/topics.js) and the trends' (js/trends.js).
WEB_CATALOGUES = tuple(
    WEB_CATALOGUE.with_name(name)
    for name in ("i18n.js", "i18n-admin.js", "gap.js", "topics.js", "trends.js", "metoo.js", "i18n-suggest.js")
)

# Runs the page's catalogue script with a stand-in `window` and prints, as JSON, every global
# it set that holds both languages (a function, should one appear, stays visible as a text).
_READ_WEB_CATALOGUE = """
const fs = require("fs");
const vm = require("vm");
const sandbox = {};
sandbox.window = sandbox;
sandbox.self = sandbox;
for (const file of process.argv.slice(1)) vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox, { filename: file });
const found = {};
for (const [name, value] of Object.entries(sandbox)) {
  if (value !== sandbox && value && typeof value === "object" && "en" in value && "ur" in value) found[name] = value;
}
process.stdout.write(JSON.stringify(found, (key, value) => (typeof value === "function" ? "[function]" : value)));
"""


def _placeholders(text: str, language: str) -> set[str]:
    """The `{names}` a text fills in; an Urdu text may use a parameter's Urdu form, `{name_ur}`."""
    names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    return {n.removesuffix("_ur") for n in names} if language == "ur" else names


def _language_maps(value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every dict of texts keyed by at least one language code, found anywhere inside `value`."""
    if not isinstance(value, dict):
        return []
    if value and all(isinstance(v, str) for v in value.values()) and LANGUAGES & set(value):
        return [(path, value)]
    return [found for key, inner in value.items() for found in _language_maps(inner, f"{path}.{key}")]


def _server_catalogue_problems() -> tuple[int, list[str]]:
    maps = [
        found
        for name, value in vars(messages).items()
        if name.isupper() and isinstance(value, dict)
        for found in _language_maps(value, name)
    ]
    problems = []
    for path, texts in maps:
        if set(texts) != LANGUAGES:
            problems.append(f"{path}: languages {sorted(texts)}, expected {sorted(LANGUAGES)}")
            continue
        problems += [f"{path}.{lang}: empty" for lang in sorted(LANGUAGES) if not texts[lang].strip()]
        en, ur = _placeholders(texts["en"], "en"), _placeholders(texts["ur"], "ur")
        if en != ur:
            problems.append(f"{path}: placeholders differ, en {sorted(en)} / ur {sorted(ur)}")
    return len(maps), problems


def _web_catalogue() -> dict[str, Any]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail(
            "node is needed to read web/js/i18n.js and is not on PATH: install Debian's npm (it brings node; "
            "`make test` installs it when missing) or nodejs, then run the tests again"
        )
    done = subprocess.run(
        [node, "-e", _READ_WEB_CATALOGUE, *map(str, WEB_CATALOGUES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"node could not evaluate {WEB_CATALOGUES}:\n{done.stderr}"
    catalogues: dict[str, Any] = json.loads(done.stdout)
    return catalogues


def _differences(en: Any, ur: Any, path: str) -> list[str]:
    """Where two language trees disagree: a key in one only, a different kind of value, an empty text."""
    if isinstance(en, dict) and isinstance(ur, dict):
        problems = [f"{path}.{k}: only in en" for k in sorted(set(en) - set(ur))]
        problems += [f"{path}.{k}: only in ur" for k in sorted(set(ur) - set(en))]
        return problems + [p for k in sorted(set(en) & set(ur)) for p in _differences(en[k], ur[k], f"{path}.{k}")]
    if isinstance(en, list) and isinstance(ur, list):
        if len(en) != len(ur):
            return [f"{path}: {len(en)} entries in en, {len(ur)} in ur"]
        return [p for i, (a, b) in enumerate(zip(en, ur, strict=True)) for p in _differences(a, b, f"{path}[{i}]")]
    if isinstance(en, str) and isinstance(ur, str):
        return [f"{path}.{lang}: empty" for lang, text in (("en", en), ("ur", ur)) if not text.strip()]
    return [f"{path}: en is {type(en).__name__}, ur is {type(ur).__name__}"]


def test_every_server_text_is_in_english_and_urdu_with_the_same_placeholders() -> None:
    # Given the notification, error and reason texts the service sends
    # When each language → text entry is compared
    checked, problems = _server_catalogue_problems()

    # Then every entry has both languages, neither empty, filling in the same parameters
    assert checked > 0, "no language → text entries found in chalicelib/logic/messages.py"
    assert problems == []


def test_the_pages_english_and_urdu_catalogues_have_the_same_keys_and_no_empty_text() -> None:
    # Given the page's catalogue script, evaluated as the browser would
    catalogues = _web_catalogue()

    # When its English and Urdu trees are compared
    assert catalogues, f"{WEB_CATALOGUE} sets no window object with both `en` and `ur`"
    problems = [p for name, texts in catalogues.items() for p in _differences(texts["en"], texts["ur"], name)]

    # Then every key, however deep, is in both, and no text is empty
    assert problems == []


def test_the_administration_texts_take_no_key_of_the_pages_own() -> None:
    # Given the administration pages' texts, merged into the page's when those pages load
    catalogues = _web_catalogue()
    page, admin = catalogues["AWAAZ_TEXT"], catalogues["AWAAZ_ADMIN_TEXT"]

    # Then none of them replaces a text another page shows
    assert sorted(set(admin["en"]) & set(page["en"])) == []
