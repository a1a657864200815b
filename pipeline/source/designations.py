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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

from ..model import Finding, Monograph
from .segments import iter_segments

DATA = Path(__file__).with_name("designations.yaml")
_LATIN = "A-Za-z0-9"
_CLOCK = re.compile(r"\d:\d\d")


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
    found = tuple(
        Rule(
            item["id"],
            tuple(item["sources"]),
            item["kind"],
            item["reason"],
            item["instead"],
            tuple(item.get("forms", ())),
            item.get("translations", True),
        )
        for item in data["rules"]
    )
    return found, dict(data.get("min_grouping_digits", {}))


@cache
def marks(locale: str) -> Marks:
    """The decimal and group marks ``locale`` writes numbers with (English when unknown)."""
    try:
        parsed = Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        parsed = Locale.parse("en")
    systems = {
        "latn",
        parsed.default_numbering_system,
        dict(parsed.other_numbering_systems).get("native", "latn"),
    }
    decimals = {get_decimal_symbol(parsed, numbering_system=s) for s in systems}
    groups = {get_group_symbol(parsed, numbering_system=s) for s in systems}
    grouping = parsed.decimal_formats[None].grouping[0]
    minimum = rules()[1]
    min_grouping = minimum.get(str(parsed), minimum.get(parsed.language, 1))
    return Marks(frozenset(decimals), frozenset(groups), grouping < 100, min_grouping)


_MARKS = re.compile(r"[.,٫٬]")


def _is_zero(digits: str) -> bool:
    return all(char.isdigit() and int(char) == 0 for char in digits)


def _trailing_zero(number: str, found: Marks) -> bool:
    """``number`` ends in a decimal mark and zeros (``1.0``, ``38,0``, ``٣٨٫٠``)."""
    if number.isdigit():  # no mark (the usual number): no decimal part
        return False
    parts = _MARKS.split(number)
    if len(parts) < 2 or not _is_zero(parts[-1]):
        return False
    mark = number[-len(parts[-1]) - 1]
    if mark in found.groups and all(len(part) == 3 for part in parts[1:]):
        return False  # a grouped number: 1,000 in English, 1.000 in Spanish
    return mark in found.decimals or len(parts) == 2


_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class _Reader:
    """One locale's scanners: numbers and naked decimals, abbreviations right after a
    number, abbreviations as words (plain alternations, the context checked in Python:
    ``re`` is slow with lookbehinds and groups in an alternation)."""

    numbers: re.Pattern[str]
    after: re.Pattern[str]
    words: re.Pattern[str]
    by_form: dict[str, Rule]
    run_together: tuple[Rule, re.Pattern[str]] | None
    marks: Marks


def _alternation(forms: Iterable[str]) -> str:
    return "|".join(
        re.escape(form).replace(r"\ ", r"\s") for form in sorted(forms, key=len, reverse=True)
    )


def _numbers_pattern(naked: str) -> str:
    """A number, a decimal mark of ``naked`` before it or not: ``[naked]?\\d+(?:[.,٫٬]\\d+)*``
    written to begin with one character class (the regex engine then skips from digit to
    digit instead of trying the pattern at every character); the first character taken,
    a mark needs a digit after it, a digit may have more: the same matches."""
    return rf"[{naked}\d](?:(?<=[{naked}])\d+|(?<=\d)\d*)(?:[.,٫٬]\d+)*"


@cache
def _reader(locale: str) -> _Reader:
    found = marks(locale)
    naked = "".join(re.escape(m) for m in sorted(found.decimals | {"."}))
    numbers = re.compile(_numbers_pattern(naked))
    run_together = None
    by_form: dict[str, Rule] = {}
    after: list[str] = []
    words: list[str] = []
    for rule in rules()[0]:
        if rule.kind == "run-together":
            run_together = (rule, re.compile(rf"(?:{_alternation(rule.forms)})(?![{_LATIN}])"))
        elif rule.kind in ("after-number", "word"):
            by_form.update((" ".join(form.split()), rule) for form in rule.forms)
            (after if rule.kind == "after-number" else words).extend(rule.forms)
    return _Reader(
        numbers,
        re.compile(rf"[\s\u00a0]?(?:{_alternation(after)})(?![{_LATIN}])"),
        re.compile(rf"(?:{_alternation(words)})(?![{_LATIN}])"),
        by_form,
        run_together,
        found,
    )


def _kind(kind: str) -> Rule:
    return next(rule for rule in rules()[0] if rule.kind == kind)


@cache
def _order() -> dict[str, int]:
    return {rule.id: index for index, rule in enumerate(rules()[0])}


def find(text: str, locale: str = "en", translation: bool = False) -> list[Hit]:
    """Every error-prone designation of ``text``, read in ``locale``'s number writing,
    in the data file's order of rules, then in the order of the text (in a
    ``translation``, no run-together unit when only the English is held to them)."""
    reader = _reader(locale)
    found = reader.marks
    size = max(5, 3 + found.min_grouping)
    hits: list[tuple[int, int, Hit]] = []
    order = _order()

    def hit(rule: Rule, written: str, at: int) -> None:
        hits.append((order[rule.id], at, Hit(rule, written)))

    run_together = reader.run_together
    if translation and run_together and not run_together[0].translations:
        run_together = None  # the English's rule only: its hits would be dropped
    digits = _DIGIT.search(text) is not None
    for match in reader.numbers.finditer(text) if digits else ():
        written, at, end = match.group(), match.start(), match.end()
        before = text[at - 1 : at] or " "  # (at the start: as after a space)
        if not written[0].isdigit():  # a decimal mark first: naked, unless inside a word
            if not (before.isdigit() or before in ".,٫٬" or before.isascii() and before.isalpha()):
                hit(_kind("naked-decimal"), written, at)
            continue
        if before.isdigit() or before in ".,٫٬":
            continue
        unit = reader.after.match(text, end)  # "10 U": a unit after the number
        if unit:
            written_unit = unit.group().strip()
            hit(reader.by_form[written_unit], written_unit, unit.start())
        if _trailing_zero(written, found):
            hit(_kind("trailing-zero"), written, at)
        elif (
            found.groups_numbers
            and written.isdigit()
            and len(written) >= size
            and before not in ("/", "-")
            and text[end : end + 1] not in ("/", "-")
        ):
            hit(_kind("ungrouped"), written, at)
        if run_together and not (before.isascii() and before.isalpha()):
            rule, units = run_together
            unit = units.match(text, end)
            if unit:
                hit(rule, written + unit.group(), at)
    for match in reader.words.finditer(text):  # a word: no Latin letter or digit before
        before = text[match.start() - 1 : match.start()]
        if not (before.isascii() and before.isalnum()):
            written = " ".join(match.group().split())
            hit(reader.by_form[written], written, match.start())
    return [item for _, _, item in sorted(hits, key=lambda item: item[:2])]


@lru_cache(maxsize=8192)
def _english_counts(source: str) -> Counter[str]:
    """How many of each rule the English ``source`` has (a source serves every locale)."""
    return Counter(hit.rule.id for hit in find(source, "en"))


def introduced(source: str, translation: str, locale: str) -> list[str]:
    """The designations ``translation`` writes (in ``locale``) that ``source`` (English)
    does not: one message per rule, naming it and what to write instead."""
    hits = [hit for hit in find(translation, locale, translation=True) if hit.rule.translations]
    if not hits:
        return []  # (most translations) nothing to compare with the English's
    english = _english_counts(source)
    if _CLOCK.search(source):  # a clock time written with a dot (19.00) is not a dose
        hits = [
            hit
            for hit in hits
            if not (hit.rule.kind == "trailing-zero" and re.fullmatch(r"\d{1,2}[.,]00", hit.text))
        ]
    counted = Counter(hit.rule.id for hit in hits)
    messages = []
    for rule_id, count in counted.items():
        if count > english[rule_id]:
            rule = next(hit.rule for hit in hits if hit.rule.id == rule_id)
            written = ", ".join(
                dict.fromkeys(f"'{hit.text}'" for hit in hits if hit.rule.id == rule_id)
            )
            messages.append(f"writes {written}, which the source does not: {rule.advice()}")
    return messages


def lint(monograph: Monograph) -> list[Finding]:
    """A warning for each error-prone designation in ``monograph``'s English, at its line."""
    return [
        Finding(
            "dose-designation",
            "warning",
            f"'{hit.text}': {hit.rule.advice()}",
            segment.where,
            drug=monograph.id,
        )
        for segment in iter_segments(monograph)
        for hit in find(segment.msgid)
    ]
