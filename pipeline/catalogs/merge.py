"""``handouts update``: merge the template into the catalogs, like GNU msgmerge.

Translations are kept; a changed source text keeps its old translation as fuzzy with
the previous msgid; a removed one becomes obsolete, never deleted. Fuzzy matching is
strict (no guesses from weak matches) and never crosses msgctxt.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import HandoutError
from ..model import Message
from .locales import catalog_path, discover_locales, parse_locale
from .memory import Memory, memory_for
from .plurals import parse_plural_forms, standard_rule
from .pofile import (
    Catalog,
    entry_text,
    header_text,
    load_catalog,
    load_template,
    read_catalog,
    remove_orphans,
    render_entries,
    render_key,
    write_atomic,
)

FUZZY_THRESHOLD = 0.8  # stricter than msgmerge's 0.6: no guesses from weak matches


@dataclass(frozen=True)
class MergeResult:
    locale: str
    path: str
    changed: bool
    kept: int
    fuzzy_new: int
    added: int
    obsoleted: int
    memory: int = 0  # new entries pre-filled (fuzzy) from the translation memory


def similarity(a: str, b: str) -> float:
    """How alike two source texts are (0..1), cheap bounds first."""
    shorter, longer = sorted((len(a), len(b)))
    if longer == 0 or 2 * shorter / (shorter + longer) < FUZZY_THRESHOLD:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def _best_fuzzy(new: Message, candidates: list[Message]) -> Message | None:
    """The reference scan: the most similar candidate (the first of equals) at or above
    the threshold. :class:`FuzzyIndex` finds the same one without comparing them all."""
    best, best_score = None, FUZZY_THRESHOLD
    for candidate in candidates:
        if candidate.msgctxt != new.msgctxt or \
                (candidate.msgid_plural is None) != (new.msgid_plural is None):
            continue
        score = similarity(new.msgid, candidate.msgid)
        if score >= best_score and (best is None or score > best_score):
            best, best_score = candidate, score
    return best


def _lcs_length(a: str, b_masks: dict[str, int], b_length: int) -> int:
    """Length of a longest common subsequence of ``a`` and b (bit-parallel, Hyyro 2004);
    ``b_masks``: for each character of b, the bit set of its positions."""
    full = (1 << b_length) - 1
    row = full
    for char in a:
        matches = row & b_masks.get(char, 0)
        row = ((row + matches) | (row - matches)) & full
    return b_length - row.bit_count()


_BIGRAM_WORD = re.compile(r"\w+")
_SEED_DF = 4  # word pairs in at most this many candidates point to likely matches


class FuzzyIndex:
    """The choice of :func:`_best_fuzzy` over a fixed list of candidates, without
    comparing a new msgid with every candidate (which made update quadratic).

    Candidates sharing rare word pairs with the new msgid are scored first; every other
    candidate is scored only if two upper bounds of its similarity leave it a chance to
    win or tie: the length ratio, then the longest common subsequence (SequenceMatcher's
    matching blocks are a common subsequence). Pruning only skips candidates that cannot
    beat, or tie earlier than, the best so far, so the answer is the scan's answer.
    """

    def __init__(self, candidates: list[tuple[str | None, str, bool]]):
        self.texts = [msgid for _, msgid, _ in candidates]
        self.groups: dict[tuple[str | None, bool], list[int]] = {}
        for index, (context, _, plural) in enumerate(candidates):
            self.groups.setdefault((context, plural), []).append(index)
        self.by_length = {group: sorted(members, key=lambda i: len(self.texts[i]))
                          for group, members in self.groups.items()}
        self.pairs: dict[tuple[str | None, bool], dict[tuple[str, str], list[int]]] = {}
        for group, members in self.groups.items():
            postings: dict[tuple[str, str], list[int]] = {}
            for index in members:
                for pair in self._pairs(self.texts[index]):
                    postings.setdefault(pair, []).append(index)
            self.pairs[group] = {p: ids for p, ids in postings.items() if len(ids) <= _SEED_DF}
        self.masks: dict[int, dict[str, int]] = {}
        self.answers: dict[tuple[str | None, str, bool], int | None] = {}

    @staticmethod
    def _pairs(text: str) -> set[tuple[str, str]]:
        words = _BIGRAM_WORD.findall(text.lower())
        return set(zip(words, words[1:], strict=False))

    def _lcs(self, text: str, index: int) -> int:
        if index not in self.masks:
            masks: dict[str, int] = {}
            for position, char in enumerate(self.texts[index]):
                masks[char] = masks.get(char, 0) | (1 << position)
            self.masks[index] = masks
        return _lcs_length(text, self.masks[index], len(self.texts[index]))

    def best(self, context: str | None, msgid: str, plural: bool) -> int | None:
        """Position of the candidate :func:`_best_fuzzy` would choose, or None."""
        key = (context, msgid, plural)
        if key not in self.answers:
            self.answers[key] = self._search(context, msgid, plural)
        return self.answers[key]

    def _search(self, context: str | None, msgid: str, plural: bool) -> int | None:
        group = (context, plural)
        if group not in self.groups:
            return None
        best: int | None = None
        best_score = FUZZY_THRESHOLD
        seen: set[int] = set()

        def may_win(bound: float, index: int) -> bool:
            if best is None:
                return bound >= FUZZY_THRESHOLD
            return bound > best_score or (bound == best_score and index < best)

        def consider(index: int) -> None:
            nonlocal best, best_score
            seen.add(index)
            text = self.texts[index]
            total = len(msgid) + len(text)
            if total == 0 or not may_win(2 * min(len(msgid), len(text)) / total, index) \
                    or not may_win(2.0 * self._lcs(msgid, index) / total, index):
                return
            score = similarity(msgid, text)
            if score >= FUZZY_THRESHOLD and (best is None or score > best_score
                                             or (score == best_score and index < best)):
                best, best_score = index, score

        votes: dict[int, int] = {}
        postings = self.pairs[group]
        for pair in self._pairs(msgid):
            for index in postings.get(pair, ()):
                votes[index] = votes.get(index, 0) + 1
        for index in sorted(votes, key=lambda i: (-votes[i], i))[:3]:
            consider(index)
        ordered = self.by_length[group]
        lengths = [len(self.texts[i]) for i in ordered]
        low = best_score * len(msgid) / (2 - best_score)  # the length bound's window
        high = (2 - best_score) * len(msgid) / best_score
        for index in ordered[bisect.bisect_left(lengths, low - 1):
                             bisect.bisect_right(lengths, high + 1)]:
            if index not in seen:
                consider(index)
        return best


_INDEX_CACHE: dict[tuple[tuple[str | None, str, bool], ...], FuzzyIndex] = {}


def fuzzy_index(candidates: list[Message]) -> FuzzyIndex:
    """The index of these candidates; reused while the next catalog has the same ones
    (catalogs of different locales usually lose the same entries)."""
    key = tuple((m.msgctxt, m.msgid, m.msgid_plural is None) for m in candidates)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = FuzzyIndex(list(key))
    return _INDEX_CACHE[key]


def merge(template: Catalog, catalog: Catalog, nplurals: int,
          memory: Callable[[], Memory] | None = None) -> tuple[list[Message], dict]:
    """Merge ``template`` into ``catalog``: keep, fuzzy-match, add, obsolete. Loses nothing.
    ``memory`` (built on first need) offers translations to the entries added."""
    old_active = {m.key: m for m in catalog.active()}
    old_obsolete = {m.key: m for m in catalog.obsolete()}
    wanted = {m.key for m in template.active()}
    vanished = [m for k, m in old_active.items() if k not in wanted and m.has_translation]
    vanished += [m for k, m in old_obsolete.items() if k not in wanted and m.has_translation]
    index = fuzzy_index(vanished)
    merged: list[Message] = []
    stats = {"kept": 0, "fuzzy_new": 0, "added": 0, "obsoleted": 0, "memory": 0}
    known: Memory | None = None
    for new in template.active():
        old = old_active.get(new.key) or old_obsolete.get(new.key)
        empty = ("",) * nplurals if new.msgid_plural is not None else ()
        if old is not None:
            merged.append(_translated(new, old, empty, old.fuzzy, old.previous_msgid))
            stats["kept"] += 1
            continue
        position = index.best(new.msgctxt, new.msgid, new.msgid_plural is None)
        if position is not None:
            match = vanished[position]
            merged.append(_translated(new, match, empty, True, match.msgid))
            stats["fuzzy_new"] += 1
        else:
            blank = replace(new, msgstr="", msgstr_plural=empty, line=0)
            if memory is not None:
                known = known or memory()
                offered = known.fill(blank)
                stats["memory"] += offered is not None
                blank = offered or blank
            merged.append(blank)
            stats["added"] += 1
    for message in catalog.messages:
        if message.key in wanted:
            continue
        if message.obsolete:
            merged.append(message)
        elif message.has_translation:  # never delete a translator's work
            merged.append(replace(message, obsolete=True, references=(), notes=()))
            stats["obsoleted"] += 1
    return merged, stats


def _translated(new: Message, old: Message, empty: tuple[str, ...], fuzzy: bool,
                previous_msgid: str | None) -> Message:
    """The template's entry carrying ``old``'s translation (direct: this runs per entry)."""
    return Message(new.msgid, old.msgstr, new.msgctxt, new.msgid_plural,
                   old.msgstr_plural or empty, fuzzy, new.obsolete, _flags(new, old), 0,
                   previous_msgid, old.comments, new.notes, new.references)


def _flags(new: Message, old: Message) -> tuple[str, ...]:
    """Format flags come from the template; the translator's own flags are kept."""
    own = [f for f in old.flags if not f.endswith("-format") and f not in new.flags]
    return tuple(new.flags) + tuple(own)


def update_catalog(root: Path, locale: str, template: Catalog,
                   catalog: Catalog | None = None, *, memory: bool = True,
                   compendium: Catalog | None = None) -> MergeResult:
    """Merge ``template`` into ``locale``'s catalog (``catalog``: already read); with
    ``memory``, new entries get fuzzy offers from the catalog and the ``compendium``."""
    catalog = load_catalog(root, locale) if catalog is None else catalog
    header = dict(catalog.header)
    header["POT-Creation-Date"] = template.header.get("POT-Creation-Date", "")
    standard = standard_rule(locale)
    if "Plural-Forms" not in header and standard is not None:
        header["Plural-Forms"] = standard.header
    header["Content-Type"] = "text/plain; charset=UTF-8"
    forms = parse_plural_forms(header["Plural-Forms"]).count if "Plural-Forms" in header \
        else catalog.plural_count
    known = catalog
    offer = (lambda: memory_for(known, compendium, similarity)) if memory else None
    merged, stats = merge(template, catalog, forms, offer)
    blocks: dict[tuple[object, ...], str] = {}  # entries both versions share render once
    path = catalog_path(root, locale)
    # unchanged content: leave the file as its last editor (Poedit, msgcat) saved it
    changed = not _same_text(catalog, header, merged, blocks) and write_atomic(
        path, render_entries(catalog.header_comment, header, merged, blocks))
    if not changed:
        remove_orphans(path)  # (a write removes them itself)
    return MergeResult(locale, catalog.path, changed, **stats)


def _same_text(catalog: Catalog, header: dict[str, str], merged: list[Message],
               blocks: dict[tuple[object, ...], str]) -> bool:
    """Would ``merged`` under ``header`` render exactly as ``catalog`` renders?

    Entry texts are joined by blank lines and hold none themselves (no comment has a
    line break), so two renderings are equal exactly when their headers and their
    entry texts, in order, are: a different number of entries is a difference, and
    only entries whose fields differ need rendering to compare."""
    old = [m for m in catalog.messages if not m.obsolete] + catalog.obsolete()
    new = [m for m in merged if not m.obsolete] + [m for m in merged if m.obsolete]
    if any("\n" in part for m in (*old, *new)
           for part in (*m.comments, *m.notes, *m.flags, *m.references)):
        return render_entries(catalog.header_comment, catalog.header, old, blocks) == \
            render_entries(catalog.header_comment, header, new, blocks)
    if header_text(header) != header_text(catalog.header) or len(old) != len(new):
        return False
    for before, after in zip(old, new, strict=True):
        key_before, key_after = render_key(before), render_key(after)
        if key_before != key_after and \
                entry_text(before, key_before, blocks) != entry_text(after, key_after, blocks):
            return False
    return True


def update_catalogs(root: Path, locales: list[str] | None = None, *, memory: bool = True,
                    compendium: Path | None = None) -> list[MergeResult]:
    """Merge the template into every (or the given) locale's catalog; with ``memory``,
    new entries get fuzzy offers from the catalog's own translations and the
    ``compendium`` (a PO file, read first: a broken one changes nothing).

    Every catalog is read (validated) before any is written, and the error raised is
    the first in locale order. With several catalogs and cores, forked workers share
    the catalogs: each reads its own, reports, and merges them once all are valid."""
    template = load_template(root)
    options = {"memory": memory,
               "compendium": read_catalog(compendium, root) if compendium and memory else None}
    chosen = locales if locales is not None else discover_locales(root)
    readable: list[str] = []
    locale_error: HandoutError | None = None
    for locale in chosen:
        try:
            parse_locale(locale)
        except HandoutError as error:
            locale_error = error  # raised unless a catalog before it is broken
            break
        readable.append(locale)
    workers = min(len(readable), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        catalogs = [load_catalog(root, locale) for locale in readable]
        if locale_error is not None:
            raise locale_error
        return [update_catalog(root, locale, template, catalog, **options)
                for locale, catalog in zip(readable, catalogs, strict=True)]
    return _update_in_workers(root, template, readable, workers, locale_error, options)


_Problem = tuple[type[HandoutError], str, str | None, int | None]


def _update_in_workers(root: Path, template: Catalog, locales: list[str], workers: int,
                       locale_error: HandoutError | None, options: dict) -> list[MergeResult]:
    context = multiprocessing.get_context("fork")  # workers inherit the template
    connections = []
    for group in (locales[start::workers] for start in range(workers)):
        mine, theirs = context.Pipe()
        process = context.Process(target=_update_worker,
                                  args=(theirs, root, template, group, os.getpid(), options))
        process.start()
        theirs.close()
        connections.append((process, mine))
    try:
        problems: dict[str, _Problem | None] = {}
        for _, connection in connections:
            problems.update(_receive(connection))
        first = next((problems[locale] for locale in locales if problems[locale]), None)
        go = first is None and locale_error is None
        results: dict[str, MergeResult] = {}
        for _, connection in connections:
            connection.send(go)
        if go:
            for _, connection in connections:
                results.update(_receive(connection))
    finally:
        for process, connection in connections:
            connection.close()
            process.join()
    if first is not None:
        kind, message, path, line = first
        raise kind(message, path, line)
    if locale_error is not None:
        raise locale_error
    return [results[locale] for locale in locales]


def _receive(connection: Connection) -> dict:
    reply = connection.recv()
    if isinstance(reply, BaseException):
        raise reply
    return reply


def _update_worker(connection: Connection, root: Path, template: Catalog,
                   locales: list[str], parent: int, options: dict) -> None:
    """In a worker: read ``locales``' catalogs, report their errors (as plain data: an
    exception would lose its path and line), merge them if told to go."""
    _die_with_parent(parent)
    try:
        catalogs: dict[str, Catalog] = {}
        problems: dict[str, _Problem | None] = {}
        for locale in locales:
            try:
                catalogs[locale] = load_catalog(root, locale)
                problems[locale] = None
            except HandoutError as error:
                problems[locale] = (type(error), error.message, error.path, error.line)
        connection.send(problems)
        if connection.recv():
            connection.send({locale: update_catalog(root, locale, template,
                                                    catalogs.pop(locale), **options)
                             for locale in locales})
    except Exception as error:  # noqa: BLE001 - a bug: let the parent raise it
        connection.send(error)
    finally:
        connection.close()


def _die_with_parent(parent: int) -> None:
    """Linux: a worker is killed when the update that forked it dies (even by SIGKILL),
    so no orphan writes a catalog after the command is gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took effect
        os._exit(1)
