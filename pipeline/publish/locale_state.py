"""One locale's catalog as a build reads it: read once per process, its entries checked
only as the handouts being rendered need them (the interface strings first), with the
entries that an error holds back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..catalogs.pofile import Catalog, check_shapes, load_catalog
from ..checks.coverage import count_states
from ..checks.coverage import state as entry_state
from ..checks.policy import LocalePolicy, Policy, load_policy
from ..checks.rules import catalog_findings
from ..checks.trust import NO_TRUST, Trust, trust_for
from ..model import Finding, Key, Message
from ..source.glossary import Glossary
from ..source.interface import handout_keys, interface_shapes
from .facts import translated_on
from .incremental import WHOLE_CATALOG, CatalogDigests, content_fingerprint
from .localize import ENGLISH, UI_MSGIDS, Handout, Interface, interface_for


@dataclass
class LocaleState:
    """One locale in one process: its catalog, read once, and the entries checked so far.

    Only the entries that the handouts being rendered use are checked (the interface
    strings first): publication depends on their error findings alone, so a build that
    re-renders one handout does not check a whole catalog."""

    locale: str
    catalog: Catalog | None  # None: English
    lookup: dict[Key, Message] | None = None
    blocked: dict[Key, tuple[str, ...]] = field(default_factory=dict)  # -> checks that erred
    errors: dict[Key, list[Finding]] = field(default_factory=dict)  # error findings per entry
    confirmed: dict[Key, list[Finding]] = field(default_factory=dict)  # by a listed reviewer
    checked: set[Key] = field(default_factory=set)
    interface: Interface = field(default_factory=Interface)
    trust: Trust = NO_TRUST
    policy: LocalePolicy | None = None

    @property
    def needs_review(self) -> bool:
        return self.policy is not None and self.policy.needs_review

    states: dict[Key, str] = field(default_factory=dict)  # entry states, as asked for

    def state(self, key: Key) -> str:
        """The entry's state (:func:`~pipeline.checks.coverage.state`), worked out once:
        the interface texts are in every handout."""
        found = self.states.get(key)
        if found is None:
            assert self.lookup is not None
            found = self.states[key] = entry_state(self.lookup.get(key), self.trust)
        return found

    def usable(self, key: Key) -> bool:
        """Whether the entry's translation may be published (ready, no error)."""
        status = self.state(key)
        ready = status == "reviewed" or (status == "translated" and not self.needs_review)
        return ready and key not in self.blocked

    digests: CatalogDigests | None = None

    def content(self, base: str, keys: Iterable[Key]) -> str:
        """The content fingerprint of a handout in this locale that uses ``keys``."""
        if self.catalog is None:
            return base
        if self.digests is None:
            self.digests = CatalogDigests(
                self.catalog, self.lookup, str(translated_on(self.catalog))
            )
        return content_fingerprint(base, self.digests, keys)


def open_locale(
    root: Path,
    locale: str,
    glossary: Glossary,
    safety: frozenset[Key],
    policy: Policy | None = None,
    shapes: Mapping[Key, bool] | None = None,
) -> LocaleState:
    """Read ``locale``'s catalog and check its interface strings; ``policy`` (read from
    ``root`` when not given) says whose review marks count and whether review is needed;
    ``shapes`` says which texts the handouts use singular (False) and plural (True): an
    entry of the other shape is an error (it would render empty)."""
    if locale == ENGLISH:
        return LocaleState(ENGLISH, None)
    catalog = load_catalog(root, locale, comments=False)  # handouts show no notes
    check_shapes(catalog, shapes if shapes is not None else interface_shapes())
    rules = (policy or load_policy(root)).get(locale)
    lookup = catalog.lookup()
    state = LocaleState(locale, catalog, lookup, trust=trust_for(rules), policy=rules)
    keys = set(lookup) if WHOLE_CATALOG else {(None, msgid) for msgid in UI_MSGIDS}
    check_entries(state, keys, glossary, safety)
    state.interface = interface_for(catalog, state.blocked, state.trust, rules.needs_review)
    return state


def check_entries(
    state: LocaleState, keys: Iterable[Key], glossary: Glossary, safety: frozenset[Key]
) -> None:
    """Check the entries of ``keys`` not checked yet; record the blocked ones."""
    assert state.catalog is not None and state.lookup is not None
    wanted = (set(keys) - state.checked) & state.lookup.keys()
    if not wanted:
        return
    state.checked |= wanted
    subset = replace(state.catalog, messages=tuple(state.lookup[key] for key in wanted))
    findings = catalog_findings(
        state.locale, subset, glossary, set(safety), state.trust.reviewers, errors_only=True
    )
    by_line = {state.lookup[key].text_line: key for key in wanted}
    for finding in findings:
        if finding.severity == "error" and finding.where and finding.where.line in by_line:
            key = by_line[finding.where.line]
            state.errors.setdefault(key, []).append(finding)
            state.blocked[key] = tuple(dict.fromkeys((*state.blocked.get(key, ()), finding.check)))
        elif finding.confirmed and finding.where and finding.where.line in by_line:
            state.confirmed.setdefault(by_line[finding.where.line], []).append(finding)


def text_shapes(segment_keys: Iterable[Key]) -> dict[Key, bool]:
    """Every text the build renders: the monographs' (singular: ``segment_keys``) and the
    interface's (some plural). Once per catalog read: a few milliseconds at most."""
    shapes = interface_shapes()
    shapes.update((key, False) for key in segment_keys)
    return shapes


def handout_coverage(handout: Handout, state: LocaleState) -> dict[str, float | int]:
    """The handout's texts in the four states of the check (``blocked``: of those
    translated, held back by an error; ``ready``: publishable), counted alike."""
    keys = handout_keys(handout.monograph)
    if state.lookup is None:
        counts = count_states(keys, lambda key: "translated")
    else:
        counts = count_states(keys, state.state)
    ready = handout.total - handout.missing
    return {
        "untranslated": counts.untranslated,
        "fuzzy": counts.fuzzy,
        "translated": counts.translated,
        "reviewed": counts.reviewed,
        "blocked": handout.count("blocked"),
        "unreviewed": handout.count("unreviewed"),
        "ready": ready,
        "total": counts.total,
        "percent": round(counts.percent, 2),
        "percent_ready": round(100 * ready / handout.total, 2) if handout.total else 100.0,
    }


def blocking_findings(handout: Handout, state: LocaleState) -> list[dict[str, Any]]:
    """The error findings that hold the handout's texts back, with their catalog line."""
    found = [f for key in handout.states for f in state.errors.get(key, ())]
    return [
        {"check": f.check, "message": f.message, "where": str(f.where)}
        for f in sorted(found, key=lambda f: (f.where.line if f.where else 0, f.check))
    ]
