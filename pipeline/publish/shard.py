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
import math
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalogs.locales import catalogs_lock, discover_locales
from ..errors import BuildError
from ..files import read_regular
from . import pdf as pdfs
from .build import print_pdfs
from .fingerprints import RawInputs, raw_inputs
from .localize import ENGLISH
from .manifest import MANIFEST, Entry, Manifest
from .pages import report
from .plan import Loaded, chunks, load_inputs, plan
from .render_task import Progress, Shared, render_all
from .staging import (
    build_lock,
    check_output,
    named_as_output,
    output_folder,
    put,
    recover,
    staged,
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


def partition(
    locales: Sequence[str],
    drugs: Sequence[str],
    count: int,
    weights: Mapping[str, float] | None = None,
) -> list[Part]:
    """The ``count`` shards of ``locales`` x ``drugs``. Up to one shard per locale:
    whole locales, the heaviest first to the lightest shard (``weights``: seconds per
    locale from an earlier build; else each locale weighs its handout count). More
    shards than locales: each locale gets its share of shards (the heaviest the extra
    ones) and its drugs are cut into that many near-equal runs. Deterministic."""
    if count < 1 or not locales or not drugs:
        raise BuildError("nothing to split into shards")
    if count > len(locales) * len(drugs):
        raise BuildError(
            f"{count} shards for {len(locales) * len(drugs)} handouts: ask for "
            "at most one shard per handout"
        )
    known = [float(w) for code, w in (weights or {}).items() if code in locales]
    usual = sum(known) / len(known) if known else float(len(drugs))  # for a new locale
    weight = {code: float((weights or {}).get(code, usual)) for code in locales}
    heaviest = sorted(locales, key=lambda code: (-weight[code], list(locales).index(code)))
    if count <= len(locales):
        loads = [0.0] * count
        groups: list[list[str]] = [[] for _ in range(count)]
        for code in heaviest:
            lightest = min(range(count), key=lambda i: (loads[i], i))
            groups[lightest].append(code)
            loads[lightest] += weight[code]
        return [
            Part(i + 1, count, tuple(c for c in locales if c in group), tuple(drugs))
            for i, group in enumerate(groups)
        ]
    share = {code: count // len(locales) for code in locales}
    for code in heaviest[: count % len(locales)]:
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


def shard_record(
    part: Part,
    code: str,
    inputs: str,
    formats: str,
    entries: Mapping[str, Entry],
    timings: Mapping[str, float],
) -> dict[str, Any]:
    """The record a shard folder carries (what :mod:`.assemble` checks); ``timings``:
    seconds per handout of each locale, PDFs included."""
    return {
        "format": SHARD_FORMAT,
        "generator": f"handouts {__version__}",
        "code": code,
        "inputs": inputs,
        "formats": formats,
        "shard": [part.number, part.count],
        "locales": list(part.locales),
        "drugs": list(part.drugs),
        "timings": {code: round(t, 4) for code, t in sorted(timings.items())},
        "handouts": len(entries),
        "report": report(entries.values()),
    }


def build_shard(
    root: Path,
    output: Path,
    shard: tuple[int, int],
    jobs: int = 0,
    progress: Progress | None = None,
    pdf: bool = False,
    weights: Mapping[str, float] | None = None,
) -> ShardResult:
    """Build the shard ``shard`` (K, N) of ``root`` into ``output`` (staged and swapped
    in like a build: the previous folder stays whole on any error). ``weights``: seconds
    per handout of each locale, from an earlier build (:func:`read_timings`); every
    shard of a build must be given the same."""
    root = root.resolve()
    output = output_folder(root, output)
    with catalogs_lock(root, shared=True), named_as_output(root, output):
        return _build_shard(root, output, shard, jobs, progress, pdf, weights)


def project_locales(root: Path) -> list[str]:
    """English and every catalog's locale, as a build renders them."""
    catalogs = discover_locales(root)
    if ENGLISH in catalogs:
        raise BuildError(
            "English is the source language: its handouts come from the "
            "monographs, not a catalog (remove this folder)",
            f"locales/{ENGLISH}/",
        )
    return [ENGLISH, *catalogs]


def _build_shard(
    root: Path,
    output: Path,
    shard: tuple[int, int],
    jobs: int,
    progress: Progress | None,
    pdf: bool,
    weights: Mapping[str, float] | None,
) -> ShardResult:
    check_output(root, output)
    locales = project_locales(root)
    with build_lock(output):
        recover(output)
        check_output(root, output)
        raw = raw_inputs(root, locales[1:], pdf)
        everything = load_inputs(root, locales, None, raw, output)
        part = partition(
            locales,
            everything.drugs,
            shard[1],
            weights and {code: per * len(everything.drugs) for code, per in weights.items()},
        )[shard[0] - 1]
        loaded = replace(everything, locales=list(part.locales), drugs=list(part.drugs))
        result = ShardResult(output, part)
        started = time.perf_counter()
        with staged(output) as staging:
            shared = _shard_shared(root, staging, (raw, everything, loaded), part, locales, pdf)
            entries, seconds = _render_shard(shared, loaded, raw, part, jobs, progress)
            if any(entry.pdf for entry in entries.values()):
                begun = time.perf_counter()
                result.pdfs = print_pdfs(output, staging, entries, ({}, set()), jobs)
                _share_out(seconds, entries, time.perf_counter() - begun)
            result.seconds = time.perf_counter() - started
            _write_shard_record(staging, output, part, raw, entries, seconds)
    result.rendered = len(entries)
    result.published = sum(entry.published for entry in entries.values())
    result.drafts = len(entries) - result.published
    return result


def _shard_shared(
    root: Path,
    staging: Path,
    inputs: tuple[RawInputs, Loaded, Loaded],
    part: Part,
    locales: Sequence[str],
    pdf: bool,
) -> Shared:
    """What every worker of the shard shares. ``inputs``: the project's hashes, the
    project read, and that read narrowed to the shard's part."""
    raw, everything, loaded = inputs
    problem = pdfs.engine_problem() if pdf else None
    every_language = tuple(sorted(locales))  # a fresh build's guess: all published
    return Shared(
        str(root),
        {d: loaded.index.monograph(d) for d in part.drugs},
        loaded.glossary,
        loaded.safety,
        {d: raw.monographs[loaded.paths[d]][:12] for d in everything.drugs},
        str(staging),
        None,
        loaded.policy,
        loaded.policy.base_url,
        loaded.policy.papers if pdf else (),
        problem,
        pdfs.font_coverage() if pdf and not problem else None,
        {drug: every_language for drug in part.drugs},
    )


def _render_shard(
    shared: Shared,
    loaded: Loaded,
    raw: RawInputs,
    part: Part,
    jobs: int,
    progress: Progress | None,
) -> tuple[dict[str, Entry], dict[str, float]]:
    """Render the shard's handouts, one locale at a time; return the entries and each
    locale's seconds."""
    entries: dict[str, Entry] = {}
    seconds: dict[str, float] = {}
    for code in part.locales:  # one locale at a time: its time is measured
        begun = time.perf_counter()
        planned = plan(
            replace(loaded, locales=[code]),
            raw,
            set(),
            {},
            (False, False),
            Path(shared.root),
        )
        for entry, _ in render_all(shared, planned.tasks, jobs, progress, planned.readings):
            entries[entry.key] = entry
        seconds[code] = time.perf_counter() - begun
    return entries, seconds


def _write_shard_record(
    staging: Path,
    output: Path,
    part: Part,
    raw: RawInputs,
    entries: Mapping[str, Entry],
    seconds: Mapping[str, float],
) -> None:
    """Write the shard record (:func:`shard_record`) and the manifest into ``staging``."""
    record = shard_record(
        part,
        raw.code,
        raw.overall(),
        raw.formats,
        entries,
        {code: seconds[code] / len(part.drugs) for code in seconds},
    )
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    put(staging, None, SHARD_RECORD, text.encode("utf-8"))
    names = [SHARD_RECORD, *(n for e in entries.values() for n in e.owned_files())]
    files = file_digests(staging, output, names, {}, set())
    manifest = Manifest(dict(entries), None, raw.code, raw.formats, files)
    put(staging, None, MANIFEST, manifest.to_bytes())


def _share_out(seconds: dict[str, float], entries: Mapping[str, Entry], spent: float) -> None:
    """Add the ``spent`` printing time to each locale's, by its number of PDFs."""
    printed = {
        code: sum(len(e.pdf) for e in entries.values() if e.locale == code) for code in seconds
    }
    total = sum(printed.values()) or 1
    for code, count in printed.items():
        seconds[code] += spent * count / total


def read_timings(path: Path) -> dict[str, float]:
    """Seconds per handout of each locale, as ``handouts assemble --timings`` wrote them;
    none (balance by counts) when the file is not there; a BuildError naming it when it
    is not such a file."""
    data = read_regular(path)
    if data is None:
        if os.path.lexists(path):
            raise BuildError("not a regular file", str(path))
        return {}
    try:
        found = json.loads(data.decode("utf-8"))
        timings = {str(code): float(value) for code, value in found["timings"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BuildError(
            f"not a timings file of `handouts assemble --timings` ({error})", str(path)
        ) from None
    if any(not (math.isfinite(value) and value >= 0) for value in timings.values()):
        raise BuildError("a timing is negative or not a number", str(path))
    return timings


def timings_bytes(records: Sequence[Mapping[str, Any]]) -> bytes:
    """The timings file: each locale's seconds per handout over the shards' records."""
    spent: dict[str, float] = {}
    counted: dict[str, int] = {}
    for record in records:  # a locale cut into runs of drugs: their mean, by drugs
        drugs = len(record.get("drugs") or ()) or 1
        for code, value in (record.get("timings") or {}).items():
            spent[str(code)] = spent.get(str(code), 0.0) + float(value) * drugs
            counted[str(code)] = counted.get(str(code), 0) + drugs
    timings = {code: round(spent[code] / counted[code], 4) for code in sorted(spent)}
    return (json.dumps({"timings": timings}, indent=2) + "\n").encode("utf-8")
