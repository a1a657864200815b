"""Monograph YAML -> Monograph: the shipped file, and every kind of mistake with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.source.monographs import lint, load_monograph, load_monographs
from tests.projects import REPO

MINIMAL = """\
id: testdrug
title: Testdrug
reviewed: 2025-01-31
sections:
  - id: about
    heading: About
    blocks:
      - paragraph: Testdrug is a medicine.
"""


def write(tmp_path: Path, text: str, name: str = "testdrug.yaml") -> Path:
    folder = tmp_path / "source" / "monographs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> SourceError:
    path = write(tmp_path, text)
    with pytest.raises(SourceError) as caught:
        load_monograph(path, tmp_path)
    return caught.value


def test_shipped_monograph_loads_with_sections_blocks_and_safety_flags():
    (monograph,) = load_monographs(REPO)
    assert monograph.id == "blinatumomab"
    assert monograph.pronunciation == "blin-a-too-moo-mab"
    assert monograph.classification.text == "Bispecific T-Cell Engager"
    ids = [s.id for s in monograph.sections]
    assert ids[0] == "overview" and "cytokine-release-syndrome" in ids and "pregnancy" in ids
    safety = [b for s in monograph.sections for b in s.blocks if b.safety]
    assert any("100.4°F or 38°C" in b.text.text for b in safety)
    assert all(s.editorial for s in monograph.sections if s.heading)


def test_lint_reports_the_missing_tips_list_and_review_date_as_warnings():
    (monograph,) = load_monographs(REPO)
    findings = lint(monograph)
    assert {f.severity for f in findings} == {"warning"}
    messages = " ".join(f.message for f in findings)
    assert "Tips to preventing infection" in messages
    assert "review date" in messages
    gap = next(f for f in findings if "Tips" in f.message)
    line = (REPO / gap.where.path).read_text().splitlines()[gap.where.line - 1]
    assert "list:" in line


def test_minimal_monograph_keeps_file_and_line_of_every_text(tmp_path):
    path = write(tmp_path, MINIMAL)
    monograph = load_monograph(path, tmp_path)
    block = monograph.sections[0].blocks[0]
    assert str(block.text.where) == "source/monographs/testdrug.yaml:8"
    assert monograph.reviewed.isoformat() == "2025-01-31"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (MINIMAL.replace("reviewed:", "colour: red\nreviewed:"), 3, "unknown key 'colour'"),
        (MINIMAL.replace("title: Testdrug\n", ""), 1, "missing required key 'title'"),
        (MINIMAL.replace("id: testdrug", "id: ../x"), 1, "must be a slug"),
        (MINIMAL.replace("id: testdrug", "id: a/b"), 1, "must be a slug"),
        (
            MINIMAL.replace("title: Testdrug", "title: Testdrug\ntitle: Again"),
            3,
            "duplicate key 'title'",
        ),
        (MINIMAL.replace("paragraph: Testdrug is a medicine.", "paragraph: '  '"), 8, "is empty"),
        (
            MINIMAL.replace("paragraph: Testdrug is a medicine.", "paragraph: [a, b]"),
            8,
            "must be text",
        ),
        (MINIMAL.replace("reviewed: 2025-01-31", "reviewed: last week"), 3, "must be a date"),
        (
            MINIMAL.replace("heading: About", "heading: About\n    level: 5"),
            7,
            "level must be 2 or 3",
        ),
        (
            MINIMAL.replace("paragraph: Testdrug is a medicine.", "paragraph: A **bold claim."),
            8,
            "unbalanced '**'",
        ),
        (
            MINIMAL.replace(
                "      - paragraph: Testdrug is a medicine.",
                "      - paragraph: A.\n        safety: maybe",
            ),
            9,
            "true or false",
        ),
        (
            MINIMAL.replace("      - paragraph: Testdrug is a medicine.", "      - list: 'Tips'"),
            8,
            "needs items, or a 'gap'",
        ),
        (
            MINIMAL + "  - id: about\n    blocks:\n      - paragraph: Again.\n",
            9,
            "duplicate section id 'about'",
        ),
        (MINIMAL.replace("sections:", "sections: [}"), 4, "invalid YAML"),
    ],
)
def test_mistakes_name_the_file_and_line(tmp_path, text, line, words):
    error = error_of(tmp_path, text)
    assert error.path == "source/monographs/testdrug.yaml"
    assert error.line == line, str(error)
    assert words in error.message
    assert str(error).startswith(f"source/monographs/testdrug.yaml:{line}: ")


def test_empty_and_binary_files_are_refused_clearly(tmp_path):
    assert "empty" in error_of(tmp_path, "").message
    path = write(tmp_path, "")
    path.write_bytes(b"id: x\n\xff\xfe\x00garbage")
    with pytest.raises(SourceError, match="not UTF-8"):
        load_monograph(path, tmp_path)


def test_duplicate_monograph_ids_across_files_are_refused(tmp_path):
    write(tmp_path, MINIMAL, "one.yaml")
    write(tmp_path, MINIMAL, "two.yaml")
    with pytest.raises(SourceError, match="duplicate monograph id 'testdrug'") as caught:
        load_monographs(tmp_path)
    assert caught.value.path == "source/monographs/two.yaml"


def test_list_items_notes_and_context_are_read(tmp_path):
    text = MINIMAL.replace(
        "      - paragraph: Testdrug is a medicine.",
        """\
      - list: "Call us if:"
        safety: true
        note: Keep the temperature.
        items:
          - You have a fever over 38°C.
          - text: You feel faint.
            context: symptom""",
    )
    monograph = load_monograph(write(tmp_path, text), tmp_path)
    block = monograph.sections[0].blocks[0]
    assert block.kind == "list" and block.safety
    assert [i.text for i in block.items] == ["You have a fever over 38°C.", "You feel faint."]
    assert block.items[0].note == "Keep the temperature."
    assert block.items[1].context == "symptom"


def test_a_monographs_texts_are_enumerated_once_per_object_and_again_for_another():
    """segments_of keeps what it enumerated per monograph object: the same object gives
    the same tuple; an equal copy read again, or an edited one, is enumerated anew."""
    from dataclasses import replace

    from pipeline.source.segments import iter_segments, per_monograph, segments_of

    first = load_monographs(REPO)[0]
    assert segments_of(first) == tuple(iter_segments(first))
    assert segments_of(first) is segments_of(first)
    again = load_monographs(REPO)[0]
    assert again == first and again is not first
    assert segments_of(again) is not segments_of(first)
    edited = replace(first, title=replace(first.title, text="Edited title"))
    assert segments_of(edited)[0].msgid == "Edited title"
    assert segments_of(first)[0].msgid == first.title.text

    calls: list[str] = []
    counted = per_monograph(lambda m: calls.append(m.id) or len(calls))
    counted.KEPT = 2
    copies = [load_monographs(REPO)[0] for _ in range(3)]
    assert [counted(m) for m in copies] == [1, 2, 3]
    assert counted(copies[2]) == 3 and len(calls) == 3  # kept
    assert counted(copies[0]) == 4  # forgotten when more than KEPT were seen


@pytest.mark.parametrize(
    "text", ["", "plain text", "**", "a ** b", "**bold** and plain", "****", "* single *"]
)
def test_plain_without_markup_is_the_text_and_with_it_drops_the_marks(text):
    from pipeline.source.markup import parse, plain

    assert plain(text) == "".join(run for run, _ in parse(text))
    if "**" not in text:
        assert plain(text) == text
