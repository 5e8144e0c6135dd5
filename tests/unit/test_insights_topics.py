"""Emerging topics: words across scripts, names kept out, a deterministic NMF, a rise that needs evidence."""

from __future__ import annotations

from chalicelib.insights import topics, weeks
from chalicelib.insights.topics import Doc, find_topics, rise_of, terms, tokens
from tests.topics_fixture import NEW, steady_weeks, with_burst


def test_stop_words_go_in_english_urdu_and_roman_urdu_and_letter_forms_are_one() -> None:
    assert tokens("The bill is very high and the meter is wrong") == ["bill", "high", "meter", "wrong"]
    assert tokens("bijli ka bill bohat zyada aya hai") == ["bijli", "bill", "zyada"]
    # Typed on an Arabic keyboard (ي, ك) or an Urdu one: the same words, without کا / ہے / بہت / آیا.
    assert tokens("بجلي كا بل بہت زیادہ آیا ہے") == tokens("بجلی کا بل بہت زیادہ آیا ہے") == ["بجلی", "بل", "زیادہ"]


def test_bare_numbers_and_one_letter_words_are_no_terms_and_pairs_skip_stop_words() -> None:
    assert tokens("feeder 12 tripped 3 times, a b c 11kv") == ["feeder", "tripped", "times", "11kv"]
    assert terms("bijli ka bill") == ["bijli", "bill", "bijli bill"]


def test_phone_numbers_cnics_emails_and_known_names_are_redacted_before_any_word_is_read() -> None:
    text = "Call Raza Khan at 0300-1234567 or raza@example.pk, CNIC 35202-1234567-1, account 1234567890123"
    found = tokens(text, names=("Raza Khan",))
    # no name, no number, no address, no placeholder words ("phone", "hidden")
    assert found == ["call", "cnic", "account"]


def test_a_word_only_one_citizen_uses_is_never_a_keyword() -> None:
    # Given a steady week where one citizen signs every complaint with their name
    week, baseline = with_burst()
    signed = [Doc(d.case_id, d.text + " Kashif", author="one-citizen") for d in week[:40]]
    found = find_topics(signed + week[40:], baseline)
    # Then the name is in no theme's keywords
    assert found.themes and all("kashif" not in " ".join(t.keywords) for t in found.themes)


def test_the_same_texts_give_the_same_themes() -> None:
    week, baseline = with_burst()
    first, second = find_topics(week, baseline), find_topics(week, baseline)
    assert first == second
    assert 3 <= first.k <= 10


def test_a_planted_burst_is_the_top_rising_theme_with_its_own_words_and_examples() -> None:
    # Given four steady themes over six weeks, and this week 20 complaints of a new one in three languages
    week, baseline = with_burst(burst=20)
    found = find_topics(week, baseline)
    top = found.themes[0]
    # Then the new theme comes first, rising, with its own words and its complaints as examples
    assert top.rising and top.rise is not None and top.rise > 5
    new_words = set(" ".join(NEW).split())
    assert len(new_words & set(" ".join(top.keywords).split())) >= 4, top.keywords
    assert 3 <= len(top.examples) <= 5 and all(case_id.startswith("N") for case_id in top.examples)
    assert top.week_count >= 15 and top.baseline_count <= 2
    assert 5 <= len(top.keywords) <= 8
    # And no steady theme is said to rise
    assert not [t for t in found.themes[1:] if t.rising]


def test_a_week_like_the_ones_before_has_no_rising_theme() -> None:
    week, baseline = steady_weeks()
    found = find_topics(week, baseline)
    assert found.themes
    assert not [t for t in found.themes if t.rising]
    assert max(t.rise or 0 for t in found.themes) < topics.RISING_AT


def test_the_rise_is_smoothed_a_couple_of_texts_are_not_a_trend() -> None:
    # Two texts of a hundred against none of six hundred: a modest rise, not "×∞"
    assert rise_of(2, 100, 0, 600) is not None and rise_of(2, 100, 0, 600) < 3  # type: ignore[operator]
    # Twenty of two hundred against none of 1,200: a strong one
    assert rise_of(20, 200, 0, 1200) > 10  # type: ignore[operator]
    # The same share as before: no rise
    assert rise_of(30, 200, 180, 1200) < 1  # type: ignore[operator]
    # No baseline to speak of: no rise at all
    assert rise_of(10, 100, 0, 5) is None


def test_too_few_new_texts_give_no_themes() -> None:
    week, baseline = steady_weeks(week_count=topics.MIN_WEEK_TEXTS - 1)
    found = find_topics(week, baseline)
    assert found.themes == [] and found.texts_week == topics.MIN_WEEK_TEXTS - 1


def test_weeks_are_iso_weeks_in_pakistan_time() -> None:
    from datetime import UTC, datetime

    # Sunday 20:00 UTC is Monday 01:00 in Pakistan: the next week already
    assert weeks.label(datetime(2026, 12, 6, 20, 0, tzinfo=UTC)) == "2026-W50"
    assert weeks.label(datetime(2026, 12, 6, 18, 0, tzinfo=UTC)) == "2026-W49"
    start, end = weeks.bounds("2026-W50")
    assert start == datetime(2026, 12, 6, 19, 0, tzinfo=UTC) and (end - start).days == 7
    assert weeks.last_complete(datetime(2026, 12, 7, 2, 0, tzinfo=UTC)) == "2026-W49"
    assert (
        weeks.parse("2025-W53") is None
        and weeks.parse("2026-W53") == "2026-W53"
        and weeks.parse("2026-W01") == "2026-W01"
    )
    assert weeks.parse("2026-12") is None and weeks.shifted("2026-W01", -1) == "2025-W52"
    assert weeks.parse("9999-W52") is None and weeks.parse("1999-W10") is None
