"""Directory management over HTTP: every write under If-Match, dry-runnable, audited, in force at once."""

from __future__ import annotations

import json
from typing import Any

from tests.harness import Reply, Stack
from tests.integration.test_journey import complaint_body

CIRCLE = "lesco-lahore-circle"


def version(stack: Stack, token: str) -> int:
    reply = stack.get("/v1/admin/directory", token=token)
    assert reply.status == 200, reply.body
    return int(reply.json["version"])


def send(
    stack: Stack,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str,
    at: int | None = None,
    csv: bytes | None = None,
) -> Reply:
    headers = {} if at is None else {"If-Match": f'"{at}"'}
    if csv is not None:
        headers["content-type"] = "text/csv"
        return stack.request(method, path, csv, token=token, headers=headers)
    raw = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
    return stack.request(method, path, raw, token=token, headers=headers)


def fields(reply: Reply) -> list[str]:
    return [d["field"] for d in reply.json["error"]["details"]]


def audited(stack: Stack, object_type: str, object_id: str) -> list[dict[str, Any]]:
    from chalicelib.store import audit as audit_store
    from chalicelib.store import keys
    from chalicelib.wiring import services

    page = services().table.query(keys.audit_object_pk(object_type, object_id), index="GSI2")
    return [audit_store.entry_of(i).model_dump() for i in page.items]


def office_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "organisation_id": "lesco",
        "parent_id": CIRCLE,
        "name": "Gulberg Division",
        "name_ur": "گلبرگ ڈویژن",
        "district_id": "lahore",
        "districts_served": ["lahore"],
        "head": "Executive Engineer (Operations)",
    }
    return {**body, **overrides}


def test_the_directory_reads_whole_with_its_version_as_etag(stack: Stack) -> None:
    admin = stack.login("admin")
    reply = stack.get("/v1/admin/directory", token=admin)
    assert reply.status == 200
    document = reply.json
    assert reply.headers["ETag"] == f'"{document["version"]}"'
    assert set(document) >= {"levels", "districts", "organisations", "offices", "categories", "routing_rules"}
    circle = next(o for o in document["offices"] if o["id"] == CIRCLE)
    assert circle["level"] == 1 and circle["retired"] is False and circle["districts_served"] == []
    assert "head" in circle
    # Unchanged since: 304, no body
    again = stack.get("/v1/admin/directory", token=admin, headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status == 304 and again.body == b""
    # An organisation's admin reads all of it (it is public); officers and citizens do not
    assert stack.get("/v1/admin/directory", token=stack.login("org_admin")).status == 200
    assert stack.get("/v1/admin/directory", token=stack.login("officer")).status == 403


def test_a_write_without_if_match_is_428_and_with_a_stale_one_409(stack: Stack) -> None:
    admin = stack.login("admin")
    at = version(stack, admin)
    missing = send(stack, "POST", "/v1/admin/offices", office_body(), token=admin)
    assert missing.status == 428 and fields(missing) == ["If-Match"], missing.body
    stale = send(stack, "POST", "/v1/admin/offices", office_body(), token=admin, at=at - 1)
    assert stale.status == 409 and stale.json["error"]["code"] == "version_conflict"
    bad = stack.request(
        "POST", "/v1/admin/offices", json.dumps(office_body()).encode(), token=admin, headers={"If-Match": "x"}
    )
    assert bad.status == 400 and fields(bad) == ["If-Match"]
    # The dry run checks it too, and stores nothing
    dry = send(stack, "POST", "/v1/admin/offices?dry_run=true", office_body(), token=admin, at=at)
    assert dry.status == 200 and dry.json["dry_run"] is True and dry.json["version"] == at
    assert version(stack, admin) == at
    assert send(stack, "POST", "/v1/admin/offices?dry_run=maybe", office_body(), token=admin, at=at).status == 400


def test_a_new_office_takes_a_route_new_cases_go_there_and_routed_cases_stay(stack: Stack) -> None:
    admin, citizen = stack.login("admin"), stack.login("citizen")
    category, district, old_office = (stack.demo_route[k] for k in ("category_id", "district", "office_id"))
    # Given a complaint already routed to the demo office
    earlier = stack.post("/v1/complaints", complaint_body(stack), token=citizen).json["id"]
    assert stack.run_route_worker() == 1
    # When an admin opens an office under LESCO's Lahore circle (its id derived from its name)
    at = version(stack, admin)
    opened = send(stack, "POST", "/v1/admin/offices", office_body(), token=admin, at=at)
    assert opened.status == 201, opened.body
    office = opened.json
    assert office["id"] == "lesco-gulberg-division" and office["level"] == 2 and office["version"] == at + 1
    assert opened.headers["ETag"] == f'"{at + 1}"'
    # And dry-runs the rule: the report shows the route it moves, nothing stored
    path = f"/v1/admin/routing-rules/{category}/{district}"
    dry = send(stack, "PUT", path + "?dry_run=true", {"office_id": office["id"]}, token=admin, at=at + 1)
    assert dry.status == 200, dry.body
    assert dry.json["changed_routes"] == [
        {"category_id": category, "district_id": district, "from_office_id": old_office, "to_office_id": office["id"]}
    ]
    assert dry.json["unroutable"] == [] and version(stack, admin) == at + 1
    # Then applies it
    applied = send(stack, "PUT", path, {"office_id": office["id"]}, token=admin, at=at + 1)
    assert applied.status == 200 and applied.json["office_id"] == office["id"] and applied.json["version"] == at + 2
    # A complaint filed next goes to the new office (this container sees the change at once)
    later = stack.post("/v1/complaints", complaint_body(stack), token=citizen).json["id"]
    assert stack.run_route_worker() == 1
    assert stack.get(f"/v1/complaints/{later}", token=citizen).json["office"]["id"] == office["id"]
    # The case routed before keeps its office
    assert stack.get(f"/v1/complaints/{earlier}", token=citizen).json["office"]["id"] == old_office
    # The public tree shows the new office
    tree = json.dumps(stack.get("/v1/organisations").json)
    assert office["id"] in tree
    # Each step is on the audit trail, with who and what
    (created,) = audited(stack, "office", office["id"])
    assert (
        created["action"] == "create" and created["before"] is None and created["after"]["name"] == "Gulberg Division"
    )
    assert created["organisation_id"] == "lesco" and created["actor_sub"] == stack.subs["admin"]
    (rule,) = audited(stack, "routing_rule", f"{category}/{district}")
    assert rule["before"]["office_id"] == old_office and rule["after"]["office_id"] == office["id"]


def test_an_office_tree_refuses_a_cycle_and_an_office_retires_only_when_nothing_needs_it(stack: Stack) -> None:
    admin, citizen = stack.login("admin"), stack.login("citizen")
    at = version(stack, admin)
    demo = stack.demo_route["office_id"]
    # The circle under one of its own divisions: a cycle
    circle = stack.get("/v1/admin/directory", token=admin).json
    fields_of = next(o for o in circle["offices"] if o["id"] == CIRCLE)
    moved = {k: fields_of[k] for k in ("organisation_id", "name", "name_ur", "district_id")} | {"parent_id": demo}
    cycle = send(stack, "PUT", f"/v1/admin/offices/{CIRCLE}", moved, token=admin, at=at)
    assert cycle.status == 400 and fields(cycle) == ["parent_id"], cycle.body
    # The demo office: rules point at it (409 naming them)
    needed = send(stack, "POST", f"/v1/admin/offices/{demo}/retire", token=admin, at=at)
    assert needed.status == 409 and "electricity-overbilling/lahore" in needed.body.decode()
    # A new office with an open case: 409 until the case is gone
    office = send(stack, "POST", "/v1/admin/offices", office_body(), token=admin, at=at).json
    category, district = stack.demo_route["category_id"], stack.demo_route["district"]
    path = f"/v1/admin/routing-rules/{category}/{district}"
    assert send(stack, "PUT", path, {"office_id": office["id"]}, token=admin, at=at + 1).status == 200
    stack.post("/v1/complaints", complaint_body(stack), token=citizen)
    assert stack.run_route_worker() == 1
    assert send(stack, "PUT", path, {"office_id": demo}, token=admin, at=at + 2).status == 200
    busy = send(stack, "POST", f"/v1/admin/offices/{office['id']}/retire", token=admin, at=at + 3)
    assert busy.status == 409 and "open cases" in busy.body.decode(), busy.body
    # An office nothing needs retires: kept in the directory, gone from the public tree, no route may name it
    idle = send(stack, "POST", "/v1/admin/offices", office_body(name="Model Town Division"), token=admin, at=at + 3)
    assert idle.status == 201
    retired = send(stack, "POST", f"/v1/admin/offices/{idle.json['id']}/retire", token=admin, at=at + 4)
    assert retired.status == 200 and retired.json["retired"] is True
    assert idle.json["id"] not in json.dumps(stack.get("/v1/organisations").json)
    assert any(o["id"] == idle.json["id"] for o in stack.get("/v1/admin/directory", token=admin).json["offices"])
    refused = send(stack, "PUT", path, {"office_id": idle.json["id"]}, token=admin, at=at + 5)
    assert refused.status == 400 and fields(refused) == ["office_id"]
    unknown = send(stack, "PUT", path, {"office_id": "no-such-office"}, token=admin, at=at + 5)
    assert unknown.status == 400 and fields(unknown) == ["office_id"]


def test_categories_are_added_routable_or_not_at_all_and_retired_out_of_the_lists(stack: Stack) -> None:
    admin, citizen = stack.login("admin"), stack.login("citizen")
    at = version(stack, admin)
    category = {
        "id": "electricity-meter-burnt",
        "name": "Electricity: burnt meter",
        "name_ur": "بجلی: جلا ہوا میٹر",
        "group": "Electricity",
        "group_ur": "بجلی",
        "kind": "complaint",
        "organisation_ids": ["lesco"],
        "keywords": ["meter", "میٹر"],
        "attributes": [
            {
                "code": "meter_kind",
                "datatype": "singlevaluelist",
                "description": "Kind of meter",
                "description_ur": "میٹر کی قسم",
                "values": [{"key": "single", "name": "Single phase", "name_ur": "سنگل فیز"}],
            }
        ],
    }
    # No route and no fallback: refused, and the dry run lists every district
    refused = send(stack, "POST", "/v1/admin/categories", category, token=admin, at=at)
    assert refused.status == 400 and fields(refused) == ["routes"], refused.body
    dry = send(stack, "POST", "/v1/admin/categories?dry_run=true", category, token=admin, at=at)
    districts = stack.get("/v1/districts").json["items"]
    assert dry.status == 200 and len(dry.json["unroutable"]) == len(districts) and dry.json["problems"]
    # With its fallback office it is added, offered, and a complaint may name it
    created = send(
        stack, "POST", "/v1/admin/categories", {**category, "fallback_office_id": "lesco-hq"}, token=admin, at=at
    )
    assert created.status == 201 and created.json["fallback_office_id"] == "lesco-hq", created.body
    assert any(c["id"] == category["id"] for c in stack.get("/v1/categories").json["items"])
    again = send(stack, "POST", "/v1/admin/categories", category, token=admin, at=at + 1)
    assert again.status == 409
    renamed = {k: v for k, v in category.items() if k != "id"} | {"name": "Electricity: meter burnt out"}
    assert send(stack, "PUT", f"/v1/admin/categories/{category['id']}", renamed, token=admin, at=at + 1).status == 200
    # Retired: kept, but no longer offered and no new complaint may name it
    retired = send(stack, "POST", f"/v1/admin/categories/{category['id']}/retire", token=admin, at=at + 2)
    assert retired.status == 200 and retired.json["retired"] is True
    assert all(c["id"] != category["id"] for c in stack.get("/v1/categories").json["items"])
    filed = stack.post("/v1/complaints", complaint_body(stack, category_id=category["id"]), token=citizen)
    assert filed.status == 400
    assert send(stack, "PUT", "/v1/admin/categories/no-such", renamed, token=admin, at=at + 3).status == 404


def test_organisations_districts_fallbacks_and_sla_policies(stack: Stack) -> None:
    admin = stack.login("admin")
    at = version(stack, admin)
    organisation = {
        "id": "punjab-wasa",
        "name": "WASA Punjab",
        "name_ur": "واسا پنجاب",
        "level_id": "punjab",
        "kind": "utility",
    }
    created = send(stack, "POST", "/v1/admin/organisations", organisation, token=admin, at=at)
    assert created.status == 201 and created.json["retired"] is False, created.body
    unknown_level = {**organisation, "id": "x-wasa", "level_id": "mars"}
    bad = send(stack, "POST", "/v1/admin/organisations", unknown_level, token=admin, at=at + 1)
    assert bad.status == 400 and fields(bad) == ["level_id"]
    head = {"organisation_id": "punjab-wasa", "name": "WASA HQ", "name_ur": "واسا صدر دفتر", "district_id": "lahore"}
    opened = send(stack, "POST", "/v1/admin/offices", head, token=admin, at=at + 1)
    assert opened.status == 201 and opened.json["level"] == 0 and opened.json["id"] == "punjab-wasa-wasa-hq"
    second = send(stack, "POST", "/v1/admin/offices", {**head, "name": "Another head"}, token=admin, at=at + 2)
    assert second.status == 400 and fields(second) == ["parent_id"]
    renamed = {k: v for k, v in organisation.items() if k != "id"} | {"name": "Water and Sanitation Agency"}
    assert send(stack, "PUT", "/v1/admin/organisations/punjab-wasa", renamed, token=admin, at=at + 2).status == 200
    retired = send(stack, "POST", "/v1/admin/organisations/punjab-wasa/retire", token=admin, at=at + 3)
    assert retired.status == 200 and retired.json["retired"] is True
    assert "punjab-wasa" not in json.dumps(stack.get("/v1/organisations").json)
    at += 4
    # A district created since the seed
    district = {
        "id": "talagang",
        "name": "Talagang",
        "name_ur": "تلہ گنگ",
        "level_id": "punjab",
        "lat": 32.93,
        "lon": 72.42,
    }
    added = send(stack, "POST", "/v1/admin/districts", district, token=admin, at=at)
    assert added.status == 201 and added.json["changed_routes"], added.body
    assert any(d["id"] == "talagang" for d in stack.get("/v1/districts").json["items"])
    # A fallback
    fallback = send(
        stack, "PUT", "/v1/admin/fallbacks/electricity-overbilling", {"office_id": "lesco-hq"}, token=admin, at=at + 1
    )
    assert fallback.status == 200 and fallback.json["office_id"] == "lesco-hq", fallback.body
    # An SLA policy within bounds, its reminder share kept
    policy = {
        "category_id": "electricity-overbilling",
        "days_per_level": 10,
        "head_of_organisation_by_day": 21,
        "reminder_share": 0.6,
        "feedback_window_days": 7,
        "reopen_window_days": 30,
    }
    put = send(stack, "PUT", "/v1/admin/sla-policies/sla-electricity-overbilling", policy, token=admin, at=at + 2)
    assert put.status == 200 and put.json["reminder_share"] == 0.6, put.body
    wild = send(
        stack,
        "PUT",
        "/v1/admin/sla-policies/sla-x",
        {**policy, "reminder_share": 1.5, "days_per_level": 0},
        token=admin,
        at=at + 3,
    )
    assert wild.status == 400 and sorted(fields(wild)) == ["days_per_level", "reminder_share"]
    assert audited(stack, "sla_policy", "sla-electricity-overbilling")[0]["after"]["reminder_share"] == 0.6
    assert audited(stack, "district", "talagang") and audited(stack, "fallback", "electricity-overbilling")


def test_a_routing_rule_is_deleted_only_when_a_fallback_answers(stack: Stack) -> None:
    admin = stack.login("admin")
    at = version(stack, admin)
    category, district = stack.demo_route["category_id"], stack.demo_route["district"]
    deleted = send(stack, "DELETE", f"/v1/admin/routing-rules/{category}/{district}", token=admin, at=at)
    assert deleted.status == 200 and deleted.json["office_id"] is None, deleted.body
    assert deleted.json["changed_routes"][0]["to_office_id"] == "power-division-hq"
    gone = send(stack, "DELETE", f"/v1/admin/routing-rules/{category}/{district}", token=admin, at=at + 1)
    assert gone.status == 404


def test_a_batch_dry_run_reports_and_stores_nothing(stack: Stack) -> None:
    admin = stack.login("admin")
    at = version(stack, admin)
    changes = [
        {"op": "put_office", "id": "lesco-test", **office_body()},
        {
            "op": "put_rule",
            "category_id": "electricity-overbilling",
            "district_id": "lahore",
            "office_id": "lesco-test",
        },
        {"op": "put_rule", "category_id": "electricity-overbilling", "district_id": "karachi", "office_id": "nowhere"},
    ]
    reply = stack.post("/v1/admin/directory/dry-run", {"changes": changes}, token=admin)
    assert reply.status == 200, reply.body
    assert reply.json["version"] == at
    # (the rule naming no office falls through to the category's fallback, and is a problem)
    moved = [(r["district_id"], r["to_office_id"]) for r in reply.json["changed_routes"]]
    assert moved == [("karachi", "power-division-hq"), ("lahore", "lesco-test")]
    assert [p["field"] for p in reply.json["problems"]] == ["changes[2].office_id"]
    assert version(stack, admin) == at
    # In Urdu, the problems are said in Urdu
    urdu = stack.post(
        "/v1/admin/directory/dry-run", {"changes": changes}, token=admin, headers={"Accept-Language": "ur"}
    )
    assert urdu.json["problems"][0]["problem"] == "اس شناخت کا کوئی دفتر نہیں"
    malformed = stack.post("/v1/admin/directory/dry-run", {"changes": [{"op": "fly"}, {"op": "put_rule"}]}, token=admin)
    assert malformed.status == 400
    assert fields(malformed)[0] == "changes[0].op" and "changes[1].office_id" in fields(malformed)


def test_csv_round_trip_changes_nothing_and_a_bad_row_refuses_the_whole_file(stack: Stack) -> None:
    admin = stack.login("admin")
    at = version(stack, admin)
    exported = stack.get("/v1/admin/routing-rules/export", token=admin)
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
    text = exported.body.decode()
    assert text.startswith("category_id,district_id,office_id\r\n")
    # Imported unchanged: no change, the version stays
    same = send(stack, "POST", "/v1/admin/routing-rules/import", token=admin, at=at, csv=exported.body)
    assert same.status == 200, same.body
    assert (same.json["added"], same.json["changed"], same.json["removed"], same.json["version"]) == (0, 0, 0, at)
    # A bad row: 400 naming it, nothing stored
    lines = text.splitlines()
    bad = "\r\n".join([*lines[:3], lines[3].rsplit(",", 1)[0] + ",no-such-office", *lines[4:]]).encode()
    refused = send(stack, "POST", "/v1/admin/routing-rules/import", token=admin, at=at, csv=bad)
    assert refused.status == 400 and fields(refused) == ["rows[3].office_id"], refused.body
    assert version(stack, admin) == at
    # One rule changed: dry run first, then applied, audited once
    first = lines[1].split(",")
    moved = "\r\n".join([lines[0], f"{first[0]},{first[1]},lesco-hq", *lines[2:]]).encode()
    dry = send(stack, "POST", "/v1/admin/routing-rules/import?dry_run=true", token=admin, at=at, csv=moved)
    assert dry.status == 200 and dry.json["changed"] == 1 and dry.json["dry_run"] is True, dry.body
    applied = send(stack, "POST", "/v1/admin/routing-rules/import", token=admin, at=at, csv=moved)
    assert applied.status == 200 and applied.json["version"] == at + 1
    (entry,) = audited(stack, "routing_rules_import", "all")
    assert entry["after"]["changed"] == 1 and entry["after"]["objects"] == [f"{first[0]}/{first[1]}"]
    # Offices: round trip, then a file with a bad row
    offices = stack.get("/v1/admin/offices/export", token=admin)
    assert offices.body.decode().startswith("id,organisation_id,parent_id,name,name_ur,district_id,districts_served")
    unchanged = send(stack, "POST", "/v1/admin/offices/import", token=admin, at=at + 1, csv=offices.body)
    assert unchanged.status == 200 and unchanged.json["version"] == at + 1, unchanged.body
    header = offices.body.decode().splitlines()[0]
    row = "lesco-new,lesco,lesco-lahore-circle,New Division,نیا ڈویژن,lahore,lahore;kasur,Executive Engineer,false"
    added = send(
        stack, "POST", "/v1/admin/offices/import", token=admin, at=at + 1, csv=f"{header}\r\n{row}\r\n".encode()
    )
    assert added.status == 200 and added.json["added"] == 1, added.body
    directory = stack.get("/v1/admin/directory", token=admin).json
    new = next(o for o in directory["offices"] if o["id"] == "lesco-new")
    assert new["districts_served"] == ["lahore", "kasur"] and new["name_ur"] == "نیا ڈویژن"
    wrong = send(
        stack,
        "POST",
        "/v1/admin/offices/import",
        token=admin,
        at=at + 2,
        csv=f"{header}\r\n{row.replace('lahore;kasur', 'atlantis')}\r\n".encode(),
    )
    assert wrong.status == 400 and fields(wrong) == ["rows[1].districts_served[0]"], wrong.body
    assert send(stack, "POST", "/v1/admin/offices/import", token=admin, at=at + 2, csv=b"nonsense\r\n").status == 400
    # JSON is not a file: 415, saying what to send
    json_sent = send(stack, "POST", "/v1/admin/offices/import", {"rows": []}, token=admin, at=at + 2)
    assert json_sent.status == 415 and json_sent.json["error"]["details"][0]["problem"] == "send text/csv"


def test_an_organisation_admin_changes_only_its_organisations_subtree(stack: Stack) -> None:
    org_admin, admin = stack.login("org_admin"), stack.login("admin")
    at = version(stack, org_admin)
    # Its own organisation (LESCO, the demo office's): an office, a rule to it
    opened = send(stack, "POST", "/v1/admin/offices", office_body(), token=org_admin, at=at)
    assert opened.status == 201, opened.body
    path = "/v1/admin/routing-rules/electricity-overbilling/lahore"
    assert send(stack, "PUT", path, {"office_id": opened.json["id"]}, token=org_admin, at=at + 1).status == 200
    assert audited(stack, "office", opened.json["id"])[0]["actor_role"] == "org_admin"
    at += 2
    # Another organisation's office, rule or fallback: 403, even with a body that would not pass
    other = stack.other_office_id
    assert send(stack, "PUT", f"/v1/admin/offices/{other}", {}, token=org_admin, at=at).status == 403
    assert send(stack, "POST", f"/v1/admin/offices/{other}/retire", token=org_admin, at=at).status == 403
    karachi = "/v1/admin/routing-rules/electricity-overbilling/karachi"
    assert send(stack, "PUT", karachi, {"office_id": opened.json["id"]}, token=org_admin, at=at).status == 403
    assert send(stack, "PUT", karachi, {"nonsense": 1}, token=org_admin, at=at).status == 403
    fallback = "/v1/admin/fallbacks/electricity-overbilling"
    assert send(stack, "PUT", fallback, {"office_id": opened.json["id"]}, token=org_admin, at=at).status == 403
    foreign = office_body(organisation_id="iesco", parent_id="iesco-hq")
    assert send(stack, "POST", "/v1/admin/offices", foreign, token=org_admin, at=at).status == 403
    # What only an admin does: 403
    district = {"id": "talagang", "name": "Talagang", "name_ur": "تلہ گنگ", "level_id": "punjab"}
    assert send(stack, "POST", "/v1/admin/districts", district, token=org_admin, at=at).status == 403
    assert send(stack, "PUT", "/v1/admin/sla-policies/default", {}, token=org_admin, at=at).status == 403
    assert send(stack, "POST", "/v1/admin/organisations/lesco/retire", token=org_admin, at=at).status == 403
    # Nothing of that was stored
    assert version(stack, admin) == at
    # Its CSV export is its own organisation's rules; a row for another's office refuses the file
    exported = stack.get("/v1/admin/routing-rules/export", token=org_admin).body.decode()
    offices = {o["id"]: o["organisation_id"] for o in stack.get("/v1/admin/directory", token=admin).json["offices"]}
    assert {offices[line.split(",")[2]] for line in exported.splitlines()[1:]} == {"lesco"}
    same = send(stack, "POST", "/v1/admin/routing-rules/import", token=org_admin, at=at, csv=exported.encode())
    assert same.status == 200 and same.json["changed"] == 0, same.body
    lines = exported.splitlines()
    first = lines[1].split(",")
    stolen = "\r\n".join([lines[0], f"{first[0]},{first[1]},{other}", *lines[2:]]).encode()
    refused = send(stack, "POST", "/v1/admin/routing-rules/import", token=org_admin, at=at, csv=stolen)
    assert refused.status == 400 and fields(refused) == ["rows[1].office_id"], refused.body
    assert stack.get("/v1/admin/routing-rules/export?organisation_id=iesco", token=org_admin).status == 200
    wider = send(
        stack,
        "POST",
        "/v1/admin/routing-rules/import?organisation_id=iesco",
        token=org_admin,
        at=at,
        csv=exported.encode(),
    )
    assert wider.status == 403


def test_a_path_naming_no_directory_id_is_a_404_not_a_server_error(stack: Stack) -> None:
    # Found by schemathesis: a path id no directory id could be (too long, not a slug) reached a model
    admin = stack.login("admin")
    at = version(stack, admin)
    odd = "%F0%9D%95%8B%F0%9D%95%99%F0%9D%95%96" * 8
    body = {"kind": "police", "level_id": "punjab", "name": "N", "name_ur": "ن"}
    for method, path, sent in (
        ("PUT", f"/v1/admin/organisations/{odd}", body),
        ("POST", f"/v1/admin/organisations/{odd}/retire", None),
        ("POST", f"/v1/admin/offices/{odd}/retire", None),
        ("POST", f"/v1/admin/categories/{odd}/retire", None),
        ("DELETE", f"/v1/admin/routing-rules/{odd}/lahore", None),
    ):
        reply = send(stack, method, path, sent, token=admin, at=at)
        assert reply.status == 404, (path, reply.status, reply.body)
