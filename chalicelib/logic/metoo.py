"""Duplicates: "me too" (a citizen follows an open complaint instead of filing one) and merging.

- Joining (`join`): a signed-in citizen follows an open complaint that is public, or that the
  filing form offered them as a near-duplicate (GET /v1/similar-complaints gives a signed
  `offer` for a private one: its words are never shown, the offer is what lets them join).
  Not their own (409), idempotent (a follower item put only if absent: a second join, or a
  double click, changes nothing). The case counts one more affected citizen, and the
  `affected` counter of its office, organisation, category, district (day and month) counts
  one more, in the same transaction. The first `NOTIFIED_FOLLOWERS` get its citizen's notices.
- A follower sees the case as the public would (status, office, public steps, published words
  only) with how many are affected: never its private words nor its citizen.
- Merging (`merge`): an office merges a duplicate into another open case of its organisation.
  The duplicate closes (`closed_by` merged, `merged_into`), both timelines say so, its citizen
  and followers follow the survivor, which adds the duplicate's affected count. Both cases are
  written in one transaction at the versions read (VersionConflict on a race), with an audit entry.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from chalicelib.logic import audit, cursors, pii, tracking, views
from chalicelib.logic.notifications import dispatch
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition, check_version, check_writable
from chalicelib.models.audit import Actor
from chalicelib.models.base import Model
from chalicelib.models.common import Listing, Principal, StrictInput
from chalicelib.models.complaints import OPEN_STATUSES, Case, CaseOut, OfficeRef, PublicNote
from chalicelib.models.errors import (
    CaseNotFound,
    ConditionFailure,
    Forbidden,
    TransitionNotAllowed,
    VersionConflict,
)
from chalicelib.observability import logger
from chalicelib.store import audit as audit_store
from chalicelib.store import cases as case_store
from chalicelib.store import followers
from chalicelib.store.followers import NOTIFIED_FOLLOWERS
from chalicelib.store.table import Put, Write

# A merge moves at most this many of the duplicate's followers (its transaction holds 100 writes);
# its affected count is added whole.
MERGED_FOLLOWERS = 40
_TRIES = 3
_NOT_FOUND = "no such complaint is open to you"
_OFFER_SCOPE = "me-too-offer"


class MeTooIn(StrictInput):
    """`offer`: what GET /v1/similar-complaints gave for a private near-duplicate (none for a public one)."""

    offer: str | None = None


class MergeIn(StrictInput):
    """The case (tracking number) the duplicate is merged into."""

    into: Annotated[str, Field(min_length=1, max_length=64)]


class FollowedCase(Model):
    """A complaint a citizen follows ("me too"), as a follower sees it: never its private words nor its citizen."""

    id: str
    status: str
    category_id: str
    district: str | None = None
    office: OfficeRef | None = None
    created_at: str
    updated_at: str
    # How many citizens the problem affects (its citizen and everyone who said "me too").
    affected: int
    following: bool
    # Its published words (redacted), when its citizen published it and no office hid them.
    subject: str | None = None
    description: str | None = None
    # The public steps of the case (when and what, never who or why).
    steps: list[PublicNote] = []
    merged_into: str | None = None


# --- offers ---------------------------------------------------------------------------


def offer_for(services: Services, case_id: str) -> str:
    """A signed offer to join `case_id` (valid a day, as list cursors are): the similar list gives it."""
    return cursors.seal(services, {"case_id": case_id}, _OFFER_SCOPE)


def _offered(services: Services, offer: str | None, case_id: str) -> bool:
    if not offer:
        return False
    try:
        position = cursors.unseal(services, offer, _OFFER_SCOPE)
    except Exception:  # an invalid or stale offer is no offer (the case stays a 404)
        return False
    return position is not None and position.get("case_id") == case_id


# --- following --------------------------------------------------------------------------


def _citizen(who: Principal) -> None:
    if who.role != "citizen":
        raise Forbidden("only citizens follow complaints")


def _case(services: Services, raw_id: str) -> Case:
    case_id = tracking.normalise(raw_id)
    # Whole even once archived (its steps, shown to followers, are not on a private case's stub).
    case = case_store.get_case(services.table, case_id, services.archive) if case_id else None
    if case is None or case.kind != "complaint":
        raise CaseNotFound(_NOT_FOUND)
    return case


def _public(case: Case) -> bool:
    return case.published_at is not None and case.hidden is None


def followed_view(services: Services, case: Case, following: bool) -> FollowedCase:
    public = _public(case)
    return FollowedCase(
        id=case.id,
        status=case.status,
        category_id=case.category_id,
        district=case.location.district if case.location else None,
        office=views.office_ref(services.directory(), case.office_id),
        created_at=case.created_at,
        updated_at=case.updated_at,
        affected=case.affected,
        following=following,
        subject=pii.redact(case.public_subject or "") if public else None,
        description=pii.redact(case.public_description or "") if public else None,
        steps=case.public_trail,
        merged_into=case.merged_into,
    )


def check_may_join(services: Services, who: Principal, raw_id: str) -> None:
    """A route's guard (asked before a refused body is described): a case the caller may see, or a 404.

    Public, followed already, or their own (which they hear a 409 about); an offered private one
    needs the offer in a body that passes, so a refused body about it is a 404.
    """
    _citizen(who)
    case = _case(services, raw_id)
    if case.citizen_sub != who.sub and not _public(case) and followers.get(services.table, case.id, who.sub) is None:
        raise CaseNotFound(_NOT_FOUND)


def join(services: Services, who: Principal, raw_id: str, data: MeTooIn) -> FollowedCase:
    """Follow an open complaint ("me too"); joining twice changes nothing."""
    _citizen(who)
    for _ in range(_TRIES):
        case = _case(services, raw_id)
        if case.citizen_sub == who.sub:
            raise TransitionNotAllowed("this is your own complaint: you follow it already")
        if followers.get(services.table, case.id, who.sub) is not None:
            return followed_view(services, case, True)
        if not (_public(case) or _offered(services, data.offer, case.id)):
            raise CaseNotFound(_NOT_FOUND)
        check_writable(case)  # read-only once archived: said before any other refusal
        if case.merged_into:
            raise TransitionNotAllowed(f"this complaint was merged into {case.merged_into}: follow that one")
        if case.status not in OPEN_STATUSES:
            raise TransitionNotAllowed(f"this complaint is {case.status}: only an open complaint can be joined")
        change = Transition(services, case, by=who)
        case.affected += 1
        if len(case.followers) < NOTIFIED_FOLLOWERS:
            case.followers = [*case.followers, who.sub]
        change.count({"affected": 1})
        change.also.append(followers.add(case.id, who.sub, change.at, via="me_too"))
        try:
            change.commit()
        except VersionConflict:
            continue  # the case moved meanwhile: read it again
        except ConditionFailure:
            return followed_view(services, _case(services, raw_id), True)  # a double click: the first one joined
        logger.info("me too", extra={"case_id": case.id, "affected": case.affected})
        return followed_view(services, case, True)
    raise VersionConflict("the complaint is changing right now; try again")


def leave(services: Services, who: Principal, raw_id: str) -> FollowedCase:
    """Stop following a complaint (leaving one that one does not follow changes nothing)."""
    _citizen(who)
    for _ in range(_TRIES):
        case = _case(services, raw_id)
        if followers.get(services.table, case.id, who.sub) is None:
            if case.citizen_sub == who.sub:
                raise TransitionNotAllowed("this is your own complaint: withdraw it instead")
            if not _public(case):
                raise CaseNotFound(_NOT_FOUND)
            return followed_view(services, case, False)
        change = Transition(services, case, by=who)
        case.affected = max(1, case.affected - 1)
        case.followers = [f for f in case.followers if f != who.sub]
        change.count({"affected": -1})
        change.also.append(followers.remove(case.id, who.sub))
        try:
            change.commit()
        except VersionConflict:
            continue
        return followed_view(services, case, False)
    raise VersionConflict("the complaint is changing right now; try again")


def followed_case(services: Services, who: Principal, raw_id: str) -> FollowedCase:
    """A complaint the caller follows; any other is a 404."""
    _citizen(who)
    case = _case(services, raw_id)
    if followers.get(services.table, case.id, who.sub) is None:
        raise CaseNotFound(_NOT_FOUND)
    return followed_view(services, case, True)


def list_followed(services: Services, who: Principal, limit: int, cursor: str | None) -> Listing[FollowedCase]:
    """The complaints the caller follows, newest joined first (one Query, one BatchGetItem)."""
    _citizen(who)
    scope = cursors.scope_of("followed", who.sub)
    start = cursors.unseal(services, cursor, scope)
    items, last = followers.followed(services.table, who.sub, limit=limit, start=start)
    # Whole once archived: a followed private case's steps are not on its stub (one GetObject each).
    found = case_store.cases_by_ids(services.table, [str(i["case_id"]) for i in items], services.archive)
    return Listing[FollowedCase](
        items=[followed_view(services, c, True) for c in found],
        next_cursor=cursors.seal(services, last, scope) if last else None,
    )


# --- merging ----------------------------------------------------------------------------


def merge(services: Services, who: Principal, raw_id: str, data: MergeIn, if_match: int | None) -> CaseOut:
    """Merge the duplicate `raw_id` into `data.into`: see the module's docstring."""
    from chalicelib.logic import officer

    case, events, standing = officer.in_scope(services, who, raw_id)
    if not standing & {"office", "admin"}:
        raise TransitionNotAllowed("a complaint is merged by an officer of its office, or an admin")
    check_version(case, if_match)
    if case.kind != "complaint":
        raise TransitionNotAllowed("only complaints are merged")
    into_id = tracking.normalise(data.into)
    if into_id == case.id:
        raise TransitionNotAllowed("a complaint cannot be merged into itself")
    found = case_store.get_case_with_timeline(services.table, into_id, services.archive) if into_id else None
    if found is None or found[0].kind != "complaint":
        raise TransitionNotAllowed(f"there is no complaint {data.into} to merge into")
    survivor, survivor_events = found
    if survivor.merged_into:
        raise TransitionNotAllowed(f"{survivor.id} was itself merged into {survivor.merged_into}: merge into that one")
    if survivor.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(f"{survivor.id} is {survivor.status}: a duplicate is merged into an open complaint")
    if survivor.organisation_id != case.organisation_id:
        raise TransitionNotAllowed(f"{survivor.id} belongs to another organisation: transfer this complaint first")
    dup = Transition(services, case, "merge", by=who, timeline=events)
    moved = [str(i["sub"]) for i in followers.of_case(services.table, case.id, MERGED_FOLLOWERS)]
    newcomers = [s for s in dict.fromkeys([case.citizen_sub, *moved]) if s != survivor.citizen_sub]
    case.merged_into, case.closed_by, case.closed_at = survivor.id, "merged", dup.at
    dup.take(note=f"{survivor.id}")
    dup.notify("merged", into=survivor.id)
    dup.count({"merged": 1})
    kept = Transition(services, survivor, by=who, timeline=survivor_events)
    kept.record("merged_in", note=case.id)
    survivor.affected += case.affected
    room = NOTIFIED_FOLLOWERS - len(survivor.followers)
    survivor.followers = [*survivor.followers, *[s for s in newcomers if s not in survivor.followers][: max(room, 0)]]
    kept.count({"affected": case.affected})
    writes = [followers.follower_item(survivor.id, s, kept.at, via="merged") for s in newcomers]
    entry = audit.entry(
        services,
        dup.actor or Actor(principal=who),
        "merge",
        "complaint",
        case.id,
        before={"status": dup.from_status},
        after={"status": case.status, "merged_into": survivor.id},
        organisation_id=case.organisation_id,
    )
    also: list[Write] = [Put(item, overwrite=True) for item in writes]
    also.append(audit_store.entry_put(entry))
    also += [followers.remove(case.id, s) for s in moved]
    changes = [dup.staged(), kept.staged()]
    case_store.save_changes(services.table, changes, actor_sub=who.sub, also=also)
    dispatch(services, [*dup.notices, *kept.notices])
    logger.info("case merged", extra={"case_id": case.id, "into": survivor.id, "affected": survivor.affected})
    return dup.case_out()
