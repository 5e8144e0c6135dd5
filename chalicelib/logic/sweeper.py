"""The deadlines sweeper: looks only at cases whose next check is due.

Today it re-drives complaints stuck in `submitted` (their enqueue failed or
the message was lost). It reads the due index (GSI3) day by day and shard by
shard, so its cost follows the number of due cases, not of all cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.logic.complaints import REDRIVE_AFTER, iso
from chalicelib.logic.ports import Services
from chalicelib.models.errors import ServiceUnavailable, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Key

# How far back the sweeper looks for checks it has not acted on (a sweeper
# outage shorter than this loses nothing).
LOOKBACK_DAYS = 7
_PAGE = 100


@dataclass
class SweepReport:
    examined: int = 0
    redriven: int = 0


def due_case_ids(services: Services, now: datetime) -> list[str]:
    """Ids of open cases whose next check is at or before `now`."""
    until = iso(now)
    ids: list[str] = []
    for back in range(LOOKBACK_DAYS, -1, -1):
        day = (now - timedelta(days=back)).date().isoformat()
        for shard in range(keys.DUE_SHARDS):
            start: Key | None = None
            while True:
                page = case_store.due_case_ids(services.table, day, shard, until_iso=until, limit=_PAGE, start=start)
                ids.extend(item["PK"].split("#", 1)[1] for item in page.items)
                if not page.last_key:
                    break
                start = page.last_key
    return ids


def sweep(services: Services, now: datetime) -> SweepReport:
    report = SweepReport()
    for case_id in due_case_ids(services, now):
        report.examined += 1
        case = case_store.get_case(services.table, case_id)
        if case is None or case.status != "submitted":
            continue
        expected = case.version
        case.redrive_count += 1
        # Back off: 2, 4, 8 … minutes (capped at a day) so a dead queue is not hammered.
        delay = min(REDRIVE_AFTER * (2 ** min(case.redrive_count, 10)), timedelta(days=1))
        case.next_check_at = iso(now + delay)
        case.version += 1
        try:
            case_store.save_change(
                services.table, case_store.CaseChange(case=case, events=[]), expected_version=expected, actor_sub=None
            )
        except VersionConflict:
            continue  # routed meanwhile
        try:
            services.intake.send_case(case.id)
        except ServiceUnavailable:
            logger.warning("re-drive enqueue failed", extra={"case_id": case.id})
            continue
        report.redriven += 1
    logger.info("sweep finished", extra={"examined": report.examined, "redriven": report.redriven})
    if report.redriven:
        metrics.add_metric(name="ComplaintsRedriven", unit="Count", value=report.redriven)
    return report
