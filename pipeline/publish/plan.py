"""What a build must render: its inputs read and validated (:class:`Loaded`), and the
plan that splits the handouts into those kept as the previous build wrote them and
those to render (:func:`plan`), with the per-handout fingerprints that decide."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..checks.policy import Policy, load_policy
from ..errors import BuildError, LocaleError
from ..model import Key
from ..source.glossary import Glossary, load_glossary
from ..source.monographs import load_monographs
from .fingerprints import RawInputs, digest
from .incremental import UI_KEYS, WHOLE_CATALOG
from .locale_state import LocaleState, open_locale, text_shapes
from .localize import ENGLISH
from .manifest import Entry
from .pages import has_files
from .sources import MonographInfo, SourceIndex, load_index
from .staging import sibling

T = TypeVar("T")


@dataclass(frozen=True)
class Task:
    """What one worker task renders: handouts of one locale, or pages to relink."""

    locale: str
    drugs: tuple[str, ...]
    fingerprints: tuple[str, ...]
    bases: tuple[str, ...] = ()  # the part of each content fingerprint the catalog lacks
    relink: tuple[Entry, ...] = ()  # entries whose pages only need new links


@dataclass
class Plan:
    """Handouts kept as they are (``entries``) and to render (``tasks``); ``readings``:
    the catalogs the planner read and checked (the renderers reuse them)."""

    entries: dict[str, Entry]
    tasks: list[Task]
    readings: dict[str, LocaleState] = field(default_factory=dict)


@dataclass(frozen=True)  # (cached_property needs the instance __dict__: no slots)
class Loaded:
    """Every input of a build, read and validated (before the output is touched); the
    monographs through their index (:mod:`.sources`): parsed when rendered."""

    index: SourceIndex
    drugs: list[str]  # the chosen ones
    locales: list[str]  # the chosen ones
    glossary: Glossary
    safety: frozenset[Key]
    policy: Policy = field(default_factory=lambda: Policy({}))

    @functools.cached_property
    def paths(self) -> dict[str, str]:  # drug -> monograph file
        return {drug: info.path for drug, info in self.index.infos.items()}

    @functools.cached_property
    def safety_digest(self) -> str:
        return digest(*sorted(repr(key) for key in self.safety))


def load_inputs(
    root: Path,
    locales: list[str],
    drugs: Sequence[str] | None,
    raw: RawInputs | None = None,
    output: Path | None = None,
) -> Loaded:
    """Load and validate the monographs and the glossary (catalogs: see
    :class:`~.render_task.Shared`).
    With the ``raw`` hashes and the ``output``, unchanged monographs are not parsed."""
    if raw is None or output is None:
        monographs = load_monographs(root)
        index = SourceIndex(
            root, {m.id: MonographInfo.of(m, "") for m in monographs}, {m.id: m for m in monographs}
        )
    else:
        index = load_index(root, raw.monographs, sibling(output, "sources.json"), raw.code)
    chosen = select(drugs, list(index.infos), "drug")
    return Loaded(index, chosen, locales, load_glossary(root), index.safety(), load_policy(root))


def select(wanted: Sequence[str] | None, available: list[str], what: str) -> list[str]:
    """The ``wanted`` items of ``available``, in its order (all when none is wanted)."""
    if not wanted:
        return available
    unknown = [item for item in dict.fromkeys(wanted) if item not in available]
    if unknown:
        kind = LocaleError if what == "locale" else BuildError
        shown = ", ".join(available[:10]) + (", ..." if len(available) > 10 else "")
        raise kind(f"unknown {what} '{unknown[0]}' (available: {shown})")
    return [item for item in available if item in wanted]


def chunks(todo: list[T], parts: int) -> Iterator[list[T]]:
    """``todo`` in ``parts`` near-equal slices (none empty)."""
    size = max(1, -(-len(todo) // parts))
    for start in range(0, len(todo), size):
        yield todo[start : start + size]


def locale_part(raw: RawInputs, loaded: Loaded, code: str) -> str:
    """What every handout of a locale depends on: its catalog file, the glossary, the
    safety texts, the policy."""
    return (
        digest(raw.catalogs[code], raw.glossary, loaded.safety_digest, raw.policy)
        if code != ENGLISH
        else ""
    )


def quick_fingerprint(
    raw: RawInputs, loaded: Loaded, code: str, drug: str, part: str | None = None
) -> str:
    """A handout's inputs as file hashes (its whole catalog): no parsing needed;
    ``part``: :func:`locale_part`, when known."""
    part = locale_part(raw, loaded, code) if part is None else part
    return digest(
        raw.code,
        code,
        drug,
        raw.monographs[loaded.paths[drug]],
        part,
        raw.editions.get(f"{code}/{drug}", ""),
        raw.formats,
    )


def content_base(raw: RawInputs, loaded: Loaded, code: str, drug: str) -> str:
    """A handout's inputs but its catalog entries (:meth:`LocaleState.content` adds them)."""
    return digest(
        raw.code,
        code,
        drug,
        raw.monographs[loaded.paths[drug]],
        raw.glossary,
        loaded.safety_digest,
        raw.policy,
        raw.editions.get(f"{code}/{drug}", ""),
        raw.formats,
    )


def plan(
    loaded: Loaded,
    raw: RawInputs,
    present: set[str],
    old_entries: Mapping[str, Entry],
    filters: tuple[bool, bool],
    root: Path | None = None,
) -> Plan:
    """Split the build into handouts kept as they are (their files all ``present``, as
    the build wrote them) and handouts to render, one task per locale. With filters,
    what they exclude is kept.

    A handout whose quick fingerprint (the catalog file's hash) changed is kept when its
    content fingerprint (the entries it uses: :mod:`.incremental`) did not: the planner
    reads that catalog once (given ``root``), and the renderers reuse the reading."""
    result = Plan({}, [])
    todo_by_locale: dict[str, list[tuple[str, str, str]]] = {}
    for code in loaded.locales:
        todo = _locale_todo(result, loaded, raw, code, (present, old_entries), root)
        if todo:
            todo_by_locale[code] = todo
    result.tasks = _tasks(todo_by_locale)
    by_locale, by_drug = filters
    for key, old in old_entries.items():
        outside = (by_locale and old.locale not in loaded.locales) or (
            by_drug and old.drug not in loaded.drugs
        )
        if outside and has_files(old, present):
            result.entries[key] = old
    return result


def _locale_todo(
    result: Plan,
    loaded: Loaded,
    raw: RawInputs,
    code: str,
    previous: tuple[set[str], Mapping[str, Entry]],
    root: Path | None,
) -> list[tuple[str, str, str]]:
    """``code``'s handouts to render, as (drug, fingerprint, content base); the kept ones
    go to ``result.entries``. ``previous``: the files present, the old entries."""
    present, old_entries = previous
    part = locale_part(raw, loaded, code)
    todo: list[tuple[str, str, str]] = []
    for drug in loaded.drugs:
        fingerprint = quick_fingerprint(raw, loaded, code, drug, part)
        old = old_entries.get(f"{code}/{drug}")
        if old and old.fingerprint == fingerprint and has_files(old, present):
            result.entries[old.key] = old
            continue
        base = content_base(raw, loaded, code, drug) if code != ENGLISH else fingerprint
        if (
            old
            and old.content
            and old.base == base
            and root is not None
            and code != ENGLISH
            and not WHOLE_CATALOG
            and has_files(old, present)
            and _same_content(result, loaded, root, code, drug, (base, old.content))
        ):
            result.entries[old.key] = old.with_fingerprints(fingerprint)
            continue
        todo.append((drug, fingerprint, base))
    return todo


def _same_content(
    result: Plan, loaded: Loaded, root: Path, code: str, drug: str, old: tuple[str, str]
) -> bool:
    """Whether ``drug``'s entries in ``code``'s catalog are those of ``old`` (its content
    base and content fingerprint): only the catalog changed, so it is read, once per
    locale (``result.readings``, which the renderers reuse)."""
    base, content = old
    state = result.readings.get(code)
    if state is None:
        state = result.readings[code] = open_locale(
            root,
            code,
            loaded.glossary,
            loaded.safety,
            loaded.policy,
            text_shapes(key for info in loaded.index.infos.values() for key in info.keys),
        )
    keys = (*loaded.index.infos[drug].keys, *UI_KEYS)
    return state.content(base, keys) == content


def _tasks(todo_by_locale: Mapping[str, list[tuple[str, str, str]]]) -> list[Task]:
    """The render tasks: each locale's handouts (:mod:`.dealer` deals them to the
    workers a chunk at a time)."""
    return [
        Task(
            code,
            tuple(d for d, _, _ in todo),
            tuple(f for _, f, _ in todo),
            tuple(b for _, _, b in todo),
        )
        for code, todo in todo_by_locale.items()
    ]


def guess_published(old_entries: Mapping[str, Entry], loaded: Loaded) -> dict[str, tuple[str, ...]]:
    """Which locales each drug is published in, as far as the previous build knew (a
    locale it did not build counts as published). A handout links to its other
    published languages before the build knows them all; :func:`stale` finds the
    pages whose guess was wrong, and they are rendered again."""
    guess: dict[str, set[str]] = {}
    for drug in loaded.drugs:
        guess[drug] = set()
        for code in loaded.locales:
            old = old_entries.get(f"{code}/{drug}")
            if old is None or old.published:
                guess[drug].add(code)
    for entry in old_entries.values():
        if entry.published and entry.drug in guess:
            guess[entry.drug].add(entry.locale)
    return {drug: tuple(sorted(codes)) for drug, codes in guess.items()}


def published(entries: Mapping[str, Entry]) -> dict[str, set[str]]:
    """The locales each drug is published in."""
    found: dict[str, set[str]] = {}
    for entry in entries.values():
        if entry.published:
            found.setdefault(entry.drug, set()).add(entry.locale)
    return found


def stale(entries: Mapping[str, Entry], loaded: Loaded) -> list[Entry]:
    """Published handouts of the selection whose links to other languages are wrong."""
    languages = published(entries)
    return [
        entry
        for entry in entries.values()
        if entry.published
        and entry.locale in loaded.locales
        and entry.drug in loaded.drugs
        and set(entry.languages) != languages[entry.drug] - {entry.locale}
    ]


def relink_tasks(stale_entries: Sequence[Entry], jobs: int) -> list[Task]:
    """Worker tasks relinking ``stale_entries``: each locale's pages cut into as many
    chunks as keep ``jobs`` workers (0: one per core) busy."""
    by_locale: dict[str, list[Entry]] = {}
    for entry in stale_entries:
        by_locale.setdefault(entry.locale, []).append(entry)
    parts = max(1, (jobs if jobs > 0 else (os.cpu_count() or 1)) // max(1, len(by_locale)))
    return [
        Task(code, (), (), relink=tuple(chunk))
        for code, group in by_locale.items()
        for chunk in chunks(group, parts)
    ]


def known_published(entries: Mapping[str, Entry]) -> dict[str, tuple[str, ...]]:
    """Each drug's published languages, now known (sorted), as :attr:`Shared.published_guess`
    takes them; :func:`guess_published` is the guess before the build knows them."""
    return {drug: tuple(sorted(codes)) for drug, codes in published(entries).items()}
