"""`handouts status [LOCALE]`: progress, and what is left for a translator."""

from __future__ import annotations

import pytest

from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.pofile import load_catalog
from pipeline.checks.status import open_items, open_work
from pipeline.cli import main
from pipeline.errors import LocaleError
from tests.projects import copy_project


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def line_of(project, locale: str, fragment: str) -> int:
    return next(m.text_line for m in load_catalog(project, locale).active() if fragment in m.msgid)


def test_a_complete_locale_has_nothing_left(project):
    assert open_items(project, "es") == []
    assert (
        "es: 0 of 61 entries left (0 untranslated, 0 fuzzy); 61 translated, 0 reviewed "
        "(100.0% of the entries translated, 0.0% reviewed); 0 error(s)" in open_work(project, "es")
    )


def test_untranslated_entries_are_listed_with_drug_section_and_line(project):
    text = open_work(project, "ar")
    line = line_of(project, "ar", "Tips to preventing infection")
    assert (
        f"locales/ar/LC_MESSAGES/handouts.po:{line}: untranslated: "
        "blinatumomab, section infection (list-intro)"
    ) in text
    assert "\n    Tips to preventing infection:" in text


def test_fuzzy_and_failing_entries_are_listed(project):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8").replace("100,4 °F", "101,4 °F")
    text = text.replace(
        "#: source/monographs/blinatumomab.yaml:100\n",
        "#: source/monographs/blinatumomab.yaml:100\n#, fuzzy\n",
    )
    path.write_text(text, encoding="utf-8")
    items = {(item.status, item.line): item for item in open_items(project, "es")}
    fever = line_of(project, "es", "100.4°F")
    assert "[numbers-units]" in items[("error", fever)].detail
    assert "safety-critical" in items[("error", fever)].place
    assert ("fuzzy", line_of(project, "es", "Pain")) in items


def test_status_of_an_unknown_locale_is_an_error(project, capsys):
    with pytest.raises(LocaleError):
        open_work(project, "fr")
    assert main(["-C", str(project), "status", "fr"]) == 2
    assert "no catalog for locale 'fr'" in capsys.readouterr().err


def test_status_without_a_locale_shows_progress(project, capsys):
    assert main(["-C", str(project), "status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("locale") and "\nar " in out and "77.0%" in out
