"""How much one citizen may file in a day: complaints, information requests and feedback."""

from pydantic import ConfigDict, Field

from chalicelib.models.base import Model


class DailyLimits(Model):
    """Most cases of each kind a citizen may file in a Pakistan day (midnight to midnight, UTC+5).

    Set by CITIZEN_DAILY_COMPLAINTS, CITIZEN_DAILY_INFORMATION_REQUESTS and CITIZEN_DAILY_FEEDBACK
    (chalicelib/config.py); the defaults are below.
    """

    model_config = ConfigDict(frozen=True)

    complaint: int = Field(default=10, ge=1)
    information: int = Field(default=10, ge=1)
    feedback: int = Field(default=20, ge=1)

    def of(self, kind: str) -> int:
        """The limit of a kind of case (`complaint`, `information`, `feedback`)."""
        limit: int = getattr(self, kind)
        return limit
