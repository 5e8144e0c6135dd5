"""Staff accounts: inviting an officer, supervisor or organisation admin to an office, and an office's staff list."""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from chalicelib.models.base import Model
from chalicelib.models.common import Language, Listing, StrictInput

# What an invitation makes: an officer, an officer who is also a supervisor, or an organisation's admin.
StaffRole = Literal["officer", "supervisor", "org_admin"]
StaffStatus = Literal["invited", "active", "disabled"]


class StaffInviteIn(StrictInput):
    """`POST /v1/admin/staff`: who to invite (by e-mail or phone: the username), to which office, as what."""

    name: Annotated[str, Field(min_length=2, max_length=100)]
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=20)] | None = None
    office_id: Annotated[str, Field(min_length=1, max_length=64)]
    role: StaffRole = "officer"
    language: Language = "en"

    @model_validator(mode="after")
    def _one_contact(self) -> "StaffInviteIn":
        if not self.email and not self.phone:
            raise ValueError("give a phone number or an email address")
        return self


class StaffInvited(Model):
    """The account made: it signs in with the temporary password the invitation carried (never shown here)."""

    sub: str
    username: str
    name: str
    office_id: str
    role: StaffRole
    enabled: bool = True
    status: StaffStatus = "invited"
    contact: str


class StaffMember(Model):
    """One account on an office's staff list (`role` names a supervisor as such; `supervisor` says it too)."""

    sub: str
    name: str
    office_id: str
    role: StaffRole
    supervisor: bool
    enabled: bool
    status: StaffStatus
    contact: str
    invited_at: str | None = None


class StaffPage(Listing[StaffMember]):
    """One page of an office's staff; `next_cursor` reads the next."""


class SupervisorIn(StrictInput):
    """`PUT /v1/admin/accounts/{sub}/supervisor`: give or take the supervisor role."""

    supervisor: bool
