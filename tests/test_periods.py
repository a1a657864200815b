"""The period of a frequency or a limit written in words (pipeline/checks/periods.py):
reported only when the translation names another period and none of the English one's."""

from __future__ import annotations

import pytest
import yaml

from pipeline import check_text
from pipeline.checks.periods import PERIODS, period_problems
from pipeline.text.lexicon import period_words as _data

DAILY = "Take 1 tablet by mouth once daily."


def test_a_changed_period_is_an_error_of_the_numbers_check_naming_both_words():
    findings = check_text(DAILY, "Tome 1 comprimido por vía oral una vez por semana.", "es")
    assert [(f.check, f.severity) for f in findings] == [("numbers-units", "error")]
    assert "'daily' (day)" in findings[0].message and "'semana' (week)" in findings[0].message


@pytest.mark.parametrize(
    "translation",
    [
        "Tome 1 comprimido por vía oral una vez al día.",
        "Tome 1 comprimido por vía oral diariamente, una vez.",  # an adverb
        "Tome 1 comprimido por vía oral una vez, todos los días de la semana.",  # both named
    ],
)
def test_the_english_period_named_in_any_form_passes(translation):
    assert period_problems(DAILY, translation, "es") == []


def test_a_period_only_one_side_names_is_no_finding():
    # the translator makes explicit what the English leaves implicit, or leaves it out
    assert period_problems("Take 1 tablet.", "Tome 1 comprimido al día.", "es") == []
    assert period_problems(DAILY, "Tome 1 comprimido por vía oral una vez.", "es") == []


def test_a_period_written_as_a_quantity_is_the_quantity_checks():
    # "for 7 days" as "una semana": the English period is a quantity, converted exactly
    assert period_problems("Take it for 7 days.", "Tómelo durante una semana.", "es") == []
    # "once daily" as "1日1回": the day is the unit of a quantity of the translation
    assert period_problems(DAILY, "1日1回、1錠を週末も服用してください。", "ja") == []


def test_prefix_forms_match_whole_words_only_at_a_word_start():
    # "Tag*" is Tag, Tage, Tagesdosis; not the "tag" inside Montag or Nachmittag
    assert period_problems(DAILY, "Nehmen Sie am Montag einmal 1 Tablette ein, jede Woche.", "de")
    assert (
        period_problems(DAILY, "Nehmen Sie einmal täglich 1 Tablette ein, jede Woche.", "de") == []
    )


def test_a_locale_takes_its_languages_words_and_an_unknown_language_has_no_check():
    assert period_problems(DAILY, "Tome 1 comprimido por via oral uma vez por semana.", "pt_PT")
    assert period_problems(DAILY, "Chukua kidonge 1 mara moja kwa wiki.", "sw")
    assert period_problems(DAILY, "Qaado kiniin 1 toddobaadkiiba hal mar.", "so") == []


def test_an_untranslated_copy_is_not_a_period_change():
    for locale in ("es", "de", "ja", "ko"):
        assert [f.check for f in check_text(DAILY, DAILY, locale)] == ["untranslated-copy"]


def test_every_language_names_every_period_and_forms_are_unique():
    for language, entry in _data().items():
        assert set(entry) - {"anywhere"} == set(PERIODS), language
        forms = [form for period in PERIODS for form in entry[period]]
        assert len(forms) == len(set(forms)), language
        assert all(isinstance(form, str) and form.strip() == form and form for form in forms)


def test_the_data_file_is_plain_yaml():
    from importlib import resources

    text = (
        resources.files("pipeline.text")
        .joinpath("lexicon", "periods.yaml")
        .read_text(encoding="utf-8")
    )
    assert yaml.safe_load(text) == _data()


# --- the time of day without an hour (day_period_problems) ---------------------------------


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        ("Take 1 tablet in the morning.", "Tome 1 comprimido por la noche.", "es"),
        ("Take 1 tablet in the evening.", "Nehmen Sie 1 Tablette morgens ein.", "de"),
        ("Take 1 tablet in the morning.", "Приймайте 1 таблетку ввечері.", "uk"),
        ("Take 1 tablet at noon.", "Приймайте 1 таблетку опівночі.", "uk"),
    ],
)
def test_a_time_of_day_changed_without_an_hour_is_a_contradiction(source, translation, locale):
    findings = check_text(source, translation, locale)
    assert {f.check for f in findings} == {"numbers-units"}
    assert "the time of day changed" in " ".join(f.message for f in findings)


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        ("Take 1 tablet in the morning.", "Tome 1 comprimido por la mañana.", "es"),
        ("Take 1 tablet in the evening.", "Nehmen Sie 1 Tablette abends ein.", "de"),
        ("Take 1 tablet at noon.", "Приймайте 1 таблетку опівдні.", "uk"),
        # a time of day the reader does not know is no finding here (nothing named)
        ("Take 1 tablet in the morning.", "Chukua kidonge 1.", "so"),
    ],
)
def test_the_same_time_of_day_passes(source, translation, locale):
    assert period_problems(source, translation, locale) == []
