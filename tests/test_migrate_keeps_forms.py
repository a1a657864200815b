"""``migrate-plurals`` never deletes a translator's form (issue 24, class 3): a catalog
with more forms than the standard rule keeps the texts of the forms no number uses any
more as translator comments, and the command says so."""

from __future__ import annotations

import polib

from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.migrate import migrate_plural_forms
from pipeline.catalogs.msgmerge import EARLIER_FORM
from pipeline.catalogs.pofile import load_catalog
from tests.projects import run_cli

THREE_FORMS = "nplurals=3; plural=(n==1 ? 0 : 1);"  # form 2: written, but no n picks it


def _three_forms(project) -> dict[str, str]:
    """Spanish with a third form per plural entry; returns msgid -> that form's text."""
    path = catalog_path(project, "es")
    catalog = polib.pofile(str(path))
    catalog.metadata["Plural-Forms"] = THREE_FORMS
    third = {}
    for entry in catalog:
        if entry.msgid_plural:
            third[entry.msgid] = f'{entry.msgstr_plural[1]} "tercera"\\ forma'
            entry.msgstr_plural = {**entry.msgstr_plural, 2: third[entry.msgid]}
    catalog.save(str(path))
    return third


def test_extra_forms_are_kept_as_comments_and_counted(project):
    third = _three_forms(project)
    before = {
        m.msgid: m.msgstr_plural for m in load_catalog(project, "es").messages if m.msgid_plural
    }
    result = migrate_plural_forms(project, "es")
    assert result.changed and result.dropped == (2,) and result.kept_as_comments == len(third)
    after = {m.msgid: m for m in load_catalog(project, "es").messages if m.msgid_plural}
    for msgid, message in after.items():
        assert message.msgstr_plural == before[msgid][:2]
        assert [c for c in message.comments if c.startswith(EARLIER_FORM)] == [
            f'{EARLIER_FORM} msgstr[2]: "{third[msgid]}"'.replace("\\", "\\\\").replace(
                '"tercera"', '\\"tercera\\"'
            )
        ]
    assert sum(
        entry.msgid in third
        for entry in polib.pofile(str(catalog_path(project, "es")))
        if entry.msgid_plural
    ) == len(third)
    again = migrate_plural_forms(project, "es")  # nothing more to move or keep
    assert not again.changed and again.kept_as_comments == 0


def test_the_command_says_what_it_kept(project):
    third = _three_forms(project)
    result = run_cli("migrate-plurals", "es", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"{len(third)} translator-written text(s)" in result.stdout
    assert "kept as translator comments" in result.stdout and "not deleted" in result.stdout
    text = catalog_path(project, "es").read_text(encoding="utf-8")
    assert text.count("tercera") == len(third)
