"""`handouts lexicon LOCALE`: what the quantity reader knows of a locale, and how it reads
the template's quantities in the locale's catalog."""

from __future__ import annotations

import json

from pipeline.catalogs.pofile import load_catalog
from pipeline.cli import main
from tests.conftest import set_entry


def lexicon(root, capsys, *args):
    capsys.readouterr()
    code = main(["-C", str(root), "lexicon", *args])
    return code, capsys.readouterr().out


def test_a_known_locale_shows_its_forms_and_the_catalogs_reading(project, capsys):
    code, out = lexicon(project, capsys, "es", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["known"] and data["decimals"] == [","]
    assert "miligramos" in data["units"]["mg"] and data["number_words"]["dos"] == "2"
    assert any(word.startswith("de la noche") for word in data["day_periods"])
    assert "semana*" in data["periods"]["week"]
    reading = data["reading"]
    assert reading["entries"] > 0 and reading["quantities"] >= reading["entries"]
    assert reading["matched"] == reading["entries"]  # the shipped catalog reads clean
    # a changed fever threshold is counted as contradicted, and the table says so
    fever = next(m for m in load_catalog(project, "es").active() if "°F" in m.msgstr)
    set_entry(project, "es", fever.msgid, msgstr=fever.msgstr.replace("100,4 °F", "101,4 °F"))
    code, out = lexicon(project, capsys, "es")
    assert code == 0 and "miligramos" in out
    assert (
        f"{reading['entries']} template entries state {reading['quantities']} quantities: "
        f"{reading['matched'] - 1} matched, 1 contradicted"
    ) in out


def test_a_locale_the_lexicon_does_not_know_shows_digits_and_symbols_only(project, capsys):
    assert main(["-C", str(project), "init", "bg"]) == 0
    code, out = lexicon(project, capsys, "bg", "--format", "json")
    data = json.loads(out)
    assert code == 0 and not data["known"]
    assert data["number_words"] == {} and data["day_periods"] == {} and data["periods"] == {}
    forms = [form for forms in data["units"].values() for form in forms]
    assert forms and not any(c.isalpha() for form in forms for c in form)
    assert data["reading"]["untranslated"] == data["reading"]["entries"] > 0
    code, out = lexicon(project, capsys, "bg")
    assert "digits and symbols only" in out and "0 matched" in out


def test_a_bad_locale_is_bad_input(project, capsys):
    assert main(["-C", str(project), "lexicon", "x!"]) == 2
    assert "Traceback" not in capsys.readouterr().err
