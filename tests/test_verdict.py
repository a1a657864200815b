"""The three states of a source quantity (pipeline/checks/numbers.py ``verdict``):
matched, contradicted (``numbers-units``) or unread (``numbers-unread``); nothing passes
because it was not read."""

from __future__ import annotations

import pytest

from pipeline import check_text
from pipeline.checks.numbers import verdict
from pipeline.checks.rules import REGISTRY


def test_both_states_are_registered_errors():
    assert REGISTRY["numbers-units"].severity == REGISTRY["numbers-unread"].severity == "error"


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        ("Take 5 mg.", "Tome 5 g.", "es"),  # a unit the reader knows, changed
        ("Take 1.5 mg.", "Tome 1.500 mg.", "es"),  # a number read otherwise
        ("Take 2 tablets.", "Tome 3 comprimidos.", "es"),
        ("Take your dose at 7:00 pm.", "Tome su dosis a las 7:00 de la mañana.", "es"),
        ("Take your dose at 7:00 pm.", "Nehmen Sie Ihre Dosis um 9 Uhr abends.", "de"),
    ],
)
def test_a_sure_reading_that_differs_is_a_contradiction(source, translation, locale):
    found = verdict(source, translation, locale)
    assert found.contradicted and not found.unread


@pytest.mark.parametrize(
    ("source", "translation", "locale", "why"),
    [
        # a number with a word after it the reader does not know: not a changed unit
        ("Take 2 tablets.", "Prendi 2 compresse.", "xx", "the word 'compresse' after it"),
        # a locale with no lexicon: a word is never read, never matched
        ("Take it twice a day.", "Chukua mara mbili kwa siku.", "xx", "no quantity lexicon"),
        # a bare hour without the day period the English names
        (
            "Take your dose at 7:00 pm.",
            "Tome su dosis a las 7:00.",
            "es",
            "no day period read with the hour",
        ),
        # a number glued to an unknown thousands word is not taken for the bare number
        ("About 50,000 people.", "Близько 50 тис. людей.", "xx", "the word 'тис"),
    ],
)
def test_what_the_reader_cannot_read_is_unread_and_says_why(source, translation, locale, why):
    found = verdict(source, translation, locale)
    assert found.unread and not found.contradicted, found
    assert why in " ".join(found.unread) and "a reviewer must confirm" in found.unread[0]


def test_check_text_reports_each_state_under_its_own_id():
    unread = check_text("Take 2 tablets.", "Prendi 2 compresse.", "xx")
    assert [f.check for f in unread] == ["numbers-unread"]
    changed = check_text("Take 5 mg.", "Tome 5 g.", "es")
    assert [f.check for f in changed] == ["numbers-units"]
    assert check_text("Take 5 mg.", "Tome 5 mg.", "es") == []


# --- frequencies, periods and rates: quantities on both sides ------------------------------


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        ("The pump gives 50 mL per hour.", "Помпа подає 50 мл на годину.", "uk"),
        ("The pump gives 50 mL per hour.", "La bomba administra 50 ml/h.", "es"),
        ("The infusion rate is 5 mcg/kg per minute.", "Szybkość wlewu: 5 µg/kg/min.", "pl"),
        ("You get 75 mg/m² once a week.", "Ви отримуєте 75 мг/м² один раз на тиждень.", "uk"),
        ("Take 1 tablet every other day.", "Przyjmuj jedną tabletkę co 2 dni.", "pl"),
        ("Take 1 tablet every other day.", "Приймайте 1 таблетку через день.", "uk"),
        ("Take 2 tablets by mouth twice a day.", "Приймайте по 2 таблетки двічі на день.", "uk"),
        ("Drink 2 liters of water a day.", "Пийте 2 л на день.", "uk"),
    ],
)
def test_the_same_frequency_or_rate_said_another_way_matches(source, translation, locale):
    assert verdict(source, translation, locale) == ((), ())


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        ("The pump gives 50 mL per hour.", "Помпа подає 50 мл/хв.", "uk"),  # per minute
        ("The infusion rate is 5 mcg/kg per minute.", "Szybkość wlewu: 5 µg/kg/godz.", "pl"),
        ("Drink 2 liters of water a day.", "Beți 2 litri pe săptămână.", "ro"),  # no period words
        ("Take your dose at 12:00 noon.", "Приймайте дозу опівночі.", "uk"),  # midnight
    ],
)
def test_a_changed_rate_denominator_or_period_is_a_contradiction(source, translation, locale):
    assert verdict(source, translation, locale).contradicted


def test_a_changed_period_of_a_rate_is_one_contradiction_where_period_words_exist():
    findings = check_text("Drink 2 liters of water a day.", "Пийте 2 л на тиждень.", "uk")
    assert [f.check for f in findings] == ["numbers-units"]


def test_every_other_day_made_daily_is_found():
    findings = check_text("Take 1 tablet every other day.", "Приймайте 1 таблетку щодня.", "uk")
    assert findings and all(f.severity == "error" for f in findings)


# --- clocks and words of languages taught from data, not examples ---------------------------


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        # native clocks counted from 6 am and 6 pm: an hour said with its day period
        ("Take your dose at 8:00 pm.", "Meza dozi yako saa mbili usiku.", "sw"),
        ("Take your dose at 7:00 pm.", "Meza dozi yako saa moja jioni.", "sw"),
        ("Take your dose at 12:00 noon.", "Meza dozi yako saa sita mchana.", "sw"),
        ("Take your dose at 8:00 am.", "መድሃኒትዎን ከጠዋቱ 2 ሰዓት ይውሰዱ።", "am"),
        ("Take your dose at 8:00 pm.", "Meza dozi yako saa 20:00.", "sw"),  # 24-hour: as written
        # a prefix letter on a number word (at eight in the evening)
        ("Take your dose at 8:00 pm.", "יש ליטול את המנה בשמונה בערב.", "he"),
        # hours followed by a day period, a hyphenated ending, a period before the clock word
        ("Take your dose at 8:00 pm.", "Užívejte dávku v 8 hodin večer.", "cs"),
        ("Take your dose at 8:00 pm.", "Ընդունեք դեղաչափը երեկոյան ժամը 8-ին։", "hy"),
        ("Take your dose at 8:00 pm.", "Qaado qiyaastaada 8-da fiidnimo.", "so"),
        # an hour just outside CLDR's night (21-4) is still the evening half of the day
        ("Take your dose at 8:00 pm.", "ਰਾਤ 8 ਵਜੇ ਆਪਣੀ ਖ਼ੁਰਾਕ ਲਓ।", "pa"),
    ],
)
def test_clock_times_as_each_language_says_them_match(source, translation, locale):
    assert verdict(source, translation, locale) == ((), ())


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        ("Take your dose at 8:00 pm.", "Meza dozi yako saa 8 usiku.", "sw"),  # 2 am
        ("Take your dose at 8:00 pm.", "Meza dozi yako saa 2 asubuhi.", "sw"),  # 8 am
        ("Take your dose at 12:00 noon.", "መድሃኒትዎን ከሌሊቱ 6 ሰዓት ይውሰዱ።", "am"),  # midnight
        ("Take your dose at 8:00 pm.", "יש ליטול את המנה בשמונה בבוקר.", "he"),
        ("Take your dose at 8:00 pm.", "Užívejte dávku v 8 hodin ráno.", "cs"),
        ("Take your dose at 8:00 pm.", "Ընդունեք դեղաչափը առավոտյան ժամը 8-ին։", "hy"),
    ],
)
def test_a_changed_half_of_the_day_on_any_clock_is_a_contradiction(source, translation, locale):
    assert verdict(source, translation, locale).contradicted


def test_a_word_quantity_is_not_taken_as_the_unit_of_the_number_before_it():
    # אחת (one) + יום (day) would be "one day"; יום כן יום לא is every other day
    assert verdict(
        "Take 1 tablet every other day.", "יש ליטול טבלייה אחת יום כן יום לא.", "he"
    ) == ((), ())


@pytest.mark.parametrize("locale", ["ka", "yo", "zu"])
def test_a_language_the_lexicon_does_not_know_reads_no_words(locale):
    found = verdict("Take 2 tablets twice a day.", "2 ტაბლეტი დღეში ორჯერ.", locale)
    assert found.unread and not found.contradicted
