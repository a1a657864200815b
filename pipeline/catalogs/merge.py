"""``handouts update``: merge the template into every catalog, all or nothing.

Each catalog is merged with the template (:mod:`.msgmerge`, like GNU msgmerge) and its
new text written to a temp file beside it before any catalog is replaced; with several
catalogs and cores, workers (:func:`~pipeline.workers.talking`) read and merge them. The
replacing comes last and leaves alone a catalog saved by someone else meanwhile.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CatalogError, HandoutError
from ..files import replace_if_unchanged, signals_deferred
from ..model import Message
from ..workers import Channel, Failure, can_fork, talking
from .fuzzy import similarity
from .locales import catalog_file, catalog_path, catalogs_lock, discover_locales, parse_locale
from .memory import memory_for
from .msgmerge import merge
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
    prepared: dict[str, Prepared] = {}
    complete = False
    groups = [(root, template, locales[start::workers], options) for start in range(workers)]
    died = CatalogError("a worker process of `handouts update` died; no catalog was changed")
    try:
        with talking(_update_worker, groups, died) as talk:
            first = _first(talk.gather(), locales)
            go = first is None and locale_error is None
            talk.tell(go)
            if go:
                replies = talk.gather()
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
        if not complete:
            discard(list(prepared.values()))
            for locale in locales:  # what a killed worker was still writing
                remove_orphans(catalog_path(root, locale))


def _first(replies: dict, locales: list[str]) -> Failure | None:
    """The first problem in locale order, or None."""
    return next(
        (replies[locale] for locale in locales if isinstance(replies.get(locale), Failure)), None
    )


def _update_worker(
    channel: Channel, root: Path, template: Catalog, locales: list[str], options: dict
) -> None:
    """In a worker: read ``locales``' catalogs, report their errors (as
    :class:`~pipeline.workers.Failure`), merge and prepare them if told to go."""
    catalogs: dict[str, Catalog] = {}
    problems: dict[str, Failure | None] = {}
    for locale in locales:
        try:
            catalogs[locale] = load_catalog(root, locale)
            problems[locale] = None
        except HandoutError as error:
            problems[locale] = Failure.of(error)
    channel.send(problems)
    if not channel.recv():
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
    channel.send(replies)
