"""``handouts update``: merge the template into the catalogs, like GNU msgmerge.

Translations are kept; a changed source text keeps its old translation as fuzzy with
the previous msgid; a removed one becomes obsolete, never deleted. Fuzzy matching is
strict (no guesses from weak matches) and never crosses msgctxt.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from multiprocessing.connection import Connection
from pathlib import Path

from ..errors import CatalogError, HandoutError
from ..files import replace_if_unchanged, signals_deferred
from ..model import Message
from ..text.visible import has_visible_content
from ..workers import Failure, can_fork, start_context, start_process
from .locales import catalog_file, catalog_path, catalogs_lock, discover_locales, parse_locale
from .memory import Memory, memory_for
from .plurals import parse_plural_forms, standard_rule
from .pofile import (
    Catalog,
    entry_text,
    header_text,
    load_catalog,
    load_template,
    prepare_file,
    read_catalog,
    remove_orphans,
    render_entries,
    render_key,
)

FUZZY_THRESHOLD = 0.8  # stricter than msgmerge's 0.6: no guesses from weak matches


@dataclass(frozen=True)
class MergeResult:
    locale: str
    path: str
    changed: bool  # the catalog was rewritten
    kept: int
    fuzzy_new: int
    added: int
    obsoleted: int
    reshaped: int = 0  # entries turned singular <-> plural as the template's (fuzzy)
    left_alone: bool = False  # saved by someone else while the update ran: not written
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
        if candidate.msgctxt != new.msgctxt or (candidate.msgid_plural is None) != (
            new.msgid_plural is None
        ):
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
        self.by_length = {
            group: sorted(members, key=lambda i: len(self.texts[i]))
            for group, members in self.groups.items()
        }
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
            if (
                total == 0
                or not may_win(2 * min(len(msgid), len(text)) / total, index)
                or not may_win(2.0 * self._lcs(msgid, index) / total, index)
            ):
                return
            score = similarity(msgid, text)
            if score >= FUZZY_THRESHOLD and (
                best is None or score > best_score or (score == best_score and index < best)
            ):
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
        for index in ordered[
            bisect.bisect_left(lengths, low - 1) : bisect.bisect_right(lengths, high + 1)
        ]:
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


def merge(
    template: Catalog, catalog: Catalog, nplurals: int, memory: Callable[[], Memory] | None = None
) -> tuple[list[Message], dict]:
    """Merge ``template`` into ``catalog``: keep, fuzzy-match, add, obsolete. Loses nothing.
    ``memory`` (built on first need) offers translations to the entries added."""
    old_active = {m.key: m for m in catalog.active()}
    old_obsolete = {m.key: m for m in catalog.obsolete()}
    wanted = {m.key for m in template.active()}
    # fuzzy-match candidates: vanished entries with visible text (spaces are no work)
    vanished = [m for k, m in old_active.items() if k not in wanted and _visible(m)]
    vanished += [m for k, m in old_obsolete.items() if k not in wanted and _visible(m)]
    index = fuzzy_index(vanished)
    merged: list[Message] = []
    stats = {"kept": 0, "fuzzy_new": 0, "added": 0, "obsoleted": 0, "reshaped": 0, "memory": 0}
    known: Memory | None = None
    for new in template.active():
        old = old_active.get(new.key) or old_obsolete.get(new.key)
        empty = ("",) * nplurals if new.msgid_plural is not None else ()
        if old is not None and (old.msgid_plural is None) != (new.msgid_plural is None):
            merged.append(reshaped(new, old, nplurals))
            stats["reshaped"] += 1
            continue
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


def _visible(message: Message) -> bool:
    return any(has_visible_content(text) for text in message.texts)


def _translated(
    new: Message, old: Message, empty: tuple[str, ...], fuzzy: bool, previous_msgid: str | None
) -> Message:
    """The template's entry carrying ``old``'s translation (direct: this runs per entry)."""
    return Message(
        new.msgid,
        old.msgstr,
        new.msgctxt,
        new.msgid_plural,
        old.msgstr_plural or empty,
        fuzzy,
        new.obsolete,
        _flags(new, old),
        0,
        previous_msgid,
        old.comments,
        new.notes,
        new.references,
    )


EARLIER_FORM = "handouts: earlier plural form"


def reshaped(new: Message, old: Message, nplurals: int) -> Message:
    """``old``'s translation in the shape of ``new``, which became singular or plural,
    as msgmerge does: fuzzy, plural forms from the singular text, or the singular text
    from form 0. The other forms are kept as translator comments: nothing is lost."""
    comments = old.comments
    if new.msgid_plural is None:
        forms = old.msgstr_plural
        msgstr = forms[0] if forms else ""
        comments += tuple(
            f'{EARLIER_FORM} msgstr[{i}]: "{_escaped(form)}"'
            for i, form in enumerate(forms)
            if i and form and form != msgstr
        )
        plural: tuple[str, ...] = ()
    else:
        msgstr, plural = "", (old.msgstr,) * nplurals
    return Message(
        new.msgid,
        msgstr,
        new.msgctxt,
        new.msgid_plural,
        plural,
        old.has_translation,
        False,
        _flags(new, old),
        0,
        old.msgid,
        comments,
        new.notes,
        new.references,
    )


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def _flags(new: Message, old: Message) -> tuple[str, ...]:
    """Format flags come from the template; the translator's own flags are kept."""
    own = [f for f in old.flags if not f.endswith("-format") and f not in new.flags]
    return tuple(new.flags) + tuple(own)


@dataclass(frozen=True)
class Prepared:
    """One catalog merged: its result and, when its text changes, the finished temp file
    that is to replace it (if the catalog still holds what was read, ``digest``)."""

    result: MergeResult
    path: Path  # the catalog, resolved
    temp: Path | None
    digest: str | None


def prepare_update(
    root: Path,
    locale: str,
    template: Catalog,
    catalog: Catalog,
    *,
    memory: bool = True,
    compendium: Catalog | None = None,
) -> Prepared:
    """Merge ``template`` into ``locale``'s catalog (already read) and write the new
    text to a temp file beside it; nothing is replaced yet. With ``memory``, new entries
    get fuzzy offers from the catalog and the ``compendium``."""
    header = dict(catalog.header)
    header["POT-Creation-Date"] = template.header.get("POT-Creation-Date", "")
    standard = standard_rule(locale)
    if "Plural-Forms" not in header and standard is not None:
        header["Plural-Forms"] = standard.header
    header["Content-Type"] = "text/plain; charset=UTF-8"
    forms = (
        parse_plural_forms(header["Plural-Forms"]).count
        if "Plural-Forms" in header
        else catalog.plural_count
    )
    known = catalog
    offer = (lambda: memory_for(known, compendium, similarity)) if memory else None
    merged, stats = merge(template, catalog, forms, offer)
    blocks: dict[tuple[object, ...], str] = {}  # entries both versions share render once
    path = catalog_file(root, locale)
    result = MergeResult(locale, catalog.path, False, **stats)
    remove_orphans(path)  # temp files of killed updates
    # unchanged content: leave the file as its last editor (Poedit, msgcat) saved it
    if _same_text(catalog, header, merged, blocks):
        return Prepared(result, path, None, catalog.digest)
    data = render_entries(catalog.header_comment, header, merged, blocks).encode("utf-8")
    try:
        temp = prepare_file(path, data)
    except OSError as error:
        raise CatalogError(
            f"cannot write the updated catalog: {error.strerror}", catalog.path
        ) from None
    return Prepared(result, path, temp, catalog.digest)


def commit_updates(prepared: list[Prepared]) -> list[MergeResult]:
    """Replace each catalog by its prepared version, in order, unless it was saved
    meanwhile (then it is left alone, and says so). Ctrl-C waits for the renames."""
    results: list[MergeResult] = []
    try:
        with signals_deferred():
            for index, item in enumerate(prepared):
                if item.temp is None:
                    results.append(item.result)
                    continue
                try:
                    written = replace_if_unchanged(item.temp, item.path, item.digest)
                except OSError as error:
                    raise CatalogError(_partial(error, prepared, index), item.result.path) from None
                results.append(replace(item.result, changed=written, left_alone=not written))
    finally:
        discard(prepared)
    return results


def _partial(error: OSError, prepared: list[Prepared], failed: int) -> str:
    """What a failed commit wrote and what it did not, catalog by catalog."""
    wrote = [p.result.path for p in prepared[:failed] if p.temp is not None]
    rest = [p.result.path for p in prepared[failed:] if p.temp is not None]
    return (
        f"cannot replace the catalog: {error.strerror}; updated before this: "
        f"{', '.join(wrote) or 'none'}; not updated: {', '.join(rest)}"
    )


def discard(prepared: list[Prepared]) -> None:
    """Remove the temp files that were not renamed into place."""
    for item in prepared:
        if item.temp is not None:
            with contextlib.suppress(OSError):
                item.temp.unlink(missing_ok=True)


def _same_text(
    catalog: Catalog,
    header: dict[str, str],
    merged: list[Message],
    blocks: dict[tuple[object, ...], str],
) -> bool:
    """Would ``merged`` under ``header`` render exactly as ``catalog`` renders?

    Entry texts are joined by blank lines and hold none themselves (no comment has a
    line break), so two renderings are equal exactly when their headers and their
    entry texts, in order, are: a different number of entries is a difference, and
    only entries whose fields differ need rendering to compare."""
    old = [m for m in catalog.messages if not m.obsolete] + catalog.obsolete()
    new = [m for m in merged if not m.obsolete] + [m for m in merged if m.obsolete]
    if any(
        "\n" in part
        for m in (*old, *new)
        for part in (*m.comments, *m.notes, *m.flags, *m.references)
    ):
        return render_entries(
            catalog.header_comment, catalog.header, old, blocks
        ) == render_entries(catalog.header_comment, header, new, blocks)
    if header_text(header) != header_text(catalog.header) or len(old) != len(new):
        return False
    for before, after in zip(old, new, strict=True):
        key_before, key_after = render_key(before), render_key(after)
        if key_before != key_after and entry_text(before, key_before, blocks) != entry_text(
            after, key_after, blocks
        ):
            return False
    return True


def update_catalogs(
    root: Path,
    locales: list[str] | None = None,
    *,
    memory: bool = True,
    compendium: Path | None = None,
) -> list[MergeResult]:
    """Merge the template into every (or the given) locale's catalog, all or nothing;
    with ``memory``, new entries get fuzzy offers from the catalog's own translations
    and the ``compendium`` (a PO file, read first: a broken one changes nothing).

    Under the catalogs' lock, every catalog is read (validated) and its new text written
    to a temp file before any is replaced; an error (the first in locale order: a broken
    catalog, a full disk, a read-only folder) then changes no catalog. The replacing is
    last: a catalog saved by someone else since it was read is left alone (its result
    says so). With several catalogs and cores, forked workers read and merge them."""
    with catalogs_lock(root):
        template = load_template(root)
        options = {
            "memory": memory,
            "compendium": read_catalog(compendium, root) if compendium and memory else None,
        }
        chosen = locales if locales is not None else discover_locales(root)
        readable: list[str] = []
        locale_error: HandoutError | None = None
        for locale in chosen:
            try:
                parse_locale(locale)
                catalog_file(root, locale)
            except HandoutError as error:
                locale_error = error  # raised unless a catalog before it is broken
                break
            readable.append(locale)
        workers = min(len(readable), os.cpu_count() or 1)
        if workers < 2 or not can_fork():
            prepared = _prepare_here(root, template, readable, locale_error, options)
        else:
            prepared = _prepare_in_workers(root, template, readable, workers, locale_error, options)
        return commit_updates(prepared)


def _prepare_here(
    root: Path,
    template: Catalog,
    locales: list[str],
    locale_error: HandoutError | None,
    options: dict,
) -> list[Prepared]:
    catalogs = [load_catalog(root, locale) for locale in locales]
    if locale_error is not None:
        raise locale_error
    prepared: list[Prepared] = []
    try:
        for locale, catalog in zip(locales, catalogs, strict=True):
            prepared.append(prepare_update(root, locale, template, catalog, **options))
    except BaseException:
        discard(prepared)
        raise
    return prepared


def _prepare_in_workers(
    root: Path,
    template: Catalog,
    locales: list[str],
    workers: int,
    locale_error: HandoutError | None,
    options: dict,
) -> list[Prepared]:
    """Workers read their catalogs and report problems; if there are none, they merge
    and prepare them; any problem (a broken catalog, a write that fails) discards all.
    Workers ignore Ctrl-C: the command stops them and cleans up after them."""
    connections = []
    prepared: dict[str, Prepared] = {}
    complete = False
    try:
        for group in (locales[start::workers] for start in range(workers)):
            mine, theirs = start_context().Pipe()  # (forked: workers inherit the template)
            connections.append(
                (start_process(_update_worker, (theirs, root, template, group, options)), mine)
            )
            theirs.close()
        problems = _gather(connections)
        first = _first(problems, locales)
        go = first is None and locale_error is None
        for _, connection in connections:
            connection.send(go)
        if go:
            replies = _gather(connections)
            for reply in replies.values():
                if isinstance(reply, Prepared):
                    prepared[reply.result.locale] = reply
            first = _first(replies, locales)
        if first is not None:
            raise first.error()
        if locale_error is not None:
            raise locale_error
        complete = True
        return [prepared[locale] for locale in locales]
    finally:
        for process, connection in connections:
            connection.close()
            if not complete:
                process.kill()
            process.join()
        if not complete:
            discard(list(prepared.values()))
            for locale in locales:  # what a killed worker was still writing
                remove_orphans(catalog_path(root, locale))


def _gather(connections: list) -> dict:
    found: dict = {}
    for _, connection in connections:
        found.update(_receive(connection))
    return found


def _first(replies: dict, locales: list[str]) -> Failure | None:
    """The first problem in locale order, or None."""
    return next(
        (replies[locale] for locale in locales if isinstance(replies.get(locale), Failure)), None
    )


def _receive(connection: Connection) -> dict:
    try:
        reply = connection.recv()
    except EOFError:  # the worker died (killed, out of memory)
        raise CatalogError(
            "a worker process of `handouts update` died; no catalog was changed"
        ) from None
    if isinstance(reply, BaseException):
        raise reply
    return reply


def _update_worker(
    connection: Connection, root: Path, template: Catalog, locales: list[str], options: dict
) -> None:
    """In a worker: read ``locales``' catalogs, report their errors (as
    :class:`~pipeline.workers.Failure`), merge and prepare them if told to go."""
    try:
        catalogs: dict[str, Catalog] = {}
        problems: dict[str, Failure | None] = {}
        for locale in locales:
            try:
                catalogs[locale] = load_catalog(root, locale)
                problems[locale] = None
            except HandoutError as error:
                problems[locale] = Failure.of(error)
        connection.send(problems)
        if not connection.recv():
            return
        replies: dict[str, Prepared | Failure] = {}
        for locale in locales:
            try:
                replies[locale] = prepare_update(
                    root, locale, template, catalogs.pop(locale), **options
                )
            except HandoutError as error:
                replies[locale] = Failure.of(error)
                break
        connection.send(replies)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the command is gone or stopping: nothing to say
    except Exception as error:  # noqa: BLE001 - a bug: let the parent raise it
        with contextlib.suppress(OSError):
            connection.send(error)
    finally:
        connection.close()
