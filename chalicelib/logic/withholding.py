"""Whether the public may read a published complaint's text yet (moderation at filing: logic/moderation.py)."""

from __future__ import annotations

from chalicelib.models.complaints import Case

# What the public reads instead of a withheld text, in both languages.
WITHHELD = {"en": "[text withheld pending review]", "ur": "[متن جائزے تک روکا گیا ہے]"}


def withheld(case: Case) -> bool:
    """Whether the public may not read the case's text: not yet checked at filing, or flagged and not cleared."""
    flag = case.moderation_flag
    return case.moderation_pending or (flag is not None and flag.cleared_at is None)
