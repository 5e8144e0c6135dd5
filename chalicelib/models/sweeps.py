"""The sweeper's due queue: one message is a few case ids the finder found due, and when."""

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field

from chalicelib.models.base import Model

CaseId = Annotated[str, Field(min_length=1, max_length=40)]


class DueCases(Model):
    """A message of the due queue (chalicelib/integrations/queues.py SqsDueQueue writes it)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    case_ids: Annotated[list[CaseId], Field(min_length=1, max_length=10)]
    found_at: datetime
