"""The one way a case changes: every status, office, level and timeline event of every kind of case.

A `Transition` is built from the case as read (or opens a new one), asks the kind's
transition table (and its guards) before anything else, and collects what the change
writes: the case, its timeline events, the notices and the counters. `commit` writes them
in one transaction conditioned on the version read — of two people acting at once exactly
one wins, the other gets VersionConflict — then queues the notices for SMS/e-mail.
The sweeper's next look at the case is set here, from the case's new state, every time.

Officer and citizen actions, routing, the sweeper's moves, information requests and
feedback all go through it; no other module sets a case's status (a test holds to that).
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta
from typing import Any

from chalicelib.logic import deadlines, history, pii, views, workflow
from chalicelib.logic.clock import iso, parse_time
from chalicelib.logic.directory import Directory
from chalicelib.logic.notifications import dispatch
from chalicelib.logic.ports import Services
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case, CaseOut, PublicNote, TimelineEvent
from chalicelib.models.directory import Office
from chalicelib.models.errors import CaseArchived, TransitionNotAllowed, VersionConflict
from chalicelib.models.notifications import Notification
from chalicelib.store import cases as case_store
from chalicelib.store import stats as stat_store
from chalicelib.store.table import Increment, Write

# The latest steps a case keeps for the public (Open311 `notes`), so public lists read no timelines.
PUBLIC_TRAIL = 30
# Steps the public never reads of a case (its citizen and office do): moderation at filing says
# nothing to the public but "text withheld pending review".
PRIVATE_EVENTS = frozenset({"moderation_flagged", "moderation_cleared"})


def check_writable(case: Case) -> None:
    """CaseArchived (409) when the case is archived: read-only for good (store/archive.py)."""
    if case.archived_at:
        raise CaseArchived()


def check_version(case: Case, if_match: int | None) -> None:
    """`If-Match`: the version the caller read must still be the case's (and an archived case has none to change)."""
    check_writable(case)
    if if_match is not None and if_match != case.version:
        raise VersionConflict(f"the case is at version {case.version}, not {if_match}; reload and try again")


class Transition:
    """One change of one case, written whole or not at all."""

    def __init__(
        self,
        services: Services,
        case: Case,
        action: str | None = None,
        *,
        by: Principal | None = None,
        timeline: list[TimelineEvent] | None = None,
        now: datetime | None = None,
    ) -> None:
        # Read-only once archived (store/archive.py): no action, no follower, no publication changes it.
        check_writable(case)
        self.services = services
        self.case = case
        self.directory: Directory = services.directory()
        self.now = now or services.clock()
        self.at = iso(self.now)
        self.policy = self.directory.sla_for(case.category_id)
        self.by = by
        self.action = action
        # Where the case was when the change began: counters count there, notices name it `from_`.
        self.from_office = case.office_id
        self.from_status = case.status
        self.timeline = list(timeline or [])
        self.events: list[TimelineEvent] = []
        self.notices: list[Notification] = []
        self.counts: list[Increment] = []
        self.once: list[case_store.CountedOnce] = []
        # Who acts and from where (for the audit entry of a moderation), and writes of the same transaction.
        self.actor: Actor | None = Actor(principal=by) if by is not None else None
        self.also: list[Write] = []
        self._check_at: str | None = None
        self._expected = case.version
        if action is not None:
            self.check(action)

    @classmethod
    def open(cls, services: Services, action: str, *, by: Principal, now: datetime, **fields: Any) -> Transition:
        """A new case, in the first status its kind's opening row gives `action`, with that row's event.

        Nothing is written until its `new_case()` is stored (by `complaints.create`).
        """
        kind = fields.get("kind", "complaint")
        stamp = iso(now)
        case = Case(
            status=workflow.opening_status(kind, action),
            citizen_sub=by.sub,
            language=by.language,
            created_at=stamp,
            updated_at=stamp,
            version=1,
            event_seq=0,
            **fields,
        )
        opened = cls(services, case, by=by, now=now)
        opened.record(workflow.EVENT_OF[action], office_id=case.office_id)
        return opened

    @property
    def period(self) -> timedelta:
        """The time one level has to answer a complaint (a fresh deadline is now + this)."""
        return deadlines.period(self.policy)

    @property
    def actor_role(self) -> str:
        return self.by.role if self.by else "system"

    def check(self, action: str) -> None:
        """TransitionNotAllowed (409) unless the table, and the rules on top of it, allow `action` now."""
        workflow.next_status(self.case.status, action, self.case.kind)
        reason = workflow.refusal(self.case, action, self.policy, self.now)
        if reason is not None:
            raise TransitionNotAllowed(reason)

    # --- the change -------------------------------------------------------------------

    def take(self, action: str | None = None, **event: Any) -> TimelineEvent:
        """Move the case by `action` (the one checked at the start by default) and write its event."""
        action = action or self.action
        if action is None:
            raise ValueError("a transition takes an action")
        self.case.status = workflow.next_status(self.case.status, action, self.case.kind)
        return self.record(workflow.EVENT_OF[action], **event)

    def record(self, event_type: str, *, actor_role: str | None = None, **fields: Any) -> TimelineEvent:
        """A timeline event that moves no status (or a second event of the same change).

        An officer's event names the office the case is at, unless it says otherwise.
        """
        role = actor_role or self.actor_role
        if role == "officer":
            fields.setdefault("office_id", self.case.office_id)
        event = TimelineEvent.model_validate({"at": self.at, "type": event_type, "actor_role": role, **fields})
        self.events.append(event)
        if event.type not in PRIVATE_EVENTS:
            trail = [*self.case.public_trail, PublicNote(at=event.at, type=event.type)]
            self.case.public_trail = trail[-PUBLIC_TRAIL:]
        return event

    def move(self, office: Office, level: int, due: datetime | None = None, *, keep_organisation: bool = False) -> None:
        """Give the case to `office` at `level`, due at `due` (kept when None); any reminder or pause starts afresh.

        An information request stays addressed to the organisation it asked (`keep_organisation`).
        """
        self.case.office_id, self.case.level = office.id, level
        if not keep_organisation:
            self.case.organisation_id = office.organisation_id
        if due is not None:
            self.case.due_at = iso(due)
        self.case.paused_at = None
        self.case.reminded_due_at = None

    def hand_over(self, office: Office) -> None:
        """Give the case to `office` at its level, on the clock it already runs on (a transfer).

        The deadline runs from routing, paused only while the office waits for the citizen:
        a transfer keeps it (pushed back by the wait, when it ends one, as a reply does), and
        the 75 % reminder given for it stays given. Moving a case between offices buys no time.
        The case counts its transfers.
        """
        case = self.case
        reminded = case.reminded_due_at is not None and case.reminded_due_at == case.due_at
        self.resume()
        self.move(office, case.level)
        case.reminded_due_at = case.due_at if reminded else None
        case.transfers += 1

    def pause(self) -> None:
        """The office waits for the citizen: its clock stops."""
        self.case.paused_at = self.at

    def resume(self) -> None:
        """The citizen answered: the office's clock runs again, its deadline pushed back by the time it waited."""
        case = self.case
        if case.paused_at and case.due_at:
            waited = max(self.now - parse_time(case.paused_at), timedelta(0))
            case.due_at = iso(parse_time(case.due_at) + waited)
        case.paused_at = None

    def make_public(self, citizen: Principal, show_name: bool) -> None:
        """Publish the case: its texts redacted now (the citizen's own name among what is hidden)."""
        case = self.case
        names = [citizen.name] if citizen.name else []
        case.published_at = self.at
        case.display_name = citizen.name if show_name and citizen.name else None
        case.public_subject = pii.redact(case.subject, names)
        case.public_description = pii.redact(case.description, names)
        self.take("publish")

    def placed(self) -> dict[str, Any]:
        """The office and level the case is at now, for an event that says where it went."""
        return {"office_id": self.case.office_id, "level": self.case.level}

    def check_again_at(self, moment: datetime) -> None:
        """When the sweeper looks at the case next, set by the move itself rather than by the case's deadlines.

        A submitted complaint's routing is re-driven then; an overdue case at the head of its
        organisation is brought up again one period later.
        """
        self._check_at = iso(moment)

    # --- notices and counters ----------------------------------------------------------

    def office_names(self, office_id: str | None, prefix: str = "") -> dict[str, str]:
        """A notice's parameters naming an office in both languages (`<prefix>office_name`, `…_ur`)."""
        office = self.directory.offices.get(office_id or "")
        name = office.name if office else office_id or ""
        name_ur = (office.name_ur or office.name) if office else office_id or ""
        return {f"{prefix}office_name": name, f"{prefix}office_name_ur": name_ur}

    def notify(self, template: str, *, to_office: str | None = None, **params: str) -> None:
        """A notice for the case's citizen, or for the staff of `to_office`.

        Every notice can name the case's office, the office it came from and its deadline.
        """
        self.notices.append(
            Notification(
                # Nanoseconds first: notices of the same second list in the order they were made.
                id=f"{time.time_ns():016x}{secrets.token_hex(2)}",
                at=self.at,
                template=template,
                params={
                    "case_id": self.case.id,
                    **self.office_names(self.case.office_id),
                    **(self.office_names(self.from_office, "from_") if self.from_office else {}),
                    "due_date": (self.case.due_at or "")[:10],
                    **params,
                },
                case_id=self.case.id,
                sub=None if to_office else self.case.citizen_sub,
                office_id=to_office,
                followers=() if to_office else tuple(self.case.followers),
            )
        )

    def notify_office(self, template: str, office_id: str | None = None, **params: str) -> None:
        """A notice for the staff of the office the case is at now (or of `office_id`)."""
        target = office_id or self.case.office_id
        if target:
            self.notify(template, to_office=target, **params)

    def count(self, counts: dict[str, int], *, office_id: str | None = None, at: str | None = None) -> None:
        """Today's and this month's counters, for the portal and each group of the office where the change began.

        Public statistics read whole months from the monthly ones, so a year costs 12 reads a group, not 365.
        `office_id` and `at` count elsewhere: for another office's groups, on another day and its month.
        """
        at = at or self.at
        office = self.directory.offices.get(office_id or self.from_office or self.case.office_id or "")
        organisation_id = office.organisation_id if office else self.case.organisation_id
        organisation = self.directory.organisations.get(organisation_id or "")
        groups = {
            "all": "all",
            "level": organisation.level_id if organisation else None,
            "organisation": organisation_id,
            "office": office.id if office else None,
            "category": self.case.category_id,
            "district": self.case.location.district if self.case.location else None,
        }
        added = stat_store.daily(groups, at[:10], counts) + stat_store.monthly(groups, at[:7], counts)
        self.counts = stat_store.merged(self.counts + added)

    def count_pair(self, counts: dict[str, int]) -> None:
        """Today's counter of the case's (category, district), which the hourly spike job reads (insights/spike_watch.py)."""
        district = self.case.location.district if self.case.location else None
        if self.case.category_id and district:
            self.counts = stat_store.merged(
                [*self.counts, stat_store.pair_daily(self.case.category_id, district, self.at[:10], counts)]
            )

    def count_as_received(self, counts: dict[str, int]) -> None:
        """Counters of the case where it counts as received: the day and month it was routed, the office routing gave it.

        A figure counted here is a share of `routed` (each case at most once): it can never pass it.
        Cases routed before `routed_office_id` was kept name that office in their `routed` event.
        """
        routed_office = self.case.routed_office_id or next(
            (e.office_id for e in self.timeline if e.type == "routed" and e.office_id), None
        )
        if self.case.routed_at and routed_office:
            self.count(counts, office_id=routed_office, at=self.case.routed_at)

    def count_month(self, counts: dict[str, int], *, once_per_citizen: str | None = None) -> None:
        """This month's counters of the case's office and organisation (feedback).

        With `once_per_citizen` (what is counted, e.g. `rating`), only the citizen's first of
        the month for this office counts: a marker put if absent in the same transaction makes
        every later one count nothing (`complaints.create` stores those without the counters).
        """
        month = self.at[:7]
        groups = {"office": self.case.office_id, "organisation": self.case.organisation_id}
        counters = stat_store.monthly(groups, month, counts)
        if once_per_citizen is None or not self.case.office_id:
            self.counts = stat_store.merged(self.counts + counters)
            return
        marker = stat_store.counted_once(once_per_citizen, self.case.citizen_sub, self.case.office_id, month)
        self.once.append(case_store.CountedOnce(marker=marker, counters=counters))

    # --- writing --------------------------------------------------------------------

    def _settle(self) -> case_store.CaseChange:
        self.case.next_check_at = self._check_at or deadlines.next_check(self.case, self.policy, self.now)
        self.case.event_seq += len(self.events)
        if self.events:
            self.case.updated_at = self.events[-1].at
        handled, back_with = history.of_change(self.case, self.from_office, self.from_status, self.action, self.at)
        return case_store.CaseChange(
            case=self.case,
            events=self.events,
            notifications=self.notices,
            counters=self.counts,
            once=self.once,
            handled=handled,
            back_with=back_with,
            also=self.also,
        )

    def new_case(self) -> case_store.CaseChange:
        """What opening the case writes (stored by complaints.create with its idempotency record)."""
        return self._settle()

    def commit(self) -> None:
        """Write the change if the case is still at the version read (else VersionConflict), then queue its notices."""
        self.case.version = self._expected + 1
        change = self._settle()
        actor_sub = self.by.sub if self.by else None
        case_store.save_change(self.services.table, change, expected_version=self._expected, actor_sub=actor_sub)
        dispatch(self.services, self.notices)

    def staged(self) -> tuple[case_store.CaseChange, int]:
        """The change and the version it expects, for a caller that writes several cases' changes at once (a merge)."""
        self.case.version = self._expected + 1
        return self._settle(), self._expected

    def case_out(self) -> CaseOut:
        """The case as the one who acted sees it now, its timeline with this change's events."""
        return views.case_out(
            self.case, [*self.timeline, *self.events], self.directory, self.by, self.now, self.services.uploads
        )


def note_only(change: Transition, data: Any) -> None:
    """The handler of an action that only moves the status as its table says, keeping the note (acknowledge, note)."""
    change.take(note=data.note)
