"""Interoperability with GNU gettext: msgfmt accepts what we write; msgcat/msgmerge
output loads and survives our update untouched; our layout is msgcat's layout."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.locales import TEMPLATE_PATH, catalog_path, discover_locales
from pipeline.catalogs.merge import update_catalogs
from pipeline.catalogs.pofile import load_catalog, read_catalog, render_catalog
from tests.projects import REPO, copy_project, need_tool

LOCALES = discover_locales(REPO)


def gnu(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([need_tool(tool), *args], capture_output=True, text=True, check=False)


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def all_catalogs(root):
    return [root / TEMPLATE_PATH] + [catalog_path(root, loc) for loc in discover_locales(root)]


def test_shipped_template_and_catalogs_pass_msgfmt_check():
    assert len(LOCALES) >= 4
    for path in all_catalogs(REPO):
        result = gnu("msgfmt", "--check", "-o", "/dev/null", str(path))
        assert result.returncode == 0, result.stderr
        errors = [
            line
            for line in result.stderr.splitlines()
            if "warning" not in line and path.suffix == ".po"
        ]
        assert errors == [], result.stderr


@pytest.mark.parametrize("locale", LOCALES)
def test_our_layout_is_byte_identical_to_msgcat(tmp_path, locale):
    target = tmp_path / "msgcat.po"
    result = gnu("msgcat", str(catalog_path(REPO, locale)), "-o", str(target))
    assert result.returncode == 0, result.stderr
    catalog = read_catalog(target, tmp_path, locale)
    ours = render_catalog(catalog.header_comment, catalog.header, catalog.messages)
    assert ours == target.read_text(encoding="utf-8")


def test_catalogs_written_by_msgcat_survive_update_byte_identical(project):
    for locale in discover_locales(project):
        path = catalog_path(project, locale)
        assert gnu("msgcat", "--width=60", str(path), "-o", str(path)).returncode == 0
    before = {p: p.read_bytes() for p in all_catalogs(project)}
    assert not any(result.changed for result in update_catalogs(project))
    assert before == {p: p.read_bytes() for p in before}


def test_after_a_source_edit_msgmerge_output_loads_and_ours_passes_msgfmt(project, tmp_path):
    source = project / "source" / "monographs" / "blinatumomab.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("to help relieve pain.", "to help relieve your pain.").replace(
            "    heading: Platelets\n", "    heading: Low platelets\n"
        ),
        encoding="utf-8",
    )
    extract_template(project)
    merged = tmp_path / "msgmerge.po"
    result = gnu(
        "msgmerge",
        "--quiet",
        "--previous",
        "-o",
        str(merged),
        str(catalog_path(project, "es")),
        str(project / TEMPLATE_PATH),
    )
    assert result.returncode == 0, result.stderr
    theirs = read_catalog(merged, tmp_path, "es")
    assert any(m.fuzzy and m.previous_msgid for m in theirs.messages)
    update_catalogs(project)
    ours = load_catalog(project, "es")
    assert {m.key for m in ours.active()} == {m.key for m in theirs.active()}
    for path in all_catalogs(project):
        check = gnu("msgfmt", "--check", "-o", "/dev/null", str(path))
        assert check.returncode == 0, check.stderr
    # a catalog msgmerge wrote, merged again by us with the same template, is left alone
    shutil.copy(merged, catalog_path(project, "es"))
    before = merged.read_bytes()
    update_catalogs(project, ["es"])
    assert catalog_path(project, "es").read_bytes() == before


def test_catalog_saved_with_windows_line_endings_loads_and_is_left_alone(project):
    path = catalog_path(project, "es")
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)

    def translations(root):
        return {m.key: m.msgstr for m in load_catalog(root, "es").active()}

    assert translations(project) == translations(REPO)
    assert not any(result.changed for result in update_catalogs(project))
    assert path.read_bytes() == crlf


def test_latin1_catalog_is_decoded_by_its_declared_charset(project):
    path = catalog_path(project, "es")
    text = path.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    keep = [line for line in text.split("\n\n") if all(ord(c) < 256 for c in line)]
    path.write_bytes("\n\n".join(keep).encode("iso-8859-1"))
    catalog = load_catalog(project, "es")
    assert any("ó" in m.msgstr for m in catalog.active())


def test_a_template_rewrapped_by_msgcat_is_current_for_check(project):
    """check compares the template's entries, not its line layout: msgcat's re-wrapped
    copy holds the same entries (extract --check, comparing bytes, would rewrite it)."""
    from pipeline.commands.check import build_report

    pot = project / TEMPLATE_PATH
    assert gnu("msgcat", "--width=40", str(pot), "-o", str(pot)).returncode == 0
    assert extract_template(project, check_only=True)[0]  # other bytes
    assert not build_report(project).template_stale
