"""Error-prone dose designations (ISMP, The Joint Commission): the English is linted,
a translation that introduces one fails the check, in the locale's own number writing."""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path

import polib
import pytest
import yaml

from pipeline import check_text
from pipeline.cli import main
from pipeline.source.designations import find, introduced, rules
from tests.conftest import MONOGRAPH, edit_catalog

REPO = Path(__file__).resolve().parent.parent

# one English example per rule of the data file (a rule without one fails below)
EXAMPLES = {
    "trailing-zero": ("Take 1.0 mg.", "1.0"),
    "naked-decimal": ("Take .5 mg.", ".5"),
    "large-number-ungrouped": ("You get 100000 units.", "100000"),
    "dose-unit-run-together": ("Take 10mg.", "10mg"),
    "U-for-unit": ("Inject 10 U.", "U"),
    "IU-for-international-unit": ("Take 400 IU.", "IU"),
    "QD-daily": ("Take it q.d. with food.", "q.d."),
    "QOD-every-other-day": ("Take it QOD.", "QOD"),
    "microgram-symbol": ("Take 50 µg.", "µg"),
    "cc-for-mL": ("Drink 5 cc.", "cc"),
    "MS-morphine-magnesium": ("You may get MSO4 for pain.", "MSO4"),
    "drug-name-abbreviation": ("You get MTX weekly.", "MTX"),
    "SC-SQ-subcutaneous": ("It is given SQ.", "SQ"),
    "TIW-three-times-a-week": ("It is given TIW.", "TIW"),
    "HS-bedtime": ("Take it HS.", "HS"),
    "per-os": ("Take it per os.", "per os"),
    "eye-ear-abbreviation": ("Put one drop OU.", "OU"),
    "D-C-discharge": ("Stop at D/C.", "D/C"),
    "x3d-for-three-days": ("Take it x3d.", "x3d"),
    "at-sign": ("Take 1 tablet @ bedtime.", "@"),
    "greater-less-than": ("Call if your temperature is > 38 °C.", ">"),
}


def test_every_rule_names_its_list_reason_and_what_to_write_instead():
    found, _ = rules()
    assert {rule.id for rule in found} == set(EXAMPLES)
    for rule in found:
        assert set(rule.sources) <= {"ISMP", "TJC"} and rule.sources
        assert rule.reason and rule.instead


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_each_rule_is_found_in_english(rule_id):
    text, written = EXAMPLES[rule_id]
    assert [(hit.rule.id, hit.text) for hit in find(text)] == [(rule_id, written)]


@pytest.mark.parametrize(
    "text",
    [
        "Take 1 mg or 0.5 mg, 1,000 mg or 100,000 units, 10 units daily.",
        "Blinatumomab binds CD19. Your WBC is checked. Use 100.4°F (38°C) as the limit.",
        "Take it at 7:00 pm, every other day, as a subcut injection, 50 mcg, 5 mL.",
    ],
)
def test_correct_english_has_none(text):
    assert find(text) == []


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        # the dot convention (English, Chinese)
        ("en", "38.0 °C, 1,000 mg, 0.5 mg", [("trailing-zero", "38.0")]),
        ("zh_CN", "体温38.0°C时，服用.5毫克", [("trailing-zero", "38.0"), ("naked-decimal", ".5")]),
        # the comma convention: 1.000 is a grouped thousand, 1,0 a trailing zero
        (
            "es",
            "38,0 °C; 1.000 mg; 0,5 mg; ,5 mg",
            [("trailing-zero", "38,0"), ("naked-decimal", ",5")],
        ),
        ("de", "1.000 mg, 1,0 mg", [("trailing-zero", "1,0")]),
        # Arabic: ٫ and ٬ with Arabic-Indic digits, and the Latin digits
        (
            "ar",
            "٣٨٫٠ °م، ١٬٠٠٠ ملغ، ٫٥ ملغ، 38.0",
            [("trailing-zero", "٣٨٫٠"), ("trailing-zero", "38.0"), ("naked-decimal", "٫٥")],
        ),
    ],
)
def test_decimal_conventions(locale, text, expected):
    assert [(hit.rule.id, hit.text) for hit in find(text, locale)] == expected


def test_grouping_follows_the_locale_and_its_minimum_grouping_digits():
    # Spanish does not group four digits (CLDR minimumGroupingDigits 2): 1500 mg is right
    assert (
        introduced("Do not take more than 1,500 mg a day.", "No tome más de 1500 mg al día.", "es")
        == []
    )
    found = introduced("You get 15,000 units.", "Recibe 15000 unidades.", "es")
    assert len(found) == 1 and "large-number-ungrouped" in found[0]
    assert introduced("You get 15,000 units.", "Recibe 15.000 unidades.", "es") == []
    assert introduced("You get 15,000 units.", "Sie erhalten 15.000 Einheiten.", "de") == []


def test_a_spanish_trailing_zero_fails_check_text_naming_the_rule():
    findings = [
        f
        for f in check_text(
            "Call your team if you have a fever of 38°C.",
            "Llame a su equipo si tiene fiebre de 38,0 °C.",
            "es",
        )
        if f.check == "dose-designation"
    ]
    assert len(findings) == 1 and findings[0].severity == "error"
    assert "trailing-zero" in findings[0].message and "'38,0'" in findings[0].message
    assert not [
        f
        for f in check_text(
            "Call your team if you have a fever of 38°C.",
            "Llame a su equipo si tiene fiebre de 38 °C.",
            "es",
        )
        if f.check == "dose-designation"
    ]


def test_what_the_english_already_has_is_not_the_translators_error():
    assert introduced("Take 1.0 mg.", "Tome 1,0 mg.", "es") == []
    found = introduced("Take 10 units.", "Take 10 U.", "fr")
    assert len(found) == 1 and "U-for-unit" in found[0] and "write unit or units" in found[0]


def test_a_clock_time_written_with_a_dot_is_not_a_trailing_zero():
    assert introduced("Take it at 7:00 pm.", "Prenda la dose alle 19.00.", "it") == []


def test_no_false_alarm_on_the_corpus_correct_rows_and_the_shipped_catalogs():
    correct = 0
    for path in sorted((REPO / "tests" / "corpus" / "quantities").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            if case["verdict"] == "correct":
                correct += 1
                assert introduced(case["source"], case["translation"], data["locale"]) == [], (
                    path.name,
                    case["translation"],
                )
    texts = 0
    for path in sorted((REPO / "locales").glob("*/LC_MESSAGES/handouts.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr:
                texts += 1
                assert introduced(entry.msgid, entry.msgstr, path.parts[-3]) == [], entry.msgstr
    assert correct > 250 and texts > 100


def test_lint_names_each_designation_at_its_line(project, capsys):
    path = project / MONOGRAPH
    text = path.read_text(encoding="utf-8")
    anchor = "Blinatumomab is given by continuous intravenous"
    assert anchor in text
    path.write_text(
        text.replace(anchor, "Take 1.0 mg, then .5 mg, and 10 U. " + anchor), encoding="utf-8"
    )
    line = next(n for n, row in enumerate(text.splitlines(), 1) if anchor in row) - 1
    assert main(["-C", str(project), "lint"]) == 0  # warnings: the English is the team's
    out = capsys.readouterr().out
    for rule_id, written in [
        ("trailing-zero", "1.0"),
        ("naked-decimal", ".5"),
        ("U-for-unit", "U"),
    ]:
        assert (
            f"{MONOGRAPH.as_posix()}:{line}: warning: [dose-designation] '{written}': "
            f"{rule_id}" in out
        )
    assert "write unit or units" in out


def test_check_fails_a_spanish_catalog_writing_38_0_for_38(project, capsys):
    edit_catalog(
        project,
        "es",
        lambda m: (
            replace(m, msgstr=m.msgstr.replace("38 °C", "38,0 °C")) if "38 °C" in m.msgstr else m
        ),
    )
    assert main(["-C", str(project), "check", "--format", "json", "--locale", "es"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [f for f in report["locales"][0]["findings"] if f["check"] == "dose-designation"]
    assert len(found) == 1 and found[0]["severity"] == "error"
    assert "'38,0'" in found[0]["message"] and "trailing-zero" in found[0]["message"]
    assert found[0]["path"] == "locales/es/LC_MESSAGES/handouts.po" and found[0]["line"] > 0


@functools.cache
def every_text() -> list[str]:
    """The texts of the quantity corpus (sources, translations) and the shipped catalogs,
    and numbers written with every mark, before and after them."""
    texts = []
    for path in sorted((REPO / "tests" / "corpus" / "quantities").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [text for case in data["cases"] for text in (case["source"], case["translation"])]
    for path in sorted((REPO / "locales").glob("*/LC_MESSAGES/handouts.po")):
        texts += [text for entry in polib.pofile(str(path)) for text in (entry.msgid, entry.msgstr)]
    marks = ".,٫٬'/ -"
    texts += [f"{a}1{b}5{c}0{d}" for a in marks for b in marks for c in marks for d in marks]
    texts += ["٣٨٫٠ ١٬٠٠٠ ٫٥ ,5 .5 x.5 5. 5.. ..5 ,,5 1,,0 ۲٫۵ ४.० 10mg 10 U 10U 1.0mg"]
    return texts


LOCALES = ["en", "es", "zh_CN", "ar", "de", "fr", "fa", "hi", "th", "ja", "ko", "am", "ka", "he"]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_number_pattern_finds_what_the_plain_one_does(locale):
    """The numbers pattern written to begin with one character class matches what
    ``[marks]?\\d+(?:[.,٫٬]\\d+)*`` matches, on every text of the corpus and catalogs."""
    import re

    from pipeline.source.designations import _reader, marks

    naked = "".join(re.escape(m) for m in sorted(marks(locale).decimals | {"."}))
    plain = re.compile(rf"[{naked}]?\d+(?:[.,٫٬]\d+)*")
    written = _reader(locale).numbers
    for text in every_text():
        assert [m.span() for m in written.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text


@pytest.mark.parametrize("locale", LOCALES)
def test_a_translation_is_read_for_the_rules_it_is_held_to_alike(locale):
    """Read as a translation (no run-together units), a text has the same hits of the
    rules a translation is held to as read in full."""
    checked = 0
    for text in every_text():
        full = [hit for hit in find(text, locale) if hit.rule.translations]
        assert [h for h in find(text, locale, translation=True) if h.rule.translations] == full
        checked += bool(full)
    assert checked > 50
