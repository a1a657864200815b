"""The same English translated two ways in one locale: reported with both places (the
catalog lines, and the monographs when references are read); a reviewed translation
is the reference the others are compared with."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pipeline.catalogs.marks import format_mark
from pipeline.catalogs.pofile import Catalog
from pipeline.checks.registry import EntryContext
from pipeline.checks.rules import catalog_findings
from pipeline.checks.ruleset.wholecatalog import consistency_reference
from pipeline.model import Message
from pipeline.source.glossary import Glossary

PATH = "locales/es/LC_MESSAGES/handouts.po"


def findings(*messages: Message):
    found = catalog_findings("es", Catalog(PATH, "es", {}, (), messages), Glossary(), set())
    return [f for f in found if f.check == "inconsistent"]


def test_both_places_are_named_with_their_drugs():
    [found] = findings(
        Message(
            "Side effects",
            "Efectos secundarios",
            line=10,
            references=("source/monographs/blinatumomab.yaml:40",),
        ),
        Message(
            "Side Effects",
            "Efectos adversos",
            line=20,
            references=(
                "source/monographs/rituximab.yaml:12",
                "source/monographs/ofatumumab.yaml:9",
            ),
        ),
    )
    assert found.where.line == 20 and found.severity == "warning"
    assert "at line 10 (blinatumomab): 'Efectos secundarios'" in found.message
    assert "here, at line 20 (rituximab, ofatumumab): 'Efectos adversos'" in found.message


def test_a_reviewed_translation_is_the_reference():
    reviewed = Message("Side Effects", "Efectos secundarios", line=20)
    mark = format_mark(reviewed, dt.date(2026, 11, 1), "A. Pérez, CoreCHI")
    [found] = findings(
        Message("Side effects", "Efectos adversos", line=10), replace(reviewed, comments=(mark,))
    )
    assert found.where.line == 10  # the unreviewed one is the one to fix
    assert "at line 20 (reviewed): 'Efectos secundarios'" in found.message


def test_the_same_wording_or_another_msgctxt_is_not_reported():
    assert (
        findings(
            Message("Side effects", "Efectos adversos", line=10),
            Message("Side effects:", "efectos adversos:", line=20),
        )
        == []
    )
    assert (
        findings(
            Message("Dose", "Dosis", line=10), Message("Dose", "Toma", msgctxt="pediatric", line=20)
        )
        == []
    )


def test_the_reference_rule_takes_is_reviewed_as_input():
    group = [
        EntryContext("es", Message("A", "a", line=n), "A", "a", False, Glossary())
        for n in (1, 2, 3)
    ]
    assert consistency_reference(group, lambda m: False) is group[0]
    assert consistency_reference(group, lambda m: m.line == 3) is group[2]


def test_an_edited_translation_is_no_longer_reviewed():
    message = Message("Side Effects", "Efectos secundarios", line=20)
    mark = format_mark(message, dt.date(2026, 11, 1), "A. Pérez, CoreCHI")
    edited = replace(message, msgstr="Efectos adversos", comments=(mark,))
    [found] = findings(Message("Side effects", "Efectos secundarios", line=10), edited)
    assert found.where.line == 20 and "(reviewed)" not in found.message
