"""Plural forms: `init` writes what translators' tools write; headers are validated where
catalogs are read; a non-standard formula is reported and migrated, never reinterpreted."""

from __future__ import annotations

import gettext
import json
import re
import subprocess

import polib
import pytest
from weblate_language_data.languages import LANGUAGES

from pipeline.catalogs.initialize import init_catalog
from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.merge import update_catalogs
from pipeline.catalogs.migrate import migrate_plural_forms
from pipeline.catalogs.plurals import (
    PluralFormsError,
    PluralRule,
    parse_plural_forms,
    remap,
    standard_rule,
)
from pipeline.cli import main
from pipeline.errors import CatalogError
from tests.projects import need_tool

# gettext folder name -> the code Weblate's table knows it by
WEBLATE_CODES = {
    "es": "es",
    "fr": "fr",
    "it": "it",
    "pt_BR": "pt_BR",
    "pt_PT": "pt_PT",
    "he": "he",
    "ar": "ar",
    "fa": "fa",
    "hi": "hi",
    "tl": "tl",
    "ht": "ht",
    "so": "so",
    "zh_CN": "zh_Hans",
    "zh_TW": "zh_Hant",
    "ja": "ja",
    "ko": "ko",
    "vi": "vi",
    "ru": "ru",
    "pl": "pl",
    "ga": "ga",
    "cy": "cy",
    "tr": "tr",
    "de": "de",
    "nl": "nl",
    "uk": "uk",
    "cs": "cs",
    "sk": "sk",
    "ro": "ro",
    "lt": "lt",
    "lv": "lv",
    "sl": "sl",
    "hr": "hr",
    "sr": "sr",
    "sr@latin": "sr_Latn",
    "bn": "bn",
    "ur": "ur",
    "ta": "ta",
    "th": "th",
    "km": "km",
    "my": "my",
    "am": "am",
    "sw": "sw",
    "ne": "ne",
    "pa": "pa",
    "hy": "hy",
    "ka": "ka",
    "el": "el",
    "hu": "hu",
    "is": "is",
    "mk": "mk",
    "mt": "mt",
}
TABLE = {code: (count, formula) for code, _name, count, formula in LANGUAGES}
ARABIC_BABEL = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && "
    "n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);"
)


def spaceless(text: str) -> str:
    return re.sub(r"\s+", "", text)


def header_of(project, locale: str) -> str:
    return polib.pofile(str(catalog_path(project, locale))).metadata["Plural-Forms"]


def test_init_writes_weblates_default_for_every_locale(project):
    assert len(WEBLATE_CODES) >= 40
    for locale, code in WEBLATE_CODES.items():
        if catalog_path(project, locale).exists():
            catalog_path(project, locale).unlink()
        init_catalog(project, locale)
        count, formula = TABLE[code]
        written = header_of(project, locale)
        assert written.startswith(f"nplurals={count}; plural="), (locale, written)
        expression = written.split("plural=", 1)[1].rstrip(";")
        assert spaceless(expression) in (spaceless(formula), spaceless(f"({formula})")), (
            locale,
            written,
            formula,
        )


def test_the_issues_examples_exactly(project):
    init_catalog(project, "pt_BR")
    assert header_of(project, "pt_BR") == "nplurals=2; plural=(n > 1);"
    catalog_path(project, "es").unlink()
    init_catalog(project, "es")
    assert header_of(project, "es") == "nplurals=2; plural=(n != 1);"
    init_catalog(project, "ht")  # Haitian Creole: Babel 2.18+ knows it
    assert header_of(project, "ht") == "nplurals=2; plural=(n != 1);"


def test_init_agrees_with_gnu_msginit_where_msginit_knows_the_language(project, tmp_path):
    """msginit's own table (for the languages it lists) gives the same forms for every n."""
    msginit = need_tool("msginit")
    pot = tmp_path / "t.pot"
    pot.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "a"\nmsgstr ""\n',
        encoding="utf-8",
    )
    compared = 0
    for locale in (
        "es",
        "fr",
        "it",
        "pt_BR",
        "de",
        "nl",
        "ja",
        "ko",
        "vi",
        "tr",
        "ru",
        "pl",
        "uk",
        "cs",
        "sk",
        "ro",
        "hr",
        "sr",
        "sl",
    ):
        out = subprocess.run(
            [msginit, "--no-translator", "-l", locale, "-i", str(pot), "-o", "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        header = polib.pofile(out).metadata.get("Plural-Forms")
        if not header:
            continue
        theirs, ours = parse_plural_forms(header), standard_rule(locale)
        assert ours is not None and ours.same_as(theirs), (locale, header, ours)
        compared += 1
    assert compared >= 15


@pytest.mark.parametrize(
    "value, message",
    [
        ("nplurals=2; plural=(n % (n - 3) != 0);", "divides by zero for n=3"),
        ("nplurals=2; plural=(n % 0);", "divides by zero for n=0"),
        ("nplurals=0; plural=0;", "1 to 6 plural forms"),
        ("nplurals=7; plural=(n);", "1 to 6 plural forms"),
        ("nplurals=2; plural=(n == 1 ? 0 : 2);", "picks form 2 for n=0"),
        ("nplurals=2; plural=((n > 1 ? 1 : 0) - 1);", "picks form -1 for n=0"),
        ("nplurals=2; plural=(__import__('os'));", "not a valid C expression"),
        ("nplurals=2; plural=(n !! 1);", "not a valid C expression"),
        ("nplurals=2;", "must read"),
        ("nplurals=2; plural=" + "(" * 40 + "n" + ")" * 40 + ";", "not a valid C expression"),
        ("nplurals=2; plural=" + "n+" * 400 + "0;", "characters long"),
    ],
)
def test_unusable_plural_forms_are_refused_with_the_reason(value, message):
    with pytest.raises(PluralFormsError, match=re.escape(message)):
        parse_plural_forms(value)


def test_a_bad_header_is_an_error_at_its_line_and_changes_nothing(project, capsys):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("plural=(n != 1);", "plural=(n % (n - 7) != 0);"), encoding="utf-8"
    )
    before = path.read_bytes()
    line = (
        path.read_text(encoding="utf-8")
        .splitlines()
        .index(
            next(x for x in path.read_text(encoding="utf-8").splitlines() if "Plural-Forms" in x)
        )
        + 1
    )
    for command in (["update"], ["check"], ["build", "--quiet"], ["status", "es"]):
        assert main(["-C", str(project), *command]) == 2
        error = capsys.readouterr().err
        assert (
            f"handouts.po:{line}: invalid Plural-Forms header: the plural expression "
            "divides by zero for n=7" in error
        ), error
        assert path.read_bytes() == before


def test_remapping_keeps_the_text_of_every_number():
    old = parse_plural_forms(ARABIC_BABEL)
    new = standard_rule("ar")
    mapping = remap(old, new)
    assert mapping == (0, 1, 2, 3, 5, 4)
    forms = tuple(f"form {i}" for i in range(6))
    migrated = tuple(forms[i] for i in mapping)
    for n in range(2000):
        assert migrated[new.index(n)] == forms[old.index(n)], n


def test_remapping_refuses_what_no_one_to_one_mapping_keeps():
    assert remap(PluralRule(1, "0"), standard_rule("es")) == (0, 0)  # one text serves both
    with pytest.raises(PluralFormsError, match="new form 0"):  # 0 and 1 would share a text
        remap(standard_rule("es"), standard_rule("fr"))
    with pytest.raises(PluralFormsError, match="new form 1"):
        remap(parse_plural_forms("nplurals=2; plural=(n % 2);"), standard_rule("es"))


def plural_findings(report: str) -> list[str]:
    """The catalogs a JSON check report has a plural-forms finding for."""
    return [
        finding["path"]
        for locale in json.loads(report)["locales"]
        for finding in locale["findings"]
        if finding["check"] == "plural-forms"
    ]


def _with_babels_arabic_formula(project):
    """The Arabic catalog as Babel wrote it (forms 4 and 5 swapped for most n)."""
    path = catalog_path(project, "ar")
    catalog = polib.pofile(str(path))
    catalog.metadata["Plural-Forms"] = ARABIC_BABEL
    for entry in catalog:
        if entry.msgid_plural:
            kept = " ".join(re.findall(r"%\(\w+\)[sd]", entry.msgid))  # every placeholder
            entry.msgstr_plural = {i: f"النص {i} {kept}" for i in range(6)}
    catalog.save(str(path))
    return path


def test_a_non_standard_formula_is_reported_kept_by_update_and_migrated(project, capsys):
    path = _with_babels_arabic_formula(project)
    assert main(["-C", str(project), "check", "--format", "json"]) in (0, 1)
    assert plural_findings(capsys.readouterr().out) == ["locales/ar/LC_MESSAGES/handouts.po"]
    update_catalogs(project, ["ar"])
    assert spaceless(header_of(project, "ar")) == spaceless(ARABIC_BABEL)
    before = {e.msgid: dict(e.msgstr_plural) for e in polib.pofile(str(path)) if e.msgid_plural}

    result = migrate_plural_forms(project, "ar")
    assert result.changed and result.entries == len(before) and result.mapping[4:] == (5, 4)
    after = {e.msgid: dict(e.msgstr_plural) for e in polib.pofile(str(path)) if e.msgid_plural}
    old, new = gettext.c2py(ARABIC_BABEL.split("plural=")[1].rstrip(";")), standard_rule("ar")
    for msgid, forms in after.items():
        for n in range(300):
            assert forms[new.index(n)] == before[msgid][old(n)]
    assert header_of(project, "ar") == standard_rule("ar").header
    assert subprocess.run([need_tool("msgfmt"), "-c", "-o", "/dev/null", str(path)]).returncode == 0
    assert main(["-C", str(project), "check", "--format", "json"]) in (0, 1)
    assert plural_findings(capsys.readouterr().out) == []
    again = migrate_plural_forms(project, "ar")
    assert not again.changed


def test_migration_that_cannot_map_changes_nothing(project):
    path = catalog_path(project, "es")
    catalog = polib.pofile(str(path))
    catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n % 2);"
    catalog.save(str(path))
    before = path.read_bytes()
    with pytest.raises(CatalogError, match="cannot migrate"):
        migrate_plural_forms(project, "es")
    assert path.read_bytes() == before


def test_the_shipped_catalogs_use_the_standard_rules(project):
    for locale in ("es", "zh_CN", "vi", "ar"):
        assert parse_plural_forms(header_of(project, locale)).same_as(standard_rule(locale))
