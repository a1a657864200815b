"""Errors in what a text states: quantities (numbers, units, periods), dose
designations, drug names and glossary terms."""

from __future__ import annotations

from ...source.designations import introduced as introduced_designations
from ..numbers import verdict as numbers_verdict
from ..periods import period_problems
from ..registry import EntryContext, Group
from .characters import is_python_format, placeholders, source_placeholders

RULES = Group()


@RULES.check("numbers-units", "error")
def check_numbers(entry: EntryContext) -> list[str]:
    """Numbers, units and numbered names (CD19) mean the same as in the source."""
    # every text is read: a number may be spelled out ("dos comprimidos", "两次")
    source, translation = _without_placeholders(entry)
    found = list(numbers_verdict(source, translation, entry.locale).contradicted)
    if translation != source:
        found += period_problems(source, translation, entry.locale)
    return found


@RULES.check("numbers-unread", "error")
def check_numbers_unread(entry: EntryContext) -> list[str]:
    """Every quantity of the source is read in the translation (else a reviewer confirms)."""
    source, translation = _without_placeholders(entry)
    return list(numbers_verdict(source, translation, entry.locale).unread)


def _without_placeholders(entry: EntryContext) -> tuple[str, str]:
    """The source and translation with their placeholders blanked (no quantity there)."""
    source, translation = entry.source, entry.translation
    if "%" in source or "%" in translation:  # every placeholder starts with '%'
        python_format = is_python_format(entry)
        for name in source_placeholders(source, python_format) | placeholders(
            translation, python_format
        ):
            source, translation = source.replace(name, " "), translation.replace(name, " ")
    return source, translation


@RULES.check("dose-designation", "error")
def check_dose_designation(entry: EntryContext) -> list[str]:
    """No error-prone dose designation (ISMP, Joint Commission) the source does not have."""
    return introduced_designations(entry.source, entry.translation, entry.locale)


@RULES.check("glossary", "error")
def check_glossary(entry: EntryContext) -> list[str]:
    """Drug names and glossary terms kept verbatim or in their approved local form."""
    return entry.glossary.problems(entry.locale, entry.source, entry.translation)
