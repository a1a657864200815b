"""Readability, advisory: `lint` gives the English grade levels against the 6th-8th grade
target; `check` gives a translation's figure where a formula validated for its language
exists, with its ratio to the English, and never blocks."""

from __future__ import annotations

import json

from pipeline.cli import main
from pipeline.source.readability import FORMULAS, english, plain, translated

EASY = "Take one pill a day. Drink a lot of water. Call us if you feel sick."
HARD = (
    "Administration of immunosuppressive pharmacotherapeutic interventions "
    "necessitates comprehensive hematological surveillance, particularly regarding "
    "neutropenia-associated opportunistic infections, irrespective of concomitant "
    "prophylactic antimicrobial medication."
)


def test_english_grades_follow_the_text():
    easy, hard = english(EASY), english(HARD)
    assert [g.formula for g in easy] == ["Flesch-Kincaid grade", "SMOG"]
    assert easy[0].value < 6 < 12 < hard[0].value
    assert easy[1].value < hard[1].value


def test_plain_drops_markup_and_ends_every_text_as_a_sentence():
    assert plain(["**Fever**", "Call us.", " "]) == "Fever. Call us."


def test_spanish_uses_szigriszt_pazos_with_the_ratio_to_the_same_english():
    simple = translated(
        "es", [(EASY, "Tome una pastilla al día. Beba mucha agua. Llámenos si se siente mal.")]
    )
    hard = translated(
        "es",
        [
            (
                EASY,
                "Debe tomar una pastilla diariamente. Beba abundante "
                "agua. Comuníquese con nosotros si experimenta malestar.",
            )
        ],
    )
    assert simple.formula is not None and simple.formula.formula == "Szigriszt-Pazos (INFLESZ)"
    assert simple.english is not None and simple.english.formula == "Flesch reading ease"
    assert hard.formula is not None and hard.formula.value < simple.formula.value
    assert hard.ratio is not None and simple.ratio is not None and hard.ratio < simple.ratio
    assert "approximate" in str(simple)


def test_a_language_without_a_validated_formula_says_so():
    for locale in ("vi", "zh_CN"):
        result = translated(locale, [(EASY, "Uống một viên mỗi ngày.")])
        assert result.formula is None and str(result) == "no validated formula"
    assert "vi" not in FORMULAS and "zh" not in FORMULAS


def test_lint_prints_the_grade_level_of_the_shipped_monograph(project, capsys):
    assert main(["-C", str(project), "lint"]) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if "readability" in row)
    assert line.startswith(
        "source/monographs/blinatumomab.yaml: readability (advisory): Flesch-Kincaid grade "
    )
    assert "SMOG " in line and "6th-8th grade target" in line


def test_check_json_has_a_figure_for_spanish_and_none_for_vietnamese(project, capsys):
    code = main(["-C", str(project), "check", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["passed"]  # advisory: never blocking
    by_locale = {item["locale"]: item["readability"] for item in report["locales"]}
    spanish = by_locale["es"]
    assert spanish["formula"]["formula"] == "Szigriszt-Pazos (INFLESZ)"
    assert 0 < spanish["formula"]["value"] < 100 and spanish["ratio"] > 0
    assert spanish["english"]["formula"] == "Flesch reading ease"
    assert by_locale["vi"]["formula"] is None
    assert by_locale["vi"]["note"] == "no validated formula"
    main(["-C", str(project), "check"])
    table = capsys.readouterr().out
    assert "readability of the translated monograph texts (advisory, never blocking):" in table
    assert "  vi: no validated formula" in table and "  es: Szigriszt-Pazos (INFLESZ) " in table
