"""Agency exchange: XLIFF 1.2 out and back (byte-identical when unchanged; checked when
edited; reviewed translations never overwritten silently), the glossary as TBX and CSV."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from lxml import etree
from translate.storage import csvl10n, po, tbx

from pipeline.catalogs.locales import catalog_path, discover_locales
from pipeline.catalogs.pofile import load_catalog, render_catalog, write_atomic
from pipeline.catalogs.review import format_mark
from pipeline.catalogs.xliff import XLIFF_12, Xliff12, unit_id
from pipeline.checks.exchange import export_locale, import_checked
from pipeline.cli import main
from tests.projects import copy_project, run_cli

NS = {"x": XLIFF_12}
FEVER_ES = "fiebre"


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def export(project, locale, tmp_path):
    path = tmp_path / f"{locale}.xlf"
    path.write_bytes(export_locale(project, locale))
    return path


@pytest.mark.parametrize("locale", ["es", "zh_CN", "vi", "ar"])
def test_an_unchanged_round_trip_leaves_the_catalog_byte_identical(project, tmp_path, locale):
    before = catalog_path(project, locale).read_bytes()
    path = export(project, locale, tmp_path)
    result, findings = import_checked(project, path)
    assert result.locale == locale and not result.changed and result.imported == []
    assert result.skipped == [] and findings == []
    assert catalog_path(project, locale).read_bytes() == before


def test_the_export_carries_context_notes_safety_and_glossary(project, tmp_path):
    document = etree.parse(str(export(project, "es", tmp_path)))
    root = document.getroot()
    assert root.get("version") == "1.2"
    [file] = root.findall("x:file", NS)
    assert file.get("target-language") == "es" and file.get("source-language") == "en"
    catalog = load_catalog(project, "es")
    units = root.findall(".//x:trans-unit", NS)
    assert len({u.get("id").split("[")[0] for u in units}) == len(catalog.active())
    safety = [u for u in units if u.find("x:note[@from='handouts'][@priority='1']", NS)
              is not None]
    assert safety and all("SAFETY-CRITICAL" in u.find("x:note[@from='developer']", NS).text
                          for u in safety)
    hints = [n.text for n in root.iterfind(".//x:note[@from='handouts-glossary']", NS)]
    assert any("dexamethasone: keep as is, or: dexametasona; never: dexametazona" in h
               for h in hints)
    assert root.find(".//x:context-group[@name='po-reference']", NS) is not None


def test_msgctxt_survives_as_context_and_in_the_id(project, tmp_path):
    catalog = load_catalog(project, "es")
    first = catalog.active()[1]
    context_entry = replace(first, msgctxt="pediatric")
    messages = [*catalog.messages, context_entry]
    write_atomic(catalog_path(project, "es"),
                 render_catalog(catalog.header_comment, catalog.header, messages))
    root = etree.parse(str(export(project, "es", tmp_path))).getroot()
    unit = root.find(f".//x:trans-unit[@id='{unit_id(context_entry.key)}']", NS)
    assert unit.find(".//x:context[@context-type='x-po-msgctxt']", NS).text == "pediatric"
    assert unit_id(context_entry.key) != unit_id(first.key)


def edit_target(path, source_prefix, change):
    """A CAT tool's edit: translate-toolkit's XLIFF store changes one target, saves."""
    store = Xliff12.parsestring(path.read_bytes())
    [unit] = [u for u in store.units if u.source.startswith(source_prefix)]
    unit.target = change(unit.target)
    unit.markfuzzy(False)
    unit.markapproved(True)
    path.write_bytes(bytes(store))


def test_a_cat_edit_comes_back_through_the_checks(project, tmp_path, capsys):
    path = export(project, "es", tmp_path)
    edit_target(path, "White blood cells (WBC) are important",
                lambda target: target.replace("38", "39"))
    assert main(["-C", str(project), "import-xliff", str(path)]) == 1  # an error finding
    out = capsys.readouterr().out
    assert "updated: locales/es/LC_MESSAGES/handouts.po (1 translation(s) imported" in out
    assert "error: [numbers-units]" in out and "locales/es/LC_MESSAGES/handouts.po:" in out
    entry = polib.pofile(str(catalog_path(project, "es"))).find(
        "White blood cells (WBC) are important", by="msgid") or next(
        e for e in polib.pofile(str(catalog_path(project, "es")))
        if e.msgid.startswith("White blood cells (WBC)"))
    assert "39" in entry.msgstr and "fuzzy" not in entry.flags
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null",
                           str(catalog_path(project, "es"))]).returncode == 0


def test_a_good_cat_edit_imports_cleanly_and_a_fuzzy_one_stays_fuzzy(project, tmp_path):
    path = export(project, "es", tmp_path)
    edit_target(path, "Side effects", lambda target: "Efectos adversos")
    result, findings = import_checked(project, path)
    assert len(result.imported) == 1 and findings == []
    store = Xliff12.parsestring(path.read_bytes())
    [unit] = [u for u in store.units if u.source == "Side effects"]
    unit.target = "Efectos secundarios (por revisar)"
    unit.markfuzzy(True)
    unit.markapproved(False)
    path.write_bytes(bytes(store))
    import_checked(project, path)
    entry = polib.pofile(str(catalog_path(project, "es"))).find("Side effects")
    assert entry.msgstr == "Efectos secundarios (por revisar)" and "fuzzy" in entry.flags


def test_a_reviewed_translation_is_never_overwritten_silently(project, tmp_path, capsys):
    catalog = load_catalog(project, "es")
    messages = [replace(m, comments=(format_mark(m, dt.date(2026, 11, 1),
                                                 "A. Pérez, CoreCHI"),))
                if m.msgid == "Side effects" else m for m in catalog.messages]
    write_atomic(catalog_path(project, "es"),
                 render_catalog(catalog.header_comment, catalog.header, messages))
    path = export(project, "es", tmp_path)
    edit_target(path, "Side effects", lambda target: "Efectos adversos")
    before = catalog_path(project, "es").read_bytes()
    assert main(["-C", str(project), "import-xliff", str(path)]) == 1
    assert "kept the reviewed translation of 'Side effects'" in capsys.readouterr().out
    assert catalog_path(project, "es").read_bytes() == before
    assert main(["-C", str(project), "import-xliff", str(path), "--overwrite-reviewed"]) == 0
    entry = polib.pofile(str(catalog_path(project, "es"))).find("Side effects")
    assert entry.msgstr == "Efectos adversos" and "fuzzy" in entry.flags


def test_an_empty_target_or_a_changed_source_is_skipped(project, tmp_path):
    path = export(project, "es", tmp_path)
    store = Xliff12.parsestring(path.read_bytes())
    units = [u for u in store.units if u.target]
    units[0].target = ""
    units[1].source = units[1].source + " (edited)"
    units[1].target = "algo"
    path.write_bytes(bytes(store))
    before = catalog_path(project, "es").read_bytes()
    result, _ = import_checked(project, path)
    assert not result.imported and len(result.skipped) == 2
    assert "never erases" in result.skipped[0] or "never erases" in result.skipped[1]
    assert catalog_path(project, "es").read_bytes() == before


def test_translate_toolkit_reads_our_xliff_as_our_catalog(project, tmp_path):
    path = export(project, "es", tmp_path)
    converted = tmp_path / "back.po"
    tool = str(Path(sys.executable).parent / "xliff2po")
    subprocess.run([tool, str(path), str(converted)], check=True, capture_output=True)
    theirs = {u.source: u.target for u in po.pofile.parsefile(str(converted)).units
              if not u.isheader() and not u.hasplural()}
    active = load_catalog(project, "es").active()
    ours = {m.msgid: m.msgstr for m in active if m.msgid_plural is None}
    plural_sources = {text for m in active if m.msgid_plural for text in (m.msgid,
                                                                          m.msgid_plural)}
    # (our plural forms are units <id>[n] outside an x-gettext-plurals group: the
    # toolkit reads them one by one)
    assert {k: v for k, v in theirs.items() if k not in plural_sources} == ours


def test_an_xliff_made_by_po2xliff_imports_by_its_english(project, tmp_path):
    path = tmp_path / "po2xliff.xlf"
    subprocess.run([str(Path(sys.executable).parent / "po2xliff"),
                    str(catalog_path(project, "es")), str(path)], check=True,
                   capture_output=True)
    before = catalog_path(project, "es").read_bytes()
    text = path.read_text(encoding="utf-8").replace(
        ">Efectos secundarios<", ">Efectos adversos<")
    path.write_text(text, encoding="utf-8")
    result, _ = import_checked(project, path, "es")
    assert result.imported == [(None, "Side effects")]
    assert catalog_path(project, "es").read_bytes() != before


def test_bad_xliff_is_a_clear_error(project, tmp_path):
    bad = tmp_path / "bad.xlf"
    bad.write_text("<xliff version='1.2'><file>\n<body>\n</file>", encoding="utf-8")
    result = run_cli("import-xliff", str(bad), cwd=project)
    assert result.returncode == 2 and "bad.xlf:3: not well-formed XML" in result.stderr
    assert "Traceback" not in result.stderr


def test_external_entities_are_not_read(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = export(project, "es", tmp_path)
    text = path.read_text(encoding="utf-8")
    text = text.replace('<?xml version="1.0" encoding="UTF-8"?>',
                        f'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY x SYSTEM '
                        f'"file://{secret}">]>')
    text = text.replace(">Efectos secundarios<", ">&x;<")
    path.write_text(text, encoding="utf-8")
    try:
        import_checked(project, path)
    except Exception as error:  # refused outright is fine too
        assert "TOP-SECRET" not in str(error)
    assert "TOP-SECRET" not in catalog_path(project, "es").read_text(encoding="utf-8")


def test_glossary_as_tbx_and_csv(project, tmp_path, capsys):
    assert main(["-C", str(project), "export-glossary", "--output", str(tmp_path / "g.tbx")]) == 0
    store = tbx.tbxfile.parsefile(str(tmp_path / "g.tbx"))
    terms = {unit.source: unit for unit in store.units}
    assert "blinatumomab" in terms and "dexamethasone" in terms
    document = etree.parse(str(tmp_path / "g.tbx"))
    spanish = document.xpath("//termEntry[langSet[@xml:lang='en']/tig/term='dexamethasone']"
                             "/langSet[@xml:lang='es']/tig")
    statuses = {tig.findtext("term"): tig.findtext("termNote") for tig in spanish}
    assert statuses == {"dexametasona": "preferredTerm-admn-sts",
                        "dexametazona": "deprecatedTerm-admn-sts"}
    assert len(document.xpath("//langSet/@xml:lang")) > len(discover_locales(project))
    assert main(["-C", str(project), "export-glossary", "--format", "csv", "--locale", "zh_CN",
                 "--output", str(tmp_path / "g.csv")]) == 0
    rows = [(u.source, u.target, u.getcontext()) for u in
            csvl10n.csvfile.parsefile(str(tmp_path / "g.csv")).units]
    assert ("blinatumomab", "贝林妥欧单抗", "") in rows
    assert ("blinatumomab", "博纳吐单抗", "forbidden") in rows
    assert main(["-C", str(project), "export-glossary", "--format", "csv"]) == 2
