"""Numbers and units: read per locale, compared as (value, unit) pairs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.checks.numbers import compare, find_localized, find_quantities, protected_tokens

FEVER = "a fever (temperature greater than 100.4°F or 38°C)"


def pairs(quantities):
    return [(q.value, q.unit) for q in quantities]


def test_source_quantities_keep_their_written_text():
    found = find_quantities(FEVER + " for 24 hours; 48 hours; © 2025; CD19")
    assert [q.text for q in found] == ["100.4°F", "38°C", "24 hours", "48 hours", "2025"]
    assert pairs(found)[:3] == [(Decimal("100.4"), "°F"), (Decimal(38), "°C"),
                                (Decimal(24), "hour")]


def test_a_number_glued_to_letters_is_a_protected_name_not_a_quantity():
    assert find_quantities("the CD19 protein and IL-6") == []
    assert protected_tokens("the CD19 protein and IL-6") == {"CD19": 1, "IL-6": 1}


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("es", "100,4 °F", (Decimal("100.4"), "°F")),
    ("es", "100.4 °F", (Decimal("100.4"), "°F")),
    ("es", "24 horas", (Decimal(24), "hour")),
    ("fr", "38\u202f°C", (Decimal(38), "°C")),
    ("zh_CN", "24小时", (Decimal(24), "hour")),
    ("zh_CN", "38摄氏度", (Decimal(38), "°C")),
    ("ar", "١٠٠٫٤ °ف", (Decimal("100.4"), "°F")),
    ("ar", "٣٨ درجة مئوية", (Decimal(38), "°C")),
    ("ar", "48 ساعة", (Decimal(48), "hour")),
    ("fa", "۲۴ ساعت", (Decimal(24), "hour")),
    ("vi", "48 giờ", (Decimal(48), "hour")),
    ("es", "5 mg", (Decimal(5), "mg")),
    ("es", "1.000 mg", (Decimal(1000), "mg")),
    ("es", "38 ºC", (Decimal(38), "°C")),
    ("tr", "%50", (Decimal(50), "%")),
    ("es", "50 %", (Decimal(50), "%")),
])
def test_translations_are_read_with_the_locale_symbols_digits_and_unit_names(
        locale, text, expected):
    assert pairs(find_localized(text, locale)) == [expected]


@pytest.mark.parametrize(("locale", "translation"), [
    ("es", "fiebre (temperatura mayor de 100,4 °F o 38 °C)"),
    ("es", "fiebre (temperatura mayor de 100.4 °F o 38 °C)"),
    ("es", "fiebre (temperatura mayor de 100,4\u00a0°F o 38\u00a0°C)"),
    ("zh_CN", "发热（体温高于100.4°F或38°C）"),
    ("vi", "sốt (nhiệt độ cao hơn 100,4°F hoặc 38°C)"),
    ("ar", "حمى (درجة حرارة أعلى من ١٠٠٫٤ °ف أو ٣٨ °م)"),
    ("ar", "حمى (درجة حرارة أعلى من 100.4°F أو 38°C)"),
])
def test_the_fever_threshold_written_the_local_way_is_the_same(locale, translation):
    assert compare(FEVER, translation, locale) == []


@pytest.mark.parametrize(("translation", "words"), [
    ("fiebre (mayor de 101,4 °F o 38 °C)", "number changed"),
    ("fiebre (mayor de 100,4 °C o 38 °F)", "unit °F changed to unit °C"),
    ("fiebre (mayor de 100,4 °F)", "'38°C' of the source is missing"),
    ("fiebre (mayor de 100,4 o 38 °C)", "changed to no unit"),
    ("fiebre (mayor de 100,4 °F o 38 °C) 3 veces", "'3' is not in the source"),
])
def test_a_changed_swapped_or_dropped_quantity_is_described(translation, words):
    problems = compare(FEVER, translation, "es")
    assert problems and words in " ".join(problems)


def test_a_changed_unit_of_mass_is_an_error():
    assert "unit mg changed to unit g" in compare("Take 5 mg.", "Tome 5 g.", "es")[0]


def test_years_and_counts_without_units_must_stay():
    assert compare("© 2025 Trustees", "© 2025 Trustees", "es") == []
    assert compare("© 2025 Trustees", "© ٢٠٢٥ Trustees", "ar") == []
    assert compare("© 2025 Trustees", "© 2024 Trustees", "es")


def test_a_protected_name_must_appear_verbatim_even_in_cjk():
    assert compare("the CD19 protein", "带有CD19蛋白", "zh_CN") == []
    assert "'CD19' must appear unchanged" in compare("the CD19 protein", "la proteína CD20",
                                                     "es")[0]


def test_a_unit_word_added_to_a_bare_number_is_fine_but_a_dropped_one_is_not():
    assert compare("cycle 2", "2 semanas del ciclo", "es") == []
    assert compare("for 2 weeks", "durante 2", "es")


def test_a_one_letter_word_after_a_number_is_not_a_unit():
    assert compare("2 to 3 days", "de 2 a 3 días", "es") == []


def test_protected_hint_finds_what_every_protected_name_contains():
    """The digit-first hint (fast to scan) agrees with the plain 'letter, optional
    hyphen, digit' search, so skipping the protected-name pass on a miss is safe."""
    import random
    import re

    from pipeline.source.quantities import PROTECTED, PROTECTED_HINT

    plain = re.compile(r"[A-Za-z]-?\d")
    rng = random.Random(7)
    for _ in range(20000):
        text = "".join(rng.choice("aZ-9 0x-é.") for _ in range(rng.randint(0, 9)))
        assert bool(PROTECTED_HINT.search(text)) == bool(plain.search(text)), text
        if PROTECTED.search(text):
            assert PROTECTED_HINT.search(text), text


def test_digit_first_source_pattern_reads_like_the_plain_one():
    """SOURCE_QUANTITY is written digit first (fast to scan): it finds exactly what the
    plain 'not after a word character or point, then the number' pattern finds."""
    import random
    import re

    from pipeline.source.quantities import _SOURCE_UNIT_PATTERN, SOURCE_QUANTITY

    plain = re.compile(
        rf"(?<![\w.])(?P<value>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        rf"(?:[ \u00a0]?(?P<unit>{_SOURCE_UNIT_PATTERN})(?![A-Za-z]))?")
    pieces = ["1", "23", "456", "7", ",", ".", " ", "\u00a0", "mg", "hours", "°F", "%", "a",
              "x1", "_", "-", "1,000", "0.5"]
    rng = random.Random(2)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert [m.group(0, "value", "unit") for m in SOURCE_QUANTITY.finditer(text)] == \
            [m.group(0, "value", "unit") for m in plain.finditer(text)], text
