"""An office's history over HTTP, moto behind: the cases it let go, read-only to it; and a transfer's offices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.harness import Stack
from tests.integration.test_actions import actions_path, routed_case

DAY = 24 * 60
REPO = Path(__file__).resolve().parents[2]


def history(stack: Stack, token: str, query: str = "") -> dict[str, Any]:
    reply = stack.get(f"/v1/officer/history{query}", token=token)
    assert reply.status == 200, reply.body
    found: dict[str, Any] = reply.json
    return found


def lines(listing: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(i["id"], i["outcome"], i["handled_by"]["id"]) for i in listing["items"]]


def test_the_office_keeps_a_history_of_what_it_resolved_and_what_escalated_and_reads_them_only(stack: Stack) -> None:
    # Given two routed complaints in the office's queue
    office = stack.demo_route["office_id"]
    officer = stack.login("officer")
    resolved_id, escalated_id = routed_case(stack), routed_case(stack)
    assert history(stack, officer)["items"] == []
    # When the officer resolves one, and the other passes its deadline and escalates
    body = {"action": "resolve", "outcome": "relief_granted", "note": "Bill corrected to 120 units."}
    assert stack.post(actions_path(resolved_id), body, token=officer).status == 200
    assert stack.run_sweeper(minutes_from_now=25 * DAY)["escalated"] == 1
    # Then neither is in the office's queue any more, and its history lists both, newest first
    queue = [c["id"] for c in stack.get("/v1/officer/cases", token=officer).json["items"]]
    assert resolved_id not in queue and escalated_id not in queue
    listed = history(stack, officer)
    assert lines(listed) == [(escalated_id, "escalated", office), (resolved_id, "resolved", office)]
    escalated_line = listed["items"][0]
    assert escalated_line["office"]["id"] == stack.supervisor_office_id  # where the case is now
    # And the history pages (one a page) and filters by outcome and kind
    first = history(stack, officer, "?limit=1")
    assert lines(first) == [(escalated_id, "escalated", office)] and first["next_cursor"]
    second = history(stack, officer, f"?limit=1&cursor={first['next_cursor']}")
    assert lines(second) == [(resolved_id, "resolved", office)]
    assert lines(history(stack, officer, "?outcome=resolved")) == [(resolved_id, "resolved", office)]
    assert history(stack, officer, "?kind=information")["items"] == []
    bad = stack.get("/v1/officer/history?outcome=lost", token=officer)
    assert bad.status == 400 and [d["field"] for d in bad.json["error"]["details"]] == ["outcome"]
    # And the original office reads the escalated case, with nothing to do on it and no citizen contact
    seen = stack.get(f"/v1/officer/cases/{escalated_id}", token=officer)
    assert seen.status == 200, seen.body
    assert seen.json["allowed_actions"] == [] and seen.json.get("citizen_contact") is None
    assert seen.json["office"]["id"] == stack.supervisor_office_id
    # And acting on it is refused as on any case not in its hands
    note = stack.post(actions_path(escalated_id), {"action": "note", "note": "Still ours?"}, token=officer)
    assert note.status == 404
    # While the office above, which has it now, works it
    supervisor = stack.login("supervisor")
    assert stack.get(f"/v1/officer/cases/{escalated_id}", token=supervisor).json["allowed_actions"]
    # And an officer of an unrelated office neither reads either case nor sees them in its history
    outsider = stack.login_officer_of(stack.other_office_id)
    for case_id in (escalated_id, resolved_id):
        assert stack.get(f"/v1/officer/cases/{case_id}", token=outsider).status == 404
    assert history(stack, outsider)["items"] == []
    # And a citizen may not ask for an office's history
    assert stack.get("/v1/officer/history", token=stack.login("citizen")).status == 403


def test_a_case_transferred_away_and_back_leaves_the_history_while_it_is_in_the_queue_again(stack: Stack) -> None:
    # Given a routed complaint moved to another office of the same organisation
    office = stack.demo_route["office_id"]
    officer = stack.login("officer")
    case_id = routed_case(stack)
    offered = transfer_field(stack.get(f"/v1/officer/cases/{case_id}", token=officer).json)
    elsewhere = next(c["value"] for c in offered["choices"] if not request_of(offered, c))
    moved = stack.post(
        actions_path(case_id), {"action": "transfer", "office_id": elsewhere, "note": "Theirs."}, token=officer
    )
    assert moved.status == 200 and moved.json["office"]["id"] == elsewhere
    # Then it is in the office's history as transferred
    assert lines(history(stack, officer)) == [(case_id, "transferred", office)]
    # When an admin moves it back
    back = {"action": "transfer", "office_id": office, "note": "Back to the first office."}
    assert stack.post(actions_path(case_id), back, token=stack.login("admin")).status == 200
    # Then it is in the queue again and out of the history
    assert case_id in [c["id"] for c in stack.get("/v1/officer/cases", token=officer).json["items"]]
    assert history(stack, officer)["items"] == []


def transfer_field(case: dict[str, Any]) -> dict[str, Any]:
    transfer = next(a for a in case["allowed_actions"] if a["action"] == "transfer")
    field: dict[str, Any] = next(f for f in transfer["fields"] if f["name"] == "office_id")
    return field


def request_of(field: dict[str, Any], choice: dict[str, Any]) -> bool:
    return bool(next(g["request"] for g in field["groups"] if g["value"] == choice["group"]))


def test_a_transfers_offices_are_what_the_server_accepts_named_in_both_languages(stack: Stack) -> None:
    # Given a routed complaint and its officer
    officer = stack.login("officer")
    case_id = routed_case(stack)
    case = stack.get(f"/v1/officer/cases/{case_id}", token=officer).json
    here = case["office"]["id"]
    field = transfer_field(case)
    # Then the transfer's office is a choice of every office but the case's own, each named in both languages
    directory = json.loads((REPO / "infra" / "seed" / "directory.json").read_text())
    offices = {o["id"]: o for o in directory["offices"]}
    organisation = offices[here]["organisation_id"]
    choices = field["choices"]
    assert field["type"] == "choice" and field["required"] is True
    assert {c["value"] for c in choices} == set(offices) - {here}
    assert all(c["label"] == offices[c["value"]]["name"] for c in choices)
    assert all(c["label_ur"] == offices[c["value"]]["name_ur"] for c in choices)
    # And the case's own organisation comes first, moved at once; the others' offices are only asked
    groups = field["groups"]
    assert groups[0]["value"] == organisation and groups[0]["request"] is False
    assert all(g["request"] for g in groups[1:]) and all(g["label_ur"] for g in groups)
    assert choices[0]["group"] == organisation
    # And an admin is offered every office as moved at once
    for_admin = transfer_field(stack.get(f"/v1/officer/cases/{case_id}", token=stack.login("admin")).json)
    assert not any(g["request"] for g in for_admin["groups"])
    assert len(for_admin["choices"]) == len(choices)
    # And the server refuses the one office not offered, the case's own
    same = stack.post(actions_path(case_id), {"action": "transfer", "office_id": here, "note": "x"}, token=officer)
    assert same.status == 400 and [d["field"] for d in same.json["error"]["details"]] == ["office_id"]
    # And an office of another organisation, as offered, is asked to take it: the case stays where it is
    other = next(c for c in choices if request_of(field, c))
    asked = stack.post(
        actions_path(case_id), {"action": "transfer", "office_id": other["value"], "note": "Theirs."}, token=officer
    )
    assert asked.status == 200 and asked.json["office"]["id"] == here
    assert asked.json["transfer_request"]["office"]["id"] == other["value"]
