"""Editions that survive a source edit: `handouts publish` records them in editions/, the
build keeps the last edition (dated, with a notice) or withdraws it, from the repository
alone (a fresh clone, no earlier output/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.publish.editions import read_edition, record_path
from tests.projects import copy_project, need_tool, snapshot

MONOGRAPH = Path("source") / "monographs" / "blinatumomab.yaml"
PAIN = "can recommend medications"  # a paragraph that is not safety-critical
FEVER = "greater than 100.4°F or 38°C"  # in a safety callout
DAY = "2026-12-01"


def cli(root: Path, *args: str) -> int:
    return main(["-C", str(root), *args])


def edit_source(root: Path, old: str, new: str, extra: str = "") -> None:
    path = root / MONOGRAPH
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new) + extra, encoding="utf-8")
    assert cli(root, "extract") == 0 and cli(root, "update") == 0


def without_notice(html: str) -> str:
    return without_formats(
        re.sub(r'<p class="edition-notice" role="note">.*?</p>\n', "", html, flags=re.S)
    )


def without_formats(html: str) -> str:
    """A page without its links to its other formats and languages (a kept edition links
    to its own formats only: the other languages follow the newer English)."""
    return re.sub(r'<nav class="editions".*?</nav>\n', "", html, flags=re.S)


def index_formats(index: str, locale: str) -> list[str]:
    """The files the index links for ``locale``'s blinatumomab handout."""
    return sorted(set(re.findall(rf'href="({locale}/blinatumomab[^"]*)"', index)))


@pytest.fixture
def published(project: Path) -> Path:
    """The project with its editions recorded and built once (the clinic's output)."""
    assert cli(project, "publish", "--date", DAY) == 0
    assert cli(project, "build", "--quiet") == 0
    return project


def test_publish_records_each_published_translation_and_its_english(published, capsys):
    for locale in ("es", "zh_CN", "vi"):
        edition = read_edition(published, locale, "blinatumomab")
        assert edition.published.isoformat() == DAY and edition.facts.revision
        assert (published / edition.source).read_bytes() == (published / MONOGRAPH).read_bytes()
    assert read_edition(published, "ar", "blinatumomab") is None  # a draft: never published
    record = json.loads(record_path(published, "es", "blinatumomab").read_text("utf-8"))
    assert record["facts"]["fully_reviewed"] is False
    assert any(t["msgid"].startswith("Edition of") for t in record["texts"])
    before = snapshot(published / "editions")
    capsys.readouterr()
    assert cli(published, "publish", "--check") == 0  # nothing changed: nothing to record
    assert cli(published, "publish", "--date", "2026-12-02") == 0  # (not in the future)
    assert snapshot(published / "editions") == before  # same texts: the old date stays
    assert "3 unchanged" in capsys.readouterr().out


def test_a_non_safety_edit_keeps_the_last_edition_dated_with_a_notice(published):
    output = published / "output"
    before_html = (output / "es" / "blinatumomab.html").read_text(encoding="utf-8")
    before_text = (output / "es" / "blinatumomab.txt").read_text(encoding="utf-8")
    edit_source(published, PAIN, "may recommend medications")
    assert cli(published, "build", "--quiet") == 0
    kept = (output / "es" / "blinatumomab.html").read_text(encoding="utf-8")
    # one line under the title, in the patient's language
    assert (
        '</h1>\n<p class="edition-notice" role="note">Edición del 1 de diciembre de 2026. '
        "Existe una versión más reciente de este folleto en inglés; esta traducción se "
        "actualizará.</p>\n"
    ) in kept
    assert without_notice(kept) == without_formats(before_html)  # as published, never mixed
    assert "may recommend" not in kept and "can recommend" not in kept  # (Spanish text)
    text = (output / "es" / "blinatumomab.txt").read_text(encoding="utf-8")
    assert text.startswith("*** Edición del 1 de diciembre de 2026.")
    assert text.endswith(before_text) or before_text in text
    index = (output / "index.html").read_text(encoding="utf-8")
    assert (
        f'<span class="outdated" role="note">Edition of {DAY}: a newer English version '
        "exists; the translation is being updated.</span>"
    ) in index
    assert 'href="es/blinatumomab.html" hreflang="es">Handout</a>' in index
    # the current, incomplete translation is a draft that says why
    draft = (output / "drafts" / "es" / "blinatumomab.html").read_text(encoding="utf-8")
    assert "1 texto cambió en inglés; hay que actualizar su traducción." in draft
    assert "EN · Cambiado en inglés</span>" in draft and "may recommend" in draft
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert report["locales"]["es"]["blinatumomab"]["edition"]["status"] == "kept"


def test_a_kept_edition_keeps_every_format(published):
    """After a copy edit of the English, the recorded Spanish edition keeps as many formats
    on the index as before: large print, bilingual, text and the PDFs that were printed."""
    output = published / "output"
    before = index_formats((output / "index.html").read_text("utf-8"), "es")
    assert {
        "es/blinatumomab.large.html",
        "es/blinatumomab.bilingual.html",
        "es/blinatumomab.bilingual.txt",
        "es/blinatumomab.txt",
    } <= set(before)
    edit_source(published, "medications and other strategies", "medicines and other ways")
    assert cli(published, "build", "--quiet") == 0
    index = (output / "index.html").read_text("utf-8")
    assert index_formats(index, "es") == before
    for name in before:
        assert (output / name).is_file(), name
    bilingual = (output / "es" / "blinatumomab.bilingual.html").read_text("utf-8")
    assert "medications and other strategies" in bilingual  # the English it translates
    assert "medicines and other ways" not in bilingual
    assert 'class="edition-notice"' in bilingual
    large = (output / "es" / "blinatumomab.large.html").read_text("utf-8")
    assert 'class="edition-notice"' in large and '<html lang="es" dir="ltr" class="large">' in large
    text = (output / "es" / "blinatumomab.bilingual.txt").read_text("utf-8")
    assert "Edición del 1 de diciembre de 2026" in text.split("\n\n")[1]  # above the title
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    kept = report["locales"]["es"]["blinatumomab"]
    assert kept["status"] == "draft" and kept["edition"]["status"] == "kept"
    assert set(before) <= set(kept["editions"])  # owned: kept by the next build too
    assert cli(published, "build", "--quiet") == 0  # and a second build keeps them
    assert index_formats((output / "index.html").read_text("utf-8"), "es") == before


def test_a_safety_critical_edit_withdraws_the_edition(published):
    edit_source(published, FEVER, "greater than 100.5°F or 38°C")
    assert cli(published, "build", "--quiet") == 0
    output = published / "output"
    assert not (output / "es" / "blinatumomab.html").exists()
    index = (output / "index.html").read_text(encoding="utf-8")
    assert index.count('<span class="status">translation being updated</span>') == 3  # es vi zh
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    edition = report["locales"]["es"]["blinatumomab"]["edition"]
    assert edition["status"] == "withdrawn" and "safety-critical" in edition["reason"]


def test_a_change_the_editors_mark_clinical_withdraws_the_edition(published):
    edit_source(published, PAIN, "may recommend medications", f"clinical_change: {DAY}\n")
    assert cli(published, "build", "--quiet") == 0
    assert not (published / "output" / "es" / "blinatumomab.html").exists()
    assert "translation being updated" in (published / "output" / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_tampered_record_withdraws_with_a_reason_and_no_traceback(published, capsys):
    source = published / read_edition(published, "es", "blinatumomab").source
    source.write_text(source.read_text(encoding="utf-8").replace("Pain", "Dolor"), "utf-8")
    edit_source(published, PAIN, "may recommend medications")
    capsys.readouterr()
    assert cli(published, "build", "--quiet") == 0
    report = json.loads((published / "output" / "report.json").read_text(encoding="utf-8"))
    assert "is not revision" in report["locales"]["es"]["blinatumomab"]["edition"]["reason"]
    assert "Traceback" not in capsys.readouterr().err
    record_path(published, "vi", "blinatumomab").write_text("{", encoding="utf-8")
    assert cli(published, "build", "--quiet") == 0  # a broken record withdraws, it stops nothing


def test_publish_reviewed_withdraws_an_unreviewed_edition(published):
    (published / "handouts.yaml").write_text(
        "locales:\n  es:\n    required: true\n    publish: reviewed\n", encoding="utf-8"
    )
    edit_source(published, PAIN, "may recommend medications")
    assert cli(published, "build", "--quiet") == 0
    report = json.loads((published / "output" / "report.json").read_text(encoding="utf-8"))
    assert "reviewed texts only" in report["locales"]["es"]["blinatumomab"]["edition"]["reason"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [need_tool("git"), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [(PAIN, "may recommend medications", True), (FEVER, "greater than 100.5°F or 38°C", False)],
)
def test_both_hold_from_a_fresh_clone_with_no_earlier_output(tmp_path, old, new, kept):
    repo = copy_project(tmp_path / "repo")
    assert cli(repo, "publish", "--date", DAY) == 0
    assert cli(repo, "build", "--quiet") == 0
    published = (repo / "output" / "es" / "blinatumomab.html").read_text(encoding="utf-8")
    shutil.rmtree(repo / "output")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "published")
    edit_source(repo, old, new)
    git(repo, "commit", "-qam", "an English edit")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert not (clone / "output").exists()
    assert cli(clone, "build", "--quiet") == 0
    page = clone / "output" / "es" / "blinatumomab.html"
    index = (clone / "output" / "index.html").read_text(encoding="utf-8")
    if kept:
        assert without_notice(page.read_text(encoding="utf-8")) == without_formats(published)
        assert f"Edition of {DAY}" in index
    else:
        assert not page.exists() and "translation being updated" in index
