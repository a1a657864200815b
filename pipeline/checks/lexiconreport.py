"""``handouts lexicon LOCALE``: what the quantity reader knows of a locale, and how many of
the template's quantities it reads in that locale's catalog.

A clinic adding a language sees what the gate verifies there (digits and separators,
unit forms, number words, day periods, clock and count words, periods) and what a
reviewer must confirm (``handouts confirm``). The lexicon is read through its public
loaders only: :func:`~.lexicon.known`, :func:`~.lexicon.lexicon_for` and
:func:`~.lexicon.period_entry`; the verdicts are the gate's own (:func:`.rules.check_text`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..catalogs.locales import catalog_path, discover_locales, parse_locale
from ..catalogs.pofile import load_catalog, load_template
from ..source.glossary import load_glossary
from ..text.lexicon import known, lexicon_for, period_entry
from ..text.quantities import find_quantities, format_value
from .rules import check_text

SHOWN = 12  # forms shown per kind in the table (the JSON has them all)


@dataclass
class Reading:
    """The template's quantities as the gate reads them in one catalog."""

    entries: int = 0  # template entries whose English states a quantity
    quantities: int = 0  # the quantities those English texts state
    matched: int = 0  # entries whose every quantity was read the same
    contradicted: int = 0  # entries with a numbers-units finding
    unread: int = 0  # entries with a numbers-unread finding (a reviewer must confirm)
    untranslated: int = 0  # not translated (or fuzzy): nothing to read


@dataclass
class LexiconReport:
    locale: str
    known: bool  # CLDR or curated data for the locale; else digits and symbols only
    name: str
    decimals: list[str]
    groups: list[str]
    indian_grouping: bool
    native_digits: bool  # the locale's own digits between digits (extra decimal marks)
    han_numerals: bool  # Chinese and Japanese numerals (二十四, 两, 万)
    units: dict[str, list[str]]  # unit -> the forms read after a number
    units_before: dict[str, list[str]]  # unit -> the forms read before a number
    number_words: dict[str, str]  # word -> value
    day_periods: dict[str, list[list[int]]]  # word -> hour spans
    clock_words: list[str]
    count_words: dict[str, str]  # word -> "value unit"
    multipliers: dict[str, str]
    periods: dict[str, list[str]]  # day / week / month -> words
    catalog: str | None
    reading: Reading = field(default_factory=Reading)


def _by_unit(forms: dict[str, str], symbols_only: bool) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for form, unit in sorted(forms.items()):
        if symbols_only and any(c.isalpha() for c in form):
            continue
        grouped.setdefault(unit, []).append(form)
    return dict(sorted(grouped.items()))


def lexicon_report(root: Path, locale: str) -> LexiconReport:
    """What the reader knows of ``locale`` and how it reads the catalog's quantities."""
    parse_locale(locale)
    is_known = known(locale)
    lexicon = lexicon_for(locale)
    periods = period_entry(locale) if is_known else None
    report = LexiconReport(
        locale,
        is_known,
        lexicon.name,
        sorted(lexicon.decimals),
        sorted(lexicon.groups),
        lexicon.lakh,
        bool(lexicon.extra_decimals),
        lexicon.han_numerals,
        _by_unit(dict(lexicon.units), not is_known),
        _by_unit(dict(lexicon.prefix_units), not is_known),
        {w: format_value(v) for w, v in sorted(lexicon.words.items())} if is_known else {},
        {
            w: [list(s) for s in spans]
            for w, spans in sorted({**lexicon.periods_before, **lexicon.periods}.items())
        }
        if is_known
        else {},
        sorted(lexicon.clock_prefixes) if is_known else [],
        {
            w: f"{format_value(v)} {u or ''}".strip()
            for w, (v, u) in sorted(lexicon.word_quantities.items())
        }
        if is_known
        else {},
        {w: format_value(v) for w, v in sorted(lexicon.multipliers.items())} if is_known else {},
        {k: [str(f) for f in v] for k, v in (periods or {}).items() if isinstance(v, list)},
        None,
    )
    if locale in discover_locales(root):
        report.catalog = catalog_path(root, locale).relative_to(root).as_posix()
        report.reading = _reading(root, locale)
    return report


def _reading(root: Path, locale: str) -> Reading:
    """Each template entry with a quantity, checked as the gate checks it."""
    reading = Reading()
    lookup = load_catalog(root, locale).lookup()
    glossary = load_glossary(root)
    for entry in load_template(root).active():
        found = find_quantities(entry.msgid)
        if not found:
            continue
        reading.entries += 1
        reading.quantities += len(found)
        message = lookup.get(entry.key)
        if message is None or not message.translated:
            reading.untranslated += 1
            continue
        checks: set[str] = set()
        for index, text in enumerate(message.texts):
            source = message.msgid_plural if message.msgid_plural and index else message.msgid
            checks |= {
                f.check
                for f in check_text(
                    source,
                    text,
                    locale,
                    glossary=glossary,
                    flags=message.flags,
                    context=message.msgctxt,
                )
            }
        if "numbers-units" in checks:
            reading.contradicted += 1
        elif any(check.startswith("numbers-") for check in checks):
            reading.unread += 1
        else:
            reading.matched += 1
    return reading


def _forms(forms: list[str] | dict[str, str]) -> str:
    items = [f"{k} {v}" for k, v in forms.items()] if isinstance(forms, dict) else forms
    shown = ", ".join(items[:SHOWN])
    return shown + (f", ... ({len(items)} in all)" if len(items) > SHOWN else "") or "none"


def render_text(report: LexiconReport) -> str:
    lines = [
        f"{report.locale}: the quantity reader's lexicon "
        + (
            f"(CLDR and curated data: {report.name})"
            if report.known
            else "(unknown to the lexicon: digits and symbols only; every other quantity "
            "is unread and needs a reviewer's `handouts confirm`)"
        )
    ]
    lines.append(
        f"  digits: 0-9{' and the locale digits' if report.native_digits else ''}; "
        f"decimal mark: {' '.join(report.decimals)}; group mark: "
        f"{' '.join(repr(g) for g in report.groups)}"
        + ("; Indian grouping (1,50,000)" if report.indian_grouping else "")
    )
    lines.append(f"  unit forms after a number ({sum(map(len, report.units.values()))}):")
    lines += [f"    {unit}: {_forms(forms)}" for unit, forms in report.units.items()]
    if report.units_before:
        lines.append("  unit forms before a number:")
        lines += [f"    {unit}: {_forms(forms)}" for unit, forms in report.units_before.items()]
    lines.append(
        f"  number words ({len(report.number_words)}): "
        f"{_forms(report.number_words)}"
        + ("; Chinese and Japanese numerals (二十四, 两, 万)" if report.han_numerals else "")
    )
    lines.append(
        f"  day periods ({len(report.day_periods)}): "
        + _forms(
            {w: "/".join(f"{a}-{b}h" for a, b in spans) for w, spans in report.day_periods.items()}
        )
    )
    lines.append(f"  clock words: {_forms(report.clock_words)}")
    lines.append(f"  count words: {_forms(report.count_words)}")
    lines.append(f"  multipliers: {_forms(report.multipliers)}")
    lines.append(
        "  periods: "
        + ("; ".join(f"{k}: {_forms(v)}" for k, v in report.periods.items()) or "none")
    )
    r = report.reading
    if report.catalog is None:
        lines.append(f"no catalog for {report.locale}: `handouts init {report.locale}` creates one")
    else:
        lines.append(
            f"{report.catalog}: {r.entries} template entries state {r.quantities} "
            f"quantities: {r.matched} matched, {r.contradicted} contradicted "
            f"(numbers-units), {r.unread} unread (a reviewer must confirm), "
            f"{r.untranslated} not translated"
        )
    return "\n".join(lines) + "\n"


def render_json(report: LexiconReport) -> str:
    return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"
