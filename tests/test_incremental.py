"""The incremental build re-renders only the handouts whose entries changed, parses only
the monographs that changed, and its output is byte-identical to a build from scratch."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.locales import catalog_path
from pipeline.catalogs.merge import update_catalogs
from pipeline.catalogs.pofile import load_catalog, render_catalog, write_atomic
from pipeline.errors import SourceError
from pipeline.publish import sources
from pipeline.publish.build import build
from tests.conftest import add_monograph_copies, set_entry
from tests.projects import copy_project, snapshot

PAIN_HEADING = "Pain"


@pytest.fixture
def project(tmp_path):
    root = copy_project(tmp_path / "project")
    ids = add_monograph_copies(root, 3)
    source = root / "source" / "monographs" / f"{ids[0]}.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("heading: Pain\n", "heading: Pain relief\n"),
        encoding="utf-8",
    )  # copy-000 differs
    extract_template(root)
    update_catalogs(root, memory=False)
    set_entry(root, "es", "Pain relief", msgstr="Alivio del dolor", fuzzy=False)
    build(root, root / "output")
    return root


def fresh_build(root, tmp_path):
    """The same project built into an empty folder, without any cache."""
    other = copy_project(Path(tempfile.mkdtemp(dir=tmp_path)) / "fresh")
    for name in ("source", "locales"):
        for path in (root / name).rglob("*"):
            if path.is_file():
                target = other / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    build(other, other / "output")
    return snapshot(other / "output")


def test_one_saved_msgstr_re_renders_one_handout_and_matches_a_fresh_build(project, tmp_path):
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (revisado)")
    result = build(project, project / "output")
    assert result.rendered == 1  # only es/copy-000 uses that entry
    assert snapshot(project / "output") == fresh_build(project, tmp_path)
    assert "revisado" in (project / "output" / "es" / "copy-000.txt").read_text()


def test_an_entry_every_handout_shares_re_renders_the_locale(project, tmp_path):
    set_entry(project, "es", PAIN_HEADING, msgstr="Dolor (revisado)")
    result = build(project, project / "output")
    assert result.rendered == 3  # blinatumomab, copy-001, copy-002 (copy-000 says "Pain relief")
    assert snapshot(project / "output") == fresh_build(project, tmp_path)


def test_a_save_that_changes_only_the_header_dates_renders_nothing(project, tmp_path):
    catalog = load_catalog(project, "es")
    day = catalog.header["PO-Revision-Date"][:10]  # the day is on the handout; the time not
    header = {
        **catalog.header,
        "PO-Revision-Date": f"{day} 23:59+0000",
        "Last-Translator": "Someone Else",
    }
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(catalog.header_comment, header, catalog.messages),
    )
    before = snapshot(project / "output")
    result = build(project, project / "output")
    assert result.rendered == 0
    after = snapshot(project / "output")
    assert {name for name in after if after[name] != before.get(name)} == {
        ".handouts-manifest.json"
    }  # the new catalog hash, for the next quick build
    assert after == fresh_build(project, tmp_path)
    assert build(project, project / "output").files_written == 0
    header["PO-Revision-Date"] = "2031-01-01 00:00+0000"  # a new day: the locale's handouts
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(catalog.header_comment, header, catalog.messages),
    )
    assert build(project, project / "output").rendered == 4
    assert snapshot(project / "output") == fresh_build(project, tmp_path)


def test_plural_forms_change_every_handout_of_the_locale(project):
    catalog = load_catalog(project, "es")
    header = {**catalog.header, "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(catalog.header_comment, header, catalog.messages),
    )
    assert build(project, project / "output").rendered == 4


def test_a_fuzzy_flag_alone_changes_the_handout(project, tmp_path):
    set_entry(project, "es", "Pain relief", fuzzy=True)
    result = build(project, project / "output")
    # es, and the English handout that linked it, relinked (only these two published it)
    assert result.rendered == 2 and result.drafts > 0
    assert snapshot(project / "output") == fresh_build(project, tmp_path)


def test_only_changed_monographs_are_parsed(project, monkeypatch, tmp_path):
    parsed = []
    original = sources.load_monograph

    def counting(path, root):
        parsed.append(path.name)
        return original(path, root)

    monkeypatch.setattr(sources, "load_monograph", counting)
    path = project / "source" / "monographs" / "copy-001.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("reviewed: null", "reviewed: 2025-02-01")
    )
    result = build(project, project / "output")
    assert parsed == ["copy-001.yaml"]  # to validate it, then to render it (parsed once)
    assert result.rendered == 5  # copy-001 in en, es, zh_CN, vi, ar
    assert snapshot(project / "output") == fresh_build(project, tmp_path)


def test_a_broken_monograph_is_refused_even_with_a_cache(project):
    path = project / "source" / "monographs" / "copy-002.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: copy-002", "id: copy-001"))
    before = snapshot(project / "output")
    with pytest.raises(SourceError, match="duplicate monograph id 'copy-001'"):
        build(project, project / "output")
    assert snapshot(project / "output") == before


def test_a_damaged_cache_costs_time_not_correctness(project, tmp_path):
    cache = project / ".handouts-build-output.sources.json"
    assert cache.is_file()
    cache.write_text('{"format": 1, "code": "x", "files": {"a": 1}}', encoding="utf-8")
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (otra vez)")
    build(project, project / "output")
    assert snapshot(project / "output") == fresh_build(project, tmp_path)
    cache.write_text("not json", encoding="utf-8")
    build(project, project / "output")
    assert snapshot(project / "output") == fresh_build(project, tmp_path)


def test_an_old_manifest_without_content_fingerprints_still_builds_right(project, tmp_path):
    import json

    manifest = project / "output" / ".handouts-manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry.pop("content")
    data.pop("code")
    manifest.write_text(json.dumps(data), encoding="utf-8")
    set_entry(project, "es", "Pain relief", msgstr="Alivio del dolor (antiguo)")
    result = build(project, project / "output")
    assert result.rendered == 4  # no content fingerprints: the whole locale, once
    built, fresh = snapshot(project / "output"), fresh_build(project, tmp_path)
    manifest = ".handouts-manifest.json"  # (the entries kept as they were lack "content")
    assert {k: v for k, v in built.items() if k != manifest} == {
        k: v for k, v in fresh.items() if k != manifest
    }


def test_messages_differing_only_in_lines_have_the_same_digest():
    from pipeline.model import Message
    from pipeline.publish.incremental import entry_digest

    message = Message("Pain", "Dolor", line=10, msgstr_line=11)
    assert entry_digest(message) == entry_digest(replace(message, line=99, msgstr_line=100))
    assert entry_digest(message) != entry_digest(replace(message, msgstr="Dolores"))
    assert entry_digest(message) != entry_digest(replace(message, fuzzy=True))
