"""Browser tests of the filing form: every category of the seed can be filed, each asking its own questions;
the district is found from the citizen's location or a pin on the map (drawn from the shipped district
outlines, no tile server), and sent with the point. Screenshots at 360 px in English and Urdu.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Geolocation, Page, Route

from chalicelib.models.limits import DailyLimits
from tests.e2e import test_web
from tests.e2e.test_local_stack import REPO, Stack
from tests.e2e.test_web import PHONE, WAIT_MS, fits_the_phone, new_citizen, shot, sign_in, watch_the_policy

pytestmark = pytest.mark.e2e
SEED = json.loads((REPO / "infra" / "seed" / "directory.json").read_text())
COMPLAINT_CATEGORIES = [c for c in SEED["categories"] if c["kind"] == "complaint"]
DISTRICTS = [d["id"] for d in SEED["districts"]]
A_DAY = DailyLimits().complaint  # complaints a citizen may file in a day (the stack runs with the default)
MALL_ROAD: Geolocation = {"latitude": 31.5680, "longitude": 74.3120}
AMRITSAR: Geolocation = {"latitude": 31.6340, "longitude": 74.8720}  # 25 km past Wagah: every district is served


# The stack and the browser of the page's own browser tests (fixtures, one of each per module).
running = test_web.running
browser = test_web.browser


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A phone that shares its location (on Lahore's Mall Road) when the page asks."""
    context = browser.new_context(viewport=PHONE, geolocation=MALL_ROAD, permissions=["geolocation"])
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def page_of(context: BrowserContext, errors: list[str]) -> Page:
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    watch_the_policy(page, errors)
    return page


def form_drawn(page: Page, category_id: str) -> None:
    """The filing form, drawn with its problems listed; if not, what the page said instead (the gate shares 2 cores)."""
    try:
        page.wait_for_selector(f"#cat option[value='{category_id}']", state="attached", timeout=30_000)
    except Exception:
        said = page.evaluate(
            "[location.hash, document.getElementById('message').innerText, document.querySelector('main').innerText.slice(0, 300)]"
        )
        pytest.fail(f"the filing form was not drawn for {category_id}: {said}")


def token_of(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('awaaz.session')).id_token"))


def answer_every_question(page: Page, category: dict[str, Any]) -> dict[str, str]:
    """What a citizen answers to each question the page shows for the category, as the server should store it."""
    expected: dict[str, str] = {}
    for attribute in category.get("attributes", []):
        code, kind = attribute["code"], attribute["datatype"]
        field = f'#questions [name="attr.{code}"]'
        if kind in ("singlevaluelist", "multivaluelist"):
            keys = [v["key"] for v in attribute["values"]]
            chosen = keys[:1] if kind == "singlevaluelist" else keys[:2]
            for key in chosen:
                page.check(f'{field}[value="{key}"]')
            expected[code] = ",".join(chosen)
        elif kind == "number":
            page.fill(field, "۱۲")  # typed with Urdu digits: the page sends them as the server reads numbers
            expected[code] = "12"
        elif kind == "datetime":
            page.fill(field, "2026-11-30T07:30")
            expected[code] = "2026-11-30T07:30"
        else:
            page.fill(field, f"Answer to {code}")
            expected[code] = f"Answer to {code}"
    return expected


def test_one_complaint_is_filed_in_every_category_of_the_seed_answering_its_questions(
    running: Stack, phone: BrowserContext
) -> None:
    errors: list[str] = []
    filed: dict[str, tuple[str, str, dict[str, str]]] = {}  # case id → category, district, answers
    tokens: list[str] = []
    # A citizen may file A_DAY complaints a day: each batch of categories is filed by a citizen of their own.
    batches = [COMPLAINT_CATEGORIES[i : i + A_DAY] for i in range(0, len(COMPLAINT_CATEGORIES), A_DAY)]
    for b, batch in enumerate(batches):
        page = page_of(phone, errors)
        sign_in(page, running.api, new_citizen(running))
        tokens.append(token_of(page))
        for n, category in enumerate(batch):
            page.goto(f"{running.api}/#/file")
            form_drawn(page, category["id"])
            page.select_option("#cat", category["id"])
            questions = sorted(category.get("attributes", []), key=lambda a: a["order"])
            asked = page.eval_on_selector_all(
                "#questions .question", "qs => qs.map(q => [q.dataset.code, Boolean(q.querySelector('.required'))])"
            )
            assert asked == [[a["code"], a["required"]] for a in questions]
            answers = answer_every_question(page, category)
            if (b + n) % 9 == 0:  # now and then the district comes from the phone's location
                page.click("#here")
                page.wait_for_function("() => document.querySelector('#dist').value === 'lahore'")
                district = "lahore"
            else:
                district = DISTRICTS[(b * A_DAY + n) % len(DISTRICTS)]
                page.select_option("#dist", district)
            page.fill("[name=subject]", f"{category['name'][:120]}")
            page.fill("[name=description]", f"Filed through the page to check the category {category['id']} files.")
            page.click("form#f > button")
            page.wait_for_url("**/#/case/C-*")
            filed[page.url.split("#/case/")[1]] = (category["id"], district, answers)
        page.close()
    # Then each complaint was accepted as filed: its category, district and answers
    assert {c for c, _, _ in filed.values()} == {c["id"] for c in COMPLAINT_CATEGORIES}
    stored: dict[str, Any] = {}
    for token in tokens:
        found = requests.get(
            f"{running.api}/v1/complaints?limit=50", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert found.status_code == 200, found.text
        for summary in found.json()["items"]:
            case = requests.get(
                f"{running.api}/v1/complaints/{summary['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            stored[summary["id"]] = case.json()
    assert set(stored) == set(filed)
    for case_id, (category_id, district, answers) in filed.items():
        case = stored[case_id]
        assert (case["category_id"], case["location"]["district"], case["attributes"]) == (
            category_id,
            district,
            answers,
        )
    located = [
        stored[i]["location"] for i, (_, d, _) in filed.items() if d == "lahore" and stored[i]["location"]["lat"]
    ]
    assert located and all((x["lat"], x["lon"]) == (31.568, 74.312) for x in located)
    assert errors == []


def test_a_required_question_is_asked_before_anything_is_sent(running: Stack, phone: BrowserContext) -> None:
    errors: list[str] = []
    page = page_of(phone, errors)
    sign_in(page, running.api, new_citizen(running))
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/v1/complaints" in r.url else None)
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option")
    page.select_option("#cat", "electricity-no-power")
    page.select_option("#dist", "karachi")
    page.fill("[name=subject]", "No power since morning")
    page.fill("[name=description]", "The whole street has had no electricity since 6 am.")
    page.click("form#f > button")
    bubble = page.eval_on_selector("#questions input[type=radio]", "r => r.validationMessage")
    assert bubble == "Answer this question." and posts == []
    # And in Urdu the question, its choices and its mark read in Urdu
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    page.wait_for_selector("#cat option")
    page.select_option("#cat", "electricity-no-power")
    assert page.inner_text("#questions legend") == "کن کے ہاں بجلی نہیں ہے؟ (لازمی)"
    assert page.inner_text("#questions").count("میری گلی") == 1
    assert fits_the_phone(page)
    assert errors == []


def test_the_district_comes_from_the_phones_location_or_a_pin_on_the_outline_map(
    running: Stack, phone: BrowserContext
) -> None:
    errors: list[str] = []
    page = page_of(phone, errors)
    sign_in(page, running.api, new_citizen(running))
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option")
    page.select_option("#cat", "electricity-no-power")
    page.check('#questions [value="street"]')
    # The map and its outlines are not part of the form's first paint
    assert not [u for u in loaded if "leaflet" in u or "boundaries" in u]
    shot(page, "file-questions-en")
    # "Use my location": the phone says Mall Road, Lahore
    page.click("#here")
    page.wait_for_function("() => document.querySelector('#dist').value === 'lahore'")
    assert page.inner_text("#where-said").startswith("The place is in Lahore.")
    assert fits_the_phone(page)
    shot(page, "file-my-location-en")
    # A pin on the map (no tile server here: the district outlines alone)
    page.click("#pin")
    page.wait_for_selector("#map.leaflet-container svg path", state="attached")
    assert [u for u in loaded if u.endswith("/v1/districts/boundaries")]
    assert not [u for u in loaded if "tile" in u]
    page.wait_for_selector("#map .leaflet-marker-icon")  # the located point, pinned
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    # A pin south-west of Lahore: the page asks the server where it is, and fills the district with its answer
    with page.expect_response(lambda r: "/v1/districts/locate?" in r.url) as located:
        page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.85)
    asked = [located.value.url]
    answer = requests.get(asked[0], timeout=10).json()
    assert answer["district"]["id"] not in ("", "lahore")
    page.wait_for_function("id => document.querySelector('#dist').value === id", arg=answer["district"]["id"])
    assert page.inner_text("#where-said").startswith(f"The place is in {answer['district']['name']}.")
    assert fits_the_phone(page)
    page.screenshot(path=str(REPO / "build" / "screenshots" / "file-map-pin-en.png"))
    # Pinned back on Lahore's centre (the map is centred on the located point), the complaint carries the point
    page.click("#here")
    page.wait_for_function("() => document.querySelector('#dist').value === 'lahore'")
    page.fill("[name=subject]", "No power on our street")
    page.fill("[name=description]", "The whole street has had no electricity since 6 am.")
    page.click("form#f > button")
    page.wait_for_url("**/#/case/C-*")
    case_id = page.url.split("#/case/")[1]
    case = requests.get(
        f"{running.api}/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token_of(page)}"}, timeout=10
    ).json()
    assert case["location"] == {"district": "lahore", "address": None, "lat": 31.568, "lon": 74.312}
    assert case["attributes"] == {"scope": "street"}
    assert errors == []


def test_in_urdu_a_place_outside_the_served_districts_is_told_and_nothing_is_guessed(
    running: Stack, browser: Browser
) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE, geolocation=AMRITSAR, permissions=["geolocation"])
    context.set_default_timeout(WAIT_MS)
    page = page_of(context, errors)
    sign_in(page, running.api, new_citizen(running))
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option")
    page.click("#lang")
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    page.wait_for_selector("#cat option")
    page.select_option("#cat", "electricity-no-power")
    shot(page, "file-questions-ur")
    page.click("#here")
    page.wait_for_selector("#where-said.bad")
    assert page.inner_text("#where-said") == "یہ مقام پاکستان کے اضلاع سے باہر ہے۔"
    assert page.input_value("#dist") == ""
    shot(page, "file-my-location-ur")
    # The map opens in Urdu, district names in Urdu where the directory has them
    context.set_geolocation(MALL_ROAD)
    page.click("#here")
    page.wait_for_function("() => document.querySelector('#dist').value === 'lahore'")
    page.click("#pin")
    page.wait_for_selector("#map .leaflet-marker-icon")
    page.wait_for_selector("#map.named")  # zoomed in on the pin far enough to name the districts
    assert "لاہور" in page.inner_text("#map")
    assert fits_the_phone(page)
    page.locator("#map").scroll_into_view_if_needed()
    page.screenshot(path=str(REPO / "build" / "screenshots" / "file-map-pin-ur.png"))
    assert errors == []
    context.close()


def test_with_a_tile_server_that_cannot_be_reached_the_pin_still_works_on_the_outlines(
    running: Stack, phone: BrowserContext
) -> None:
    errors: list[str] = []
    page = page_of(phone, errors)
    sign_in(page, running.api, new_citizen(running))
    # Given a page configured with a tile server nobody answers at
    unreachable = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"

    def with_tiles(route: Route) -> None:
        body = route.fetch().text().replace("};", f', "tileUrl": "{unreachable}", "tileAttribution": "Tiles"}};')
        route.fulfill(status=200, content_type="text/javascript", body=body)

    def with_tile_origin(
        route: Route,
    ) -> None:  # the page's CSP allows the tile server, as when `make run` has TILE_URL
        response = route.fetch()
        policy = response.headers["content-security-policy"].replace(
            "img-src 'self' data:", "img-src 'self' data: http://127.0.0.1:9"
        )
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})

    page.route("**/config.js", with_tiles)
    page.route(f"{running.api}/", with_tile_origin)
    tiles: list[str] = []
    page.on("requestfailed", lambda r: tiles.append(r.url) if "/tiles/" in r.url else None)
    page.goto(f"{running.api}/")
    page.reload()
    page.goto(f"{running.api}/#/file")
    page.wait_for_selector("#cat option")
    assert page.evaluate("window.AWAAZ_CONFIG.tileUrl") == unreachable
    # When the citizen opens the map and pins the middle of it
    page.click("#pin")
    page.wait_for_selector("#map.leaflet-container svg path", state="attached")
    page.wait_for_function("() => document.querySelector('#where-said').textContent.length > 0")
    page.locator("#map").scroll_into_view_if_needed()
    box = page.locator("#map").bounding_box()
    assert box is not None
    with page.expect_response(lambda r: "/v1/districts/locate?" in r.url) as located:
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    # Then the tiles failed, the outlines were drawn all the same, and the district is the server's answer for the pin
    assert tiles
    answer = requests.get(located.value.url, timeout=10)
    if answer.status_code == 200 and answer.json()["district"]:
        page.wait_for_function(
            "id => document.querySelector('#dist').value === id", arg=answer.json()["district"]["id"]
        )
    else:
        page.wait_for_selector("#where-said.bad, #where-said.warn")
        assert page.input_value("#dist") == ""
    assert page.locator("#map .leaflet-marker-icon").count() == 1
    assert errors == []
