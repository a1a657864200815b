"""Generated sweeps over every locale the lexicon claims (pipeline/text/lexicon/): every
unit form CLDR gives, every hour with every day period, every spelled number 0-100 of
every rule set (number_words.json) is read back as what it says."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.checks.numbers import reader
from pipeline.text.lexicon import cldr, knowledge, lexicon_for, number_words
from pipeline.text.quantities import CLOCK, HOUR_OR_CLOCK, TIME

LOCALES = sorted(cldr())
LANGUAGES = sorted(set(number_words()) & {code.split("_")[0] for code in LOCALES})


def _reads(locale: str, text: str) -> list[tuple[Decimal, str | None]]:
    return [pair for q in reader(locale).read(text) for pair in q.readings]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_unit_form_is_read_as_its_unit(locale):
    lexicon = lexicon_for(locale)
    wrong = []
    for form, unit in lexicon.units.items():
        expected = "hour" if unit == HOUR_OR_CLOCK else "°C" if unit == "°" else unit
        if unit == CLOCK:
            continue  # an o'clock word makes a clock time: the day-period sweep reads those
        text = f"5 {form}" if not lexicon.glued else f"5{form}"
        if (Decimal(5), expected) not in _reads(locale, text):
            wrong.append((form, unit, _reads(locale, text)))
    for form, unit in lexicon.prefix_units.items():
        expected = "hour" if unit == HOUR_OR_CLOCK else unit  # saa 5: five hours
        if (Decimal(5), expected) not in _reads(locale, f"{form} 5"):
            wrong.append((form, unit, _reads(locale, f"{form} 5")))
    assert not wrong, wrong


def _written(hour: int, clock_from: int = 0) -> int:
    """The hour as a twelve-hour clock writes it (0 and 12 are 12); on a native clock
    counted from ``clock_from`` (Swahili, Ethiopian), that many hours earlier (20: 2)."""
    return (hour - clock_from) % 12 or 12


@pytest.mark.parametrize("locale", LOCALES)
def test_every_hour_with_every_day_period_reads_in_that_period(locale):
    lexicon = lexicon_for(locale)
    wrong = []
    for words, before in ((lexicon.periods, False), (lexicon.periods_before, True)):
        for word, spans in words.items():
            for begin, end in spans:
                hours = (
                    [begin]
                    if begin == end
                    else range(begin, end)
                    if begin < end
                    else [*range(begin, 24), *range(end)]
                )
                for hour in hours:
                    written = _written(hour, lexicon.clock_from)
                    text = f"{word} {written}" if before else f"{written} {word}"
                    times = {int(v) // 60 for v, u in _reads(locale, text) if u == TIME}
                    if not any(
                        begin <= h < end
                        or begin == end == h
                        or (begin > end and (h >= begin or h < end))
                        for h in times
                    ):
                        wrong.append((text, (begin, end), sorted(times)))
    assert not wrong, wrong[:20]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_spelled_number_of_every_rule_set_is_read_back(language):
    lexicon = lexicon_for(language)
    if not lexicon.reads_words:
        pytest.skip(f"{language}: number words not read (curated num2words: false)")
    day = (
        next(f for f, u in lexicon.units.items() if u == "day" and not f.isascii())
        if any(u == "day" and not f.isascii() for f, u in lexicon.units.items())
        else "days"
    )
    wrong = []
    for name, forms in number_words()[language]["rule_sets"].items():
        for value, word in forms.items():
            if int(value) > 100 or word not in lexicon.words:
                continue  # over 100, or excluded in curated.yaml (with its reason)
            text = f"{word} {day}"
            if (Decimal(value), "day") not in _reads(language, text) and lexicon.words[
                word
            ] == Decimal(value):
                wrong.append((name, value, text, _reads(language, text)))
    assert not wrong, wrong[:20]


def test_the_knowledge_of_an_unknown_locale_is_digits_and_symbols_only():
    unknown = knowledge("xx")
    assert not unknown.known and unknown.digits == ("0123456789",)
    assert unknown.number_words == {} and unknown.count_words == {}
    assert not unknown.day_periods.keys() - {
        "a.m.",
        "a. m.",
        "a.m",
        "am",
        "AM",
        "p.m.",
        "p. m.",
        "p.m",
        "pm",
        "PM",
    }
    assert not {"hours", "days", "tablets"} & {f for forms in unknown.units.values() for f in forms}


def test_no_curated_section_names_a_key_twice():
    """YAML keeps the last of two equal keys: a second ``units:`` in a section would
    silently drop the first one's forms."""
    import re
    from importlib import resources

    text = (
        resources.files("pipeline.text.lexicon")
        .joinpath("curated.yaml")
        .read_text(encoding="utf-8")
    )
    section, keys, twice = None, set(), []
    for line in text.splitlines():
        top = re.match(r"([A-Za-z_]+):", line)
        if top:
            section, keys = top.group(1), set()
            continue
        key = re.match(r"  ([a-z_]+):", line)
        if key:
            if key.group(1) in keys:
                twice.append((section, key.group(1)))
            keys.add(key.group(1))
    assert twice == []
