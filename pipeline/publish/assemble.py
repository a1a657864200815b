"""``handouts assemble DIR... --output OUT``: shard folders (:mod:`.shard`) joined into
the site one build of the project makes.

Every shard is checked before anything is written: its record and manifest readable,
every file as its manifest says, built by this project version from these inputs (the
project is read, as a build reads it), and the shards all of one split, none missing,
none twice. Then, as a build does after rendering: handouts that linked to a language
that turned out a draft are relinked, and the index, drafts and language pages,
``report.json`` and the manifest are made from all the entries. The site is staged
beside ``OUT`` and swapped in; a refusal leaves ``OUT`` as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalogs.locales import catalogs_lock
from ..errors import BuildError
from ..files import read_regular, write_atomic
from .fingerprints import NO_PDFS, RawInputs, raw_inputs
from .formats import DRAFTS, handout_files
from .manifest import MANIFEST, Entry, Manifest, parse_manifest
from .pages import page_names, render_pages
from .plan import Loaded, known_published, load_inputs, relink_tasks
from .plan import stale as stale_entries
from .render_task import Shared, render_all
from .shard import SHARD_FORMAT, SHARD_RECORD, project_locales, timings_bytes
from .staging import (
    build_lock,
    check_output,
    link,
    named_as_output,
    output_folder,
    put,
    recover,
    staged,
)
from .verify import audit_output, file_digests


@dataclass(frozen=True)
class ShardFolder:
    """A shard folder read and verified."""

    path: Path
    record: dict[str, Any]
    manifest: Manifest

    @property
    def number(self) -> tuple[int, int]:
        number, count = self.record["shard"]
        return int(number), int(count)


@dataclass
class AssembleResult:
    """What an assembly did."""

    output: Path
    shards: int = 0
    handouts: int = 0
    published: int = 0
    drafts: int = 0
    relinked: int = 0
    timings: bytes = b""  # each locale's seconds per handout, as a timings file


def read_shard(path: Path) -> ShardFolder:
    """A shard folder, its record and manifest read and every file verified; a
    BuildError naming the folder otherwise."""
    if not path.is_dir():
        raise BuildError("not a folder", str(path))
    data = read_regular(path / SHARD_RECORD)
    if data is None:
        raise BuildError(
            f"not a shard folder (no {SHARD_RECORD}): build it with `handouts build --shard K/N`",
            str(path),
        )
    try:
        record = json.loads(data.decode("utf-8"))
        manifest = parse_manifest((read_regular(path / MANIFEST) or b"").decode("utf-8"))
        if not isinstance(record, dict) or record.get("format") != SHARD_FORMAT:
            raise ValueError("not a shard record of this format")
        number, count = (int(n) for n in record["shard"])
        str(record["code"]), str(record["inputs"]), str(record["formats"])
    except (ValueError, KeyError, TypeError) as error:  # (JSON and Unicode errors too)
        raise BuildError(
            f"unreadable shard record or manifest ({error}): build the shard again", str(path)
        ) from None
    audit = audit_output(path, manifest)
    if not audit.complete(manifest):
        wrong = (
            audit.foreign[0] if audit.foreign else sorted(set(manifest.files) - audit.verified)[0]
        )
        raise BuildError(
            f"the shard's files are not as it recorded them ({wrong}): build the shard again",
            str(path),
        )
    for key, entry in manifest.entries.items():
        folders = (f"{entry.locale}/", f"{DRAFTS}/{entry.locale}/")
        stray = [
            name
            for name in entry.owned_files()
            if name not in audit.verified or not name.startswith(folders) or name == SHARD_RECORD
        ]
        if key != entry.key or stray:
            raise BuildError(
                f"the shard's manifest names a file it does not hold or one "
                f"outside its handout's folder ({key}): build the shard again",
                str(path),
            )
    return ShardFolder(path, record, manifest)


def assemble(
    root: Path, folders: Sequence[Path], output: Path, jobs: int = 0, timings: Path | None = None
) -> AssembleResult:
    """Join the shard ``folders`` of ``root`` into ``output``; a BuildError (exit 2),
    ``output`` untouched, when a shard is refused. ``timings``: also write there each
    locale's seconds per handout (for ``build --shard --timings`` next time)."""
    root = root.resolve()
    output = output_folder(root, output)
    if timings is not None and Path(os.path.abspath(timings)).is_relative_to(output):
        raise BuildError("the timings file cannot be inside the --output folder", str(timings))
    with catalogs_lock(root, shared=True), named_as_output(root, output):
        result = _assemble(root, [Path(f).resolve() for f in folders], output, jobs)
        if timings is not None:
            write_atomic(timings, result.timings)
        return result


def check_shards(shards: Sequence[ShardFolder], code: str, inputs: str) -> str:
    """Refuse shards of another version or other inputs than the project's (``code``,
    ``inputs``), of different splits, missing or given twice; their PDF environment."""
    for shard in shards:
        record = shard.record
        if record.get("generator") != f"handouts {__version__}" or record["code"] != code:
            raise BuildError(
                f"built by another version of the project ({record.get('generator')}"
                f", code {str(record['code'])[:12]}): build every shard with "
                "this one",
                str(shard.path),
            )
        if record["inputs"] != inputs:
            raise BuildError(
                "built from other sources than the project's (monographs, "
                "glossary, catalogs, policy or edition records differ): build "
                "it again",
                str(shard.path),
            )
    count = shards[0].number[1]
    seen: dict[int, Path] = {}
    for shard in shards:
        number, of = shard.number
        if of != count:
            raise BuildError(
                f"shard {number}/{of} is of another split than "
                f"{shards[0].path.name} (1 of {count})",
                str(shard.path),
            )
        if number in seen:
            raise BuildError(
                f"shard {number}/{count} given twice (also {seen[number]})", str(shard.path)
            )
        seen[number] = shard.path
    missing = [str(n) for n in range(1, count + 1) if n not in seen]
    if missing:
        raise BuildError(
            f"shard(s) {', '.join(missing)} of {count} missing: give every shard folder"
        )
    formats = {shard.record["formats"] for shard in shards}
    if len(formats) > 1:
        raise BuildError(
            "the shards were built with different PDF settings (--no-pdf, "
            "Chromium or fonts): build them alike",
            str(shards[-1].path),
        )
    return formats.pop()


def _assemble(root: Path, folders: list[Path], output: Path, jobs: int) -> AssembleResult:
    if not folders:
        raise BuildError("no shard folder given")
    for folder in folders:
        if folder == output or folder.is_relative_to(output) or output.is_relative_to(folder):
            raise BuildError(
                "a shard folder cannot be, hold or be inside the --output "
                "folder (the assembly replaces it)",
                str(folder),
            )
    check_output(root, output)
    shards = [read_shard(folder) for folder in folders]
    locales = project_locales(root)
    with build_lock(output):
        recover(output)
        check_output(root, output)
        raw = raw_inputs(root, locales[1:])
        formats = check_shards(shards, raw.code, raw.overall())
        entries, owner = _gather(shards)
        loaded = load_inputs(root, locales, None, raw, output)
        wanted = {f"{code}/{drug}" for code in locales for drug in loaded.drugs}
        if set(entries) != wanted:
            lacking = sorted(wanted - set(entries)) or sorted(set(entries) - wanted)
            raise BuildError(
                f"the shards do not hold the project's handouts exactly "
                f"({lacking[0]}): build every shard again"
            )
        papers = loaded.policy.papers if formats != NO_PDFS else ()
        entries = {key: _printed_order(entries[key], papers) for key in sorted(entries)}
        result = AssembleResult(
            output,
            len(shards),
            len(entries),
            timings=timings_bytes([shard.record for shard in shards]),
        )
        with staged(output) as staging:
            for key, entry in entries.items():
                for name in entry.owned_files():
                    (staging / name).parent.mkdir(parents=True, exist_ok=True)
                    link(owner[key] / name, staging / name)
            result.relinked = _relink(root, staging, entries, (loaded, raw, formats), jobs)
            _write_site(staging, output, entries, raw, formats)
    result.published = sum(entry.published for entry in entries.values())
    result.drafts = len(entries) - result.published
    return result


def _gather(shards: Sequence[ShardFolder]) -> tuple[dict[str, Entry], dict[str, Path]]:
    """Every shard's entries by key, and the folder each came from; a BuildError naming
    the shard when a handout is in two."""
    entries: dict[str, Entry] = {}
    owner: dict[str, Path] = {}
    for shard in shards:
        for key, entry in shard.manifest.entries.items():
            if key in entries:
                raise BuildError(
                    f"handout {key} is in two shards (also {owner[key]})", str(shard.path)
                )
            entries[key], owner[key] = entry, shard.path
    return entries, owner


def _write_site(
    staging: Path, output: Path, entries: dict[str, Entry], raw: RawInputs, formats: str
) -> None:
    """Write the index, drafts and language pages, the report and the manifest of
    ``entries`` (their handouts are in ``staging`` already)."""
    for name, data in render_pages(entries).items():
        put(staging, None, name, data)
    names = [*page_names(entries), *(n for e in entries.values() for n in e.owned_files())]
    files = file_digests(staging, output, names, {}, set())
    put(
        staging,
        None,
        MANIFEST,
        Manifest(entries, raw.overall(), raw.code, formats, files).to_bytes(),
    )


def _printed_order(entry: Entry, papers: tuple[str, ...]) -> Entry:
    """``entry`` with its PDFs in the order a build prints them (the shard's manifest,
    JSON with sorted keys, lost it; report.json lists them in that order)."""
    if not entry.pdf:
        return entry
    order = list(handout_files(entry.locale, entry.drug, True, papers).pdfs)
    named = sorted(
        entry.pdf, key=lambda name: (order.index(name) if name in order else len(order), name)
    )
    return replace(entry, pdf={name: entry.pdf[name] for name in named})


def _relink(
    root: Path,
    staging: Path,
    entries: dict[str, Entry],
    inputs: tuple[Loaded, RawInputs, str],
    jobs: int,
) -> int:
    """Relink, as a build does, the published handouts whose links name a language
    that is a draft (a shard guessed every language published); return how many.
    ``inputs``: the project read, its hashes, the shards' PDF environment."""
    loaded, raw, formats = inputs
    stale = stale_entries(entries, loaded)
    if not stale:
        return 0
    tasks = relink_tasks(stale, jobs)
    known = known_published(entries)
    drugs = sorted({entry.drug for entry in stale})
    shared = Shared(
        str(root),
        {d: loaded.index.monograph(d) for d in loaded.drugs},
        loaded.glossary,
        loaded.safety,
        {d: raw.monographs[loaded.paths[d]][:12] for d in drugs},
        str(staging),
        None,
        loaded.policy,
        loaded.policy.base_url,
        loaded.policy.papers if formats != NO_PDFS else (),
        published_guess=known,
    )
    for entry, _ in render_all(shared, tasks, jobs, None):
        entries[entry.key] = entry
    return len(stale)
