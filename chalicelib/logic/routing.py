"""Routing: a submitted complaint reaches the office that handles it, with a deadline."""

from __future__ import annotations

from chalicelib.logic.changes import assign, commit, counters, next_check, notice, office_params, period
from chalicelib.logic.complaints import iso
from chalicelib.logic.ports import Services
from chalicelib.models.complaints import TimelineEvent
from chalicelib.models.errors import CaseNotFound, ServiceUnavailable, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store


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
    district = case.location.district if case.location else ""
    office = directory.office_for(case.category_id, district) or directory.triage_office()
    if office is None:
        raise ServiceUnavailable("the directory has no office to route to")
    policy = directory.sla_for(case.category_id)
    now = services.clock()
    stamp = iso(now)
    expected = case.version
    assign(case, office, 0, now + period(policy))
    case.status = "routed"
    case.routed_at = stamp
    case.next_check_at = next_check(case, policy, now)
    event = TimelineEvent(at=stamp, type="routed", actor_role="system", office_id=office.id, level=0, note=office.name)
    params = {**office_params(directory, office.id), "due_date": (case.due_at or "")[:10]}
    notes = [
        notice(case, "case_routed", params, stamp),
        notice(case, "office_new_case", params, stamp, to_office=office.id),
    ]
    counts = counters(stamp[:10], case, directory, {"routed": 1})
    commit(services, case, expected_version=expected, events=[event], notes=notes, counts=counts, actor_sub=None)
    logger.info("complaint routed", extra={"case_id": case.id, "office_id": office.id})
    metrics.add_metric(name="ComplaintsRouted", unit="Count", value=1)
    return True
