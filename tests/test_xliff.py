"""Agency exchange: XLIFF 1.2 out and back (byte-identical when unchanged; checked when
edited; reviewed translations never overwritten silently), the glossary as TBX and CSV."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from lxml import etree
from translate.storage import csvl10n, po, tbx

from pipeline.catalogs.locales import catalog_path, discover_locales
from pipeline.catalogs.marks import format_mark
from pipeline.catalogs.pofile import load_catalog, render_catalog, write_atomic
from pipeline.catalogs.xliffstore import XLIFF_12, Xliff12, unit_id
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
    safety = [u for u in units if u.find("x:note[@from='handouts'][@priority='1']", NS) is not None]
    assert safety and all(
        "SAFETY-CRITICAL" in u.find("x:note[@from='developer']", NS).text for u in safety
    )
    hints = [n.text for n in root.iterfind(".//x:note[@from='handouts-glossary']", NS)]
    assert any(
        "dexamethasone: keep as is, or: dexametasona; never: dexametazona" in h for h in hints
    )
    assert root.find(".//x:context-group[@name='po-reference']", NS) is not None


def test_msgctxt_survives_as_context_and_in_the_id(project, tmp_path):
    catalog = load_catalog(project, "es")
    first = catalog.active()[1]
    context_entry = replace(first, msgctxt="pediatric")
    messages = [*catalog.messages, context_entry]
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(catalog.header_comment, catalog.header, messages),
    )
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


WBC = "White blood cells (WBC) are important"


def wbc_entry(project):
    return next(
        e for e in polib.pofile(str(catalog_path(project, "es"))) if e.msgid.startswith(WBC)
    )


def test_a_delivery_that_changes_38_to_39_never_lands_confirmed(project, tmp_path, capsys):
    """issue #26: exit 1 on every run, no confirmed 39 °C, the old text kept, dated."""
    po_file = polib.pofile(str(catalog_path(project, "es")))
    po_file.metadata["PO-Revision-Date"] = "2020-01-01 00:00+0000"
    po_file.save()
    path = export(project, "es", tmp_path)
    old = wbc_entry(project).msgstr
    assert "38 °C" in old
    edit_target(path, WBC, lambda target: target.replace("38", "39"))
    for run in (1, 2):
        assert main(["-C", str(project), "import-xliff", str(path)]) == 1, run
        out = capsys.readouterr().out
        assert "fuzzy because [numbers-units]" in out and f"{path}:" in out
        assert "error: [numbers-units]" in out and "locales/es/LC_MESSAGES/handouts.po:" in out
        entry = wbc_entry(project)
        assert "39 °C" in entry.msgstr and "fuzzy" in entry.flags, run
        assert json.dumps(old, ensure_ascii=False) in entry.tcomment  # the old text, kept
    assert "updated: locales/es/LC_MESSAGES/handouts.po" not in out  # the 2nd run: unchanged
    header = polib.pofile(str(catalog_path(project, "es"))).metadata["PO-Revision-Date"]
    assert header != "2020-01-01 00:00+0000" and header.startswith(str(dt.date.today().year))
    assert (
        subprocess.run(
            ["msgfmt", "-c", "-o", "/dev/null", str(catalog_path(project, "es"))]
        ).returncode
        == 0
    )


def test_every_unit_says_what_happened(project, tmp_path, capsys):
    path = export(project, "es", tmp_path)
    edit_target(path, "Side effects", lambda target: "Efectos adversos")
    assert main(["-C", str(project), "import-xliff", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    units = len(etree.parse(str(path)).getroot().findall(".//x:trans-unit", NS))
    plural_units = units - len(
        {
            u.get("id").split("[")[0]
            for u in etree.parse(str(path)).getroot().findall(".//x:trans-unit", NS)
        }
    )
    said = [line for line in lines if line.startswith(f"{path}:")]
    assert len(said) == units - plural_units  # one line per entry the file carries
    assert sum(": imported: 'Side effects'" in line for line in said) == 1
    assert all(": imported:" in line or ": unchanged" in line for line in said)


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
    messages = [
        replace(m, comments=(format_mark(m, dt.date(2026, 11, 1), "A. Pérez, CoreCHI"),))
        if m.msgid == "Side effects"
        else m
        for m in catalog.messages
    ]
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(catalog.header_comment, catalog.header, messages),
    )
    path = export(project, "es", tmp_path)
    edit_target(path, "Side effects", lambda target: "Efectos adversos")
    before = catalog_path(project, "es").read_bytes()
    assert main(["-C", str(project), "import-xliff", str(path)]) == 1
    assert "kept the reviewed translation of 'Side effects'" in capsys.readouterr().out
    assert catalog_path(project, "es").read_bytes() == before
    assert main(["-C", str(project), "import-xliff", str(path), "--overwrite-reviewed"]) == 0
    entry = polib.pofile(str(catalog_path(project, "es"))).find("Side effects")
    assert entry.msgstr == "Efectos adversos" and "fuzzy" in entry.flags


def mark_reviewed(project, msgid, reviewer="A. Pérez, CoreCHI"):
    catalog = load_catalog(project, "es")
    messages = [
        replace(m, comments=(format_mark(m, dt.date(2026, 11, 1), reviewer),))
        if m.msgid == msgid
        else m
        for m in catalog.messages
    ]
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(catalog.header_comment, catalog.header, messages),
    )


def set_state(path, source, state, approved="no", text=None):
    """An agency's CAT tool: the target's state (and text) of one unit."""
    document = etree.parse(str(path))
    [unit] = [
        u
        for u in document.getroot().iterfind(".//x:trans-unit", NS)
        if u.findtext("x:source", namespaces=NS) == source
    ]
    target = unit.find("x:target", NS)
    target.set("state", state)
    unit.set("approved", approved)
    if text is not None:
        target.text = text
    document.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_a_needs_review_state_never_silently_unmarks_a_reviewed_entry(project, tmp_path, capsys):
    mark_reviewed(project, "Side effects")
    path = export(project, "es", tmp_path)
    set_state(path, "Side effects", "needs-review-translation")
    before = catalog_path(project, "es").read_bytes()
    assert main(["-C", str(project), "import-xliff", str(path)]) == 1
    out = capsys.readouterr().out
    assert "kept because it is reviewed and the file marks it needs-review-translation" in out
    assert catalog_path(project, "es").read_bytes() == before
    assert main(["-C", str(project), "import-xliff", str(path), "--overwrite-reviewed"]) == 0
    entry = polib.pofile(str(catalog_path(project, "es"))).find("Side effects")
    assert entry.msgstr == "Efectos secundarios" and "fuzzy" in entry.flags


@pytest.mark.parametrize(
    "blank", [" ", "\u00a0", ".", "\u3000", "\u200b", " . ", "<b></b>", "\u2028"]
)
def test_a_text_with_no_visible_content_is_never_imported(project, tmp_path, blank):
    path = export(project, "es", tmp_path)
    edit_target(path, "Side effects", lambda target: blank)
    before = catalog_path(project, "es").read_bytes()
    result, _ = import_checked(project, path)
    assert not result.imported and any(
        "no visible content" in o.why for o in result.outcomes if o.what == "skipped"
    )
    assert catalog_path(project, "es").read_bytes() == before


def states(path):
    root = etree.parse(str(path)).getroot()
    return {
        u.findtext("x:source", namespaces=NS): (
            u.get("approved"),
            u.find("x:target", NS).get("state"),
        )
        for u in root.iterfind(".//x:trans-unit", NS)
        if u.find("x:target", NS) is not None
    }


def test_approved_only_for_a_counting_review_mark(project, tmp_path):
    catalog = load_catalog(project, "es")
    fuzzy = next(
        m
        for m in catalog.active()
        if m.msgid_plural is None and m.msgstr and m.msgid != "Side effects"
    )
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(
            catalog.header_comment,
            catalog.header,
            [replace(m, fuzzy=True) if m is fuzzy else m for m in catalog.messages],
        ),
    )
    mark_reviewed(project, "Side effects")
    mark_reviewed(project, "Pain", reviewer="Nobody Trusted, RN")
    policy = project / "handouts.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            "  es:\n", '  es:\n    reviewers: ["A. Pérez, CoreCHI"]\n', 1
        ),
        encoding="utf-8",
    )
    found = states(export(project, "es", tmp_path))
    assert found.pop("Side effects") == ("yes", "signed-off")
    assert found.pop(fuzzy.msgid) == ("no", "needs-review-translation")
    assert found.pop("Pain") == ("no", "translated")  # a reviewer the policy does not trust
    assert set(found.values()) == {("no", "translated")}


@pytest.mark.parametrize(
    ("state", "approved", "fuzzy"),
    [
        ("translated", "no", False),
        ("signed-off", "yes", False),
        ("final", "yes", False),
        ("signed-off", "no", False),
        ("new", "no", True),
        ("needs-translation", "no", True),
        ("needs-review-translation", "no", True),
        ("needs-review-translation", "yes", True),
        ("needs-l10n", "no", True),
        ("x-unknown", "yes", False),
        ("x-unknown", "no", True),
    ],
)
def test_xliff_states_are_read_as_documented(project, tmp_path, state, approved, fuzzy):
    path = export(project, "es", tmp_path)
    set_state(path, "Side effects", state, approved, "Efectos adversos")
    result, findings = import_checked(project, path)
    assert result.imported == [(None, "Side effects")] and findings == []
    entry = polib.pofile(str(catalog_path(project, "es"))).find("Side effects")
    assert entry.msgstr == "Efectos adversos" and ("fuzzy" in entry.flags) == fuzzy
    documented = (Path(__file__).parent.parent / "docs" / "exchange.md").read_text()
    assert f"`{state}`" in documented or state.startswith("x-")


def test_states_survive_translate_toolkits_converters(project, tmp_path):
    """po2xliff's file imports without a change (states kept); xliff2po reads our export's
    `approved` (as the XLIFF spec says): reviewed entries confirmed, no other."""
    catalog = load_catalog(project, "es")
    fuzzy = next(
        m
        for m in catalog.active()
        if m.msgid_plural is None and m.msgstr and m.msgid != "Side effects"
    )
    write_atomic(
        catalog_path(project, "es"),
        render_catalog(
            catalog.header_comment,
            catalog.header,
            [replace(m, fuzzy=True) if m is fuzzy else m for m in catalog.messages],
        ),
    )
    mark_reviewed(project, "Side effects")
    before = catalog_path(project, "es").read_bytes()
    tools = Path(sys.executable).parent
    theirs = tmp_path / "po2xliff.xlf"
    subprocess.run(
        [str(tools / "po2xliff"), str(catalog_path(project, "es")), str(theirs)],
        check=True,
        capture_output=True,
    )
    result, _ = import_checked(project, theirs, "es")
    assert result.imported == [] and catalog_path(project, "es").read_bytes() == before
    back = tmp_path / "back.po"
    subprocess.run(
        [str(tools / "xliff2po"), str(export(project, "es", tmp_path)), str(back)],
        check=True,
        capture_output=True,
    )
    units = {
        u.source: u for u in po.pofile.parsefile(str(back)).units if not u.isheader() and u.target
    }
    assert not units["Side effects"].isfuzzy() and units[fuzzy.msgid].isfuzzy()
    assert sum(not u.isfuzzy() for u in units.values()) == 1


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
    theirs = {
        u.source: u.target
        for u in po.pofile.parsefile(str(converted)).units
        if not u.isheader() and not u.hasplural()
    }
    active = load_catalog(project, "es").active()
    ours = {m.msgid: m.msgstr for m in active if m.msgid_plural is None}
    plural_sources = {text for m in active if m.msgid_plural for text in (m.msgid, m.msgid_plural)}
    # (our plural forms are units <id>[n] outside an x-gettext-plurals group: the
    # toolkit reads them one by one)
    assert {k: v for k, v in theirs.items() if k not in plural_sources} == ours


def test_an_xliff_made_by_po2xliff_imports_by_its_english(project, tmp_path):
    path = tmp_path / "po2xliff.xlf"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "po2xliff"),
            str(catalog_path(project, "es")),
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    before = catalog_path(project, "es").read_bytes()
    text = path.read_text(encoding="utf-8").replace(">Efectos secundarios<", ">Efectos adversos<")
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
    text = text.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY x SYSTEM "file://{secret}">]>',
    )
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
    spanish = document.xpath(
        "//termEntry[langSet[@xml:lang='en']/tig/term='dexamethasone']/langSet[@xml:lang='es']/tig"
    )
    statuses = {tig.findtext("term"): tig.findtext("termNote") for tig in spanish}
    assert statuses == {
        "dexametasona": "preferredTerm-admn-sts",
        "dexametazona": "deprecatedTerm-admn-sts",
    }
    assert len(document.xpath("//langSet/@xml:lang")) > len(discover_locales(project))
    assert (
        main(
            [
                "-C",
                str(project),
                "export-glossary",
                "--format",
                "csv",
                "--locale",
                "zh_CN",
                "--output",
                str(tmp_path / "g.csv"),
            ]
        )
        == 0
    )
    rows = [
        (u.source, u.target, u.getcontext())
        for u in csvl10n.csvfile.parsefile(str(tmp_path / "g.csv")).units
    ]
    assert ("blinatumomab", "贝林妥欧单抗", "") in rows
    assert ("blinatumomab", "博纳吐单抗", "forbidden") in rows
    assert main(["-C", str(project), "export-glossary", "--format", "csv"]) == 2


# --- refusals: bound to the catalog, read whole, before any lock ---------------------------

LOCK = ".handouts-catalogs.lock"


def refused(project, *args, timeout=60):
    """Run a command that must refuse: exit 2, no traceback, no catalog changed, the
    catalogs' lock never taken (its file never created)."""
    before = {p: p.read_bytes() for p in sorted((project / "locales").rglob("*.po"))}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert not (project / LOCK).exists()
    return result.stderr


def test_a_file_in_another_language_is_refused(project, tmp_path):
    path = export(project, "es", tmp_path)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "<file " in text)
    error = refused(project, "import-xliff", str(path), "--locale", "vi")
    assert f"{path}:{line}: the file's target-language is 'es', not 'vi'" in error


def test_an_xliff_2_file_in_another_language_is_refused(project, tmp_path):
    path = tmp_path / "two.xlf"
    path.write_text(
        '<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0"'
        ' version="2.0" srcLang="en"\n trgLang="es"><file id="f"/></xliff>\n',
        encoding="utf-8",
    )
    assert f"{path}:2: the file's target-language is 'es'" in refused(
        project, "import-xliff", str(path), "--locale", "zh_CN"
    )


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE xliff [<!ENTITY neg "no ">]>',
        "<!DOCTYPE xliff>",
        '<!DOCTYPE xliff SYSTEM "http://example.invalid/x.dtd">',
    ],
)
def test_a_dtd_is_refused(project, tmp_path, doctype):
    path = export(project, "es", tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        '<?xml version="1.0" encoding="UTF-8"?>', f'<?xml version="1.0"?>\n{doctype}', 1
    )
    path.write_text(
        text.replace(">Efectos secundarios<", ">&neg;Efectos secundarios<"), encoding="utf-8"
    )
    assert f"{path}:2: the file has a DTD" in refused(project, "import-xliff", str(path))


def test_duplicate_unit_ids_are_refused_naming_both_lines(project, tmp_path):
    path = export(project, "es", tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    units = [n for n, text in enumerate(lines, 1) if "<trans-unit " in text]
    first_id = lines[units[0] - 1].split('id="')[1].split('"')[0]
    second_id = lines[units[1] - 1].split('id="')[1].split('"')[0]
    lines[units[1] - 1] = lines[units[1] - 1].replace(second_id, first_id)
    path.write_text("\n".join(lines), encoding="utf-8")
    error = refused(project, "import-xliff", str(path))
    assert f"{path}:{units[1]}: duplicate unit id '{first_id}' (first at line {units[0]})" in error


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_only_a_regular_file_is_read(project, tmp_path, kind):
    path = tmp_path / "in.xlf"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path = Path("/dev/zero")
    assert "not a regular file" in refused(
        project, "import-xliff", str(path), "--locale", "es", timeout=30
    )
    if kind == "fifo":
        po_file = polib.pofile(str(catalog_path(project, "es")))
        po_file.metadata["Language"] = "es"
        po_file.save(str(tmp_path / "comp.po"))
        path.unlink()
        os.mkfifo(tmp_path / "comp.po.fifo")
        assert "not a regular file" in refused(
            project, "update", "--compendium", str(tmp_path / "comp.po.fifo"), timeout=30
        )


def test_exports_go_to_exchange_and_never_over_an_input(project):
    result = run_cli("export-xliff", "es", cwd=project)
    assert result.returncode == 0 and "wrote: exchange/handouts-es.xlf" in result.stdout
    assert (project / "exchange" / "handouts-es.xlf").is_file()
    assert "exchange/" in (Path(__file__).parent.parent / ".gitignore").read_text().split()
    for target in (
        "locales/es/LC_MESSAGES/handouts.po",
        "locales/handouts.pot",
        "source/monographs/blinatumomab.yaml",
        "handouts.yaml",
        "locales",
    ):
        refused(project, "export-xliff", "es", "--output", target)
        refused(project, "export-glossary", "--output", target)


def test_a_region_of_the_catalogs_language_is_its_language(project, tmp_path):
    path = export(project, "es", tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('target-language="es"', 'target-language="es-ES"'),
        encoding="utf-8",
    )
    edit_target(path, "Side effects", lambda target: "Efectos adversos")
    for locale in (None, "es"):
        result, _ = import_checked(project, path, locale)
        assert result.locale == "es" and not result.warnings
    assert (
        polib.pofile(str(catalog_path(project, "es"))).find("Side effects").msgstr
        == "Efectos adversos"
    )
