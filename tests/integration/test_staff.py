"""Staff accounts over HTTP, moto behind: invited, first sign-in, working a case, disabled, moved, made supervisor.

An organisation's admin does the same within their organisation only (another organisation's office or
account is a 404 to them, what their role may never do a 403).
"""

from __future__ import annotations

import re
from typing import Any

from local.totp import fresh_code
from tests.harness import Stack
from tests.integration.test_actions import actions_path
from tests.integration.test_identity import next_second
from tests.integration.test_journey import complaint_body

NEW_PASSWORD = "A-chosen-Passw0rd!x"


def invitation(stack: Stack, username: str) -> tuple[str, str]:
    """The username and temporary password in the last invitation sent to `username`, as the person reads it."""
    from local.outbox import sent_texts

    texts = [text for to, text in sent_texts() if to == username]
    assert texts, f"no invitation to {username}"
    found = re.search(r"(?:username|صارف نام) (\S+) .*?(?:temporary password|عارضی پاس ورڈ) ([^\s.]+)", texts[-1])
    assert found, texts[-1]
    return found.group(1), found.group(2)


def first_sign_in(stack: Stack, username: str, temporary: str) -> str:
    """The invitee's first sign-in over the API: a new password, an authenticator app, its code; an ID token."""
    first = stack.post("/v1/auth/login", {"username": username, "password": temporary})
    assert first.status == 200 and first.json["challenge"] == "new_password", first.body
    answer = {"username": username, "session": first.json["session"], "challenge": "new_password"}
    chosen = stack.post("/v1/auth/challenge", {**answer, "new_password": NEW_PASSWORD})
    assert chosen.status == 200 and chosen.json["challenge"] == "mfa_setup", chosen.body
    setup = {"username": username, "session": chosen.json["session"], "challenge": "mfa_setup"}
    enrol = stack.post("/v1/auth/challenge", setup)
    assert enrol.status == 200 and enrol.json["secret"], enrol.body
    code = fresh_code(enrol.json["secret"])
    done = stack.post("/v1/auth/challenge", {**setup, "session": enrol.json["session"], "code": code})
    assert done.status == 200, done.body
    return str(done.json["id_token"])


def sign_in_again(stack: Stack, username: str) -> str:
    next_second()  # a revocation refuses the tokens of its own second
    reply = stack.sign_in(username, password=NEW_PASSWORD)
    assert reply.status == 200, reply.body
    return str(reply.json["id_token"])


def invite(stack: Stack, token: str, **body: Any) -> Any:
    return stack.post("/v1/admin/staff", {"name": "Kamran Ali", "language": "en", **body}, token=token)


def listed(stack: Stack, token: str, office_id: str) -> dict[str, dict[str, Any]]:
    reply = stack.get(f"/v1/admin/offices/{office_id}/staff", token=token)
    assert reply.status == 200, reply.body
    return {item["sub"]: item for item in reply.json["items"]}


def audit(stack: Stack, token: str, query: str = "") -> list[dict[str, Any]]:
    reply = stack.get(f"/v1/admin/audit{query}", token=token)
    assert reply.status == 200, reply.body
    return list(reply.json["items"])


def test_an_invited_officer_signs_in_first_time_works_a_case_and_loses_it_when_disabled(stack: Stack) -> None:
    admin, office = stack.login("admin"), stack.demo_route["office_id"]
    # When the admin invites an officer to the demo office by e-mail
    made = invite(stack, admin, email="Kamran.Ali@example.pk", office_id=office, role="officer")
    # Then the account is made, invited, its contact masked
    assert made.status == 201, made.body
    assert {k: made.json[k] for k in ("username", "office_id", "role", "enabled", "status", "contact")} == {
        "username": "kamran.ali@example.pk",
        "office_id": office,
        "role": "officer",
        "enabled": True,
        "status": "invited",
        "contact": "k***@example.pk",
    }
    sub = made.json["sub"]
    assert listed(stack, admin, office)[sub]["status"] == "invited"
    # And the same username again is a 409
    assert invite(stack, admin, email="kamran.ali@example.pk", office_id=office).status == 409
    # When the invitee reads the invitation and signs in: a new password, an authenticator app
    username, temporary = invitation(stack, "kamran.ali@example.pk")
    assert username == "kamran.ali@example.pk" and len(temporary) >= 14
    token = first_sign_in(stack, username, temporary)
    me = stack.get("/v1/me", token=token).json
    assert (me["role"], me["office_id"], me["sub"]) == ("officer", office, sub)
    # Then the office's list shows them active
    assert listed(stack, admin, office)[sub] | {"invited_at": None} == {
        "sub": sub,
        "name": "Kamran Ali",
        "office_id": office,
        "role": "officer",
        "supervisor": False,
        "enabled": True,
        "status": "active",
        "contact": "k***@example.pk",
        "invited_at": None,
    }
    # And a complaint filed next comes to them, and they work it
    filed = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen"))
    assert filed.status == 201 and stack.run_route_worker() == 1
    case_id = filed.json["id"]
    assert case_id in [c["id"] for c in stack.get("/v1/officer/cases", token=token).json["items"]]
    acknowledged = stack.post(actions_path(case_id), {"action": "acknowledge"}, token=token)
    assert acknowledged.status == 200 and acknowledged.json["status"] == "in_progress", acknowledged.body
    # When the admin disables them, Then their token is refused on its next request and they cannot sign in
    assert stack.post(f"/v1/admin/accounts/{sub}/disable", {}, token=admin).json == {"status": "disabled"}
    assert stack.get(f"/v1/officer/cases/{case_id}", token=token).status == 401
    assert stack.sign_in(username, password=NEW_PASSWORD).status == 401
    assert listed(stack, admin, office)[sub]["status"] == "disabled"
    # And enabling lets them back in
    assert stack.post(f"/v1/admin/accounts/{sub}/enable", {}, token=admin).json == {"status": "enabled"}
    again = sign_in_again(stack, username)
    assert stack.get(f"/v1/officer/cases/{case_id}", token=again).status == 200
    # And the audit trail shows each step, newest first, the contact masked
    steps = audit(stack, admin, f"?object_type=account&object_id={sub}")
    assert [e["action"] for e in steps] == ["enable", "disable", "invite"]
    assert all(e["actor_sub"] == stack.subs["admin"] and e["organisation_id"] == "lesco" for e in steps)
    assert steps[2]["after"]["contact"] == "k***@example.pk" and "kamran.ali@" not in str(steps)


def test_an_invitation_by_phone_goes_by_sms_in_urdu(stack: Stack) -> None:
    admin = stack.login("admin")
    made = invite(stack, admin, phone="0300 7654321", office_id=stack.supervisor_office_id, language="ur")
    assert made.status == 201 and made.json["username"] == "+923007654321" and made.json["contact"].startswith("+92300")
    username, temporary = invitation(stack, "+923007654321")
    assert username == "+923007654321" and len(temporary) >= 14
    # The invitation's words are Urdu
    from local.outbox import sent_texts

    assert "عارضی پاس ورڈ" in [t for to, t in sent_texts() if to == username][-1]
    # Bad input names the field
    bad = invite(stack, admin, phone="12", office_id=stack.supervisor_office_id)
    assert bad.status == 400 and [d["field"] for d in bad.json["error"]["details"]] == ["phone"]
    nowhere = invite(stack, admin, email="x@example.pk", office_id="nowhere")
    assert nowhere.status == 400 and [d["field"] for d in nowhere.json["error"]["details"]] == ["office_id"]
    neither = stack.post(
        "/v1/admin/staff", {"name": "No Contact", "office_id": stack.supervisor_office_id}, token=admin
    )
    assert neither.status == 400


def test_a_supervisor_answers_another_organisations_transfer_request_an_officer_does_not(stack: Stack) -> None:
    admin = stack.login("admin")
    # Given an officer of another organisation's office, invited and signed in (not a supervisor)
    other_office = stack.other_office_id
    made = invite(stack, admin, email="pmdu.officer@example.pk", office_id=other_office)
    assert made.status == 201, made.body
    token = first_sign_in(stack, *invitation(stack, "pmdu.officer@example.pk"))
    # And a complaint the demo office asks their office to take
    filed = stack.post("/v1/complaints", complaint_body(stack), token=stack.login("citizen"))
    assert filed.status == 201 and stack.run_route_worker() == 1
    case_id = filed.json["id"]
    ask = {"action": "transfer", "office_id": other_office, "note": "Theirs, not ours."}
    assert stack.post(actions_path(case_id), ask, token=stack.login("officer")).status == 200
    # Then the officer sees it but is offered nothing, and accepting is a 409
    seen = stack.get(f"/v1/officer/cases/{case_id}", token=token)
    assert seen.status == 200 and seen.json["allowed_actions"] == []
    refused = stack.post(actions_path(case_id), {"action": "accept_transfer"}, token=token)
    assert refused.status == 409 and refused.json["error"]["code"] == "transition_not_allowed"
    # And a supervisor cannot read another office's staff list, an officer none
    assert stack.get(f"/v1/admin/offices/{other_office}/staff", token=token).status == 404
    # When the admin makes them a supervisor, Then their present token is refused
    promoted = stack.request(
        "PUT", f"/v1/admin/accounts/{made.json['sub']}/supervisor", b'{"supervisor": true}', token=admin
    )
    assert promoted.status == 200 and promoted.json == {"status": "supervisor"}, promoted.body
    assert stack.get(f"/v1/officer/cases/{case_id}", token=token).status == 401
    # And signed in again they answer the request, and read their office's staff
    token = sign_in_again(stack, "pmdu.officer@example.pk")
    staff = listed(stack, token, other_office)
    assert staff[made.json["sub"]]["supervisor"] is True and staff[made.json["sub"]]["role"] == "supervisor"
    offered = [a["action"] for a in stack.get(f"/v1/officer/cases/{case_id}", token=token).json["allowed_actions"]]
    assert offered == ["accept_transfer", "decline_transfer"]
    accepted = stack.post(actions_path(case_id), {"action": "accept_transfer"}, token=token)
    assert accepted.status == 200 and accepted.json["office"]["id"] == other_office, accepted.body
    # And taking the role away is audited too
    demoted = stack.request(
        "PUT", f"/v1/admin/accounts/{made.json['sub']}/supervisor", b'{"supervisor": false}', token=admin
    )
    assert demoted.json == {"status": "officer"}
    actions = [e["action"] for e in audit(stack, admin, f"?object_type=account&object_id={made.json['sub']}")]
    assert actions == ["revoke_supervisor", "grant_supervisor", "invite"]


def test_an_organisation_admin_manages_its_own_organisations_staff_only(stack: Stack) -> None:
    admin, office = stack.login("admin"), stack.demo_route["office_id"]
    # Given LESCO's admin, invited by the portal admin
    made = invite(stack, admin, email="lesco.admin@example.pk", office_id=stack.supervisor_office_id, role="org_admin")
    assert made.status == 201 and made.json["role"] == "org_admin", made.body
    org_admin = first_sign_in(stack, *invitation(stack, "lesco.admin@example.pk"))
    assert stack.get("/v1/me", token=org_admin).json["role"] == "org_admin"
    # When they invite a supervisor to a LESCO office, Then it is made
    ours = invite(stack, org_admin, email="lesco.supervisor@example.pk", office_id=office, role="supervisor")
    assert ours.status == 201 and ours.json["role"] == "supervisor", ours.body
    assert listed(stack, org_admin, office)[ours.json["sub"]]["supervisor"] is True
    # And another organisation's office is a 404 to them, another org admin a 403
    theirs = invite(stack, org_admin, email="elsewhere@example.pk", office_id=stack.other_office_id)
    assert theirs.status == 404, theirs.body
    assert invite(stack, org_admin, email="peer@example.pk", office_id=office, role="org_admin").status == 403
    assert stack.get(f"/v1/admin/offices/{stack.other_office_id}/staff", token=org_admin).status == 404
    # And they move, disable and enable their own staff, not another organisation's
    sub = ours.json["sub"]
    away = stack.request(
        "PUT",
        f"/v1/admin/accounts/{sub}/office",
        f'{{"office_id": "{stack.supervisor_office_id}"}}'.encode(),
        token=org_admin,
    )
    assert away.status == 200, away.body
    assert sub in listed(stack, org_admin, stack.supervisor_office_id)
    assert sub not in listed(stack, org_admin, office)
    across = stack.request(
        "PUT",
        f"/v1/admin/accounts/{sub}/office",
        f'{{"office_id": "{stack.other_office_id}"}}'.encode(),
        token=org_admin,
    )
    assert across.status == 404, across.body
    assert stack.post(f"/v1/admin/accounts/{sub}/disable", {}, token=org_admin).status == 200
    assert stack.post(f"/v1/admin/accounts/{sub}/enable", {}, token=org_admin).status == 200
    stack.login_officer_of(stack.other_office_id)
    stranger = stack.subs[f"officer:{stack.other_office_id}"]
    assert stack.post(f"/v1/admin/accounts/{stranger}/disable", {}, token=org_admin).status == 404
    assert stack.post(f"/v1/admin/accounts/{stack.subs['admin']}/disable", {}, token=org_admin).status == 404
    # And the portal's settings are not theirs
    assert stack.request("PUT", "/v1/admin/holidays/2026", b'{"holidays": []}', token=org_admin).status == 403
    assert stack.post("/v1/admin/open311-keys", {"name": "x"}, token=org_admin).status == 403
    # And their audit trail holds their organisation's entries only
    entries = audit(stack, org_admin)
    assert entries and all(e["organisation_id"] == "lesco" for e in entries)
    assert {"invite", "move", "disable", "enable"} <= {e["action"] for e in entries}
    assert stack.get("/v1/admin/audit", token=stack.login("officer")).status == 403
