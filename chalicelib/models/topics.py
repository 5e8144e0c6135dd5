"""Emerging topics as staff read them (`GET /v1/officer/topics`)."""

from chalicelib.models.base import Model


class ThemeOut(Model):
    """One theme of the week's new complaints: its words, how many texts it has, and how fast it rose."""

    keywords: list[str]
    week_count: int
    baseline_count: int
    share_week: float
    share_baseline: float | None = None
    # This week's share over the baseline's, conservatively (lower 95 % bound; 0.5 added to each count);
    # None when the baseline is too small to say.
    rise: float | None = None
    rising: bool
    # Tracking numbers of texts typical of the theme that the caller may open; how many others are not shown.
    examples: list[str]
    examples_hidden: int = 0


class TopicsOut(Model):
    organisation_id: str
    organisation_name: str
    organisation_name_ur: str
    week: str
    # Monday and Sunday of the week (Pakistan time).
    week_starts: str
    week_ends: str
    previous_week: str
    # None for the latest week there can be topics of.
    next_week: str | None = None
    # When the week's topics were computed; None when they were not (no new complaints, or not yet run).
    computed_at: str | None = None
    texts_week: int = 0
    texts_baseline: int = 0
    baseline_weeks: int = 0
    # Whether the week had enough new texts to find themes in.
    enough: bool = False
    themes: list[ThemeOut] = []
