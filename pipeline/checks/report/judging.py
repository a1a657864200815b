"""A locale's reading judged by its policy: each handout's coverage, the problems that
fail the locale, the entries that block it (most important first); what the template
asks for (:func:`project_scope`) and which locales are checked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ...catalogs.locales import catalog_path, discover_locales, parse_locale
from ...catalogs.pofile import Catalog
from ...errors import HandoutError, LocaleError
from ...model import Finding, Key, Monograph
from ...source.interface import handout_keys
from ...source.monographs import load_monographs
from ...source.segments import iter_segments
from ..coverage import Coverage, count_states
from ..policy import LocalePolicy, Policy
from .reading import CatalogReading
from .results import STATE_MESSAGES, Blocker, DrugResult, LocaleResult, Scope


def project_scope(
    root: Path, template: Catalog, monographs: list[Monograph] | None = None
) -> Scope:
    """Template keys, per-drug keys (the texts its published handout shows), safety keys
    (of ``monographs``, read from ``root`` when not given)."""
    keys = tuple(m.key for m in template.active())
    drugs: dict[str, tuple[Key, ...]] = {}
    safety: set[Key] = set()
    for monograph in load_monographs(root) if monographs is None else monographs:
        drugs[monograph.id] = tuple(handout_keys(monograph))
        safety.update(s.key for s in iter_segments(monograph) if s.safety)
    return Scope.of(keys, drugs, frozenset(safety))


def chosen_locales(root: Path, policy: Policy, wanted: list[str] | None) -> list[str]:
    """The locales to check: those asked for, else every catalog and policy locale."""
    present = discover_locales(root)
    if not wanted:
        return sorted(set(present) | set(policy.locales))
    for locale in wanted:
        parse_locale(locale)
        if locale not in present and locale not in policy.locales:
            raise LocaleError(f"no catalog for locale '{locale}' and it is not in the policy")
    return list(dict.fromkeys(wanted))


def broken_locale(
    locale: str, policy: LocalePolicy, root: Path, error: HandoutError
) -> LocaleResult:
    """A locale whose catalog cannot be read: reported as that locale's failure (the
    other locales are still checked and reported)."""
    shown = catalog_path(root, locale).relative_to(root).as_posix()
    return LocaleResult(locale, policy, shown, problems=(f"cannot be read: {error}",), broken=error)


def judge_locale(reading: CatalogReading, policy: LocalePolicy, scope: Scope) -> LocaleResult:
    """A locale's reading, judged by its policy, with each handout's coverage."""
    states = reading.states_by_key(scope.template)
    unfinished = {key for key, name in states.items() if name != "translated"}  # reviewed too
    obsolete = reading.total.obsolete

    def state_of(key: Key) -> str:
        return states.get(key, "untranslated")

    drugs = []
    for drug, keys in scope.drugs.items():
        complete = scope.complete.get(drug)
        if complete is not None and unfinished.isdisjoint(keys):
            result = replace(complete, obsolete=obsolete)
        else:
            result = count_states(keys, state_of, obsolete)
        drugs.append(
            DrugResult(
                drug,
                result,
                _publishable(result, keys, reading.blocked, policy.needs_review),
                len(reading.blocked.intersection(keys)),
            )
        )
    problems = _problems(policy, reading.total, reading.findings, reading.stale)
    blockers = locale_blockers(reading, policy, scope) if problems else ()
    return LocaleResult(
        reading.locale,
        policy,
        reading.path,
        reading.total,
        tuple(drugs),
        reading.findings,
        problems,
        readability=reading.readability,
        blockers=blockers,
    )


def locale_blockers(
    reading: CatalogReading, policy: LocalePolicy, scope: Scope
) -> tuple[Blocker, ...]:
    """What keeps a locale from its policy, most important first: every error finding;
    the entries missing from the catalog; and, while too few entries are ready, every
    entry not ready (:func:`pending_entries`)."""
    found = [
        Blocker(
            f.where.path if f.where else reading.path,
            f.where.line if f.where else 0,
            None,
            f.message,
            f.check,
            f.where is not None and f.where.line in reading.critical,
        )
        for f in reading.findings
        if f.severity == "error"
    ]
    short = reading.total.ready(policy.needs_review) < policy.min_coverage
    for index, line, name in reading.pending:
        if short or name == "missing":
            key = scope.template[index]
            found.append(
                Blocker(
                    reading.path,
                    line,
                    name,
                    STATE_MESSAGES[name],
                    safety=key in scope.safety,
                    source=key[1],
                )
            )
    return tuple(sorted(found, key=lambda b: b.rank))


def _publishable(
    result: Coverage, keys: tuple[Key, ...], blocked: frozenset[Key], needs_review: bool = False
) -> bool:
    """Every text translated (reviewed, when the policy says so), none fuzzy, none with
    an error finding."""
    ready = result.reviewed if needs_review else result.done
    return ready == result.total and blocked.isdisjoint(keys)


def _problems(
    policy: LocalePolicy, total: Coverage, findings: tuple[Finding, ...], stale: tuple[str, ...]
) -> tuple[str, ...]:
    problems = list(stale)
    ready = total.ready(policy.needs_review)
    if ready < policy.min_coverage:
        what = "reviewed" if policy.needs_review else "translated"
        problems.append(
            f"{ready:.1f}% of the entries are {what}: below the minimum "
            f"{policy.min_coverage:g}% (publish: {policy.publish})"
        )
    errors = sum(f.severity == "error" for f in findings)
    if errors:
        problems.append(f"{errors} error finding(s)")
    return tuple(problems)
