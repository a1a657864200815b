"""``handouts check``: coverage, staleness and quality per locale, judged by the policy.

:func:`build_report` gathers the data (no output); the ``render_*`` functions turn it
into a terminal table, JSON, Markdown or JUnit XML that all say the same thing;
:class:`CheckReport` carries the exit code; the CLI prints and writes the files.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import textwrap
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field, replace
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree as ET

from .. import workers
from ..catalogs.extract import safety_keys, template_is_stale
from ..catalogs.locales import catalog_path, discover_locales, parse_locale
from ..catalogs.pofile import Catalog, check_shapes, load_catalog, load_template
from ..errors import HandoutError, LocaleError
from ..escaping import markdown, terminal
from ..model import Finding, Key, Message, Monograph
from ..source.glossary import Glossary, load_glossary
from ..source.interface import handout_keys
from ..source.monographs import load_monographs
from ..source.readability import Translated
from ..source.readability import translated as translated_readability
from ..source.segments import iter_segments
from ..workers import Failure, carried, unpacked
from .coverage import Coverage, count_states, coverage, state
from .policy import LocalePolicy, Policy, load_policy
from .rules import ALLOW_FLAG, REGISTRY, blocked_keys, catalog_findings
from .trust import Trust, trust_for

T = TypeVar("T")
EXIT_OK, EXIT_FAILED, EXIT_BROKEN = 0, 1, 2
MAX_LISTED = 10  # draft handouts named per locale in the table
SCHEMA_VERSION = 1  # of the JSON report: docs/check-report.schema.json
PARALLEL_ENTRIES = 100  # entries in all; the 176 of the shipped catalogs are 13% faster forked


@dataclass(frozen=True)
class Scope:
    """What the template asks for: its keys, each drug's handout keys
    (:func:`~pipeline.source.interface.handout_keys`), the safety-critical keys."""

    template: tuple[Key, ...]
    drugs: dict[str, tuple[Key, ...]]
    safety: frozenset[Key]
    complete: dict[str, Coverage] = field(default_factory=dict)  # a drug's, all translated

    @classmethod
    def of(
        cls, template: tuple[Key, ...], drugs: dict[str, tuple[Key, ...]], safety: frozenset[Key]
    ) -> Scope:
        """With each drug's coverage when every text is translated (most locales, most
        handouts): a locale then counts only the handouts its untranslated texts touch."""
        known = set(template)
        complete = {
            drug: count_states(keys, lambda key: "translated")
            for drug, keys in drugs.items()
            if known.issuperset(keys)
        }  # not reviewed
        return cls(template, drugs, safety, complete)


@dataclass(frozen=True)
class DrugResult:
    drug: str
    coverage: Coverage
    publishable: bool
    blocked: int = 0  # of its translated texts, those an error finding holds back

    def ready(self, needs_review: bool) -> int:
        """Texts ready to publish: translated (or reviewed) and free of errors."""
        return ready_counts(self.coverage, needs_review)[0] - self.blocked


@dataclass(frozen=True)
class Blocker:
    """One entry that keeps a locale from passing: an error finding (``check`` set) or
    a state (``untranslated``, ``blank``, ``fuzzy``, ``missing``, ``unreviewed``), at
    ``path:line`` of the catalog (line 0: the entry is missing, run `handouts update`)."""

    path: str
    line: int
    state: str | None
    message: str
    check: str | None = None
    safety: bool = False
    source: str = ""  # the English text of the entry (empty when a finding says it)

    @property
    def rank(self) -> tuple[int, int, int]:
        """Most important first: safety-critical errors, other errors, then states
        (safety-critical entries first), each in file order."""
        kind = (0 if self.safety else 1) if self.check else (2 if self.safety else 3)
        return (kind, STATE_ORDER.get(self.state or "", 0), self.line or 1 << 30)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        critical = " (safety-critical)" if self.safety else ""
        if self.check:
            return f"{self.where}: error: [{self.check}]{critical} {self.message}"
        hint = ": run `handouts update`" if self.state == "missing" else ""
        return f"{self.where}: {self.state}{critical}{hint}: {self.excerpt}"

    @property
    def excerpt(self) -> str:
        """The start of the entry's English text, quoted on one line."""
        text = " ".join(self.source.split())
        return '"' + (text if len(text) <= 60 else text[:59] + "\u2026") + '"'


STATE_ORDER = {"fuzzy": 0, "blank": 1, "untranslated": 2, "missing": 3, "unreviewed": 4}
STATE_MESSAGES = {
    "fuzzy": "fuzzy: check the translation against the changed English, then remove the fuzzy flag",
    "blank": "the translation has no visible content",
    "untranslated": "not translated",
    "missing": "not in the catalog: run `handouts update`",
    "unreviewed": "translated, not reviewed (this locale publishes reviewed entries only)",
}


@dataclass(frozen=True)
class LocaleResult:
    """One locale's coverage, findings, and the reasons it misses its policy."""

    locale: str
    policy: LocalePolicy
    path: str
    coverage: Coverage = field(default_factory=Coverage)
    drugs: tuple[DrugResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    problems: tuple[str, ...] = ()
    broken: HandoutError | None = None  # the catalog cannot be read: why (file:line)
    readability: Translated | None = None  # advisory, never blocking
    blockers: tuple[Blocker, ...] = ()  # of a failing locale, most important first

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def passed(self) -> bool:
        return not self.problems and self.broken is None

    @property
    def fails_ci(self) -> bool:
        return self.policy.required and not self.passed

    @property
    def result(self) -> str:
        if self.broken is not None:
            return "BROKEN"
        if self.passed:
            return "pass"
        return "FAIL" if self.policy.required else "draft"

    @property
    def confirmed(self) -> list[Finding]:
        """Quantity findings a listed reviewer confirmed (reported, not blocking)."""
        return [f for f in self.findings if f.confirmed is not None]

    def failures(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check_id]


@dataclass(frozen=True)
class CheckReport:
    template: str
    template_stale: bool
    locales: tuple[LocaleResult, ...]

    @property
    def passed(self) -> bool:
        return (
            not self.template_stale
            and not self.broken
            and not any(r.fails_ci for r in self.locales)
        )

    @property
    def broken(self) -> list[LocaleResult]:
        """Locales whose catalog cannot be read: bad input, whatever the policy."""
        return [r for r in self.locales if r.broken is not None]

    @property
    def exit_code(self) -> int:
        if self.broken:
            return EXIT_BROKEN
        return EXIT_OK if self.passed else EXIT_FAILED


# --- gathering ------------------------------------------------------------------------------------


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


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """Reading and checking catalogs makes millions of acyclic objects: the cyclic
    collector would scan them again and again for nothing (reference counting frees
    them). It runs again afterwards, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _in_worker(function: Callable[..., T], *args: object) -> T | Failure:
    with _without_gc():
        return carried(function, *args)


def _result(value: T | Failure) -> T | HandoutError:
    """A worker's value; a user error it met, rebuilt whole (with its path and line)."""
    return unpacked(value)


def _read_here(project: _Project, locale: str) -> CatalogReading | HandoutError:
    try:
        return _read_in(project, locale)
    except HandoutError as error:
        return error


def build_report(root: Path, locales: list[str] | None = None, jobs: int = 0) -> CheckReport:
    """Check the template's freshness and every chosen locale against the policy.

    Large projects are checked in ``jobs`` processes (default one per core): this one,
    which also compares the template, and ``jobs - 1`` workers, sharing the locales."""
    with _without_gc():
        return _build_report(root, locales, jobs)


@dataclass(frozen=True)
class _Project:
    """What every locale's check reads: handed to forked workers, not pickled."""

    root: Path
    glossary: Glossary
    template: Catalog
    safety: frozenset[Key]
    policy: Policy
    locales: tuple[str, ...] = ()


class _Queue:
    """The locales no process has begun, shared by the worker processes, which take
    them from the front, and the command's own process, which takes them from the back
    once it has read the monographs: no process waits while a locale is left."""

    def __init__(self, count: int, context: BaseContext) -> None:
        self._ends = context.Array("i", [0, count])  # [front, back), with its own lock

    def _take(self, front: bool) -> int | None:
        with self._ends.get_lock():
            first, end = self._ends[0], self._ends[1]
            if first >= end:
                return None
            if front:
                self._ends[0] = first + 1
                return first
            self._ends[1] = end - 1
            return end - 1

    def take_front(self) -> int | None:
        return self._take(True)

    def take_back(self) -> int | None:
        return self._take(False)

    def close(self) -> None:
        """No locale is begun any more (on an error or Ctrl-C)."""
        with self._ends.get_lock():
            self._ends[0] = self._ends[1]


_project: _Project | None = None  # in a worker: set by the pool's initializer
_queue: _Queue | None = None


def _adopt(project: _Project, queue: _Queue) -> None:
    global _project, _queue
    _project, _queue = project, queue


def _read_next() -> tuple[int, CatalogReading | Failure] | None:
    """In a worker: read the locale at the front of the queue (None: none is left)."""
    assert _project is not None and _queue is not None
    index = _queue.take_front()
    if index is None:
        return None
    return index, _in_worker(_read_in, _project, _project.locales[index])


def _read_in(project: _Project, locale: str) -> CatalogReading:
    policy = project.policy.get(locale)
    return read_locale(
        project.root,
        locale,
        project.template,
        project.glossary,
        project.safety,
        trust_for(policy),
        policy.needs_review,
    )


def _build_report(root: Path, locales: list[str] | None, jobs: int) -> CheckReport:
    """The catalogs are read and checked in ``jobs - 1`` worker processes and in this
    one: while the workers start, this process reads the monographs and compares the
    template with them, then takes the locales no worker has begun, from the last."""
    policy = load_policy(root)
    chosen = chosen_locales(root, policy, locales)
    template = load_template(root)
    glossary = load_glossary(root)
    project = _Project(root, glossary, template, safety_keys(template), policy)
    jobs = jobs or os.cpu_count() or 1
    results: dict[int, LocaleResult] = {}

    def judge(index: int, reading: CatalogReading | HandoutError) -> None:
        locale = chosen[index]
        results[index] = (
            broken_locale(locale, policy.get(locale), root, reading)
            if isinstance(reading, HandoutError)
            else judge_locale(reading, policy.get(locale), scope)
        )

    with contextlib.ExitStack() as stack:
        tasks: list[Future[tuple[int, CatalogReading | Failure] | None]] = []
        queue = None
        if (
            jobs > 1
            and len(chosen) > 1
            and len(template.messages) * len(chosen) >= PARALLEL_ENTRIES
        ):
            # forked workers inherit the project; elsewhere it is pickled once per worker
            queue = _Queue(len(chosen), workers.start_context())
            running = stack.enter_context(
                workers.pool(  # on an error: stopped at once
                    min(jobs - 1, len(chosen) - 1),
                    _adopt,
                    (replace(project, locales=tuple(chosen)), queue),
                )
            )
            stack.callback(queue.close)  # and first: no worker begins another locale
            # one task per locale; each reads the locale at the front when it starts
            tasks = running.submit_all(_read_next, [() for _ in chosen])
        monographs = load_monographs(root)
        stale, template_path = template_is_stale(root, template, monographs, glossary)
        scope = project_scope(root, template, monographs)
        waiting = set(tasks)

        def settle(finished: Iterable[Future[tuple[int, CatalogReading | Failure] | None]]) -> None:
            for task in finished:
                waiting.discard(task)
                value = task.result()
                if value is not None:
                    judge(value[0], _result(value[1]))

        own = iter(queue.take_back, None) if queue else iter(range(len(chosen)))
        for index in own:  # from the back, while the workers take from the front
            judge(index, _read_here(project, chosen[index]))
            settle([task for task in waiting if task.done()])
        settle(as_completed(waiting))
    return CheckReport(
        template_path.relative_to(root).as_posix(),
        stale,
        tuple(results[index] for index in range(len(chosen))),
    )


# --- rendering ----------------------------------------------------------------------------------

COLUMNS = (
    "locale",
    "required",
    "publish",
    "untranslated",
    "fuzzy",
    "translated",
    "reviewed",
    "ready",
    "share",
    "words",
    "min",
    "errors",
    "warnings",
    "handouts",
    "result",
)
LEGEND = (
    "untranslated, fuzzy, translated, reviewed: catalog entries of the template in "
    "each state (an entry is a block or an interface text; translated excludes "
    "reviewed); ready: entries ready to publish (translated, or reviewed where the "
    "locale publishes reviewed translations only), of all entries; share: ready "
    "entries in percent; words: the English source words of the ready entries; min: "
    "the policy's minimum share; handouts: published of all (see the table of texts "
    "per handout)."
)


def ready_counts(cov: Coverage, needs_review: bool) -> tuple[int, int]:
    """(entries, words) ready to publish under the policy."""
    return (cov.reviewed, cov.reviewed_words) if needs_review else (cov.done, cov.done_words)


def table_rows(report: CheckReport) -> list[tuple[str, ...]]:
    """The summary table (shared by the terminal and Markdown renderings)."""
    rows = []
    for item in report.locales:
        if item.broken is not None:
            rows.append(
                (
                    item.locale,
                    "yes" if item.policy.required else "no",
                    *("-",) * (len(COLUMNS) - 3),
                    item.result,
                )
            )
            continue
        cov = item.coverage
        published = sum(d.publishable for d in item.drugs)
        entries, words_ready = ready_counts(cov, item.policy.needs_review)
        rows.append(
            (
                item.locale,
                "yes" if item.policy.required else "no",
                item.policy.publish,
                str(cov.untranslated),
                str(cov.fuzzy),
                str(cov.translated),
                str(cov.reviewed),
                f"{entries}/{cov.total}",
                "stale" if report.template_stale else f"{cov.ready(item.policy.needs_review):.1f}%",
                f"{words_ready}/{cov.total_words}",
                f"{item.policy.min_coverage:g}%",
                str(item.errors),
                str(item.warnings),
                f"{published}/{len(item.drugs)}",
                shown_result(report, item),
            )
        )
    return rows


MAX_BLOCKERS = 10  # blocking entries listed per locale in the table and in Markdown


def shown_result(report: CheckReport, item: LocaleResult) -> str:
    """A locale's result as the reports show it: "stale" while the template is out of
    date (its counts are against an old template: neither pass nor a share to trust)."""
    return "stale" if report.template_stale and item.broken is None else item.result


def blocker_lines(item: LocaleResult, limit: int | None = MAX_BLOCKERS) -> list[str]:
    """The entries blocking a locale, most important first, ``limit`` of them, and a
    count of the rest."""
    if not item.blockers:
        return []
    listed = item.blockers if limit is None else item.blockers[:limit]
    lines = [
        f"blocked by {len(item.blockers)} entr(y/ies), most important first:",
        *(f"  {blocker}" for blocker in listed),
    ]
    if len(item.blockers) > len(listed):
        lines.append(
            f"  ... and {len(item.blockers) - len(listed)} more (all of them: "
            f"`handouts check --locale {item.locale} --format json`)"
        )
    return lines


def blocker_dict(blocker: Blocker) -> dict[str, object]:
    return {
        "path": blocker.path,
        "line": blocker.line or None,
        "state": blocker.state,
        "check": blocker.check,
        "safety": blocker.safety,
        "message": blocker.message,
        "source": blocker.source or None,
    }


def _verdict(report: CheckReport) -> str:
    if report.passed:
        return "check passed: every required locale meets its policy"
    failing = [r.locale for r in report.locales if r.fails_ci and r.broken is None]
    broken = [r.locale for r in report.broken]
    parts = (
        ([f"{report.template} is out of date"] if report.template_stale else [])
        + ([f"catalog(s) that cannot be read: {', '.join(broken)}"] if broken else [])
        + ([f"required locale(s) failing: {', '.join(failing)}"] if failing else [])
    )
    return "check FAILED: " + "; ".join(parts)


def _template_line(report: CheckReport) -> str:
    if report.template_stale:
        return (
            f"{report.template}: out of date with source/ and the templates: "
            "run `handouts extract` and `handouts update`"
        )
    return f"{report.template}: up to date"


MAX_DRUG_ROWS = 20  # above this, per-handout coverage is in the JSON report only


def handout_rows(report: CheckReport) -> list[tuple[str, ...]]:
    """Per handout and locale: its texts ready to publish, of all its texts (as the
    drafts page counts them), and whether it is published."""
    readable = [r for r in report.locales if r.broken is None]
    drugs = [d.drug for d in readable[0].drugs] if readable else []
    if not drugs or len(drugs) > MAX_DRUG_ROWS:
        return []
    rows = [("handout (texts ready)", *(r.locale for r in report.locales))]
    for index, drug in enumerate(drugs):
        cells = []
        for item in report.locales:
            found = item.drugs[index] if index < len(item.drugs) else None
            if found is None:
                cells.append("-")
                continue
            ready = found.ready(item.policy.needs_review)
            cells.append(
                f"{ready}/{found.coverage.total} {'published' if found.publishable else 'draft'}"
            )
        rows.append((drug, *cells))
    return rows


def _grid(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as aligned columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def readability_lines(report: CheckReport) -> list[str]:
    """Each translation's readability beside its English's (advisory, never blocking)."""
    found = [f"  {r.locale}: {r.readability}" for r in report.locales if r.readability is not None]
    return (
        ["", "readability of the translated monograph texts (advisory, never blocking):", *found]
        if found
        else []
    )


def render_table(report: CheckReport) -> str:
    """The terminal report: summary table, problems, findings, verdict."""
    lines = [
        _template_line(report),
        "",
        *_grid([COLUMNS, *table_rows(report)]),
        "",
        *textwrap.wrap(LEGEND, 100),
    ]
    drug_rows = handout_rows(report)
    if drug_rows:
        lines += ["", *_grid(drug_rows)]
    lines += readability_lines(report)
    for item in report.locales:
        if item.problems or item.findings:
            lines += [
                "",
                f"{item.locale} ({'required' if item.policy.required else 'optional'})"
                f": {shown_result(report, item)}",
            ]
            lines += [f"  {terminal(problem)}" for problem in item.problems]
            if item.confirmed:
                lines.append(
                    f"  {len(item.confirmed)} quantity finding(s) confirmed by a "
                    "listed reviewer (not blocking; who and why below)"
                )
            lines += [f"  {terminal(line)}" for line in blocker_lines(item)]
            lines += [
                f"  {terminal(str(finding))}"
                for finding in item.findings
                if not (item.blockers and finding.severity == "error")
            ]
            drafts = [d.drug for d in item.drugs if not d.publishable]
            if drafts:
                shown = ", ".join(drafts[:MAX_LISTED]) + (
                    ", ..." if len(drafts) > MAX_LISTED else ""
                )
                lines.append(f"  {len(drafts)} draft handout(s): {shown}")
    if any(item.warnings for item in report.locales):
        lines += [
            "",
            f"A translator may silence a warning on one entry with the flag "
            f"'#, {ALLOW_FLAG}<check>' (errors cannot be silenced).",
        ]
    lines += ["", _verdict(report)]
    return "\n".join(lines) + "\n"


def _finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "check": finding.check,
        "severity": finding.severity,
        "message": finding.message,
        "path": finding.where.path if finding.where else None,
        "line": finding.where.line if finding.where else None,
        "confirmed": None
        if finding.confirmed is None
        else {
            "reviewer": finding.confirmed.reviewer,
            "date": finding.confirmed.date.isoformat(),
            "reason": finding.confirmed.reason,
        },
    }


def report_dict(report: CheckReport) -> dict[str, object]:
    """The report as JSON-ready data (same numbers as the table)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "passed": report.passed,
        "exit_code": report.exit_code,
        "template": {"path": report.template, "up_to_date": not report.template_stale},
        "checks": {c.id: {"severity": c.severity, "title": c.title} for c in REGISTRY.values()},
        "locales": [
            {
                "locale": r.locale,
                "required": r.policy.required,
                "min_coverage": r.policy.min_coverage,
                "publish": r.policy.publish,
                "catalog": r.path,
                "result": shown_result(report, r),
                "passed": r.passed and not report.template_stale,
                "coverage": r.coverage.as_dict(),
                "errors": r.errors,
                "warnings": r.warnings,
                "problems": list(r.problems),
                "confirmed": len(r.confirmed),
                "drugs": {
                    d.drug: {
                        **d.coverage.as_dict(),
                        "blocked": d.blocked,
                        "ready": d.ready(r.policy.needs_review),
                        "publishable": d.publishable,
                    }
                    for d in r.drugs
                },
                "findings": [_finding_dict(f) for f in r.findings],
                "readability": None if r.readability is None else r.readability.as_dict(),
                "blockers": [blocker_dict(b) for b in r.blockers],
                "broken": None
                if r.broken is None
                else {"message": r.broken.message, "path": r.broken.path, "line": r.broken.line},
            }
            for r in report.locales
        ],
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    """Any text in the Markdown report, table cell or not: literal (:func:`markdown`)."""
    return markdown(text)


def render_markdown(report: CheckReport) -> str:
    """A pull-request comment: verdict, summary table, problems and findings."""
    lines = [
        f"### Translation check: {'passed' if report.passed else 'FAILED'}",
        "",
        _cell(_template_line(report)),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table_rows(report)]
    lines += ["", f"<sub>{LEGEND}</sub>"]
    drug_rows = handout_rows(report)
    if drug_rows:
        lines += [
            "",
            "| " + " | ".join(map(_cell, drug_rows[0])) + " |",
            "|" + "---|" * len(drug_rows[0]),
        ]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in drug_rows[1:]]
    for item in report.locales:
        if not (item.problems or item.findings):
            continue
        lines += ["", f"#### {_cell(item.locale)}: {shown_result(report, item)}", ""]
        lines += [f"- {_cell(problem)}" for problem in item.problems]
        if item.confirmed:
            lines.append(
                f"- {len(item.confirmed)} quantity finding(s) confirmed by a listed "
                "reviewer (not blocking)"
            )
        lines += _markdown_blockers(item)
        lines += [
            f"- {_cell(str(f.where))} **{f.severity}** \\[{_cell(f.check)}\\] {_cell(f.message)}"
            for f in item.findings
            if not (item.blockers and f.severity == "error")
        ]
    lines += ["", _cell(_verdict(report))]
    return "\n".join(lines) + "\n"


def _markdown_blockers(item: LocaleResult) -> list[str]:
    """The blocking entries as a list (capped, as in the table)."""
    if not item.blockers:
        return []
    lines = [f"- blocked by {len(item.blockers)} entr(y/ies), most important first:"]
    for blocker in item.blockers[:MAX_BLOCKERS]:
        critical = " **safety-critical**" if blocker.safety else ""
        if blocker.check:
            lines.append(
                f"  - `{blocker.where}` [{blocker.check}]{critical} {_cell(blocker.message)}"
            )
        else:
            lines.append(
                f"  - `{blocker.where}` {blocker.state}{critical}: {_cell(blocker.excerpt)}"
            )
    rest = len(item.blockers) - MAX_BLOCKERS
    if rest > 0:
        lines.append(
            f"  - ... and {rest} more (all of them: `handouts check --locale "
            f"{item.locale} --format json`)"
        )
    return lines


def _testcase(
    suite: ET.Element,
    classname: str,
    name: str,
    failures: Iterable[str],
    failing: bool,
    notes: Iterable[str] = (),
) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    failures = list(failures)
    if failures and failing:
        failure = ET.SubElement(case, "failure", message=failures[0], type=name)
        failure.text = "\n".join(failures)
    notes = list(notes) + ([] if failing else failures)
    if notes:
        ET.SubElement(case, "system-out").text = "\n".join(notes)
    return case


def _locate(case: ET.Element, path: str, line: int | None) -> None:
    """``file`` and ``line`` of a failing test case (as pytest writes them): where CI
    test reports (GitLab, GitHub reporters) point a reader and annotate."""
    if case.find("failure") is not None:
        case.set("file", path)
        if line:
            case.set("line", str(line))


def _coverage_note(item: LocaleResult) -> str:
    cov = item.coverage
    return (
        f"entries: {cov.untranslated} untranslated, {cov.fuzzy} fuzzy, {cov.translated} "
        f"translated, {cov.reviewed} reviewed of {cov.total}; ready to publish "
        f"(publish: {item.policy.publish}): {cov.ready(item.policy.needs_review):.1f}% "
        f"of the entries (minimum {item.policy.min_coverage:g}%); required: "
        f"{item.policy.required}"
    )


def render_junit(report: CheckReport) -> str:
    """JUnit XML: one test case per locale and check; failures carry the findings.
    Findings of optional locales and warnings are reported as output, not failures."""
    root = ET.Element("testsuites", name="handouts check")
    project = ET.SubElement(root, "testsuite", name="template")
    _testcase(
        project,
        "handouts.template",
        "up-to-date",
        [_template_line(report)] if report.template_stale else [],
        True,
    )
    for item in report.locales:
        suite = ET.SubElement(root, "testsuite", name=item.locale)
        classname = f"handouts.{item.locale}"
        if item.broken is not None:  # nothing else can be said of this locale
            case = ET.SubElement(suite, "testcase", classname=classname, name="catalog", time="0")
            ET.SubElement(
                case, "error", message=str(item.broken), type="broken-catalog"
            ).text = str(item.broken)
            continue
        policy_problems = [p for p in item.problems if "error finding" not in p]
        states = [b for b in item.blockers if b.check is None]
        case = _testcase(
            suite,
            classname,
            "policy",
            policy_problems + [str(b) for b in states],
            item.policy.required,
            [_coverage_note(item)],
        )
        first = next((b for b in states if b.line), None)
        _locate(case, item.path, first.line if first else None)
        for check in REGISTRY.values():
            found = item.failures(check.id)
            failing = item.policy.required and check.severity == "error"
            case = _testcase(
                suite,
                classname,
                check.id,
                [str(f) for f in found if not f.confirmed],
                failing,
                [str(f) for f in found if f.confirmed],
            )
            where = next((f.where for f in found if f.where and not f.confirmed), None)
            _locate(case, where.path if where else item.path, where.line if where else None)
    for suite in root:
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
        suite.set("errors", str(sum(c.find("error") is not None for c in cases)))
    root.set("tests", str(sum(int(s.get("tests", 0)) for s in root)))
    root.set("failures", str(sum(int(s.get("failures", 0)) for s in root)))
    root.set("errors", str(sum(int(s.get("errors", 0)) for s in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


RENDERERS = {"table": render_table, "json": render_json, "markdown": render_markdown}
