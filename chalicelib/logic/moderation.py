"""Moderation at filing: abusive text is flagged where a case is first processed, and never published until cleared.

A complaint is marked `moderation_pending` when it is filed, and its text is withheld from
every public view until the route worker has asked the model (`screen`): a citizen may publish
at filing, before any model has read the text. At or above the model's threshold the case is
flagged; it is still routed and worked as any other, but its published text stays withheld
("text withheld pending review") until an officer of the case's office clears the flag
(`clear`, audited and on the timeline). An office's `hide` of a published text is another,
older moderation, and stays as it is.
"""

from __future__ import annotations

from chalicelib.logic import audit, officer
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition, check_version
from chalicelib.models.audit import Actor
from chalicelib.models.complaints import CaseOut, ModerationFlag
from chalicelib.models.errors import CaseNotFound, TransitionNotAllowed
from chalicelib.observability import logger, metrics
from chalicelib.store import audit as audit_store


def screen(change: Transition) -> None:
    """Ask the model once whether the case's text is abusive, and flag it at or above the threshold.

    Part of the route worker's change (one transaction). When the model cannot be asked, the
    case is flagged without a score: a person looks before the text is ever public, and the
    complaint is routed all the same.
    """
    case = change.case
    if not case.moderation_pending:
        return
    from chalicelib.insights import serving  # the model loads on first use, in the worker only

    case.moderation_pending = False
    score: float | None
    try:
        score = float(serving.moderate(change.services, f"{case.subject}\n{case.description}"))
    except Exception:  # the model or its artefact failed: routing must not wait for it
        logger.warning("moderation model unavailable; flagged for a person", extra={"case_id": case.id})
        metrics.add_metric(name="ModerationUnavailable", unit="Count", value=1)
        score = None
    if score is not None and score < serving.MODERATION_THRESHOLD:
        return
    case.moderation_flag = ModerationFlag(score=None if score is None else round(score, 3), flagged_at=change.at)
    change.record("moderation_flagged", reason="model" if score is not None else "model_unavailable")
    logger.info("complaint text flagged at filing", extra={"case_id": case.id})
    metrics.add_metric(name="ComplaintsFlagged", unit="Count", value=1)


def clear(services: Services, actor: Actor, raw_id: str, note: str | None, if_match: int | None) -> CaseOut:
    """An officer of the case's office clears its moderation flag: its published text becomes public again."""
    who = actor.principal
    case, events, standing = officer.in_scope(services, who, raw_id)
    if "office" not in standing:
        raise CaseNotFound("no case with this tracking number in your office")
    check_version(case, if_match)
    flag = case.moderation_flag
    if flag is None or flag.cleared_at is not None:
        raise TransitionNotAllowed("this complaint's text is not flagged")
    change = Transition(services, case, by=who, timeline=events)
    before = {"moderation_flag": flag.model_dump(mode="json")}
    case.moderation_flag = flag.model_copy(update={"cleared_by": who.sub, "cleared_at": change.at})
    change.record("moderation_cleared", note=note)
    entry = audit.entry(
        services,
        actor,
        "clear_moderation",
        "complaint",
        case.id,
        before=before,
        after={"moderation_flag": case.moderation_flag.model_dump(mode="json")},
        organisation_id=case.organisation_id,
    )
    change.also.append(audit_store.entry_put(entry))
    change.commit()
    logger.info("moderation flag cleared", extra={"case_id": case.id})
    return change.case_out()
