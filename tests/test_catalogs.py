"""init / update / load: translators' work is kept, moved to fuzzy or obsolete, never lost."""

from __future__ import annotations

import os

import polib
import pytest

from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.fuzzy import similarity
from pipeline.catalogs.initialize import init_catalog
from pipeline.catalogs.locales import catalog_path, discover_locales
from pipeline.catalogs.merge import update_catalogs
from pipeline.catalogs.pofile import load_catalog
from pipeline.errors import CatalogError, LocaleError
from tests.projects import copy_project

MONOGRAPH = "source/monographs/blinatumomab.yaml"
PAIN = (
    "Your healthcare provider can recommend medications and other strategies to help relieve pain."
)


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def edit_source(project, old: str, new: str) -> None:
    path = project / MONOGRAPH
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    extract_template(project)


def po(project, locale="es") -> polib.POFile:
    return polib.pofile(str(catalog_path(project, locale)))


def test_init_writes_language_plural_forms_and_utf8(project):
    path = init_catalog(project, "pt_BR")
    header = po(project, "pt_BR").metadata
    assert header["Language"] == "pt_BR"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert all(not e.msgstr for e in po(project, "pt_BR") if not e.msgid_plural)
    assert path.read_text(encoding="utf-8").count("msgid ") >= 40


def test_init_refuses_invalid_locale_and_existing_catalog(project):
    for bad in ("xx_YY", "../es", "english", "es-ES"):
        with pytest.raises(LocaleError):
            init_catalog(project, bad)
    with pytest.raises(CatalogError, match="exists already"):
        init_catalog(project, "es")


def test_update_of_shipped_catalogs_changes_nothing_twice(project):
    before = {loc: catalog_path(project, loc).read_bytes() for loc in discover_locales(project)}
    for _ in range(2):
        results = update_catalogs(project)
        assert not any(r.changed for r in results)
    assert before == {loc: catalog_path(project, loc).read_bytes() for loc in before}


def test_edited_paragraph_keeps_old_translation_as_fuzzy_with_previous_msgid(project):
    old_translation = po(project).find(PAIN).msgstr
    edit_source(project, "to help relieve pain.", "to help relieve your pain.")
    result = update_catalogs(project)[1]
    assert result.locale == "es" and result.changed and result.fuzzy_new == 1
    entry = po(project).find(PAIN.replace("relieve pain", "relieve your pain"))
    assert entry.fuzzy and entry.msgstr == old_translation
    assert entry.previous_msgid == PAIN
    text = catalog_path(project, "es").read_text(encoding="utf-8")
    assert '#| msgid ""' in text or f'#| msgid "{PAIN[:20]}' in text
    assert load_catalog(project, "es").lookup()[(None, entry.msgid)].translated is False
    assert not any(r.changed for r in update_catalogs(project))  # second run: no-op


def test_replaced_paragraph_becomes_obsolete_never_deleted(project):
    old_translation = po(project).find(PAIN).msgstr
    edit_source(project, PAIN, "Completely different words about something else entirely now.")
    update_catalogs(project, ["es"])
    catalog = po(project)
    obsolete = [e for e in catalog.obsolete_entries() if e.msgid == PAIN]
    assert obsolete and obsolete[0].msgstr == old_translation
    assert "#~ msgid" in catalog_path(project, "es").read_text(encoding="utf-8")
    new = catalog.find("Completely different words about something else entirely now.")
    assert new is not None and new.msgstr == "" and not new.fuzzy
    # putting the paragraph back revives the translation from the obsolete entry
    edit_source(project, "Completely different words about something else entirely now.", PAIN)
    update_catalogs(project, ["es"])
    revived = po(project).find(PAIN)
    assert revived.msgstr == old_translation and not revived.obsolete


def test_fuzzy_matching_never_guesses_from_weak_matches_or_crosses_msgctxt(project):
    assert similarity("Pain", "Rain") < 0.8
    assert similarity(PAIN, PAIN.replace("pain.", "your pain.")) > 0.9
    edit_source(project, "    heading: Pain\n", "    heading: Rain\n")
    update_catalogs(project, ["es"])
    assert po(project).find("Rain").msgstr == ""
    edit_source(
        project,
        f"- paragraph: >-\n          {PAIN}",
        f"- paragraph:\n          text: {PAIN}\n          context: pediatric",
    )
    update_catalogs(project, ["es"], memory=False)  # (the memory offers it: test_memory)
    entry = po(project).find(PAIN, msgctxt="pediatric")
    assert entry is not None and entry.msgstr == "" and not entry.fuzzy


def test_translator_comments_and_flags_survive_update(project):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8")
    marker = f'msgid "{PAIN[:30]}'
    index = (
        text.index('msgid ""\n"Your healthcare provider')
        if marker not in text
        else text.index(marker)
    )
    path.write_text(
        text[:index] + "# checked by Ana\n#, handouts-allow-length-ratio\n" + text[index:],
        encoding="utf-8",
    )
    edit_source(project, "  - id: pain\n", "  - id: pain-relief\n")
    update_catalogs(project, ["es"])
    entry = po(project).find(PAIN)
    assert entry.tcomment == "checked by Ana"
    assert "handouts-allow-length-ratio" in entry.flags


def test_update_validates_every_catalog_before_writing_any(project):
    broken = catalog_path(project, "vi")
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "x\n', encoding="utf-8")
    edit_source(project, "to help relieve pain.", "to help relieve your pain.")
    es_before = catalog_path(project, "es").read_bytes()
    with pytest.raises(CatalogError) as caught:
        update_catalogs(project)
    assert caught.value.path == "locales/vi/LC_MESSAGES/handouts.po"
    assert caught.value.line is not None
    assert catalog_path(project, "es").read_bytes() == es_before


def test_atomic_writes_leave_no_temporary_files(project):
    edit_source(project, "to help relieve pain.", "to help relieve your pain.")
    update_catalogs(project)
    leftovers = [p for p in (project / "locales").rglob("*") if p.name.startswith(".")]
    assert leftovers == []
    assert oct(os.stat(catalog_path(project, "es")).st_mode & 0o777) == "0o644"


def test_duplicate_msgid_is_refused_with_its_line(project):
    path = catalog_path(project, "es")
    path.write_text(
        path.read_text(encoding="utf-8") + '\nmsgid "Pain"\nmsgstr "Dolor"\n', encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="duplicate message definition") as caught:
        load_catalog(project, "es")
    assert caught.value.line == len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_bad_locale_folder_is_named(project):
    (project / "locales" / "not a locale" / "LC_MESSAGES").mkdir(parents=True)
    with pytest.raises(LocaleError) as caught:
        discover_locales(project)
    assert "not a locale" in str(caught.value)
