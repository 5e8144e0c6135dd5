"""Open311 GeoReport v2 conformance, written from the specification (wiki.open311.org/GeoReport_v2), point by point."""

from __future__ import annotations

import json
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest

from tests.harness import Reply, Stack

BASE = "/open311/v2"


def get(stack: Stack, path: str) -> Reply:
    return stack.request("GET", f"{BASE}/{path}")


def post(stack: Stack, fields: dict[str, str], fmt: str = "json") -> Reply:
    body = urlencode(fields).encode()
    return stack.request(
        "POST", f"{BASE}/requests.{fmt}", body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )


def content_type(reply: Reply) -> str:
    return {k.lower(): v for k, v in reply.headers.items()}["content-type"]


def xml(reply: Reply) -> ET.Element:
    text = reply.body.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>'), text[:80]
    return ET.fromstring(reply.body)


@pytest.fixture
def api_key(stack: Stack) -> str:
    issued = stack.post("/v1/admin/open311-keys", {"name": "conformance"}, token=stack.login("admin"))
    assert issued.status == 201, issued.body
    return str(issued.json["api_key"])


def filed(stack: Stack, api_key: str, **extra: str) -> str:
    """A request the client publishes (`publish=true`, this service's extension: requests are private by default)."""
    fields = {
        "api_key": api_key,
        "service_code": "electricity-overbilling",
        "lat": "31.52",
        "long": "74.36",
        "publish": "true",
    }
    reply = post(stack, {**fields, "description": "بل میں 900 یونٹ، گھر بند ہے۔ Call 03001234567.", **extra})
    assert reply.status == 200, reply.body
    return str(reply.json[0]["service_request_id"])


# --- Service discovery --------------------------------------------------------------


def test_discovery_lists_this_endpoint_with_its_formats_in_json_and_xml(stack: Stack) -> None:
    found = get(stack, "discovery.json")
    assert found.status == 200 and content_type(found).startswith("application/json")
    endpoint = found.json["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and set(endpoint["formats"]) == {"application/json", "text/xml"}
    root = xml(get(stack, "discovery.xml"))
    assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") is not None


# --- GET Service List ----------------------------------------------------------------


def test_services_are_the_complaint_categories_with_the_specs_fields(stack: Stack) -> None:
    services = get(stack, "services.json").json
    assert len(services) >= 60
    overbilling = next(s for s in services if s["service_code"] == "electricity-overbilling")
    assert set(overbilling) >= {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    assert overbilling["type"] == "realtime" and overbilling["metadata"] is True and overbilling["group"]
    assert not any(s["service_code"].startswith(("information", "feedback")) for s in services)
    reply = get(stack, "services.xml")
    assert content_type(reply).startswith("text/xml")
    root = xml(reply)
    assert root.tag == "services" and len(root.findall("service")) == len(services)
    assert root.find("service/metadata").text in ("true", "false")  # type: ignore[union-attr,operator]


# --- GET Service Definition ------------------------------------------------------------


def test_a_service_definition_gives_its_attributes_with_datatypes_order_and_values(stack: Stack) -> None:
    definition = get(stack, "services/electricity-no-power.json").json
    assert definition["service_code"] == "electricity-no-power"
    [attribute] = definition["attributes"]
    assert attribute["variable"] is True and attribute["required"] is True
    assert attribute["datatype"] == "singlevaluelist" and attribute["order"] == 1
    assert {v["key"] for v in attribute["values"]} == {"house", "street", "area"}
    root = xml(get(stack, "services/electricity-no-power.xml"))
    assert root.tag == "service_definition" and root.find("attributes/attribute/values/value/key") is not None


def test_an_unknown_service_is_a_404_in_the_specs_error_shape(stack: Stack) -> None:
    missing = get(stack, "services/no-such-service.json")
    assert missing.status == 404 and missing.json[0]["code"] == 404 and missing.json[0]["description"]
    root = xml(get(stack, "services/no-such-service.xml"))
    assert root.tag == "errors" and root.find("error/code").text == "404"  # type: ignore[union-attr]


# --- POST Service Request --------------------------------------------------------------


def test_a_post_creates_an_ordinary_complaint_that_is_routed(stack: Stack, api_key: str) -> None:
    request_id = filed(stack, api_key)
    assert request_id.startswith("C-")
    assert stack.run_route_worker() == 1
    [found] = get(stack, f"requests/{request_id}.json").json
    assert found["status"] == "open" and found["agency_responsible"] and found["expected_datetime"]
    assert found["service_code"] == "electricity-overbilling" and found["address"] == "Lahore"


def test_a_post_needs_a_valid_api_key(stack: Stack, api_key: str) -> None:
    for key in ("", "awz_wrong"):
        fields = {"api_key": key, "service_code": "electricity-overbilling", "lat": "31.52", "long": "74.36"}
        reply = post(stack, fields)
        assert reply.status == 403 and reply.json[0]["code"] == 403
    revoked = stack.get("/v1/admin/open311-keys", token=stack.login("admin")).json["items"][0]["id"]
    assert stack.request("DELETE", f"/v1/admin/open311-keys/{revoked}", token=stack.login("admin")).status == 200
    fields = {"api_key": api_key, "service_code": "electricity-overbilling", "lat": "31.52", "long": "74.36"}
    assert post(stack, fields).status == 403


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"service_code": "electricity-overbilling"}, "location"),
        ({"service_code": "electricity-overbilling", "lat": "31.5"}, "together"),
        ({"service_code": "electricity-overbilling", "lat": "51.5", "long": "-0.12"}, "outside Pakistan"),
        ({"service_code": "electricity-overbilling", "address_string": "Atlantis"}, "district"),
        ({"service_code": "electricity-no-power", "lat": "31.52", "long": "74.36"}, "attribute scope"),
        (
            {"service_code": "electricity-overbilling", "lat": "31.52", "long": "74.36", "description": "x" * 4001},
            "4000",
        ),
        ({"lat": "31.52", "long": "74.36"}, "service_code"),
    ],
)
def test_a_bad_post_is_a_400_saying_what_is_wrong(
    stack: Stack, api_key: str, fields: dict[str, str], problem: str
) -> None:
    reply = post(stack, {"api_key": api_key, **fields})
    assert reply.status == 400, reply.body
    assert problem in reply.json[0]["description"]


def test_a_post_by_address_or_district_id_and_with_attributes_in_xml(stack: Stack, api_key: str) -> None:
    by_address = post(
        stack, {"api_key": api_key, "service_code": "water-no-water", "address_string": "Block 4, Karachi"}
    )
    assert by_address.status == 200, by_address.body
    fields = {
        "api_key": api_key,
        "service_code": "electricity-no-power",
        "address_id": "lahore",
        "attribute[scope]": "street",
    }
    reply = post(stack, fields, fmt="xml")
    assert reply.status == 200 and content_type(reply).startswith("text/xml")
    assert xml(reply).find("request/service_request_id").text.startswith("C-")  # type: ignore[union-attr]


def test_an_empty_parameter_behaves_like_an_absent_one(stack: Stack, api_key: str) -> None:
    reply = post(
        stack, {"api_key": api_key, "service_code": "water-no-water", "lat": "", "long": "", "address_id": "lahore"}
    )
    assert reply.status == 200, reply.body
    assert get(stack, "requests.json?status=&service_code=").status == 200


# --- GET Service Requests ---------------------------------------------------------------


def test_requests_filter_by_id_service_status_and_dates_and_publish_no_identity(stack: Stack, api_key: str) -> None:
    first = filed(stack, api_key)
    second = filed(stack, api_key, service_code="water-no-water")
    stack.run_route_worker()
    both = get(stack, f"requests.json?service_request_id={first},{second}").json
    assert {r["service_request_id"] for r in both} == {first, second}
    water = get(stack, "requests.json?service_code=water-no-water").json
    assert [r["service_request_id"] for r in water] == [second]
    assert get(stack, "requests.json?status=closed").json == []
    assert len(get(stack, "requests.json?status=open").json) == 2
    assert get(stack, "requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z").json == []
    text = json.dumps(get(stack, "requests.json").json, ensure_ascii=False)
    assert "03001234567" not in text and "[phone hidden]" in text and "بل میں" in text  # Urdu intact, phone hidden
    assert "open311:" not in text and "citizen" not in text


def test_every_datetime_carries_a_timezone_and_closed_requests_say_when(stack: Stack, api_key: str) -> None:
    request_id = filed(stack, api_key)
    stack.run_route_worker()
    [request] = get(stack, f"requests/{request_id}.json").json
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert request[name].endswith("Z"), name


def test_bad_queries_are_400s(stack: Stack) -> None:
    for query in (
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "start_date=2026-01-01",
        "status=pending",
        "page_size=5000",
    ):
        reply = get(stack, f"requests.json?{query}")
        assert reply.status == 400 and reply.json[0]["code"] == 400, query


def test_paging_and_extensions_notes(stack: Stack, api_key: str) -> None:
    ids = {filed(stack, api_key) for _ in range(3)}
    stack.run_route_worker()
    pages = [get(stack, f"requests.json?page_size=2&page={n}").json for n in (1, 2)]
    assert [len(p) for p in pages] == [2, 1]
    assert {r["service_request_id"] for p in pages for r in p} == ids
    [with_notes] = get(stack, f"requests/{sorted(ids)[0]}.json?extensions=true").json
    assert [n["type"] for n in with_notes["notes"]] == ["submitted", "published", "routed"]
    root = xml(get(stack, f"requests/{sorted(ids)[0]}.xml?extensions=true"))
    assert root.tag == "service_requests" and root.find("request/notes/note/type") is not None


# --- GET Service Request, tokens ----------------------------------------------------------


def test_an_unknown_request_or_token_is_a_404_and_a_token_gives_the_id(stack: Stack, api_key: str) -> None:
    assert get(stack, "requests/C-0000-0000.json").status == 404
    request_id = filed(stack, api_key)
    [mapping] = get(stack, f"tokens/{request_id}.json").json
    assert mapping == {"service_request_id": request_id, "token": request_id}
    assert get(stack, "tokens/nothing.json").status == 404
    assert get(stack, "services.yaml").status == 404


def test_a_complaint_filed_through_open311_is_a_complaint_for_officers_too(stack: Stack, api_key: str) -> None:
    request_id = filed(stack, api_key)
    stack.run_route_worker()
    officer = stack.login("officer")
    assert request_id in {c["id"] for c in stack.get("/v1/officer/cases", token=officer).json["items"]}


def test_a_request_not_published_is_private_everywhere_and_a_published_one_is_redacted(
    stack: Stack, api_key: str
) -> None:
    # Given one request the client did not publish and one it did
    private = filed(stack, api_key, publish="false", description="Private: call 0300 123 4567 about the meter.")
    public = filed(stack, api_key, description="Call me on 0300 123 4567 or +92 300 1234567, CNIC 35202 1234567 1.")
    stack.run_route_worker()
    # Then the private one is a 404 alone and absent from every list; the published one is listed, redacted
    assert get(stack, f"requests/{private}.json").status == 404
    listed = get(stack, "requests.json").json
    assert private not in {r["service_request_id"] for r in listed}
    assert public in {r["service_request_id"] for r in listed}
    by_id = get(stack, f"requests.json?service_request_id={private},{public}").json
    assert [r["service_request_id"] for r in by_id] == [public]
    text = json.dumps(listed, ensure_ascii=False) + "".join(xml(get(stack, "requests.xml")).itertext())
    for secret in ("123 4567", "1234567", "35202"):
        assert secret not in text, secret


def test_lists_are_bounded_and_refuse_what_would_cost_too_much(stack: Stack) -> None:
    ids = ",".join(f"C-{n:04d}-0000" for n in range(51))
    for query, problem in (
        (f"service_request_id={ids}", "at most 50"),
        ("service_code=electricity-overbilling,water-no-water,electricity-no-power", "at most 2"),
        ("page=5&page_size=50", "at most 200"),
        ("page_size=51", "page_size"),
        ("page=١", "whole numbers"),
        ("end_date=0001-01-05T00:00:00Z", "between 2000 and 2100"),
        ("start_date=9999-01-01T00:00:00Z", "between 2000 and 2100"),
    ):
        reply = get(stack, f"requests.json?{query}")
        assert reply.status == 400 and problem in reply.json[0]["description"], (query, reply.body)
