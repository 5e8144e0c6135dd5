"""A notice: what a change tells a person or an office's staff, rendered per reader's language."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Notification:
    """A notice for a person (`sub`) or for an office's staff (`office_id`): a template and its
    parameters, rendered per reader's language. Stored in-app with the change that caused it,
    then queued for SMS/e-mail delivery once the change is committed."""

    id: str
    at: str
    template: str
    params: dict[str, str]
    case_id: str | None = None
    sub: str | None = None
    office_id: str | None = None
    # Citizens who follow the case ("me too"): they get its citizen's notices too (in-app copies are
    # written by the delivery worker, not with the change: a transaction holds 100 writes).
    followers: tuple[str, ...] = ()

    def message(self) -> dict[str, Any]:
        """The notifications queue's message body."""
        body: dict[str, Any] = {
            "id": self.id,
            "at": self.at,
            "template": self.template,
            "params": self.params,
            "case_id": self.case_id,
        }
        if self.sub:
            body["sub"] = self.sub
        if self.office_id:
            body["office_id"] = self.office_id
        if self.followers:
            body["followers"] = list(self.followers)
        return body

    @classmethod
    def from_message(cls, body: dict[str, Any]) -> "Notification":
        return cls(
            id=str(body["id"]),
            at=str(body["at"]),
            template=str(body["template"]),
            params={str(k): str(v) for k, v in dict(body.get("params") or {}).items()},
            case_id=body.get("case_id"),
            sub=body.get("sub"),
            office_id=body.get("office_id"),
            followers=tuple(str(f) for f in body.get("followers") or ()),
        )
