"""What every state change shares: deadlines, notices, counters, and the commit that writes them together.

Officers' actions, the citizen's reply and verdict, routing and the deadlines sweeper all
end in `commit`: one transaction (case, timeline events, in-app notices, counters)
conditioned on the version read, then the notices are queued for SMS/e-mail.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from chalicelib.logic.complaints import iso
from chalicelib.logic.directory import Directory
from chalicelib.logic.notifications import dispatch
from chalicelib.logic.ports import Services
from chalicelib.models.complaints import Case, TimelineEvent
from chalicelib.models.directory import Office, SlaPolicy
from chalicelib.models.errors import VersionConflict
from chalicelib.models.notifications import Notification
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Increment

# The office is reminded once per deadline when this share of its time is used.
REMINDER_AT = 0.75
WORKING_STATUSES = frozenset({"routed", "in_progress", "reopened"})


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def check_version(case: Case, if_match: int | None) -> None:
    """`If-Match`: the version the caller read must still be the case's."""
    if if_match is not None and if_match != case.version:
        raise VersionConflict(f"the case is at version {case.version}, not {if_match}; reload and try again")


def next_check(case: Case, policy: SlaPolicy, now: datetime) -> str | None:
    """When the sweeper must next look at the case, from its status and deadlines; never before `now`.

    Working cases: the 75 % reminder, then the deadline. A paused case (waiting for the
    citizen) is never due. A resolved case: the end of the citizen's feedback window.
    Never in the past, because the sweeper looks back only so far (sweeper.LOOKBACK_MONTHS).
    """
    if case.status == "submitted":
        return case.next_check_at  # the re-drive time, kept by whoever filed or re-drove it
    if case.status in WORKING_STATUSES and case.due_at and not case.paused_at:
        if case.reminded_due_at == case.due_at:
            return max(case.due_at, iso(now))
        left = timedelta(days=policy.days_per_level * (1 - REMINDER_AT))
        return max(iso(parse_time(case.due_at) - left), iso(now))
    if case.status == "resolved" and case.resolution is not None:
        return iso(parse_time(case.resolution.at) + timedelta(days=policy.feedback_window_days))
    return None


def assign(case: Case, office: Office, level: int, due: datetime) -> None:
    """Give the case to `office` at `level` with the deadline `due` (routing, transfer, escalation, reopening)."""
    case.office_id, case.organisation_id, case.level = office.id, office.organisation_id, level
    case.due_at = iso(due)
    case.paused_at = None
    case.reminded_due_at = None


def period(policy: SlaPolicy) -> timedelta:
    """The time one level has to answer."""
    return timedelta(days=policy.days_per_level)


def office_params(directory: Directory, office_id: str | None, prefix: str = "") -> dict[str, str]:
    """`{prefix}office_name` and `{prefix}office_name_ur` for a notice's template."""
    office = directory.offices.get(office_id or "")
    name = office.name if office else office_id or ""
    name_ur = (office.name_ur or office.name) if office else office_id or ""
    return {f"{prefix}office_name": name, f"{prefix}office_name_ur": name_ur}


def notice(
    case: Case,
    template: str,
    params: dict[str, str],
    at: str,
    *,
    to_office: str | None = None,
) -> Notification:
    """A notice about `case` for its citizen, or for the staff of `to_office`."""
    return Notification(
        # Nanoseconds first: notices of the same second list in the order they were made.
        id=f"{time.time_ns():016x}{secrets.token_hex(2)}",
        at=at,
        template=template,
        params={"case_id": case.id, **params},
        case_id=case.id,
        sub=None if to_office else case.citizen_sub,
        office_id=to_office,
    )


# The dimensions public statistics are read by (GET /v1/stats); every counted event is
# added to each, in the same transaction as the change it counts.
STAT_DIMENSIONS = ("all", "level", "organisation", "office", "category", "district")


def counters(
    day: str, case: Case, directory: Directory, counts: dict[str, int], office_id: str | None = None
) -> list[Increment]:
    """Daily counters of `case`'s event for the whole portal and each of its groups (by `office_id` if given)."""
    office = directory.offices.get(office_id or case.office_id or "")
    organisation_id = office.organisation_id if office else case.organisation_id
    organisation = directory.organisations.get(organisation_id or "")
    groups = {
        "all": "all",
        "level": organisation.level_id if organisation else None,
        "organisation": organisation_id,
        "office": office.id if office else None,
        "category": case.category_id,
        "district": case.location.district if case.location else None,
    }
    return [Increment(keys.stat_key(dim, value, day), counts) for dim, value in groups.items() if value]


def commit(
    services: Services,
    case: Case,
    *,
    expected_version: int,
    events: Sequence[TimelineEvent],
    notes: Sequence[Notification] = (),
    counts: Sequence[Increment] = (),
    actor_sub: str | None,
) -> None:
    """Write the change if the case is still at `expected_version` (else VersionConflict), then queue its notices."""
    case.version = expected_version + 1
    case.event_seq += len(events)
    case.updated_at = events[-1].at if events else case.updated_at
    change = case_store.CaseChange(case=case, events=events, notifications=notes, counters=counts)
    case_store.save_change(services.table, change, expected_version=expected_version, actor_sub=actor_sub)
    dispatch(services, notes)
