"""The near-duplicate score: text across scripts, place, recency, category; and the measured figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from chalicelib.insights import duplicates as dup
from chalicelib.insights import duplicates_eval

SEED_CORPUS = Path(__file__).resolve().parents[2] / "chalicelib" / "data" / "insights" / "seed-complaints.csv"

CATEGORY = "electricity-no-power"


def scores(draft: dup.Complaint, *candidates: dup.Complaint) -> list[float]:
    return [s.score for s in dup.score_all(draft, list(candidates))]


def complaint(text: str, **fields: object) -> dup.Complaint:
    return dup.Complaint(text=text, category_id=str(fields.pop("category_id", CATEGORY)), district="lahore", **fields)  # type: ignore[arg-type]


def test_the_same_problem_told_again_ranks_above_another_problem() -> None:
    draft = complaint("No electricity in Gulberg block C since morning, transformer burnt")
    same = complaint("Since morning no electricity in block C Gulberg, the transformer has burnt")
    other = complaint("Street light pole is leaning and may fall on the road")
    first, second = scores(draft, same, other)
    assert first > second
    assert dup.score_all(draft, [same])[0].duplicate


def test_urdu_letter_forms_and_roman_spellings_match() -> None:
    # Arabic keyboard letters (ي ك) against Urdu ones (ی ک), and Roman Urdu against Urdu script
    urdu = complaint("بجلی کا ٹرانسفارمر جل گیا ہے، کل سے بجلی نہیں ہے")
    arabic_letters = complaint("بجلي كا ٹرانسفارمر جل گيا ہے، كل سے بجلي نہيں ہے")
    roman = complaint("bijlee ka transformer jal gaya hai, kal se bijli nahi hai")
    unrelated = complaint("school mein ustad bachon ko marta hai")
    a, b, c = (s.text for s in dup.score_all(urdu, [arabic_letters, roman, unrelated]))
    assert a > 0.95
    assert c < b  # the Roman Urdu telling shares its consonant skeletons (bjl, trnsfrmr) with the Urdu one
    assert dup.skeleton("bijli") == dup.skeleton("bijlee") == dup.skeleton("بجلی") == "bjl"


def test_nearer_and_newer_score_higher_and_another_category_never_counts() -> None:
    text = "No electricity since morning, transformer burnt"
    draft = complaint(text, lat=31.5, lon=74.3)
    near = complaint(text, lat=31.501, lon=74.301)
    far = complaint(text, lat=31.6, lon=74.4)  # ~15 km
    old = complaint(text, lat=31.501, lon=74.301, age_days=60)
    elsewhere = complaint(text, category_id="water-no-supply", lat=31.5, lon=74.3)
    s_near, s_far, s_old, s_other = scores(draft, near, far, old, elsewhere)
    assert s_near > s_far and s_near > s_old and s_other == 0.0
    assert dup.haversine_km(31.5, 74.3, 31.6, 74.4) == pytest.approx(14.7, abs=0.5)
    # Without positions, the same district counts half of "near"
    assert dup.place(complaint("x"), complaint("y")) == dup.SAME_DISTRICT
    assert dup.recency(dup.HALF_LIFE_DAYS) == pytest.approx(0.5)


def test_without_a_draft_text_place_and_time_still_count() -> None:
    found = dup.score_all(complaint("  "), [complaint("No electricity since morning")])[0]
    assert found.text == 0.0 and found.score == pytest.approx((1 - dup.TEXT) * dup.SAME_DISTRICT)


def test_the_evaluation_beats_word_overlap_on_labelled_pairs() -> None:
    # A small labelled set in the corpus's format: three tellings (en, ur, roman) of each of two incidents.
    rows = [
        ("No electricity since morning in our street, transformer burnt", CATEGORY, "en"),
        ("صبح سے ہماری گلی میں بجلی نہیں، ٹرانسفارمر جل گیا", CATEGORY, "ur"),
        ("subah se hamari gali mein bijli nahi, transformer jal gaya", CATEGORY, "roman"),
        ("Power gone for two days after the storm, wires fell on the road", CATEGORY, "en"),
        ("طوفان کے بعد دو دن سے بجلی غائب ہے، تاریں سڑک پر گری ہیں", CATEGORY, "ur"),
        ("toofan ke baad 2 din se bijli gayab, taarein sarak par giri hain", CATEGORY, "roman"),
        ("Teacher beats children with a stick in the government school", "education", "en"),
        ("سرکاری سکول میں استاد بچوں کو ڈنڈے سے مارتا ہے", "education", "ur"),
        ("sarkari school mein ustad bachon ko danday se marta hai", "education", "roman"),
        ("Bill came double this month, meter reading wrong", "billing", "en"),
        ("اس مہینے بل دگنا آیا، میٹر ریڈنگ غلط ہے", "billing", "ur"),
        ("is mahine bill double aya, meter reading ghalat hai", "billing", "roman"),
    ]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["text", "category", "language"])
    writer.writerows(rows)
    path = "/tmp/awaaz-duplicates-test.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.getvalue())
    corpus, incidents = duplicates_eval.load([path])
    assert len(incidents) == 4
    figures = duplicates_eval.evaluate(corpus, incidents)
    assert figures["combined_auc"] > figures["word_overlap_auc"]  # type: ignore[operator]


def test_on_the_seed_corpus_the_score_beats_word_overlap() -> None:
    corpus, incidents = duplicates_eval.load([str(SEED_CORPUS)])
    figures = duplicates_eval.evaluate(corpus, incidents)
    combined, overlap = figures["combined_at_threshold"], figures["word_overlap_best"]
    assert combined["f1"] > overlap["f1"]  # type: ignore[index]
