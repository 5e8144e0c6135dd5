"""The one normalisation every insight reads text through."""

from chalicelib.insights.text import char_ngrams, normalise, words


def test_arabic_letter_forms_and_urdu_letter_forms_read_the_same() -> None:
    typed_on_an_arabic_keyboard = "بجلي كا بل"  # Arabic yeh and kaf
    typed_on_an_urdu_keyboard = "بجلی کا بل"
    assert normalise(typed_on_an_arabic_keyboard) == normalise(typed_on_an_urdu_keyboard)


def test_urdu_and_arabic_indic_digits_become_latin_and_marks_go() -> None:
    assert normalise("بل ۱۲۳۴ روپے، ٥٦") == "بل 1234 روپے, 56"
    assert normalise("مُلک") == normalise("ملک")
    assert normalise("مـــلک") == "ملک"


def test_roman_urdu_is_lower_case_and_stretched_letters_are_cut_to_two() -> None:
    assert normalise("Bijli  BOHATTTT zyadaaaa!!!") == "bijli bohatt zyadaa!!"


def test_character_ngrams_stay_within_words_and_mark_their_edges() -> None:
    grams = list(char_ngrams("ka bill", 2, 3))
    assert " k" in grams and "ka " in grams and " bi" in grams
    assert "a b" not in grams  # never across two words
    assert words("bill 12 بل") == ["bill", "12", "بل"]
