"""Facts on a handout come from data: a translator cannot state one, change one, or break
one with a literal '%'; coverage is counted alike by check, status and the drafts page."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.catalogs.extract import build_template
from pipeline.catalogs.pofile import load_catalog
from pipeline.checks.ruleset.characters import placeholders
from pipeline.cli import main
from pipeline.publish.facts import fill
from pipeline.source.interface import FACTS, UI_CODE, UI_IMPORTANT, UI_UPDATED
from tests.conftest import set_entry

HOSTILE_CLAIM = "Revisado y aprobado por el equipo de farmacia oncológica"
MONOGRAPH = "source/monographs/blinatumomab.yaml"


def cli(root, *args):
    return main(["-C", str(root), *args])


def test_every_fact_is_a_placeholder_of_its_text(project):
    template = {m.msgid: m for m in build_template(project)}
    for msgid, names in FACTS.items():
        found = {re.sub(r"%\((\w+)\).", r"\1", p) for p in placeholders(msgid, True)}
        assert found == set(names), msgid
        assert "python-format" in template[msgid].flags  # so the check compares them
    # no interface text states a review, a date or a revision without a placeholder
    for msgid in template:
        if any(
            word in msgid.lower() for word in ("review", "revision", "translated on", "edition")
        ):
            assert msgid in FACTS or msgid.startswith("Not reviewed"), msgid


@pytest.mark.parametrize(
    ("translation", "check_id"),
    [
        (HOSTILE_CLAIM, "placeholders"),  # the fact dropped: the claim stands alone
        ("Revisado el 1 de marzo de 2025 por farmacia: %(date)s", "numbers-units"),  # a date added
        ("Última actualización: %(date)s, %(code)s", "placeholders"),  # another fact borrowed
    ],
)
def test_a_translation_cannot_state_a_fact(project, capsys, translation, check_id):
    set_entry(project, "es", UI_UPDATED, msgstr=translation)
    assert cli(project, "check", "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    es = next(r for r in report["locales"] if r["locale"] == "es")
    assert any(f["check"] == check_id and f["severity"] == "error" for f in es["findings"])
    assert cli(project, "build", "--quiet") == 0
    assert not (project / "output" / "es" / "blinatumomab.html").exists()
    draft = (project / "output" / "drafts" / "es" / "blinatumomab.html").read_text("utf-8")
    assert translation.split(":")[0] not in draft  # the English stands in
    assert '<span class="fallback-ui" lang="en" dir="ltr">Last updated: ' in draft


def test_the_english_review_date_is_data_in_the_patients_language(project):
    path = project / MONOGRAPH
    path.write_text(
        path.read_text("utf-8").replace("reviewed: null", "reviewed: 2025-03-01"), encoding="utf-8"
    )
    assert cli(project, "build", "--quiet") == 0
    page = (project / "output" / "es" / "blinatumomab.html").read_text("utf-8")
    assert "Última actualización: 1 de marzo de 2025" in page
    assert "Código del folleto: BLINATUMOMAB-es-2025-03" in page
    assert (
        "Traducido el " in page
        and ("Esta traducción aún no ha sido revisada por un traductor médico calificado.") in page
    )
    zh = (project / "output" / "zh_CN" / "blinatumomab.txt").read_text("utf-8")
    assert "最近更新：2025年3月1日" in zh


def test_a_literal_percent_never_breaks_a_text_or_prints_braces(project, capsys):
    set_entry(project, "es", UI_IMPORTANT, msgstr="¡Importante %! %s")
    set_entry(project, "es", UI_CODE, msgstr="Código al 100%: %(code)s")
    assert cli(project, "check") == 1
    out = capsys.readouterr().out
    assert "a '%' that is not a placeholder: write a literal percent sign as '%%'" in out
    assert cli(project, "build", "--quiet") == 0
    draft = (project / "output" / "drafts" / "es" / "blinatumomab.html").read_text("utf-8")
    text = (project / "output" / "drafts" / "es" / "blinatumomab.txt").read_text("utf-8")
    assert "¡Importante %! %s" in draft  # no placeholder in the source: as written
    assert "{}" not in draft and "{}" not in text
    assert re.search(r"Handout code: BLINATUMOMAB-es-[0-9-]+</span>", draft)  # English
    assert fill("100%% de %(x)s y 5 % más", {"x": "a"}) == "100% de a y 5 % más"
    assert fill("%(y)s", {"x": "a"}) is None


def test_check_status_and_drafts_page_count_the_same_texts(project, capsys):
    """A correct Vietnamese translation held back by a check is 'held back', not 'not
    translated yet', and every report counts the handout's texts alike."""
    catalog = load_catalog(project, "vi")
    fever = next(m for m in catalog.active() if "38 °C" in m.msgstr or "38°C" in m.msgstr)
    set_entry(project, "vi", fever.msgid, msgstr=re.sub(r"38 ?°C", "39 °C", fever.msgstr))
    line = next(m for m in load_catalog(project, "vi").active() if m.msgid == fever.msgid)
    assert cli(project, "check", "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    vi = next(r for r in report["locales"] if r["locale"] == "vi")
    handout = vi["drugs"]["blinatumomab"]
    assert vi["coverage"]["untranslated"] == vi["coverage"]["fuzzy"] == 0
    assert not handout["publishable"]
    assert cli(project, "build", "--quiet") == 0
    built = json.loads((project / "output" / "report.json").read_text("utf-8"))
    coverage = built["locales"]["vi"]["blinatumomab"]["coverage"]
    for state in ("untranslated", "fuzzy", "translated", "reviewed", "total"):
        assert coverage[state] == handout[state], state
    assert coverage["blocked"] == handout["blocked"] == 1
    assert coverage["ready"] == handout["ready"] == coverage["total"] - 1
    drafts = (project / "output" / "drafts" / "index.html").read_text("utf-8")
    assert f"1 of {coverage['total']}<br>1 held back by a check" in drafts
    assert (
        f"<code>locales/vi/LC_MESSAGES/handouts.po:{line.text_line}</code> [numbers-units]"
        in drafts
    )
    draft = (project / "output" / "drafts" / "vi" / "blinatumomab.html").read_text("utf-8")
    assert "1 đoạn đã dịch bị giữ lại vì không đạt kiểm tra: numbers-units." in draft
    assert "chưa được dịch" not in draft.lower().split("<main>")[0]  # not "not translated"
    capsys.readouterr()
    assert cli(project, "check") == 1
    table = capsys.readouterr().out
    assert re.search(rf"blinatumomab .*{coverage['total'] - 1}/{coverage['total']} draft", table)


def test_the_shipped_translations_are_honestly_unreviewed(built):
    from pipeline.catalogs.marks import marks_of
    from tests.projects import REPO

    for locale in ("es", "zh_CN", "vi", "ar"):
        assert not any(
            marks_of(m)[0] or marks_of(m)[1] for m in load_catalog(REPO, locale).messages
        )
    notices = {
        "es": "Esta traducción aún no ha sido revisada por un traductor médico calificado.",
        "zh_CN": "此翻译尚未经过合格的医学翻译人员审核。",
        "vi": "Bản dịch này chưa được một biên dịch viên y khoa có trình độ xem xét.",
    }
    for locale, notice in notices.items():
        page = (built / locale / "blinatumomab.html").read_text(encoding="utf-8")
        assert notice in page and 'class="fallback-ui"' not in page  # all in the language
    index = (built / "index.html").read_text(encoding="utf-8")
    assert index.count("translation not reviewed") == 3
