"""``handouts build --shard K/N``: the K-th of N parts of a build, for a CI matrix.

The handouts (every locale, English included, times every drug) are split by locale,
and by drug as well when there are more shards than locales (:func:`partition`), the
same way in every process. A shard renders only its handouts, with links to every
language (a fresh build's first guess); it writes no index pages. Its folder holds the
handouts, a manifest of them and the shard record (:data:`SHARD_RECORD`: the project
version and inputs it was built from, which part it is, its partial report, how long
it took). :mod:`.assemble` joins the folders into the site one build makes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalogs.locales import catalogs_lock, discover_locales
from ..errors import BuildError
from . import pdf as pdfs
from .build import _print_pdfs
from .fingerprints import raw_inputs
from .localize import ENGLISH
from .manifest import MANIFEST, Entry, Manifest
from .pages import report
from .plan import chunks, load_inputs, plan
from .render_task import Progress, Shared, render_all
from .staging import (
    PREFIX,
    as_output,
    build_lock,
    check_output,
    file_error,
    output_folder,
    put,
    recover,
    sibling,
    swap,
)
from .verify import file_digests

SHARD_RECORD = ".handouts-shard.json"
SHARD_FORMAT = 1


@dataclass(frozen=True)
class Part:
    """One shard: its number (1-based) of ``count``, and the handouts it renders (every
    locale of ``locales`` times every drug of ``drugs``)."""

    number: int
    count: int
    locales: tuple[str, ...]
    drugs: tuple[str, ...]

    def keys(self) -> set[str]:
        return {f"{code}/{drug}" for code in self.locales for drug in self.drugs}


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` as (K, N); a BuildError (exit 2) unless 1 <= K <= N."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not found or not 1 <= int(found[1]) <= int(found[2]):
        raise BuildError(f"--shard wants K/N with 1 <= K <= N (e.g. 1/4), not '{text}'")
    return int(found[1]), int(found[2])


def partition(locales: Sequence[str], drugs: Sequence[str], count: int,
              weights: Mapping[str, float] | None = None) -> list[Part]:
    """The ``count`` shards of ``locales`` x ``drugs``. Up to one shard per locale:
    whole locales, the heaviest first to the lightest shard (``weights``: seconds per
    locale from an earlier build; else each locale weighs its handout count). More
    shards than locales: each locale gets its share of shards (the heaviest the extra
    ones) and its drugs are cut into that many near-equal runs. Deterministic."""
    if count < 1 or not locales or not drugs:
        raise BuildError("nothing to split into shards")
    if count > len(locales) * len(drugs):
        raise BuildError(f"{count} shards for {len(locales) * len(drugs)} handouts: ask for "
                         "at most one shard per handout")
    weight = {code: float((weights or {}).get(code, len(drugs))) for code in locales}
    heaviest = sorted(locales, key=lambda code: (-weight[code], list(locales).index(code)))
    if count <= len(locales):
        loads = [0.0] * count
        groups: list[list[str]] = [[] for _ in range(count)]
        for code in heaviest:
            lightest = min(range(count), key=lambda i: (loads[i], i))
            groups[lightest].append(code)
            loads[lightest] += weight[code]
        return [Part(i + 1, count, tuple(c for c in locales if c in group), tuple(drugs))
                for i, group in enumerate(groups)]
    share = {code: count // len(locales) for code in locales}
    for code in heaviest[:count % len(locales)]:
        share[code] += 1
    parts: list[Part] = []
    for code in locales:
        for run in chunks(list(drugs), share[code]):
            parts.append(Part(len(parts) + 1, count, (code,), tuple(run)))
    assert len(parts) == count, "every locale has at least as many drugs as shards"
    return parts


@dataclass
class ShardResult:
    """What a shard build did."""

    output: Path
    part: Part
    rendered: int = 0
    published: int = 0
    drafts: int = 0
    pdfs: int = 0
    seconds: float = 0.0


def shard_record(part: Part, code: str, inputs: str, formats: str,
                 entries: Mapping[str, Entry], seconds: float) -> dict[str, Any]:
    """The record a shard folder carries (what :mod:`.assemble` checks)."""
    return {"format": SHARD_FORMAT, "generator": f"handouts {__version__}", "code": code,
            "inputs": inputs, "formats": formats, "shard": [part.number, part.count],
            "locales": list(part.locales), "drugs": list(part.drugs),
            "seconds": round(seconds, 3), "handouts": len(entries),
            "report": report(entries.values())}


def build_shard(root: Path, output: Path, shard: tuple[int, int], jobs: int = 0,
                progress: Progress | None = None, pdf: bool = False) -> ShardResult:
    """Build the shard ``shard`` (K, N) of ``root`` into ``output`` (staged and swapped
    in like a build: the previous folder stays whole on any error)."""
    root = root.resolve()
    output = output_folder(root, output)
    with catalogs_lock(root, shared=True):
        try:
            return _build_shard(root, output, shard, jobs, progress, pdf)
        except OSError as error:
            raise file_error(error, root, output) from None
        except BuildError as error:
            if error.path is None or PREFIX not in error.path:
                raise
            raise BuildError(error.message, as_output(error.path, root, output),
                             error.line) from None


def project_locales(root: Path) -> list[str]:
    """English and every catalog's locale, as a build renders them."""
    catalogs = discover_locales(root)
    if ENGLISH in catalogs:
        raise BuildError("English is the source language: its handouts come from the "
                         "monographs, not a catalog (remove this folder)", f"locales/{ENGLISH}/")
    return [ENGLISH, *catalogs]


def _build_shard(root: Path, output: Path, shard: tuple[int, int], jobs: int,
                 progress: Progress | None, pdf: bool) -> ShardResult:
    check_output(root, output)
    locales = project_locales(root)
    with build_lock(output):
        recover(output)
        check_output(root, output)
        raw = raw_inputs(root, locales[1:], pdf)
        everything = load_inputs(root, locales, None, raw, output)
        part = partition(locales, everything.drugs, shard[1])[shard[0] - 1]
        loaded = replace(everything, locales=list(part.locales), drugs=list(part.drugs))
        workers = jobs if jobs > 0 else (os.cpu_count() or 1)
        planned = plan(loaded, raw, set(), {}, (False, False), workers, root)
        staging = sibling(output, f"new-{os.getpid()}")
        problem = pdfs.engine_problem() if pdf else None
        every_language = tuple(sorted(locales))  # a fresh build's guess: all published
        shared = Shared(str(root), {d: loaded.index.monograph(d) for d in part.drugs},
                        loaded.glossary, loaded.safety,
                        {d: raw.monographs[loaded.paths[d]][:12] for d in everything.drugs},
                        str(staging), None, loaded.policy, loaded.policy.base_url,
                        loaded.policy.papers if pdf else (), problem,
                        pdfs.font_coverage() if pdf and not problem else None,
                        {drug: every_language for drug in part.drugs})
        result = ShardResult(output, part)
        started = time.perf_counter()
        try:
            staging.mkdir()
            entries: dict[str, Entry] = {}
            for entry, _ in render_all(shared, planned.tasks, jobs, progress,
                                       planned.readings):
                entries[entry.key] = entry
            if any(entry.pdf for entry in entries.values()):
                result.pdfs = _print_pdfs(output, staging, entries, ({}, set()), jobs)
            result.seconds = time.perf_counter() - started
            record = shard_record(part, raw.code, raw.overall(), raw.formats, entries,
                                  result.seconds)
            put(staging, None, SHARD_RECORD, (json.dumps(
                record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
            names = [SHARD_RECORD, *(n for e in entries.values() for n in e.owned_files())]
            files = file_digests(staging, output, names, {}, set())
            put(staging, None, MANIFEST,
                Manifest(entries, None, raw.code, raw.formats, files).to_bytes())
            swap(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    result.rendered = len(entries)
    result.published = sum(entry.published for entry in entries.values())
    result.drafts = len(entries) - result.published
    return result
