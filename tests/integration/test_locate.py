"""Where a point lies, through the API and Open311: one point-in-polygon function (logic/geo.py) behind all three."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.harness import Stack
from tests.integration.test_journey import complaint_body
from tests.integration.test_open311 import post as open311_post

MALL_ROAD = {"lat": 31.5680, "lon": 74.3120}
KOHAT = {"lat": 33.5869, "lon": 71.4429}
MUZAFFARABAD = {"lat": 34.3700, "lon": 73.4711}
AMRITSAR = {"lat": 31.6340, "lon": 74.8720}  # 25 km past the Wagah border


def locate(stack: Stack, lat: object, lon: object, language: str = "en") -> tuple[int, object]:
    reply = stack.get(
        f"/v1/districts/locate?{urlencode({'lat': lat, 'lon': lon})}", headers={"Accept-Language": language}
    )
    return reply.status, reply.json


def test_a_point_is_located_in_its_district_or_refused_with_a_translated_reason(stack: Stack) -> None:
    status, body = locate(stack, MALL_ROAD["lat"], MALL_ROAD["lon"])
    assert status == 200
    assert body == {
        "boundary": "Lahore",
        "district": {"id": "lahore", "name": "Lahore", "name_ur": "لاہور", "level_id": "punjab"},
        "candidates": [{"id": "lahore", "name": "Lahore", "name_ur": "لاہور", "level_id": "punjab"}],
    }
    status, body = locate(stack, MUZAFFARABAD["lat"], MUZAFFARABAD["lon"])
    assert status == 200 and body["district"] is None  # type: ignore[index]
    assert [d["id"] for d in body["candidates"]][:2] == ["muzaffarabad", "mirpur"]  # type: ignore[index]
    assert len(body["candidates"]) == 10  # type: ignore[index]  # AJK's districts: one shape in the source

    status, body = locate(stack, KOHAT["lat"], KOHAT["lon"], "ur")
    assert status == 200
    assert body["district"] == {  # type: ignore[index]
        "id": "kohat",
        "name": "Kohat",
        "name_ur": "کوہاٹ",
        "level_id": "khyber-pakhtunkhwa",
    }
    status, body = locate(stack, 51.5007, -0.1246, "ur")
    assert status == 400 and body["error"]["code"] == "place_outside"  # type: ignore[index]
    assert body["error"]["message"] == "یہ مقام پاکستان کے اضلاع سے باہر ہے۔"  # type: ignore[index]


def test_a_bad_coordinate_is_a_400_naming_it(stack: Stack) -> None:
    for lat, lon, field in [("north", 74.3, "lat"), (31.5, "", "lon"), ("1e3", 74.3, "lat"), (91, 74.3, "lat")]:
        status, body = locate(stack, lat, lon)
        assert status == 400, (lat, lon)
        assert body["error"]["details"][0]["field"] == field  # type: ignore[index]


def test_the_outlines_name_the_districts_each_holds(stack: Stack) -> None:
    reply = stack.get("/v1/districts/boundaries")
    assert reply.status == 200
    features = {f["properties"]["name"]: f["properties"]["districts"] for f in reply.json["features"]}
    assert len(features) == 126
    assert features["Lahore"] == ["lahore"]
    assert features["Azad Kashmir"][:2] == ["muzaffarabad", "mirpur"]
    assert features["Kohat"] == ["kohat"]
    assert features["Nawabshah"] == ["shaheed-benazirabad"]
    assert all(features.values())  # every boundary is a served district


def test_a_complaint_with_a_point_must_be_in_the_district_chosen(stack: Stack) -> None:
    citizen = stack.login("citizen")
    here = {"district": "lahore", "address": "Mall Road", **MALL_ROAD}
    filed = stack.post("/v1/complaints", complaint_body(stack, location=here), token=citizen)
    assert filed.status == 201, filed.body
    assert filed.json["location"]["lat"] == MALL_ROAD["lat"]

    elsewhere = {**here, "district": "karachi"}
    refused = stack.post("/v1/complaints", complaint_body(stack, location=elsewhere), token=citizen)
    assert refused.status == 400
    assert refused.json["error"]["code"] == "place_disagrees"
    assert refused.json["error"]["details"] == [{"field": "location.district", "problem": "the point lies in Lahore"}]

    half = stack.post(
        "/v1/complaints", complaint_body(stack, location={"district": "lahore", "lat": 31.5}), token=citizen
    )
    assert half.status == 400 and half.json["error"]["details"][0]["field"] == "location.lon"

    abroad = stack.post(
        "/v1/complaints", complaint_body(stack, location={"district": "lahore", **AMRITSAR}), token=citizen
    )
    assert abroad.status == 400 and abroad.json["error"]["code"] == "place_outside"
    kohat = stack.post("/v1/complaints", complaint_body(stack, location={"district": "kohat", **KOHAT}), token=citizen)
    assert kohat.status == 201, kohat.body


def test_open311_finds_the_district_by_the_same_boundaries(stack: Stack) -> None:
    issued = stack.post("/v1/admin/open311-keys", {"name": "locate"}, token=stack.login("admin"))
    key = str(issued.json["api_key"])
    fields = {"api_key": key, "service_code": "electricity-overbilling", "description": "Bill for a locked house."}
    # Murree is in Rawalpindi district, though nearer Islamabad's centre (where the old nearest-centre rule put it).
    reply = open311_post(stack, {**fields, "lat": "33.907", "long": "73.392", "publish": "true"})
    assert reply.status == 200, reply.body
    case = stack.get(f"/open311/v2/requests/{reply.json[0]['service_request_id']}.json")
    assert case.status == 200
    assert case.json[0]["address"] == "Rawalpindi"
    # Okara, a district the seed serves since it covers the whole country: LESCO's, like Lahore
    okara = open311_post(stack, {**fields, "lat": "30.8081", "long": "73.4458", "publish": "true"})
    assert okara.status == 200, okara.body
    assert stack.run_route_worker() >= 1
    published = stack.get(f"/open311/v2/requests/{okara.json[0]['service_request_id']}.json").json[0]
    assert published["address"] == "Okara"
    assert published["agency_responsible"] == "LESCO Okara District Operations (Executive Engineer)"
    for lat, lon, problem in [("31.634", "74.872", "outside Pakistan"), ("34.37", "73.4711", "several districts")]:
        refused = open311_post(stack, {**fields, "lat": lat, "long": lon})
        assert refused.status == 400
        assert problem in refused.json[0]["description"]
