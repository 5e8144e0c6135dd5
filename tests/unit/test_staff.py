"""Staff accounts, the supervisor's standing and the audit trail's reading, over the in-memory table."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from chalicelib.logic import accounts, audit, audit_log, staff, workflow
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal
from chalicelib.models.errors import Forbidden, InvalidCursor, InvalidInput, NotFound, ServiceUnavailable
from chalicelib.models.staff import StaffInviteIn
from chalicelib.store import people
from tests.fakes import Clock, FakeIdentity, FakeMessenger, make_services, small_directory
from tests.fakes import officer as officer_principal

ADMIN = Actor(principal=Principal(sub="admin-1", role="admin", name="Admin"), source_ip="10.0.0.1")
LESCO_ADMIN = Actor(principal=Principal(sub="org-lesco", role="org_admin", office_id="lesco-hq"), source_ip="10.0.0.2")
STAFF_POLICY = re.compile(r"(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])(?=.*[^A-Za-z0-9]).{14,}")


def fakes(services: Services) -> tuple[FakeIdentity, FakeMessenger]:
    assert isinstance(services.identity, FakeIdentity) and isinstance(services.messenger, FakeMessenger)
    return services.identity, services.messenger


def invite(services: Services, actor: Actor = ADMIN, **body: object) -> str:
    data = StaffInviteIn.model_validate({"name": "Kamran Ali", "office_id": "lesco-lahore", **body})
    return staff.invite(services, actor, data).sub


def test_temporary_passwords_meet_the_staff_pools_policy() -> None:
    made = {staff.temporary_password() for _ in range(500)}
    assert len(made) == 500 and all(STAFF_POLICY.fullmatch(p) for p in made)


def test_an_invitation_makes_the_account_in_its_groups_and_tells_the_person_in_their_language() -> None:
    services, _, _ = make_services()
    identity, messenger = fakes(services)
    sub = invite(services, email="Kamran@Example.pk", role="supervisor", language="ur")
    user = identity.user("kamran@example.pk", "staff")
    assert user["groups"] == ["officer", "supervisor"] and user["temporary"] is True
    assert user["attributes"] == {
        "name": "Kamran Ali",
        "custom:office_id": "lesco-lahore",
        "custom:language": "ur",
        "email": "kamran@example.pk",
        "email_verified": "true",
    }
    address, subject, text = messenger.emails[-1]
    assert address == "kamran@example.pk" and subject == staff.INVITATION_SUBJECT["ur"]
    assert str(user["password"]) in text and "kamran@example.pk" in text and "لیسکو لاہور" in text
    # The office's list shows them with what it needs, from one Query
    page = staff.list_staff(services, ADMIN.principal, "lesco-lahore", None)
    assert [(m.sub, m.role, m.supervisor, m.status, m.contact) for m in page.items] == [
        (sub, "supervisor", True, "invited", "k***@example.pk")
    ]
    # And the audit trail has the invitation, the contact masked
    entry = audit_log.read(services, ADMIN.principal, audit_log.filters_of(None, None, None, None, None), None, 10)
    assert [(e.action, e.object_id, e.organisation_id) for e in entry.items] == [("invite", sub, "lesco")]
    assert "kamran@" not in entry.items[0].model_dump_json()


def test_an_invitation_that_cannot_be_sent_leaves_no_account() -> None:
    services, _, _ = make_services()
    identity, messenger = fakes(services)
    messenger.broken = True
    with pytest.raises(ServiceUnavailable):
        invite(services, phone="03001234567")
    assert identity.find("staff", "+923001234567") is None
    assert staff.list_staff(services, ADMIN.principal, "lesco-lahore", None).items == []


def test_an_organisation_admin_invites_officers_and_supervisors_within_its_organisation_only() -> None:
    services, _, _ = make_services()
    assert invite(services, LESCO_ADMIN, email="a@example.pk", office_id="lesco-kasur")
    with pytest.raises(NotFound):
        invite(services, LESCO_ADMIN, email="b@example.pk", office_id="pmdu-hq")
    with pytest.raises(NotFound):
        invite(services, LESCO_ADMIN, email="b@example.pk", office_id="nowhere")
    with pytest.raises(Forbidden):
        invite(services, LESCO_ADMIN, email="b@example.pk", role="org_admin")
    with pytest.raises(InvalidInput):
        invite(services, ADMIN, email="b@example.pk", office_id="nowhere")
    with pytest.raises(NotFound):
        staff.list_staff(services, LESCO_ADMIN.principal, "pmdu-hq", None)


def test_a_supervisor_reads_its_subtrees_staff_and_an_officer_none() -> None:
    services, _, _ = make_services()
    invite(services, email="a@example.pk", office_id="lesco-kasur")
    head = officer_principal("lesco-hq")
    with pytest.raises(NotFound):
        staff.list_staff(services, head, "lesco-kasur", None)
    supervisor = head.model_copy(update={"supervisor": True})
    assert len(staff.list_staff(services, supervisor, "lesco-kasur", None).items) == 1
    with pytest.raises(NotFound):
        staff.list_staff(services, supervisor, "pmdu-hq", None)


def test_the_staff_list_pages_and_shows_accounts_made_before_it_kept_details() -> None:
    services, _, _ = make_services()
    subs = sorted(invite(services, email=f"p{n}@example.pk") for n in range(3))
    people.add_staff(services.table, "lesco-lahore", "0-legacy")  # as the harness and older seeds made them
    seen, cursor = [], None
    while True:
        page = staff.list_staff(services, ADMIN.principal, "lesco-lahore", cursor, limit=2)
        seen.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert [m.sub for m in seen] == ["0-legacy", *subs]
    assert (seen[0].status, seen[0].role, seen[0].name) == ("active", "officer", "")
    with pytest.raises(InvalidCursor):
        staff.list_staff(services, ADMIN.principal, "lesco-kasur", page.next_cursor or "x.y")


def test_disabled_officers_and_organisation_admins_hear_nothing_of_an_offices_cases() -> None:
    services, _, _ = make_services()
    officer = invite(services, email="o@example.pk")
    invite(services, email="admin@lesco.example.pk", role="org_admin")
    assert people.staff_of(services.table, "lesco-lahore") == [officer]
    accounts.disable(services, ADMIN, officer)
    assert people.staff_of(services.table, "lesco-lahore") == []
    accounts.enable(services, ADMIN, officer)
    assert people.staff_of(services.table, "lesco-lahore") == [officer]


def test_account_changes_by_an_organisation_admin_stay_in_its_organisation() -> None:
    services, _, _ = make_services()
    ours = invite(services, email="o@example.pk")
    theirs = invite(services, email="p@example.pk", office_id="pmdu-hq")
    peer = invite(services, email="peer@example.pk", role="org_admin")
    accounts.move_officer(services, LESCO_ADMIN, ours, "lesco-kasur")
    assert accounts.set_supervisor(services, LESCO_ADMIN, ours, True) == "supervisor"
    identity, _ = fakes(services)
    assert identity.user("o@example.pk", "staff")["groups"] == ["officer", "supervisor"]
    listed = staff.list_staff(services, ADMIN.principal, "lesco-kasur", None).items
    assert [(m.sub, m.supervisor, m.name) for m in listed] == [(ours, True, "Kamran Ali")]
    for change in (
        lambda: accounts.disable(services, LESCO_ADMIN, theirs),
        lambda: accounts.move_officer(services, LESCO_ADMIN, theirs, "lesco-kasur"),
        lambda: accounts.move_officer(services, LESCO_ADMIN, ours, "pmdu-hq"),
        lambda: accounts.set_supervisor(services, LESCO_ADMIN, theirs, True),
    ):
        with pytest.raises(NotFound):
            change()
    with pytest.raises(Forbidden):
        accounts.disable(services, LESCO_ADMIN, peer)
    actions = [
        e.action
        for e in audit_log.read(
            services, LESCO_ADMIN.principal, audit_log.filters_of(None, None, None, None, None), None, 20
        ).items
    ]
    # The organisation admin reads its organisation's trail: PMDU's invitation is not there
    assert sorted(actions) == sorted(["grant_supervisor", "move", "invite", "invite"])


def test_only_a_supervisor_answers_a_request_from_another_organisation() -> None:
    from tests.unit.test_transfers import PMDU_HEAD, transfer, two_organisations

    services, _, _ = make_services(snapshot=two_organisations())
    from tests.fakes import routed_complaint

    case_id = routed_complaint(services)
    transfer(services, case_id, "pmdu-hq")
    from chalicelib.store import cases as case_store

    case = case_store.get_case(services.table, case_id)
    assert case is not None
    plain = PMDU_HEAD.model_copy(update={"supervisor": False})
    directory = services.directory()
    assert workflow.standings(case, plain, directory) == frozenset({"asked"})
    assert workflow.standings(case, PMDU_HEAD, directory) == frozenset({"receiving"})
    with pytest.raises(Exception, match="supervisor"):
        workflow.check_standing("accept_transfer", frozenset({"asked"}))


# --- the audit trail's reading ---------------------------------------------------------------------


def record_at(services: Services, clock: Clock, when: datetime, action: str, actor: Actor = ADMIN, **kw: str) -> None:
    clock.now = when
    entry = audit.entry(
        services,
        actor,
        action,
        kw.get("object_type", "office"),
        kw.get("object_id", "lesco-hq"),
        organisation_id=kw.get("organisation_id"),
    )
    audit.record(services, entry)


def test_the_trail_reads_newest_first_across_months_a_page_at_a_time() -> None:
    services, _, clock = make_services()
    record_at(services, clock, datetime(2026, 9, 30, 23, 0, tzinfo=UTC), "september")
    record_at(services, clock, datetime(2026, 10, 1, 8, 0, tzinfo=UTC), "october")
    record_at(services, clock, datetime(2026, 12, 2, 8, 0, tzinfo=UTC), "december")
    clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    everything = audit_log.filters_of(None, None, None, None, None)
    seen: list[str] = []
    cursor = None
    while True:
        page = audit_log.read(services, ADMIN.principal, everything, cursor, 1)
        seen.extend(e.action for e in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == ["december", "october", "september"]
    october = audit_log.filters_of(None, None, None, "2026-10-01", "2026-11-30")
    assert [e.action for e in audit_log.read(services, ADMIN.principal, october, None, 10).items] == ["october"]
    last_day = audit_log.filters_of(None, None, None, "2026-09-30", "2026-09-30")
    assert [e.action for e in audit_log.read(services, ADMIN.principal, last_day, None, 10).items] == ["september"]


def test_filters_are_checked_and_name_the_field() -> None:
    for args, field in (
        ((None, None, None, "2026-02-30", None), "from"),
        ((None, None, None, None, "3/12/2026"), "to"),
        ((None, None, None, "2026-12-02", "2026-12-01"), "from"),
        ((None, None, "x", None, None), "object_type"),
        (("a b", None, None, None, None), "actor"),
    ):
        with pytest.raises(InvalidInput) as refused:
            audit_log.filters_of(*args)
        assert [p.field for p in refused.value.details] == [field], args


def test_officers_and_citizens_read_no_trail() -> None:
    services, _, _ = make_services()
    nothing = audit_log.filters_of(None, None, None, None, None)
    for who in (officer_principal("lesco-hq"), Principal(sub="c", role="citizen")):
        with pytest.raises(Forbidden):
            audit_log.read(services, who, nothing, None, 10)
        with pytest.raises(Forbidden):
            audit_log.export(services, who, nothing)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_quoted(text: str) -> None:
    assert audit_log.cell(text) == "'" + text
    assert audit_log.cell("Lahore") == "Lahore" and audit_log.cell(None) == ""


def test_the_export_stops_at_its_cap_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    services, _, clock = make_services()
    for n in range(5):
        record_at(services, clock, datetime(2026, 11, 27, 9, n, tzinfo=UTC), f"change-{n}")
    monkeypatch.setattr(audit_log, "EXPORT_MAX_ROWS", 3)
    exported = audit_log.export(services, ADMIN.principal, audit_log.filters_of(None, None, None, None, None))
    rows = list(csv.reader(io.StringIO(exported.body)))
    assert exported.truncated and exported.rows == 3 and len(rows) == 5
    assert [r[5] for r in rows[1:4]] == ["change-4", "change-3", "change-2"] and rows[-1][0].startswith("# truncated")


def test_the_small_directory_is_what_these_tests_assume() -> None:
    offices = {o.id: o.organisation_id for o in small_directory().offices}
    assert offices["lesco-kasur"] == "lesco" and offices["pmdu-hq"] == "pmdu"
