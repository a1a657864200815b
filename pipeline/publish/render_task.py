"""The render task: what a worker does for one handout in one locale (localize it,
write it in every format into the staging folder, say what its manifest entry is), and
the pool of workers that runs the tasks of a build."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..checks.policy import Policy
from ..errors import HandoutError
from ..model import Key, Monograph
from ..source.glossary import Glossary
from ..source.interface import handout_keys
from ..source.segments import segment_keys
from ..workers import pool
from . import editions, staging
from . import pdf as pdfs
from .bilingual import render_bilingual_html, render_bilingual_text
from .dealer import Dealer
from .facts import Facts, handout_facts
from .formats import (
    DRAFTS,
    HTML_FORMATS,
    HandoutFiles,
    english_address,
    handout_files,
    navigation,
    print_digest,
    relink,
)
from .incremental import dependent_keys
from .locale_state import (
    LocaleState,
    blocking_findings,
    check_entries,
    handout_coverage,
    open_locale,
    text_shapes,
)
from .localize import ENGLISH, Handout, Interface, localize
from .manifest import Entry
from .plan import Task
from .render import large_print_of, render_html, render_navigation, render_text
from .staging import put

IN_PROCESS_BELOW = 40  # fewer handouts than this render without worker processes
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Shared:
    """What every render task needs; sent once to each worker process. Catalogs are
    read and checked in the workers, once per locale and process, only for the locales
    that have something to render."""

    root: str
    monographs: dict[str, Monograph]
    glossary: Glossary
    safety: frozenset[Key]
    revisions: dict[str, str]
    staging: str
    previous: str | None
    policy: Policy = field(default_factory=lambda: Policy({}))
    base_url: str | None = None
    papers: tuple[str, ...] = ()  # PDF sizes; () when no PDF is printed or kept
    pdf_problem: str | None = None  # why no PDF can be printed (pdf.NOT_ASKED: --no-pdf)
    coverage: pdfs.Coverage | None = None  # the installed fonts
    published_guess: dict[str, tuple[str, ...]] = field(default_factory=dict)  # drug -> locales
    kept_pdfs: dict[str, str] = field(default_factory=dict)  # previous PDF -> print digest
    preview: bool = False  # serve's own folder: held-back texts in the translator's view


_shared: Shared | None = None
_per_locale: dict[str, LocaleState] = {}
_preloaded: dict[str, LocaleState] = {}  # catalogs the planner read (forked workers inherit)
_opened: set[str] = set()  # the translations whose state this worker read or took over
_english: dict[str, tuple[Monograph, Handout]] = {}  # drug -> its English, localized once


@contextmanager
def preload(readings: Mapping[str, LocaleState]) -> Iterator[None]:
    """Render in this process with these catalogs as read and checked already."""
    _per_locale.clear()
    _per_locale.update(readings)
    try:
        yield
    finally:
        _per_locale.clear()


def _start_worker(shared: Shared) -> None:
    """A worker process's start: it reports only the files it writes (a forked worker
    inherits the digests the command holds, which a later task must not report again
    over newer ones)."""
    staging.written()
    _init_worker(shared)


def _init_worker(shared: Shared) -> None:
    global _shared
    _shared = shared
    _per_locale.clear()
    _opened.clear()
    _english.clear()


def _english_of(shared: Shared, drug: str) -> Handout:
    """The English handout of ``drug`` (every translation's bilingual format shows it):
    localized once per worker, again only when the monograph is another one."""
    monograph = shared.monographs[drug]
    known = _english.get(drug)
    if known is None or known[0] is not monograph:
        known = _english[drug] = (monograph, localize(monograph))
    return known[1]


def _locale_state(shared: Shared, locale: str, drugs: Iterable[str]) -> LocaleState:
    """A locale's state in this process, with the entries of ``drugs`` checked."""
    state = _per_locale.get(locale)
    if state is None:
        if locale != ENGLISH:
            _opened.add(locale)
        state = _preloaded.pop(locale, None) or open_locale(
            Path(shared.root),
            locale,
            shared.glossary,
            shared.safety,
            shared.policy,
            _shapes(shared),
        )
        _per_locale[locale] = state
    if state.catalog is not None:
        keys = (key for drug in drugs for key in segment_keys(shared.monographs[drug]))
        check_entries(state, keys, shared.glossary, shared.safety)
    return state


def _shapes(shared: Shared) -> dict[Key, bool]:
    return text_shapes(key for m in shared.monographs.values() for key in segment_keys(m))


def _write_pair(
    shared: Shared, folder: str, drug: str, handout: Handout, interface: Interface, facts: Facts
) -> tuple[str, str, int]:
    english = "../" * (folder.count("/") + 1) + f"{ENGLISH}/{drug}"
    revision = facts.revision
    staging, previous = Path(shared.staging), Path(shared.previous) if shared.previous else None
    clinic = shared.policy.clinic
    html, text = f"{folder}/{drug}.html", f"{folder}/{drug}.txt"
    written = int(
        put(
            staging,
            previous,
            html,
            render_html(
                handout,
                interface,
                revision,
                f"{english}.html",
                facts=facts,
                clinic=clinic,
                english_address=english_address(drug, shared.base_url, text=False),
            ).encode("utf-8"),
        )
    )
    written += put(
        staging,
        previous,
        text,
        render_text(
            handout,
            interface,
            revision,
            english_address(drug, shared.base_url, text=True),
            facts=facts,
            clinic=clinic,
        ).encode("utf-8"),
    )
    return html, text, int(written)


def _write_formats(
    shared: Shared,
    locale: str,
    drug: str,
    handout: Handout,
    interface: Interface,
    facts: Facts,
    kept: Monograph | None = None,
) -> tuple[HandoutFiles, int, dict[str, Any], dict[str, int], dict[str, str]]:
    """Write a published handout in every format: standard, large print and (for a
    translation) bilingual HTML, text and bilingual text; (its files, files written, the
    PDFs to print with the digest of their page, PDFs skipped by reason, the other
    languages it links to). ``kept``: the English monograph of a kept edition (its
    bilingual format sets the English it was translated from; it links to no other
    language, whose handouts follow the newer English)."""
    files = handout_files(locale, drug, True, shared.papers)
    others = _other_languages(shared, locale, drug) if kept is None else {}
    english = (
        (localize(kept) if kept is not None else _english_of(shared, drug))
        if locale != ENGLISH
        else None
    )
    written, printed = _write_texts(shared, files, handout, english, interface, facts)
    reason = (
        shared.pdf_problem or pdfs.missing_fonts(printed, shared.coverage) if files.pdfs else None
    )
    pages = _pages(shared, files, handout, english, interface, facts, list(files.pdfs), others)
    digests = {name: print_digest(pages[html]) for name, (html, _) in files.pdfs.items()}
    made: list[str] = list(files.pdfs)
    skipped: dict[str, int] = {}
    if reason:  # none printed: keep each previous PDF whose page did not change
        made, skipped = pdfs.keep_current(digests, shared.kept_pdfs, reason)
        if len(made) < len(files.pdfs):
            pages = _pages(shared, files, handout, english, interface, facts, made, others)
    for page, html in pages.items():
        written += _put(shared, page, html)
    pdf = {
        name: {"html": files.pdfs[name][0], "paper": files.pdfs[name][1], "digest": digests[name]}
        for name in made
    }
    return files, written, pdf, skipped, others


def _put(shared: Shared, name: str, content: str) -> int:
    """Write one file of the output into the staging folder; 1 when its bytes are new."""
    previous = Path(shared.previous) if shared.previous else None
    return int(put(Path(shared.staging), previous, name, content.encode("utf-8")))


def _other_languages(shared: Shared, locale: str, drug: str) -> dict[str, str]:
    """The other languages the handout is published in: locale -> its standard page."""
    return {
        code: handout_files(code, drug, True).html
        for code in shared.published_guess.get(drug, ())
        if code != locale
    }


def _write_texts(
    shared: Shared,
    files: HandoutFiles,
    handout: Handout,
    english: Handout | None,
    interface: Interface,
    facts: Facts,
) -> tuple[int, str]:
    """Write the text formats (the bilingual one with ``english``); (files written, the
    texts, whose characters the PDFs' fonts must cover)."""
    revision, clinic = facts.revision, shared.policy.clinic
    address = english_address(handout.monograph.id, shared.base_url, text=True)
    text = render_text(handout, interface, revision, address, facts=facts, clinic=clinic)
    written = _put(shared, files.text, text)
    if english is None or not files.bilingual_text:
        return written, text
    bilingual = render_bilingual_text(
        handout, english, interface, revision, address, facts=facts, clinic=clinic
    )
    return written + _put(shared, files.bilingual_text, bilingual), text + bilingual


def _pages(
    shared: Shared,
    files: HandoutFiles,
    handout: Handout,
    english: Handout | None,
    interface: Interface,
    facts: Facts,
    made: list[str],
    others: dict[str, str],
) -> dict[str, str]:
    """The HTML formats of a published handout, linking the PDFs ``made``: the standard
    page rendered, the large print made from it, the bilingual page beside its English."""
    revision = facts.revision
    english_href = f"../{ENGLISH}/{handout.monograph.id}.html"
    address = english_address(handout.monograph.id, shared.base_url, text=False)
    clinic = shared.policy.clinic
    pages: dict[str, str] = {}
    for kind in HTML_FORMATS:
        page = files.html_of(kind)
        if page is None:
            continue
        nav = navigation(files, kind, page, made, others, shared.papers)
        public = f"{shared.base_url}{page}" if shared.base_url else None  # printed, a QR code
        if kind == "bilingual":
            assert english is not None
            pages[page] = render_bilingual_html(
                handout,
                english,
                interface,
                revision,
                english_href,
                nav=nav,
                english_address=address,
                facts=facts,
                clinic=clinic,
                page_address=public,
            )
        elif kind == "large":  # the standard page, restyled: rendered once
            pages[page] = large_print_of(
                pages[files.html],
                handout,
                interface,
                facts,
                nav=nav,
                clinic=clinic,
                page_address=public,
            )
        else:
            pages[page] = render_html(
                handout,
                interface,
                revision,
                english_href,
                facts=facts,
                clinic=clinic,
                nav=nav,
                english_address=address,
                page_address=public,
            )
    return pages


def render_handout(shared: Shared, locale: str, drug: str) -> tuple[Entry, int]:
    """Render one handout into the staging folder, in every format when it is published
    (its PDFs are printed later, from the HTML: :func:`print_pdfs`); (manifest entry,
    files written). A translation that is a draft because the English changed keeps its
    last published edition (``editions/``) in its place, or has it withdrawn."""
    state = _locale_state(shared, locale, [drug])
    monograph = shared.monographs[drug]
    held = (
        {
            key: tuple(f"[{f.check}] {f.message}" for f in found)
            for key, found in state.errors.items()
        }
        if shared.preview
        else None
    )
    handout = localize(
        monograph, locale, state.lookup, state.blocked, state.interface, held_in_view=held
    )
    revision = shared.revisions[drug]
    facts = handout_facts(
        monograph, revision, handout_keys(monograph), state.lookup, state.trust, state.catalog
    )
    if handout.published:
        files, written, made, skipped, others = _write_formats(
            shared, locale, drug, handout, state.interface, facts
        )
    else:
        html, text, written = _write_pair(
            shared, f"{DRAFTS}/{locale}", drug, handout, state.interface, facts
        )
        files, made, skipped, others = HandoutFiles(html, text), {}, {}, {}
    edition, extra = (
        _edition(shared, state, monograph, revision)
        if not handout.published and locale != ENGLISH
        else (None, 0)
    )
    entry = _entry(state, handout, facts, files, made, skipped, others, edition)
    return entry, written + extra


def _entry(
    state: LocaleState,
    handout: Handout,
    facts: Facts,
    files: HandoutFiles,
    made: dict[str, Any],
    skipped: dict[str, int],
    others: dict[str, str],
    edition: dict[str, Any] | None,
) -> Entry:
    """The manifest entry of a rendered handout."""
    monograph = handout.monograph
    return Entry(
        state.locale,
        monograph.id,
        monograph.title.text,
        "published" if handout.published else "draft",
        files.html,
        files.text,
        tuple(files.written()),
        made,
        skipped,
        tuple(sorted(others)),
        monograph.reviewed.isoformat() if monograph.reviewed else None,
        handout_coverage(handout, state),
        handout.missing,
        sum(len(state.errors.get(key, ())) for key in handout.states),
        tuple(blocking_findings(handout, state)),
        {
            "fully_reviewed": facts.fully_reviewed,
            "reviewers": list(facts.reviewers),
            "reviewed": facts.reviewed.isoformat() if facts.reviewed else None,
        },
        edition,
        confirmed_findings=tuple(
            {
                "check": f.check,
                "message": f.message,
                "where": str(f.where),
                "reviewer": f.confirmed.reviewer,
                "date": f.confirmed.date.isoformat(),
                "reason": f.confirmed.reason,
            }
            for key in handout.states
            for f in state.confirmed.get(key, ())
            if f.confirmed
        ),
        brands=monograph.brand_names,
        source_gap=bool(monograph.gaps) or any(b.gap for s in monograph.sections for b in s.blocks),
    )


def _edition(
    shared: Shared, state: LocaleState, monograph: Monograph, revision: str
) -> tuple[dict[str, Any] | None, int]:
    """The recorded edition of a draft handout: kept (rendered in the published place,
    with its notice) or withdrawn, with the reason; None when there is none to show."""
    root = Path(shared.root)
    try:
        recorded = editions.read_edition(root, state.locale, monograph.id)
        if recorded is None or recorded.revision == revision:
            return None, 0  # never published, or not made stale by the English
        old = editions.edition_monograph(root, recorded)
    except HandoutError as error:
        return {"status": "withdrawn", "reason": str(error)}, 0
    reason = editions.withdrawal(recorded, old, monograph, state.needs_review)
    shown = None if reason else editions.edition_handout(recorded, old, state, shared.glossary)
    if isinstance(shown, str) or shown is None:
        return {
            "status": "withdrawn",
            "published": recorded.published.isoformat(),
            "reason": reason or shown,
        }, 0
    handout, interface = shown
    facts = replace(recorded.facts, edition=recorded.published)
    files, written, made, skipped, _ = _write_formats(
        shared, state.locale, monograph.id, handout, interface, facts, kept=old
    )
    return {
        "status": "kept",
        "published": recorded.published.isoformat(),
        "html": files.html,
        "text": files.text,
        "files": files.written(),
        "pdf": made,
        "pdf_skipped": skipped,
        "fully_reviewed": recorded.facts.fully_reviewed,
        "reviewers": list(recorded.facts.reviewers),
        "reviewed": recorded.facts.reviewed.isoformat() if recorded.facts.reviewed else None,
        "facts_not_shown": list(recorded.facts.problems),
    }, written


def relink_handout(shared: Shared, entry: Entry) -> tuple[Entry, int]:
    """Give a published handout's staged pages the links to the languages it is now
    known to be published in (``shared.published_guess``); nothing else changes."""
    locale, drug = entry.locale, entry.drug
    interface = _locale_state(shared, locale, ()).interface
    files = handout_files(locale, drug, True, shared.papers)
    others = {
        code: handout_files(code, drug, True).html
        for code in shared.published_guess.get(drug, ())
        if code != locale
    }
    staging = Path(shared.staging)
    previous = Path(shared.previous) if shared.previous else None
    written = 0
    for kind in HTML_FORMATS:
        page = files.html_of(kind)
        if page is None:
            continue
        nav = navigation(files, kind, page, list(entry.pdf), others, shared.papers)
        html = (staging / page).read_text(encoding="utf-8")
        relinked = relink(html, render_navigation(nav, interface))
        (staging / page).unlink()  # maybe a link to the previous output: never write into it
        written += put(staging, previous, page, relinked.encode("utf-8"))
    return replace(entry, languages=tuple(sorted(others))), written


Done = tuple[list[tuple[Entry, int]], dict[str, str]]  # a task's entries, its files' digests


def _run_task(task: Task) -> Done:
    """Run ``task``; (entry, files written) per handout, and the digest of every file
    it wrote (the build's manifest records them without reading the files back)."""
    return _render_task(task), staging.written()


def _render_task(task: Task) -> list[tuple[Entry, int]]:
    assert _shared is not None, "worker not initialised"
    if task.relink:
        return [relink_handout(_shared, entry) for entry in task.relink]
    results = []
    _forget_other_translations(task.locale)
    _locale_state(_shared, task.locale, task.drugs)  # check the task's entries at once
    state = _per_locale[task.locale]
    for drug, fingerprint, base in zip(task.drugs, task.fingerprints, task.bases, strict=True):
        entry, written = render_handout(_shared, task.locale, drug)
        content = state.content(base, dependent_keys(_shared.monographs[drug]))
        results.append((entry.with_fingerprints(fingerprint, base, content), written))
    return results


def _forget_other_translations(locale: str) -> None:
    """Drop the catalog states this worker read for other translations than ``locale``
    (a worker holds one catalog at a time, not every locale it ever rendered: at N=1000,
    L=10 each is tens of MB), and collect them at once (the collector runs rarely while
    rendering: :func:`fewer_collections`). States given by :func:`preload` are kept."""
    dropped = [code for code in _opened if code != locale]
    for code in dropped:
        _per_locale.pop(code, None)
        _opened.discard(code)
    if dropped:
        gc.collect()


def render_all(
    shared: Shared,
    tasks: list[Task],
    jobs: int,
    progress: Progress | None,
    readings: Mapping[str, LocaleState] | None = None,
) -> list[tuple[Entry, int]]:
    """Run ``tasks`` (in worker processes when there are enough handouts); (entry,
    files written) per handout. ``readings``: catalogs read and checked already. The
    digests of the files the tasks wrote are this process's (:func:`.staging.written`),
    as if it had written them."""
    _preloaded.clear()
    _preloaded.update(readings or {})
    try:
        with fewer_collections():  # (workers forked inside inherit it)
            return _run_all(shared, tasks, jobs, progress)
    finally:
        _preloaded.clear()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector run less often while rendering, and never over
    what was read before (frozen): rendering allocates millions of short-lived objects
    that reference counting frees. At the default thresholds it ran 900 times in an
    N=200 build, six of them over all a worker held: 0.5 s of 6.5 s of CPU; now 0.25 s,
    most of it the full collections when a worker drops a locale's catalog."""
    before = gc.get_threshold()
    gc.freeze()  # (what is read by now stays: no collection need walk it again)
    gc.set_threshold(10_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _run_all(
    shared: Shared, tasks: list[Task], jobs: int, progress: Progress | None
) -> list[tuple[Entry, int]]:
    total = sum(len(task.drugs) or len(task.relink) for task in tasks)
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    results: list[tuple[Entry, int]] = []
    if workers <= 1 or total < IN_PROCESS_BELOW:
        _init_worker(shared)
        for task in tasks:
            entries, written = _run_task(task)
            results += entries
            staging.add_written(written)
            if progress:
                progress(len(results), total)
        return results
    dealer = Dealer(tasks, workers)
    with ExitStack() as stack:  # one pool of one process per worker: the dealer says who
        lanes = [stack.enter_context(pool(1, _start_worker, (shared,))) for _ in range(workers)]
        running: dict[Future[Done], int] = {}

        def deal(worker: int) -> None:
            task = dealer.next(worker)
            if task is not None:
                running[lanes[worker].submit_all(_run_task, [(task,)])[0]] = worker

        for worker in range(workers):
            deal(worker)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                entries, written = future.result()
                results += entries
                staging.add_written(written)
                deal(running.pop(future))
                if progress:
                    progress(len(results), total)
    return results
