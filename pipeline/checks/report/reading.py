"""One locale's catalog read and checked against the template, before the policy and the
handouts are applied (:class:`CatalogReading`: small, so a worker process sends it back
cheaply)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...catalogs.locales import catalog_path
from ...catalogs.pofile import Catalog, check_shapes, load_catalog
from ...model import Finding, Key, Message
from ...source.glossary import Glossary
from ...source.readability import Translated
from ...source.readability import translated as translated_readability
from ..coverage import Coverage, coverage, state
from ..policy import load_policy
from ..rules import blocked_keys, catalog_findings
from ..trust import Trust, trust_for


@dataclass(frozen=True)
class CatalogReading:
    """What one locale's catalog says, before the policy and the handouts are applied:
    small, so a worker process sends it back cheaply."""

    locale: str
    path: str
    findings: tuple[Finding, ...]
    stale: tuple[str, ...]
    total: Coverage
    states: str  # one letter per template key, in template order (see STATE_LETTERS)
    others: dict[Key, str]  # the state of catalog keys the template lacks
    blocked: frozenset[Key]
    readability: Translated | None = None  # advisory: the monograph texts' figure
    pending: tuple[tuple[int, int, str], ...] = ()  # (template index, line, state) unready
    critical: frozenset[int] = frozenset()  # lines of the findings on safety entries

    def states_by_key(self, template: tuple[Key, ...]) -> dict[Key, str]:
        """Every known key's state ('translated', 'fuzzy', 'untranslated')."""
        found = dict(zip(template, map(STATE_NAMES.__getitem__, self.states), strict=True))
        found.update(self.others)
        return found


STATE_LETTERS = {"translated": "t", "fuzzy": "f", "untranslated": "u", "reviewed": "r"}
STATE_NAMES = {letter: name for name, letter in STATE_LETTERS.items()}


def read_locale(
    root: Path,
    locale: str,
    template: Catalog,
    glossary: Glossary,
    safety: frozenset[Key],
    trust: Trust | None = None,
    needs_review: bool | None = None,
) -> CatalogReading:
    """Read and check one locale's catalog against the template; ``trust``: whose review
    marks count, ``needs_review``: whether only reviewed entries are ready (by default,
    as the locale's policy says)."""
    if trust is None or needs_review is None:
        local = load_policy(root).get(locale)
        trust = trust_for(local) if trust is None else trust
        needs_review = local.needs_review if needs_review is None else needs_review
    path = catalog_path(root, locale)
    shown = path.relative_to(root).as_posix()
    keys = [m.key for m in template.active()]
    if path.is_file():
        catalog = load_catalog(root, locale, comments=False)  # notes are not checked
        check_shapes(catalog, _shapes(template))
        findings = catalog_findings(locale, catalog, glossary, set(safety), trust.reviewers)
        stale = _staleness(catalog, keys)
    else:  # counted as all untranslated
        catalog, findings = Catalog(shown, locale, {}, (), ()), []
        stale = [f"no catalog {shown}: create it with `handouts init {locale}`"]
    lookup = catalog.lookup()
    states = "".join([STATE_LETTERS[state(lookup.get(key), trust)] for key in keys])
    wanted = set(keys)
    others = {key: state(message, trust) for key, message in lookup.items() if key not in wanted}
    return CatalogReading(
        locale,
        shown,
        tuple(findings),
        tuple(stale),
        coverage(keys, catalog, trust),
        states,
        others,
        frozenset(blocked_keys(findings, catalog)),
        readability=translated_readability(locale, _source_pairs(template, lookup)),
        pending=pending_entries(keys, states, lookup, needs_review),
        critical=critical_lines(findings, catalog, safety),
    )


def _source_pairs(template: Catalog, lookup: dict[Key, Message]) -> list[tuple[str, str]]:
    """(English, translation) of the translated monograph texts (not interface texts)."""
    return [
        (message.msgid, found.msgstr)
        for message in template.active()
        if message.msgid_plural is None
        and any(r.startswith("source/") for r in message.references)
        and (found := lookup.get(message.key)) is not None
        and found.translated
    ]


def pending_entries(
    keys: list[Key], states: str, lookup: dict[Key, Message], needs_review: bool
) -> tuple[tuple[int, int, str], ...]:
    """The template entries not ready to publish: (index in the template, line of the
    entry in the catalog or 0, state as :data:`STATE_ORDER` names it)."""
    unready = "uft" if needs_review else "uf"
    found = []
    for index, letter in enumerate(states):
        if letter not in unready:
            continue
        message = lookup.get(keys[index])
        if message is None:
            found.append((index, 0, "missing"))
        elif letter == "t":
            found.append((index, message.text_line, "unreviewed"))
        elif letter == "f":
            found.append((index, message.text_line, "fuzzy"))
        else:
            blank = not message.fuzzy and any(message.texts)
            found.append((index, message.text_line, "blank" if blank else "untranslated"))
    return tuple(found)


def critical_lines(
    findings: Iterable[Finding], catalog: Catalog, safety: frozenset[Key]
) -> frozenset[int]:
    """Lines of the error findings on safety-critical entries."""
    lines = {f.where.line for f in findings if f.severity == "error" and f.where}
    if not lines:
        return frozenset()
    return frozenset(
        m.text_line for m in catalog.active() if m.text_line in lines and m.key in safety
    )


_shape_cache: dict[int, dict[Key, bool]] = {}


def _shapes(template: Catalog) -> dict[Key, bool]:
    """Whether each template text is plural (computed once per template)."""
    if id(template) not in _shape_cache:
        _shape_cache.clear()
        _shape_cache[id(template)] = {m.key: m.msgid_plural is not None for m in template.active()}
    return _shape_cache[id(template)]


def _staleness(catalog: Catalog, template: list[Key]) -> list[str]:
    active = {m.key for m in catalog.active()}
    wanted = set(template)
    problems = []
    if wanted - active:
        problems.append(
            f"lacks {len(wanted - active)} entr(y/ies) of the template: run `handouts update`"
        )
    if active - wanted:
        problems.append(
            f"has {len(active - wanted)} entr(y/ies) no longer in the template: "
            "run `handouts update`"
        )
    return problems
