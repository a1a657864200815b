"""Wrapping by display width: CJK counts two columns, numbers keep their units."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.publish.plaintext import WIDTH, _tokens, underline, width, wrap

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


def test_a_number_stays_with_its_unit():
    samples = [
        "100.4°F",
        "38 °C",
        "100,4 °F",
        "48 horas",
        "24 giờ",
        "48 ساعة",
        "48小时",
        "5\u00a0mg",
    ]
    for sample in samples:
        text = f"{'word ' * 20}{sample} {'word ' * 20}"
        for columns in range(8, 60):
            lines = wrap(text, columns)
            assert any(sample in line for line in lines), (sample, columns, lines)


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
            assert len(_tokens(line)) == 1, line
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost
