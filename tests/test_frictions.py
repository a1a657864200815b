"""The smaller frictions of issue 26: `init` says what comes next and writes a header
that gettext tools read; check messages quote what they found."""

from __future__ import annotations

import shlex
import subprocess

import polib
import pytest

from pipeline.catalogs.locales import catalog_path
from pipeline.checks.registry import EntryContext
from pipeline.checks.rules import REGISTRY
from pipeline.cli import main
from pipeline.model import Message
from pipeline.source.glossary import Glossary, LocaleRule, Term
from tests.projects import need_tool


def test_init_prints_the_next_commands_and_they_run(project, capsys):
    assert main(["-C", str(project), "init", "pl"]) == 0
    out = capsys.readouterr().out
    assert "created: locales/pl/LC_MESSAGES/handouts.po" in out
    commands = [
        line.split("#")[0].strip()
        for line in out.splitlines()
        if line.strip().startswith("handouts ")
    ]
    assert [c.split()[1] for c in commands] == ["status", "check", "build"]
    assert all("pl" in command for command in commands)
    for command in commands[:2]:  # each printed command is one the CLI accepts
        code = main(["-C", str(project), *shlex.split(command)[1:]])
        assert code in (0, 1), command  # 1: the new locale's check fails, as it should
    capsys.readouterr()


def test_init_leaves_language_team_empty_not_malformed(project):
    assert main(["-C", str(project), "init", "pl"]) == 0
    path = catalog_path(project, "pl")
    header = polib.pofile(str(path)).metadata
    assert header["Language-Team"] == ""
    assert "<>" not in path.read_text(encoding="utf-8")
    msgfmt = need_tool("msgfmt")
    result = subprocess.run(
        [msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


GLOSSARY = Glossary(
    (
        Term("dexamethasone", locales={"es": LocaleRule(("dexametasona",))}),
        Term("CRS", locales={"es": LocaleRule(forbidden=("SLC",))}),
    )
)


def messages(check_id: str, source: str, translation: str) -> str:
    entry = EntryContext(
        "es", Message(source, translation, line=3), source, translation, False, GLOSSARY
    )
    return " ".join(REGISTRY[check_id].function(entry))


@pytest.mark.parametrize(
    ("translation", "quoted"),
    [
        ("Llame <b>de inmediato</b>.", "'<b>'"),
        ("Llame &nbsp;ya.", "'&nbsp;'"),
        ("Vea javascript:alert(1)", "'javascript:'"),
        ("Vea <img src=x onerror=alert(1)>", "'<img src=x onerror=alert(1)>'"),
        ("Llame onclick = x", "'onclick ='"),
    ],
)
def test_markup_messages_quote_what_they_found(translation, quoted):
    assert quoted in messages("markup", "Call right away.", translation)


def test_a_long_markup_find_is_quoted_shortened_on_one_line():
    found = messages("markup", "Call.", "<span\n  class='" + "x" * 80 + "'>Llame</span>")
    assert "<span class='xxx" in found and "\u2026" in found and "\n" not in found


def test_glossary_messages_quote_the_term_expected_and_the_wording_found():
    missing = messages("glossary", "a steroid (dexamethasone)", "un esteroide")
    assert "'dexamethasone'" in missing and "'dexametasona'" in missing
    forbidden = messages("glossary", "Cytokine release syndrome (CRS)", "Síndrome (SLC)")
    assert "'SLC'" in forbidden and "'CRS'" in forbidden
