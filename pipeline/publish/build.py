"""``handouts build``: which handouts, published or draft, incremental, atomic, parallel.

Everything is read and validated before the output is touched. The new output is
assembled in a staging folder beside it (:mod:`.staging`: unchanged files are hard
links to the previous ones, so they keep their inode and mtime), then swapped in with
two renames; a build that fails or is killed leaves the previous output whole, and the
next build cleans up after it. A second build with nothing changed renders and writes
nothing. The rooms: :mod:`.fingerprints` (the inputs' hashes), :mod:`.manifest` (what
the last build wrote), :mod:`.plan` (what to render), :mod:`.render_task` (what a
worker does), :mod:`.pages` (index pages and report), this module (the order of it all).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..catalogs.locales import catalog_path, catalogs_lock, discover_locales
from ..errors import BuildError
from ..source.glossary import GLOSSARY_PATH
from ..source.monographs import monograph_files
from . import pdf as pdfs
from . import staging as staging_files
from .fingerprints import RawInputs, raw_inputs
from .localize import ENGLISH
from .manifest import MANIFEST, Entry, Manifest, read_manifest, write_manifest
from .pages import files_present, page_names, pages_unchanged, render_pages
from .plan import (
    Loaded,
    Plan,
    guess_published,
    known_published,
    load_inputs,
    plan,
    relink_tasks,
    select,
)
from .plan import stale as stale_entries
from .rebuild import InPlace, Update
from .render_task import Progress, Shared, render_all
from .staging import (
    build_lock,
    check_output,
    link,
    named_as_output,
    output_folder,
    put,
    recover,
    same,
    staged,
)
from .verify import Audit, audit_output, file_digests


@dataclass
class BuildResult:
    """What a build did."""

    output: Path
    rendered: int = 0  # handouts rendered
    kept: int = 0  # handouts whose inputs did not change
    files_written: int = 0  # files with new content
    published: int = 0
    drafts: int = 0
    changed: bool = False  # the output folder was replaced
    pdfs: int = 0  # PDFs printed by this build
    skipped: dict[str, int] = field(default_factory=dict)  # why PDFs are missing -> how many
    draft_entries: list[Entry] = field(default_factory=list)  # manifest entries

    def draft_reasons(self, locale: str) -> str | None:
        """Why ``locale``'s handouts fell to drafts, in a few words; None if none did."""
        drafts = [e for e in self.draft_entries if e.locale == locale]
        if not drafts:
            return None
        blocking = sum(int(e.blocking_findings) for e in drafts)
        unreviewed = sum(int(e.coverage.get("unreviewed", 0)) for e in drafts)
        english = sum(int(e.missing) for e in drafts) - unreviewed
        kept = sum((e.edition or {}).get("status") == "kept" for e in drafts)
        parts = [f"{len(drafts)} draft handout(s)"]
        if blocking:
            parts.append(f"{blocking} blocking finding(s)")
        if english:
            parts.append(f"{english} text(s) shown in English")
        if unreviewed:
            parts.append(f"{unreviewed} text(s) not reviewed")
        if kept:
            parts.append(f"{kept} earlier edition(s) kept on the index")
        return ", ".join(parts)

    def count(self, entries: Mapping[str, Entry]) -> None:
        """Count what ``entries`` publish, hold as drafts and could not print."""
        self.published = sum(e.published for e in entries.values())
        self.drafts = len(entries) - self.published
        self.skipped = {}
        for entry in entries.values():
            for reason, count in entry.pdf_skipped.items():
                self.skipped[reason] = self.skipped.get(reason, 0) + count
        self.draft_entries = [e for e in entries.values() if not e.published]


def build(
    root: Path,
    output: Path,
    locales: Sequence[str] | None = None,
    drugs: Sequence[str] | None = None,
    jobs: int = 0,
    progress: Progress | None = None,
    pdf: bool = False,
    preview: bool = False,
) -> BuildResult:
    """Build the handouts of ``root`` into ``output``: :meth:`IncrementalBuild.build`."""
    return IncrementalBuild(root, output, locales, drugs, jobs, pdf, preview).build(progress)


class IncrementalBuild:
    """A project's output kept up to date. :meth:`build` is ``handouts build``;
    :meth:`rebuild` brings the output up to date after saves (``handouts serve``): in
    place, handout by handout (:mod:`.rebuild`), when only catalogs were saved since
    this object's last build; through :meth:`build` otherwise."""

    def __init__(
        self,
        root: Path,
        output: Path,
        locales: Sequence[str] | None = None,
        drugs: Sequence[str] | None = None,
        jobs: int = 0,
        pdf: bool = False,
        preview: bool = False,
    ):
        self.root, self.output = root.resolve(), output
        self.locales, self.drugs, self.jobs, self.pdf = locales, drugs, jobs, pdf
        self.preview = preview and not pdf  # serve's folder: translators' words, no PDFs
        self._in_place: InPlace | None = None

    def build(self, progress: Progress | None = None) -> BuildResult:
        """Build the handouts into the output; raise HandoutError on bad input.
        ``pdf``: also print the PDF editions, when Chromium and the fonts are there (the
        command line does unless told ``--no-pdf``; library callers ask for them).

        The catalogs are read under the catalogs' shared lock (no update writes them
        meanwhile); a file-system failure (a full disk, a folder that cannot be written)
        is a BuildError naming the file, and leaves the previous output as it was."""
        self._in_place = None
        root = self.root
        output = output_folder(root, self.output)
        # (a staging file is named as the output's file it becomes)
        with catalogs_lock(root, shared=True), named_as_output(root, output):
            return _build(
                root, output, self.locales, self.drugs, self.jobs, progress, self.pdf, self.preview
            )

    def catalogs(self) -> list[str]:
        """The locales whose catalogs this build renders."""
        if self._in_place is not None:
            return self._in_place.catalogs
        found = discover_locales(self.root)
        return [c for c in found if c in self.locales] if self.locales else found

    def inputs(self) -> list[Path]:
        """The files and folders whose saves may change the output."""
        paths = [catalog_path(self.root, code) for code in self.catalogs()]
        paths += [self.root / GLOSSARY_PATH, *monograph_files(self.root)]
        paths.append(self.root / "locales")  # a new catalog folder
        return paths

    def rebuild(self, changed: Sequence[str]) -> Update:
        """Bring the output up to date with the saved files ``changed`` (paths as
        :meth:`inputs` gives them); HandoutError, the output as it was, on bad input."""
        started = time.perf_counter()
        catalogs = {str(catalog_path(self.root, code)): code for code in self.catalogs()}
        state = self._in_place
        if (
            state is not None
            and changed
            and all(name in catalogs for name in changed)
            and state.current()
        ):
            update = Update()
            state.apply([catalogs[name] for name in changed], update)
        else:
            self.build()
            self._in_place = self._remember()
            update = Update(full=True)
        update.seconds = time.perf_counter() - started
        return update

    def _remember(self) -> InPlace | None:
        """What the build read, kept for the next saves (None with a drug filter)."""
        if self.drugs:
            return None
        found = discover_locales(self.root)
        chosen = self.catalogs()
        output = output_folder(self.root, self.output)
        raw = raw_inputs(self.root, found, preview=self.preview)
        loaded = load_inputs(self.root, [ENGLISH, *chosen], None, raw, output)
        return InPlace(self.root, output, chosen, raw, loaded, bool(self.locales), self.preview)


def _build(
    root: Path,
    output: Path,
    locales: Sequence[str] | None,
    drugs: Sequence[str] | None,
    jobs: int,
    progress: Progress | None,
    pdf: bool,
    preview: bool = False,
) -> BuildResult:
    root, output = root.resolve(), output.resolve()
    check_output(root, output)
    catalogs = discover_locales(root)
    if ENGLISH in catalogs:
        raise BuildError(
            "English is the source language: its handouts come from the "
            "monographs, not a catalog (remove this folder)",
            f"locales/{ENGLISH}/",
        )
    chosen_locales = select(locales, [ENGLISH, *catalogs], "locale")
    result = BuildResult(output)
    with build_lock(output):
        recover(output)
        check_output(root, output)
        manifest = read_manifest(output)
        audit = audit_output(output, manifest)  # every file as the manifest says?
        raw = raw_inputs(root, [c for c in chosen_locales if c != ENGLISH], pdf, preview)
        overall = None if locales or drugs else raw.overall()
        if (
            overall
            and manifest.inputs == overall
            and manifest.formats == raw.formats
            and audit.complete(manifest)
            and files_present(output, manifest.entries)
        ):
            result.kept = len(manifest.entries)
            result.count(manifest.entries)
            return result  # nothing changed: parse nothing, write nothing
        loaded = load_inputs(root, chosen_locales, drugs, raw, output)  # may raise: output
        # untouched
        return _build_planned(
            root,
            output,
            loaded,
            raw,
            (manifest, audit),
            (locales, drugs),
            jobs,
            progress,
            result,
            pdf,
            preview,
        )


def _build_planned(
    root: Path,
    output: Path,
    loaded: Loaded,
    raw: RawInputs,
    previous: tuple[Manifest, Audit],
    filters: tuple[Sequence[str] | None, Sequence[str] | None],
    jobs: int,
    progress: Progress | None,
    result: BuildResult,
    pdf: bool = False,
    preview: bool = False,
) -> BuildResult:
    """The build once its inputs are read: plan, then render into a staging folder
    and swap it in (or write only the manifest when no handout changes). ``previous``:
    the output's manifest and what of the output is as it says."""
    manifest, audit = previous
    locales, drugs = filters
    filtered = bool(locales or drugs)
    overall = None if filtered else raw.overall()
    planned = plan(
        loaded, raw, audit.verified, manifest.entries, (bool(locales), bool(drugs)), root
    )
    entries = planned.entries
    result.kept = len(entries)
    if (
        not planned.tasks
        and set(entries) == set(manifest.entries)
        and not stale_entries(entries, loaded)
        and audit.complete(manifest)
        and _pages_current(output, manifest, entries, raw.code)
    ):
        if not filtered:  # remember the inputs: the next build stops early
            _write_manifest_only(
                output, manifest, Manifest(entries, overall, raw.code, raw.formats, manifest.files)
            )
        result.count(entries)
        return result
    with staged(output) as staging:
        shared = _shared(root, output, staging, (loaded, raw), planned, previous, (pdf, preview))
        staging_files.written()  # (forget what an abandoned build wrote)
        _assemble(
            output, staging, shared, planned, jobs, progress, result, previous, loaded, raw.code
        )
        names = [*page_names(entries), *(n for e in entries.values() for n in e.owned_files())]
        digests = file_digests(
            staging, output, names, manifest.files, audit.verified, staging_files.written()
        )
        written = Manifest(dict(entries), overall, raw.code, raw.formats, digests)
        kept_from = Path(shared.previous) if shared.previous else None
        put(staging, kept_from, MANIFEST, written.to_bytes())
    result.changed = True
    result.count(entries)
    return result


def _shared(
    root: Path,
    output: Path,
    staging: Path,
    inputs: tuple[Loaded, RawInputs],
    planned: Plan,
    previous: tuple[Manifest, Audit],
    options: tuple[bool, bool],
) -> Shared:
    """What every render worker of the build shares. ``inputs``: the project read and
    its hashes; ``previous``: the output's manifest and its verified files;
    ``options``: whether PDFs are printed, whether this is serve's preview."""
    loaded, raw = inputs
    manifest, audit = previous
    pdf, preview = options
    rendered = {drug for task in planned.tasks for drug in task.drugs}
    problem = pdfs.engine_problem() if pdf else pdfs.NOT_ASKED
    kept_pdfs = {
        name: info["digest"]
        for entry in manifest.entries.values()
        for name, info in entry.pdf.items()
        if name in audit.verified
    }
    return Shared(
        str(root),
        {d: loaded.index.monograph(d) for d in sorted(rendered)},
        loaded.glossary,
        loaded.safety,
        {d: raw.monographs[loaded.paths[d]][:12] for d in loaded.drugs},
        str(staging),
        str(output) if output.is_dir() else None,
        loaded.policy,
        loaded.policy.base_url,
        loaded.policy.papers if pdf or kept_pdfs else (),
        problem,
        pdfs.font_coverage() if pdf and not problem else None,
        guess_published(manifest.entries, loaded),
        kept_pdfs,
        preview,
    )


def _assemble(
    output: Path,
    staging: Path,
    shared: Shared,
    planned: Plan,
    jobs: int,
    progress: Progress | None,
    result: BuildResult,
    previous_output: tuple[Manifest, Audit],
    loaded: Loaded,
    code: str,
) -> None:
    """Fill ``staging`` (all but the manifest): links to kept handouts, rendered ones,
    relinked ones, PDFs, pages; ``planned.entries`` become the new entries.
    ``previous_output``: the previous manifest (its pages are linked when they would not
    change) and the files of the output that are as it says (only those are linked)."""
    old, audit = previous_output
    entries = planned.entries
    _link_kept(output, staging, entries)
    rendered = set()
    for entry, written in render_all(shared, planned.tasks, jobs, progress, planned.readings):
        rendered.add(entry.key)
        entries[entry.key] = entry
        result.files_written += written
    rendered |= _relink(shared, entries, loaded, (jobs, planned), result)
    result.rendered = len(rendered)
    if any(entry.all_pdfs() for entry in entries.values()):
        result.pdfs = print_pdfs(output, staging, entries, (old.entries, audit.verified), jobs)
        result.files_written += result.pdfs
    previous = Path(shared.previous) if shared.previous else None
    if (
        previous is not None
        and old.code == code
        and pages_unchanged(old.entries, entries)
        and all(name in audit.verified for name in page_names(entries))
    ):
        for name in page_names(entries):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            link(previous / name, staging / name)
    else:
        for name, data in render_pages(entries).items():
            result.files_written += put(staging, previous, name, data)


def _link_kept(output: Path, staging: Path, entries: Mapping[str, Entry]) -> None:
    """Link the files of the kept handouts (``entries``) from the output."""
    folders: set[str] = set()
    into, source = str(staging), str(output)
    for entry in entries.values():  # (strings, not Paths: 20,000 links at N=1000)
        for name in entry.owned_files():
            folder = name.rpartition("/")[0]
            if folder not in folders:
                os.makedirs(os.path.join(into, folder), exist_ok=True)
                folders.add(folder)
            link(os.path.join(source, name), os.path.join(into, name))


def _relink(
    shared: Shared,
    entries: dict[str, Entry],
    loaded: Loaded,
    work: tuple[int, Plan],
    result: BuildResult,
) -> set[str]:
    """Render again the handouts linked with a wrong guess of the other published
    languages (:func:`.plan.stale`); return their keys. ``work``: the jobs, the plan
    (its catalog readings are reused)."""
    jobs, planned = work
    stale = stale_entries(entries, loaded)
    if not stale:
        return set()
    again = relink_tasks(stale, jobs)
    known = known_published(entries)
    relinked = set()
    for entry, written in render_all(
        replace(shared, published_guess=known), again, jobs, None, planned.readings
    ):
        relinked.add(entry.key)
        entries[entry.key] = entry
        result.files_written += written
    return relinked


def print_pdfs(
    output: Path,
    staging: Path,
    entries: Mapping[str, Entry],
    previous: tuple[Mapping[str, Entry], set[str]],
    jobs: int,
) -> int:
    """Print the PDFs whose page changed (others are linked from the previous output,
    when as its manifest says: ``previous``, its entries and verified files); return
    how many were printed."""
    old_entries, verified = previous
    todo = []
    for key, entry in entries.items():
        before_entry = old_entries.get(key)
        old = before_entry.all_pdfs() if before_entry is not None else {}
        for name, info in entry.all_pdfs().items():
            target = staging / name
            if target.exists():
                continue  # a kept handout's, linked already
            before = old.get(name)
            if before and before["digest"] == info["digest"] and name in verified:
                link(output / name, target)
                continue
            own = name in entry.pdf  # else its kept edition's
            files = entry.files if own else (entry.edition or {}).get("files", ())
            texts = [entry.text if own else (entry.edition or {})["text"]] + [
                f
                for f in files
                if f.endswith(".bilingual.txt") and info["html"].endswith(".bilingual.html")
            ]
            used = "".join({c for f in texts for c in (staging / f).read_text("utf-8")})
            html = str(staging / info["html"])
            todo.append(pdfs.PdfJob(html, str(target), info["paper"], used, str(staging)))
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    pdfs.render_pdfs(todo, workers)
    return len(todo)


def _pages_current(
    output: Path, manifest: Manifest, entries: Mapping[str, Entry], code: str
) -> bool:
    """Whether the pages in ``output`` (verified: as the manifest says) are those
    ``entries`` give (without rendering them when the manifest proves it)."""
    if manifest.code == code and pages_unchanged(manifest.entries, entries):
        return all(name in manifest.files for name in page_names(entries))
    pages = render_pages(entries)
    return set(pages) <= set(manifest.files) and all(
        same(output / name, data) for name, data in pages.items()
    )


def _write_manifest_only(output: Path, old: Manifest, new: Manifest) -> None:
    """Record the inputs fingerprint (and the entries' newer quick fingerprints) so the
    next unchanged build stops early."""
    if (old.inputs, old.entries, old.formats) != (new.inputs, new.entries, new.formats):
        write_manifest(output, new)
