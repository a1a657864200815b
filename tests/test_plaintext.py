"""Wrapping by display width: CJK counts two columns, numbers keep their units."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.publish.plaintext import WIDTH, underline, width, wrap
from pipeline.text.lexicon import cldr, lexicon_for
from pipeline.text.linebreak import tokens

ZH = (
    "如果您出现发热（体温高于100.4°F或38°C）、咽喉痛或感冒、气短、咳嗽、排尿时有烧灼感，"
    "或有不愈合的疮口，应立即告知您的医生或护士。在最后一剂药物后48小时内不应进行母乳喂养。"
)


def test_wide_characters_count_two_columns():
    assert width("abc") == 3
    assert width("贝林妥欧单抗") == 12
    assert width("Tiếng Việt") == 10
    assert width("e\u0301") == 1  # a combining accent takes no column


def test_cjk_text_breaks_between_characters_within_the_width():
    lines = wrap(ZH * 3)
    assert len(lines) > 3
    assert all(width(line) <= WIDTH for line in lines)
    assert all(width(line) >= WIDTH - 6 for line in lines[:-1])  # lines are filled
    assert "".join(lines) == ZH * 3  # no spaces added between CJK characters


def test_cjk_lines_do_not_start_with_closing_punctuation():
    for columns in range(10, 40):
        for line in wrap(ZH, columns):
            assert line[0] not in "，。、）："


def _kept_whole(sample: str, locale: str | None, filler: str = "word ") -> None:
    """``sample`` is never cut, whatever the width and wherever it falls on a line."""
    for before in range(0, 7):
        text = f"{filler * before}{sample} {filler * 20}"
        for columns in range(8, 60):
            lines = wrap(text, columns, locale=locale)
            assert any(sample in line for line in lines), (sample, columns, lines)


@pytest.mark.parametrize(
    "sample, locale",
    [
        ("100.4°F", None),
        ("38 °C", None),
        ("2 tablets", None),
        ("7 o'clock", None),
        ("100,4 °F", "es"),
        ("48 horas", "es"),
        ("24 giờ", "vi"),
        ("48 ساعة", "ar"),
        ("48小时", "zh_CN"),
        ("3个月", "zh_CN"),
        ("5\u00a0mg", None),
    ],
)
def test_a_number_stays_with_its_unit(sample, locale):
    _kept_whole(sample, locale)


# languages the shipped project does not have: the units are the lexicon's, not a list's
UNITS_ELSEWHERE = [
    ("fr", "5 mg"),
    ("fr", "38,5 °C"),
    ("fr", "38,5 ℃"),  # the compatibility character reads as °C
    ("fr", "2 fois"),
    ("fr", "48 heures"),
    ("fr", "250 millilitres"),
    ("th", "5 มก."),
    ("th", "2 ครั้ง"),
    ("th", "24 ชั่วโมง"),
    ("pl", "2 razy"),
    ("pl", "48 godzin"),
    ("pl", "38,5 stopni Celsjusza"),
    ("tr", "2 kez"),
    ("tr", "48 saat"),
    ("tr", "5 miligram"),
    ("vi", "2 lần"),
    ("vi", "5 miligam"),
    ("vi", "38,5 độ C"),
    ("sw", "5 miligramu"),
    ("sw", "48 saa"),
    ("hi", "48 घंटे"),
    ("ru", "5 мг"),
]


@pytest.mark.parametrize("locale, sample", UNITS_ELSEWHERE, ids=lambda v: str(v))
def test_a_unit_of_any_language_stays_on_its_numbers_line(locale, sample):
    _kept_whole(sample, locale, filler="neno " if locale == "sw" else "mot ")


def _cldr_locales() -> list[str]:
    return sorted(cldr())  # every locale of the generated CLDR data


@pytest.mark.parametrize("locale", _cldr_locales())
def test_every_cldr_locale_keeps_a_number_with_its_units(locale):
    """Generated from the lexicon (CLDR and curated forms), every locale it has: six unit
    forms spread over the sorted list, each after a number, never cut from it, at any
    width it fits in; a multi-word form ("cupán méadr.") is kept whole, not cut after
    a shorter form that is its prefix."""
    lexicon = lexicon_for(locale)
    forms = sorted(f for f in lexicon.units if any(c.isalpha() for c in f))
    assert forms, f"no unit forms for {locale}"
    for form in forms[:: max(1, len(forms) // 6)][:6]:
        sample = f"12{form}" if lexicon.glued else f"12 {form}"
        for before in range(5):
            text = f"{'x ' * before}{sample} {'x ' * 20}"
            for columns in range(max(8, len(sample) + 1), 40, 3):
                lines = wrap(text, columns, locale=locale)
                assert any(sample in line for line in lines), (form, columns, lines)


def test_a_glued_script_keeps_the_unit_that_runs_into_the_next_word():
    # Thai writes no space between words: "2 ครั้งต่อวัน" (twice a day) stays one piece
    lines = wrap("กิน ยา วันละ 2 ครั้งต่อวัน หลัง อาหาร", 10, locale="th")
    assert "2 ครั้งต่อวัน" in lines


def test_a_word_is_a_unit_only_in_its_own_language():
    # "dni" is Polish for days: in French it is no unit, and the line may break before it
    assert wrap("aaaa 3 dni", 7, locale="fr") == ("aaaa 3", "dni")
    assert wrap("aaaa 3 dni", 7, locale="pl") == ("aaaa", "3 dni")
    # and the former five-language list is gone: "horas" is a unit in Spanish only
    assert wrap("aaaa 3 horas", 7, locale="fr") == ("aaaa 3", "horas")
    assert wrap("aaaa 3 horas", 7, locale="es") == ("aaaa", "3 horas")


def test_a_number_without_a_unit_may_break_before_the_next_word():
    assert wrap("aaaa 3 good", 7) == ("aaaa 3", "good")


def test_indents_and_single_long_tokens():
    lines = wrap("one two three four five six seven", 12, "- ", "  ")
    assert lines[0].startswith("- ") and all(line.startswith("  ") for line in lines[1:])
    long = "x" * 100
    assert wrap(f"a {long} b", 20) == ("a", long, "b")


def test_underline_matches_the_heading_width():
    assert underline("贝林妥欧单抗", "=") == "=" * 12


WORDS = st.sampled_from(
    [
        "a",
        "word",
        "Blinatumomab",
        "100.4°F",
        "38 °C",
        "48 horas",
        "贝林妥欧单抗",
        "（CRS）",
        "العربية",
        "Tiếng",
        "x" * 80,
        "。",
        "的",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=60), st.integers(min_value=10, max_value=80))
def test_no_line_is_wider_than_the_limit_unless_it_is_one_token(words, columns):
    text = " ".join(words)
    lines = wrap(text, columns)
    for line in lines:
        if width(line) > columns:  # only a token that cannot be broken
            assert len(tokens(line)) == 1, line
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost


def test_a_handout_keeps_the_units_of_its_own_language(project):
    """The shipped Spanish handout as text: wherever its paragraph puts "48 horas", the
    number stays with its unit (the handout's locale reaches the wrapper)."""
    from pipeline.catalogs.pofile import load_catalog
    from pipeline.publish.localize import interface_for, localize
    from pipeline.publish.render import render_text
    from pipeline.source.monographs import load_monographs
    from tests.conftest import set_entry

    entry = next(m for m in load_catalog(project, "es").messages if m.msgstr.count("48 horas") == 2)
    monograph = load_monographs(project)[0]
    for shift in range(0, 24):  # the old wrapper cut "48 | horas" at 17 to 19
        set_entry(project, "es", entry.msgid, msgstr="sí " * shift + entry.msgstr)
        catalog = load_catalog(project, "es")
        interface = interface_for(catalog, frozenset())
        handout = localize(monograph, "es", catalog.lookup(), frozenset(), interface)
        text = render_text(handout, interface, "0123456789ab")
        assert text.count("48 horas") == 2, shift
        assert not re.search(r"\b48\n", text), shift
