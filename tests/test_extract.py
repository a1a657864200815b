"""Monographs + templates -> POT: faithful, shared, annotated, deterministic."""

from __future__ import annotations

import re
import shutil

import polib

from pipeline.catalogs.extract import extract_template
from pipeline.catalogs.locales import TEMPLATE_PATH
from pipeline.catalogs.pofile import load_template
from tests.projects import REPO, copy_project

SEED = REPO / "source" / "reference" / "blinatumomab.txt"


def seed_sentences() -> list[str]:
    """Every sentence of the seed monograph (the label lines give pronunciation/class)."""
    sentences = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.startswith(("Pronounce:", "Classification:")) or not line.strip():
            continue
        sentences += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", line.strip()) if s]
    return sentences


def test_every_seed_sentence_is_in_some_msgid_in_order():
    msgids = [m.msgid for m in load_template(REPO).active()]
    text = "\n".join(msgids)
    position = 0
    sentences = seed_sentences()
    assert len(sentences) > 40
    for sentence in sentences:
        assert any(sentence in msgid for msgid in msgids), f"missing from the POT: {sentence!r}"
        found = text.find(sentence, position)
        assert found >= position, f"out of order: {sentence!r}"
        position = found


def test_pronunciation_and_classification_come_from_the_seed():
    seed = SEED.read_text(encoding="utf-8")
    assert "Pronounce: blin-a-too-moo-mab" in seed
    msgids = {m.msgid for m in load_template(REPO).active()}
    assert "Bispecific T-Cell Engager" in msgids


def test_shipped_template_is_up_to_date_and_rerun_is_byte_identical(tmp_path):
    project = copy_project(tmp_path / "p")
    before = (project / TEMPLATE_PATH).read_bytes()
    changed, _ = extract_template(project)
    assert not changed
    assert (project / TEMPLATE_PATH).read_bytes() == before


def test_template_is_recreated_identically_apart_from_the_date(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    shipped = (project / TEMPLATE_PATH).read_text(encoding="utf-8")
    (project / TEMPLATE_PATH).unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert extract_template(project)[0]
    fresh = (project / TEMPLATE_PATH).read_text(encoding="utf-8")
    assert "POT-Creation-Date: 2023-11-14 22:13+0000" in fresh
    strip = re.compile(r'"POT-Creation-Date: [^"]*"')
    assert strip.sub("", fresh) == strip.sub("", shipped)


def test_entries_carry_drug_section_kind_safety_and_references():
    pot = polib.pofile(str(REPO / TEMPLATE_PATH))
    fever = next(e for e in pot if "100.4°F or 38°C" in e.msgid)
    assert "Blinatumomab | section 'infection' | safety callout" in fever.comment
    assert "SAFETY-CRITICAL" in fever.comment
    assert "100.4°F" in fever.comment and "38°C" in fever.comment
    ((path, line),) = fever.occurrences
    source_line = (REPO / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert "callout:" in source_line or "White blood cells" in source_line
    heading = next(e for e in pot if e.msgid == "Side effects")
    assert "Editorial heading" in heading.comment


def test_template_ui_strings_are_extracted_with_babel(tmp_path):
    pot = polib.pofile(str(REPO / TEMPLATE_PATH))
    ui = [e for e in pot if any(p.startswith("pipeline/templates/") for p, _ in e.occurrences)]
    assert any(e.msgid == "DRAFT, not for patient use" for e in ui)
    formatted = [e for e in ui if "%(" in e.msgid]
    assert formatted and all("python-format" in e.flags for e in formatted)
    assert any(e.msgid_plural for e in ui)


def test_identical_paragraphs_in_two_monographs_are_one_entry(tmp_path):
    project = copy_project(tmp_path / "p")
    monographs = project / "source" / "monographs"
    twin = (monographs / "blinatumomab.yaml").read_text(encoding="utf-8")
    twin = twin.replace("id: blinatumomab", "id: twinmab").replace(
        "title: Blinatumomab", "title: Twinmab"
    )
    (monographs / "twinmab.yaml").write_text(twin, encoding="utf-8")
    assert extract_template(project)[0]
    pot = polib.pofile(str(project / TEMPLATE_PATH))
    disclaimer = [e for e in pot if e.msgid.startswith("OncoLink is designed")]
    assert len(disclaimer) == 1
    assert {p for p, _ in disclaimer[0].occurrences} == {
        "source/monographs/blinatumomab.yaml",
        "source/monographs/twinmab.yaml",
    }
    assert "Twinmab | handout | disclaimer" in disclaimer[0].comment
    assert len({e.msgid for e in pot}) == len(list(pot))


def test_extract_check_mode_reports_staleness_without_writing(tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / "source" / "monographs" / "blinatumomab.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Pain\n", "Pain relief\n"), encoding="utf-8"
    )
    before = (project / TEMPLATE_PATH).read_bytes()
    assert extract_template(project, check_only=True)[0]
    assert (project / TEMPLATE_PATH).read_bytes() == before
    shutil.rmtree(project / "locales")


def test_a_note_with_line_breaks_becomes_comment_lines(tmp_path):
    """A translator note written over several lines in the YAML used to put a bare line
    into the template (msgfmt: 'keyword unknown'); each line is a '#.' line now."""
    from pipeline.commands.check import build_report

    project = copy_project(tmp_path / "project")
    source = project / "source" / "monographs" / "blinatumomab.yaml"
    text = source.read_text(encoding="utf-8")
    assert text.count("      - paragraph: >-\n") >= 1
    source.write_text(
        text.replace(
            "      - paragraph: >-\n",
            '      - note: "first line\\nsecond line"\n        paragraph: >-\n',
            1,
        ),
        encoding="utf-8",
    )
    extract_template(project)
    written = (project / TEMPLATE_PATH).read_text(encoding="utf-8")
    assert "#. Note: first line\n#. second line\n" in written
    notes = [m.notes for m in load_template(project).messages if "second line" in m.notes]
    assert notes and "Note: first line" in notes[0]  # read back (strict syntax) as two lines
    assert not extract_template(project, check_only=True)[0]
    assert not build_report(project).template_stale
