"""What an office let go: the history entry a change of a case writes for the office that had it.

An office has a case while it is open there. It lets the case go when the case leaves it
(escalated, transferred) or stops being open there (resolved,
rejected, withdrawn, answered, reviewed…). Each such change writes the office's entry for the
case, in the change's own transaction (`Transition`), replacing an earlier one; a case that
comes back open to an office ends that office's entry (it is in its queue again).
The entries serve the office's history list and its read-only sight of the case afterwards.
"""

from __future__ import annotations

from chalicelib.models.complaints import OPEN_STATUSES, Case
from chalicelib.store.cases import Handled

# Why a case left an office, by the action that moved it.
_MOVED_BY = {
    "escalate": "escalated",
    "transfer": "transferred",
    "accept_transfer": "transferred",
}
# What an office may read in its history: the status it closed the case in, or how it left.
OUTCOMES: tuple[str, ...] = (
    "resolved",
    "rejected",
    "withdrawn",
    "closed",
    "answered",
    "not_held",
    "refused",
    "adopted",
    "not_adopted",
    "escalated",
    "transferred",
    "moved",
)


def of_change(
    case: Case, from_office: str | None, from_status: str, action: str | None, at: str
) -> tuple[list[Handled], list[str]]:
    """The history entries a change writes (the office that let the case go), and the office it is back with."""
    was_open = from_status in OPEN_STATUSES
    is_open = case.status in OPEN_STATUSES
    handled: list[Handled] = []
    back_with: list[str] = []
    if from_office and was_open and case.office_id != from_office:
        handled.append(Handled(from_office, _MOVED_BY.get(action or "", "moved"), at))
    elif from_office and was_open and not is_open and case.office_id == from_office:
        handled.append(Handled(from_office, case.status, at))
    # (A case routed for the first time has no office's entry to end.)
    if from_office and case.office_id and is_open and (case.office_id != from_office or not was_open):
        back_with.append(case.office_id)
    return handled, back_with
