"""Routing: a submitted complaint reaches the office that handles it, with a deadline."""

from __future__ import annotations

import secrets
from datetime import timedelta

from chalicelib.logic.complaints import iso
from chalicelib.logic.ports import Services
from chalicelib.models.complaints import TimelineEvent
from chalicelib.models.errors import CaseNotFound, ServiceUnavailable, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Increment


def route_case(services: Services, case_id: str) -> bool:
    """Route one case; True if it was routed now, False if it had been already (a repeat delivery)."""
    for _ in range(2):
        try:
            return _route_once(services, case_id)
        except VersionConflict:
            continue  # someone else changed it between our read and write: read again
    return False


def _route_once(services: Services, case_id: str) -> bool:
    case = case_store.get_case(services.table, case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} is not in the store")
    if case.status != "submitted":
        return False
    directory = services.directory()
    office = directory.office_for(case.category_id, case.location.district) or directory.triage_office()
    if office is None:
        raise ServiceUnavailable("the directory has no office to route to")
    policy = directory.sla_for(case.category_id)
    now = services.clock()
    stamp = iso(now)
    due = iso(now + timedelta(days=policy.days_per_level))
    expected = case.version
    case.status = "routed"
    case.office_id = office.id
    case.organisation_id = office.organisation_id
    case.level = 0
    case.due_at = due
    case.next_check_at = due
    case.routed_at = stamp
    case.updated_at = stamp
    case.version += 1
    case.event_seq += 1
    event = TimelineEvent(at=stamp, type="routed", actor_role="system", office_id=office.id, level=0, note=office.name)
    note = case_store.Notification(
        sub=case.citizen_sub,
        id=secrets.token_hex(6),
        at=stamp,
        template="case_routed",
        params={
            "case_id": case.id,
            "office_name": office.name,
            "office_name_ur": office.name_ur,
            "due_date": due[:10],
        },
        case_id=case.id,
    )
    counters = [
        Increment(keys.stat_key("office", office.id, stamp[:10]), {"routed": 1}),
        Increment(keys.stat_key("all", "all", stamp[:10]), {"routed": 1}),
    ]
    change = case_store.CaseChange(case=case, events=[event], notifications=[note], counters=counters)
    case_store.save_change(services.table, change, expected_version=expected, actor_sub=None)
    logger.info("complaint routed", extra={"case_id": case.id, "office_id": office.id})
    metrics.add_metric(name="ComplaintsRouted", unit="Count", value=1)
    return True
