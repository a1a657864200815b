"""Saved catalogs brought into a built output in place, handout by handout.

After a build, :class:`InPlace` keeps the build's inputs in memory: the monographs'
index, the glossary, each catalog as last read and checked, the manifest. A saved
catalog is read again and compared entry by entry with the last reading; only the
handouts whose entries changed are rendered (the content fingerprint of
:mod:`.incremental` decides, the same one the build uses, so a later build finds them
current), then written in place, each file atomically, under the build lock. A marker
file (:data:`~.manifest.PENDING`) stands in ``output/`` while files change, so a process
killed midway makes the next build render everything again. Used through
:class:`~.build.IncrementalBuild`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..catalogs.locales import catalog_path
from ..catalogs.pofile import render_key
from ..errors import BuildError
from ..files import read_regular, write_atomic
from ..model import Key, Monograph
from .facts import translated_on
from .fingerprints import RawInputs, file_digest
from .incremental import UI_KEYS, WHOLE_CATALOG, dependent_keys
from .locale_state import LocaleState, open_locale
from .manifest import MANIFEST, PENDING, Entry, Manifest, read_manifest, write_manifest
from .pages import pages_unchanged, render_pages
from .plan import Loaded, content_base, guess_published, locale_part, published, quick_fingerprint
from .plan import stale as stale_entries
from .render_task import Shared, preload, relink_handout, render_handout
from .sources import SourceIndex
from .staging import build_lock, same, sibling
from .verify import FOREIGN, digest


@dataclass
class Update:
    """What one rebuild did."""

    rendered: list[str] = field(default_factory=list)  # handouts (locale/drug)
    written: list[str] = field(default_factory=list)  # output files with new content
    removed: list[str] = field(default_factory=list)  # output files removed
    full: bool = False  # went through the whole build
    seconds: float = 0.0


Reading = tuple[str, dict[Key, int]]  # a catalog's header part and entry hashes


def reading(state: LocaleState) -> Reading:
    """What of a read catalog a handout shows, hashed entry by entry."""
    assert state.catalog is not None and state.lookup is not None
    return (
        state.catalog.header.get("Plural-Forms", "") + "\n" + str(translated_on(state.catalog)),
        {key: hash(render_key(message)) for key, message in state.lookup.items()},
    )


def stamp(path: Path) -> tuple[int, int, int]:
    """A file's modification time, size and inode; zeros when it is missing."""
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_mtime_ns, info.st_size, info.st_ino)


class _Monographs(Mapping[str, Monograph]):
    """The parsed monographs of an index, read on first use."""

    def __init__(self, index: SourceIndex):
        self.index = index

    def __getitem__(self, drug: str) -> Monograph:
        return self.index.monograph(drug)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.infos)

    def __len__(self) -> int:
        return len(self.index.infos)


class InPlace:
    """A built output and the inputs it was built from, kept to apply catalog saves."""

    def __init__(
        self,
        root: Path,
        output: Path,
        catalogs: list[str],
        raw: RawInputs,
        loaded: Loaded,
        filtered: bool,
        preview: bool = False,
    ):
        self.root, self.output, self.catalogs = root, output, catalogs
        self.raw, self.loaded, self.filtered = raw, loaded, filtered
        self.manifest = read_manifest(output)
        self.manifest_stamp = stamp(output / MANIFEST)
        self.known = {
            code: reading(open_locale(root, code, loaded.glossary, loaded.safety, loaded.policy))
            for code in catalogs
        }
        self.key_drugs: dict[Key, set[str]] = {}
        for drug, info in loaded.index.infos.items():
            for key in info.keys:
                self.key_drugs.setdefault(key, set()).add(drug)
        self.shared = Shared(
            str(root),
            _Monographs(loaded.index),  # type: ignore[arg-type]
            loaded.glossary,
            loaded.safety,
            {d: raw.monographs[p][:12] for d, p in loaded.paths.items()},
            str(output),
            None,
            loaded.policy,
            base_url=loaded.policy.base_url,
            published_guess=guess_published(self.manifest.entries, loaded),  # no PDFs
            preview=preview,
        )

    def current(self) -> bool:
        """Whether the output is still the one this knows (no other build since)."""
        return stamp(self.output / MANIFEST) == self.manifest_stamp

    def apply(self, locales: Sequence[str], update: Update) -> None:
        """Render the handouts that the saved catalogs of ``locales`` change, and write
        them in place (HandoutError, and nothing written, when a catalog is bad)."""
        with build_lock(self.output):
            readings = {
                locale: open_locale(
                    self.root, locale, self.loaded.glossary, self.loaded.safety, self.loaded.policy
                )
                for locale in locales
            }  # may raise
            known = {locale: reading(state) for locale, state in readings.items()}
            todo = {locale: self._touched(self.known[locale], known[locale]) for locale in locales}
            raw = replace(
                self.raw,
                catalogs={
                    **self.raw.catalogs,
                    **{locale: file_digest(catalog_path(self.root, locale)) for locale in locales},
                },
            )
            staging = sibling(self.output, f"new-serve-{os.getpid()}")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()  # (a killed process's is removed by the next build)
            try:
                entries, files, gone = self._render(raw, readings, todo, staging, update)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            self._write(files, gone, entries, raw, update)
            self.raw = raw
            self.known.update(known)

    def _render(
        self,
        raw: RawInputs,
        readings: dict[str, LocaleState],
        todo: dict[str, set[str]],
        staging: Path,
        update: Update,
    ) -> tuple[dict[str, Entry], dict[str, bytes], set[str]]:
        """Render the handouts of ``todo`` into ``staging``; (entries, their files'
        bytes, files no entry owns any more)."""
        entries = dict(self.manifest.entries)
        files: dict[str, bytes] = {}
        gone: set[str] = set()
        shared = replace(self.shared, staging=str(staging), previous=str(self.output))
        with preload(readings):
            for locale, drugs in todo.items():
                part = locale_part(raw, self.loaded, locale)
                for drug in self.loaded.drugs:
                    key = f"{locale}/{drug}"
                    fingerprint = quick_fingerprint(raw, self.loaded, locale, drug, part)
                    if drug not in drugs and key in entries:
                        entries[key] = entries[key].with_fingerprints(fingerprint)
                        continue
                    entry, _ = render_handout(shared, locale, drug)
                    base = content_base(raw, self.loaded, locale, drug)
                    entry = entry.with_fingerprints(
                        fingerprint,
                        base,
                        readings[locale].content(
                            base, dependent_keys(self.shared.monographs[drug])
                        ),
                    )
                    names = entry.owned_files()
                    files.update({name: (staging / name).read_bytes() for name in names})
                    old = entries.get(key)
                    if old is not None:
                        gone.update(set(old.owned_files()) - set(names))
                    entries[key] = entry
                    update.rendered.append(key)
            for name in self._relink_stale(shared, entries):
                files[name] = (staging / name).read_bytes()  # links to languages
        return entries, files, gone

    def _relink_stale(self, shared: Shared, entries: dict[str, Entry]) -> list[str]:
        """Relink in ``shared.staging`` the published handouts of ``entries`` whose links
        to other languages are wrong (a page not staged is copied from the output);
        return the files rewritten."""
        stale = stale_entries(entries, self.loaded)
        if not stale:
            return []
        known = {drug: tuple(sorted(codes)) for drug, codes in published(entries).items()}
        relinking = replace(shared, published_guess=known)
        staging = Path(shared.staging)
        names = []
        for entry in stale:
            pages = [name for name in entry.files if name.endswith(".html")]
            for name in pages:
                if not (staging / name).exists():
                    data = read_regular(self.output / name)  # (never through a link)
                    if data is None:
                        raise BuildError(FOREIGN, str(self.output / name))
                    (staging / name).parent.mkdir(parents=True, exist_ok=True)
                    (staging / name).write_bytes(data)
            relinked, _ = relink_handout(relinking, entry)
            entries[entry.key] = relinked
            names += pages
        return names

    def _touched(self, old: Reading, new: Reading) -> set[str]:
        """The drugs whose handouts may differ between two readings of a catalog."""
        if WHOLE_CATALOG or old[0] != new[0]:
            return set(self.loaded.drugs)
        changed = {
            key for key in old[1].keys() | new[1].keys() if old[1].get(key) != new[1].get(key)
        }
        if changed & set(UI_KEYS):
            return set(self.loaded.drugs)
        return {drug for key in changed for drug in self.key_drugs.get(key, ())}

    def _write(
        self,
        files: dict[str, bytes],
        gone: set[str],
        entries: dict[str, Entry],
        raw: RawInputs,
        update: Update,
    ) -> None:
        """Write changed files in place (each atomically), then the pages and the
        manifest, with the pending marker standing while they change."""
        changed = {name: data for name, data in files.items() if not same(self.output / name, data)}
        pages = {} if pages_unchanged(self.manifest.entries, entries) else render_pages(entries)
        digests = {
            **self.manifest.files,
            **{name: digest(data) for name, data in {**files, **pages}.items()},
        }
        for name in gone:
            digests.pop(name, None)
        manifest = Manifest(
            dict(sorted(entries.items())),
            None if self.filtered else raw.overall(),
            self.raw.code,
            raw.formats,
            digests,
        )
        if not changed and not gone and not pages and manifest == self.manifest:
            return
        marker = self.output / PENDING
        marker.write_text("a preview server is writing this output\n", encoding="utf-8")
        for name, data in changed.items():
            write_atomic(self.output / name, data)
        for name, data in pages.items():
            if write_atomic(self.output / name, data):
                changed[name] = data
        for name in sorted(gone):  # a handout that became a draft, or was published
            (self.output / name).unlink(missing_ok=True)
        write_manifest(self.output, manifest)
        marker.unlink()
        self.manifest = manifest
        self.manifest_stamp = stamp(self.output / MANIFEST)
        update.written = sorted(changed)
        update.removed = sorted(gone)
