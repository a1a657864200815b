"""Error-prone dose designations (ISMP's list, The Joint Commission's "Do Not Use" list).

The rules are data (``designations.yaml``). :func:`find` reads one text in one locale's
writing of numbers (its decimal and group marks from CLDR, via Babel, in its default and
native digits): ``38,0`` is a trailing zero in Spanish, ``1.000`` is not. :func:`lint`
reports them in an English monograph (a warning: the English is the clinical team's);
:func:`introduced` lists those a translation has and its English does not.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

from ..model import Finding, Monograph
from .segments import iter_segments

DATA = Path(__file__).with_name("designations.yaml")
_LATIN = "A-Za-z0-9"
_NUMBER = re.compile(r"(?<![\d.,٫٬])\d+(?:[.,٫٬]\d+)*")
_CLOCK = re.compile(r"\d:\d\d")
_CANDIDATE = re.compile(rf"[\d{_LATIN}@<>µμ]")


@dataclass(frozen=True)
class Rule:
    """One item of the lists: its id, source lists, kind, written forms and advice."""

    id: str
    sources: tuple[str, ...]
    kind: str
    reason: str
    instead: str
    forms: tuple[str, ...] = ()
    translations: bool = True

    def advice(self) -> str:
        """The finding's text: the rule, why, and what to write instead."""
        return f"{self.id} ({' and '.join(self.sources)}): {self.reason}; {self.instead}"


@dataclass(frozen=True)
class Hit:
    """One error-prone designation found in a text."""

    rule: Rule
    text: str


@dataclass(frozen=True)
class Marks:
    """A locale's decimal and group marks (default and native digits) and grouping."""

    decimals: frozenset[str]
    groups: frozenset[str]
    groups_numbers: bool
    min_grouping: int


@cache
def rules() -> tuple[tuple[Rule, ...], dict[str, int]]:
    """The rules of ``designations.yaml`` and CLDR's minimum grouping digits."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    found = tuple(Rule(item["id"], tuple(item["sources"]), item["kind"], item["reason"],
                       item["instead"], tuple(item.get("forms", ())),
                       item.get("translations", True)) for item in data["rules"])
    return found, dict(data.get("min_grouping_digits", {}))


@cache
def marks(locale: str) -> Marks:
    """The decimal and group marks ``locale`` writes numbers with (English when unknown)."""
    try:
        parsed = Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        parsed = Locale.parse("en")
    systems = {"latn", parsed.default_numbering_system,
               dict(parsed.other_numbering_systems).get("native", "latn")}
    decimals = {get_decimal_symbol(parsed, numbering_system=s) for s in systems}
    groups = {get_group_symbol(parsed, numbering_system=s) for s in systems}
    grouping = parsed.decimal_formats[None].grouping[0]
    minimum = rules()[1]
    min_grouping = minimum.get(str(parsed), minimum.get(parsed.language, 1))
    return Marks(frozenset(decimals), frozenset(groups), grouping < 100, min_grouping)


def _is_zero(digits: str) -> bool:
    return all(char.isdigit() and int(char) == 0 for char in digits)


def _trailing_zero(number: str, found: Marks) -> bool:
    """``number`` ends in a decimal mark and zeros (``1.0``, ``38,0``, ``٣٨٫٠``)."""
    parts = re.split(r"[.,٫٬]", number)
    if len(parts) < 2 or not _is_zero(parts[-1]):
        return False
    mark = number[-len(parts[-1]) - 1]
    if mark in found.groups and all(len(part) == 3 for part in parts[1:]):
        return False  # a grouped number: 1,000 in English, 1.000 in Spanish
    return mark in found.decimals or len(parts) == 2


def _patterns(rule: Rule) -> re.Pattern[str]:
    forms = "|".join(re.escape(form).replace(r"\ ", r"\s") for form in
                     sorted(rule.forms, key=len, reverse=True))
    if rule.kind == "after-number":
        return re.compile(rf"(?<=\d)[\s\u00a0]?(?:{forms})(?![{_LATIN}])")
    if rule.kind == "run-together":
        return re.compile(rf"(?<![{_LATIN}.,])\d+(?:[.,]\d+)?(?:{forms})(?![{_LATIN}])")
    return re.compile(rf"(?<![{_LATIN}])(?:{forms})(?![{_LATIN}])")


@cache
def _compiled() -> tuple[tuple[Rule, re.Pattern[str] | None], ...]:
    return tuple((rule, _patterns(rule) if rule.forms else None) for rule in rules()[0])


def find(text: str, locale: str = "en") -> list[Hit]:
    """Every error-prone designation of ``text``, read in ``locale``'s number writing."""
    found = marks(locale)
    hits = []
    numbers = [m.group() for m in _NUMBER.finditer(text)]
    for rule, pattern in _compiled():
        if rule.kind == "trailing-zero":
            hits += [Hit(rule, n) for n in numbers if _trailing_zero(n, found)]
        elif rule.kind == "naked-decimal":
            mark = "".join(re.escape(m) for m in found.decimals | {"."})
            hits += [Hit(rule, m.group()) for m in
                     re.finditer(rf"(?<![{_LATIN}\d.,٫٬])[{mark}]\d+", text)]
        elif rule.kind == "ungrouped":
            if found.groups_numbers:
                size = max(5, 3 + found.min_grouping)
                hits += [Hit(rule, m.group()) for m in
                         re.finditer(rf"(?<![\d.,٫٬/-])\d{{{size},}}(?![\d/-])", text)]
        elif pattern is not None:
            hits += [Hit(rule, m.group().strip()) for m in pattern.finditer(text)]
    return hits


def introduced(source: str, translation: str, locale: str) -> list[str]:
    """The designations ``translation`` writes (in ``locale``) that ``source`` (English)
    does not: one message per rule, naming it and what to write instead."""
    if not _CANDIDATE.search(translation):
        return []
    english = Counter(hit.rule.id for hit in find(source, "en"))
    hits = [hit for hit in find(translation, locale) if hit.rule.translations]
    if _CLOCK.search(source):  # a clock time written with a dot (19.00) is not a dose
        hits = [hit for hit in hits if not (hit.rule.kind == "trailing-zero"
                                            and re.fullmatch(r"\d{1,2}[.,]00", hit.text))]
    counted = Counter(hit.rule.id for hit in hits)
    messages = []
    for rule_id, count in counted.items():
        if count > english[rule_id]:
            rule = next(hit.rule for hit in hits if hit.rule.id == rule_id)
            written = ", ".join(dict.fromkeys(f"'{hit.text}'" for hit in hits
                                              if hit.rule.id == rule_id))
            messages.append(f"writes {written}, which the source does not: {rule.advice()}")
    return messages


def lint(monograph: Monograph) -> list[Finding]:
    """A warning for each error-prone designation in ``monograph``'s English, at its line."""
    return [Finding("dose-designation", "warning", f"'{hit.text}': {hit.rule.advice()}",
                    segment.where, drug=monograph.id)
            for segment in iter_segments(monograph) for hit in find(segment.msgid)]
