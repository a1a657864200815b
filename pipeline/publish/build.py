"""``handouts build``: which handouts, published or draft, incremental, atomic, parallel.

Everything is read and validated before the output is touched. The new output is
assembled in a staging folder beside it (unchanged files are hard links to the
previous ones, so they keep their inode and mtime), then swapped in with two
renames; a build that fails or is killed leaves the previous output whole, and
the next build cleans up after it. A second build with nothing changed renders
and writes nothing.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from ..catalogs.locales import catalog_path, catalogs_lock, discover_locales
from ..catalogs.pofile import Catalog, check_shapes, load_catalog, write_atomic
from ..checks.coverage import count_states
from ..checks.coverage import state as entry_state
from ..checks.policy import POLICY_PATH, LocalePolicy, Policy, load_policy
from ..checks.review import NO_TRUST, Trust, trust_for
from ..checks.rules import catalog_findings
from ..errors import BuildError, HandoutError, LocaleError
from ..files import close_inherited_locks, inside_project, project_lock
from ..model import Finding, Key, Message, Monograph
from ..source.glossary import GLOSSARY_PATH, Glossary, load_glossary
from ..source.interface import handout_keys, interface_shapes
from ..source.monographs import load_monographs, monograph_files
from ..source.segments import iter_segments
from . import editions
from . import pdf as pdfs
from .bilingual import render_bilingual_html, render_bilingual_text
from .clinic import language_page_names, language_pages, render_index
from .facts import Facts, handout_facts, translated_on
from .formats import (
    DRAFTS,
    HandoutFiles,
    english_address,
    handout_files,
    navigation,
    print_digest,
    relink,
)
from .incremental import (
    UI_KEYS,
    WHOLE_CATALOG,
    CatalogDigests,
    content_fingerprint,
    dependent_keys,
    present_files,
)
from .localize import ENGLISH, UI_MSGIDS, Handout, Interface, interface_for, localize
from .render import (
    Listing,
    main_of,
    render_drafts,
    render_html,
    render_navigation,
    render_text,
)
from .sources import MonographInfo, SourceIndex, load_index

PREFIX = ".handouts-build-"  # staging, previous-output and lock names (git-ignored)
MANIFEST = ".handouts-manifest.json"
REPORT = "report.json"
MANIFEST_FORMAT = 3  # 2: entries may own an edition's files; 3: and their formats
CHUNK = 50  # handouts per worker task
IN_PROCESS_BELOW = 40  # fewer handouts than this render without worker processes
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # pipeline/
Progress = Callable[[int, int], None]
T = TypeVar("T")


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
    draft_entries: list[dict[str, Any]] = field(default_factory=list)  # manifest entries

    def draft_reasons(self, locale: str) -> str | None:
        """Why ``locale``'s handouts fell to drafts, in a few words; None if none did."""
        drafts = [e for e in self.draft_entries if e["locale"] == locale]
        if not drafts:
            return None
        blocking = sum(int(e["blocking_findings"]) for e in drafts)
        unreviewed = sum(int(e["coverage"].get("unreviewed", 0)) for e in drafts)
        english = sum(int(e["missing"]) for e in drafts) - unreviewed
        kept = sum((e.get("edition") or {}).get("status") == "kept" for e in drafts)
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


# --- fingerprints --------------------------------------------------------------------

def _digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"


SHAPING_LIBRARIES = ("babel", "jinja2", "markupsafe", "wcwidth")


def tool_versions() -> dict[str, str]:
    """The libraries that shape the output, with their versions: recorded in
    ``report.json`` and the manifest, never printed on a handout."""
    found = {}
    for name in SHAPING_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "?"
    return found


def code_digest() -> str:
    """The renderer itself: package code, templates, and the libraries that shape output."""
    files = sorted(p for p in PACKAGE_DIR.rglob("*.py") if "bench" not in p.parts) \
        + sorted((PACKAGE_DIR / "templates").glob("*"))
    parts: list[str] = [__version__]
    parts += [f"{name}={found}" for name, found in tool_versions().items()]
    parts += [f"{path.relative_to(PACKAGE_DIR)}:{_file_digest(path)}" for path in files]
    return _digest(*parts)


@dataclass(frozen=True)
class RawInputs:
    """Hashes of every input file, read as bytes (no parsing: the no-op check is quick)."""

    code: str
    glossary: str
    monographs: dict[str, str]  # relative path -> sha256
    catalogs: dict[str, str]  # locale -> sha256
    policy: str = ""  # handouts.yaml: who must review, whose marks count, base_url, paper
    editions: dict[str, str] = field(default_factory=dict)  # "locale/drug" -> record sha256
    formats: str = ""  # what PDFs depend on outside the project (pdf.environment_signature)

    def overall(self) -> str:
        """The project's inputs (the PDF environment, ``formats``, is recorded apart: a
        bundle compares an output with its project whichever way it was built)."""
        return _digest(self.code, self.glossary, self.policy,
                       *(f"{k}={v}" for k, v in sorted(self.monographs.items())),
                       *(f"{k}={v}" for k, v in sorted(self.catalogs.items())),
                       *(f"{k}={v}" for k, v in sorted(self.editions.items())))


def raw_inputs(root: Path, locales: list[str], pdf: bool = False) -> RawInputs:
    records = root / editions.EDITIONS_DIR
    recorded = {f"{path.parent.name}/{path.stem}": _file_digest(path)
                for path in sorted(records.glob("*/*.json"))} if records.is_dir() else {}
    return RawInputs(
        code_digest(), _file_digest(root / GLOSSARY_PATH),
        {path.relative_to(root).as_posix(): _file_digest(path) for path in monograph_files(root)},
        {locale: _file_digest(catalog_path(root, locale)) for locale in locales},
        _file_digest(root / POLICY_PATH), recorded,
        pdfs.environment_signature() if pdf else "no PDFs")


# --- inputs --------------------------------------------------------------------------

@dataclass
class LocaleState:
    """One locale in one process: its catalog, read once, and the entries checked so far.

    Only the entries that the handouts being rendered use are checked (the interface
    strings first): publication depends on their error findings alone, so a build that
    re-renders one handout does not check a whole catalog."""

    locale: str
    catalog: Catalog | None  # None: English
    lookup: dict[Key, Message] | None = None
    blocked: dict[Key, tuple[str, ...]] = field(default_factory=dict)  # -> checks that erred
    errors: dict[Key, list[Finding]] = field(default_factory=dict)  # error findings per entry
    checked: set[Key] = field(default_factory=set)
    interface: Interface = field(default_factory=Interface)
    trust: Trust = NO_TRUST
    policy: LocalePolicy | None = None

    @property
    def needs_review(self) -> bool:
        return self.policy is not None and self.policy.needs_review

    def usable(self, key: Key) -> bool:
        """Whether the entry's translation may be published (ready, no error)."""
        assert self.lookup is not None
        status = entry_state(self.lookup.get(key), self.trust)
        ready = status == "reviewed" or (status == "translated" and not self.needs_review)
        return ready and key not in self.blocked
    digests: CatalogDigests | None = None

    def content(self, base: str, keys: Iterable[Key]) -> str:
        """The content fingerprint of a handout in this locale that uses ``keys``."""
        if self.catalog is None:
            return base
        if self.digests is None:
            self.digests = CatalogDigests(self.catalog, self.lookup,
                                          str(translated_on(self.catalog)))
        return content_fingerprint(base, self.digests, keys)


def open_locale(root: Path, locale: str, glossary: Glossary, safety: frozenset[Key],
                policy: Policy | None = None, shapes: Mapping[Key, bool] | None = None
                ) -> LocaleState:
    """Read ``locale``'s catalog and check its interface strings; ``policy`` (read from
    ``root`` when not given) says whose review marks count and whether review is needed;
    ``shapes`` says which texts the handouts use singular (False) and plural (True): an
    entry of the other shape is an error (it would render empty)."""
    if locale == ENGLISH:
        return LocaleState(ENGLISH, None)
    catalog = load_catalog(root, locale, comments=False)  # handouts show no notes
    check_shapes(catalog, shapes if shapes is not None else interface_shapes())
    rules = (policy or load_policy(root)).get(locale)
    state = LocaleState(locale, catalog, catalog.lookup(), trust=trust_for(rules), policy=rules)
    keys = set(state.lookup) if WHOLE_CATALOG else {(None, msgid) for msgid in UI_MSGIDS}
    check_entries(state, keys, glossary, safety)
    state.interface = interface_for(catalog, state.blocked, state.trust, rules.needs_review)
    return state


def check_entries(state: LocaleState, keys: Iterable[Key], glossary: Glossary,
                  safety: frozenset[Key]) -> None:
    """Check the entries of ``keys`` not checked yet; record the blocked ones."""
    assert state.catalog is not None and state.lookup is not None
    wanted = {key for key in keys if key not in state.checked and key in state.lookup}
    if not wanted:
        return
    state.checked |= wanted
    subset = replace(state.catalog, messages=tuple(state.lookup[key] for key in wanted))
    findings = catalog_findings(state.locale, subset, glossary, set(safety))
    by_line = {state.lookup[key].text_line: key for key in wanted}
    for finding in findings:
        if finding.severity == "error" and finding.where and finding.where.line in by_line:
            key = by_line[finding.where.line]
            state.errors.setdefault(key, []).append(finding)
            state.blocked[key] = tuple(dict.fromkeys((*state.blocked.get(key, ()),
                                                      finding.check)))


def _select(wanted: Sequence[str] | None, available: list[str], what: str) -> list[str]:
    if not wanted:
        return available
    unknown = [item for item in dict.fromkeys(wanted) if item not in available]
    if unknown:
        kind = LocaleError if what == "locale" else BuildError
        shown = ", ".join(available[:10]) + (", ..." if len(available) > 10 else "")
        raise kind(f"unknown {what} '{unknown[0]}' (available: {shown})")
    return [item for item in available if item in wanted]


# --- output folder: lock, recovery, staging, swap --------------------------------------

def _sibling(output: Path, suffix: str) -> Path:
    return output.parent / f"{PREFIX}{output.name}.{suffix}"


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``output`` (released by the kernel if we die)."""
    path = _sibling(output, "lock")
    output.parent.mkdir(parents=True, exist_ok=True)
    with project_lock(path, "another build is running", kind=BuildError):
        yield


def recover(output: Path) -> None:
    """Undo an interrupted build: drop staging folders; restore a previous output."""
    for stale in output.parent.glob(f"{PREFIX}{output.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    previous = sorted(output.parent.glob(f"{PREFIX}{output.name}.old-*"),
                      key=lambda p: p.stat().st_mtime)
    if previous and not output.exists():
        os.rename(previous.pop(), output)
    for stale in previous:
        shutil.rmtree(stale, ignore_errors=True)


def _swap(staging: Path, output: Path) -> None:
    old = _sibling(output, f"old-{os.getpid()}")
    if output.exists():
        try:
            os.rename(output, old)
        except OSError as error:
            if error.errno in (errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES):
                raise BuildError(f"{MOUNT_POINT} ({error.strerror}); the previous output is "
                                 "unchanged", output.name) from None
            raise
    try:
        os.rename(staging, output)
    except BaseException:
        if old.exists() and not output.exists():
            os.rename(old, output)  # put the previous output back
        raise
    shutil.rmtree(old, ignore_errors=True)


def put(staging: Path, previous: Path | None, relative: str, data: bytes) -> bool:
    """Write ``data`` at ``staging/relative``; link the previous file if it is the same.
    Return True when new content was written."""
    target = staging / relative
    if not staging.is_dir():  # removed by a later build: this one was abandoned
        raise BuildError("the staging folder has vanished", str(staging))
    target.parent.mkdir(parents=True, exist_ok=True)
    if previous is not None:
        old = previous / relative
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                _link(old, target)
                return False
        except FileNotFoundError:
            pass
    try:
        with target.open("xb") as stream:
            stream.write(data)
    except OSError as error:  # (a failed write names no file: name it)
        raise OSError(error.errno, error.strerror, str(target)) from None
    return True


def _link(old: Path | str, target: Path | str) -> None:
    try:
        os.link(old, target)
    except OSError:  # no hard links on this file system: copy, keeping the mtime
        shutil.copy2(old, target)


def _shown(path: Path, root: Path) -> str:
    """``path`` as the user knows it: relative to the project when inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _check_output(root: Path, output: Path) -> None:
    """Refuse an output folder the swap could destroy: the project, or foreign files."""
    protected = [root / "source", root / "locales", root / "pipeline",
                 root / editions.EDITIONS_DIR]
    if output == root or output in root.parents or any(
            p == output or output in p.parents or p in output.parents for p in protected):
        raise BuildError("the output folder must not contain or be inside the project's "
                         "sources", _shown(output, root))
    if output.exists() and not output.is_dir():
        raise BuildError("the output path exists and is not a folder", _shown(output, root))
    if output.is_dir() and not (output / MANIFEST).is_file() and any(output.iterdir()):
        raise BuildError(f"the output folder has files not made by `handouts build` (no "
                         f"{MANIFEST}); empty it or choose another --output",
                         _shown(output, root))


PENDING = ".handouts-preview-pending"  # `handouts serve` is rewriting files in place


def _read_manifest(output: Path) -> dict[str, Any]:
    """The previous build's manifest; none when a preview server died mid-update (its
    files may be newer than the manifest says: render everything again)."""
    if (output / PENDING).exists():
        return {"entries": {}}
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"entries": {}}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {"entries": {}}
    return data


PAGES = (REPORT, "index.html", f"{DRAFTS}/index.html")


def entry_files(entry: dict[str, Any]) -> list[str]:
    """The files one manifest entry owns: the handout in every format, its PDFs, and a
    kept edition's pair."""
    names = [*entry.get("files", (entry["html"], entry["text"])), *entry.get("pdf", {})]
    edition = entry.get("edition") or {}
    if edition.get("status") == "kept":
        names += [edition["html"], edition["text"]]
    return names


def _files_present(output: Path, entries: dict[str, Any]) -> bool:
    names = [*PAGES, *(name for entry in entries.values() for name in entry_files(entry))]
    return all((output / name).is_file() for name in names)


def _has_files(entry: dict[str, Any], present: set[str]) -> bool:
    return all(name in present for name in entry_files(entry))


# --- rendering (in worker processes or in-process) ---------------------------------------

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
    papers: tuple[str, ...] = ()  # PDF sizes; () when PDFs are off
    pdf_problem: str | None = None  # why no PDF can be made at all
    coverage: pdfs.Coverage | None = None  # the installed fonts
    published_guess: dict[str, tuple[str, ...]] = field(default_factory=dict)  # drug -> locales


@dataclass(frozen=True)
class Task:
    locale: str
    drugs: tuple[str, ...]
    fingerprints: tuple[str, ...]
    bases: tuple[str, ...] = ()  # the part of each content fingerprint the catalog lacks
    relink: tuple[dict[str, Any], ...] = ()  # entries whose pages only need new links


_shared: Shared | None = None
_per_locale: dict[str, LocaleState] = {}
_preloaded: dict[str, LocaleState] = {}  # catalogs the planner read (forked workers inherit)


def _init_worker(shared: Shared) -> None:
    global _shared
    _shared = shared
    _per_locale.clear()


def _init_pool_worker(shared: Shared) -> None:
    close_inherited_locks()  # a forked copy would keep the lock after the build died
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the build stops its workers
    _init_worker(shared)
    _die_with_parent()


def _die_with_parent() -> None:
    """Linux: a worker is killed when the build that started it dies (even by SIGKILL),
    so no orphan keeps writing into a staging folder the next build removes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _locale_state(shared: Shared, locale: str, drugs: Iterable[str]) -> LocaleState:
    """A locale's state in this process, with the entries of ``drugs`` checked."""
    state = _per_locale.get(locale)
    if state is None:
        state = _preloaded.pop(locale, None) or open_locale(
            Path(shared.root), locale, shared.glossary, shared.safety, shared.policy,
            _shapes(shared))
        _per_locale[locale] = state
    if state.catalog is not None:
        keys = (s.key for drug in drugs for s in iter_segments(shared.monographs[drug]))
        check_entries(state, keys, shared.glossary, shared.safety)
    return state


def _shapes(shared: Shared) -> dict[Key, bool]:
    return text_shapes(s.key for m in shared.monographs.values() for s in iter_segments(m))


def text_shapes(segment_keys: Iterable[Key]) -> dict[Key, bool]:
    """Every text the build renders: the monographs' (singular: ``segment_keys``) and the
    interface's (some plural). Once per catalog read: a few milliseconds at most."""
    shapes = interface_shapes()
    shapes.update((key, False) for key in segment_keys)
    return shapes


def _coverage(handout: Handout, state: LocaleState) -> dict[str, float | int]:
    """The handout's texts in the four states of the check (``blocked``: of those
    translated, held back by an error; ``ready``: publishable), counted alike."""
    keys = handout_keys(handout.monograph)
    if state.lookup is None:
        counts = count_states(keys, lambda key: "translated")
    else:
        lookup, trust = state.lookup, state.trust
        counts = count_states(keys, lambda key: entry_state(lookup.get(key), trust))
    ready = handout.total - handout.missing
    return {"untranslated": counts.untranslated, "fuzzy": counts.fuzzy,
            "translated": counts.translated, "reviewed": counts.reviewed,
            "blocked": handout.count("blocked"), "unreviewed": handout.count("unreviewed"),
            "ready": ready, "total": counts.total,
            "percent": round(counts.percent, 2),
            "percent_ready": round(100 * ready / handout.total, 2) if handout.total else 100.0}


def _findings(handout: Handout, state: LocaleState) -> list[dict[str, Any]]:
    """The error findings that hold the handout's texts back, with their catalog line."""
    found = [f for key in handout.states for f in state.errors.get(key, ())]
    return [{"check": f.check, "message": f.message, "where": str(f.where)}
            for f in sorted(found, key=lambda f: (f.where.line if f.where else 0, f.check))]


def _write_pair(shared: Shared, folder: str, drug: str, handout: Handout,
                interface: Interface, facts: Facts) -> tuple[str, str, int]:
    english = "../" * (folder.count("/") + 1) + f"{ENGLISH}/{drug}"
    revision = facts.revision
    staging, previous = Path(shared.staging), Path(shared.previous) if shared.previous else None
    html, text = f"{folder}/{drug}.html", f"{folder}/{drug}.txt"
    written = put(staging, previous, html, render_html(
        handout, interface, revision, f"{english}.html", facts=facts,
        english_address=english_address(drug, shared.base_url, text=False)).encode("utf-8"))
    written += put(staging, previous, text, render_text(
        handout, interface, revision, english_address(drug, shared.base_url, text=True),
        facts=facts).encode("utf-8"))
    return html, text, int(written)


def _write_formats(shared: Shared, locale: str, drug: str, handout: Handout,
                   interface: Interface, facts: Facts
                   ) -> tuple[HandoutFiles, int, dict[str, Any], dict[str, int], dict[str, str]]:
    """Write a published handout in every format: standard, large print and (for a
    translation) bilingual HTML, text and bilingual text; (its files, files written, the
    PDFs to print with the digest of their page, PDFs skipped by reason, the other
    languages it links to)."""
    files = handout_files(locale, drug, True, shared.papers)
    english_href = f"../{ENGLISH}/{drug}.html"
    revision = facts.revision
    staging, previous = Path(shared.staging), Path(shared.previous) if shared.previous else None
    address, text_address = (english_address(drug, shared.base_url, text=False),
                             english_address(drug, shared.base_url, text=True))
    text = render_text(handout, interface, revision, text_address, facts=facts)
    written = put(staging, previous, files.text, text.encode("utf-8"))
    others = {code: handout_files(code, drug, True).html
              for code in shared.published_guess.get(drug, ()) if code != locale}
    english = localize(shared.monographs[drug]) if locale != ENGLISH else None
    printed = text
    if english is not None and files.bilingual_text:
        bilingual_text = render_bilingual_text(handout, english, interface, revision,
                                               text_address, facts=facts)
        written += put(staging, previous, files.bilingual_text, bilingual_text.encode("utf-8"))
        printed += bilingual_text
    made: list[str] = []
    skipped: dict[str, int] = {}
    if files.pdfs:
        reason = shared.pdf_problem or pdfs.missing_fonts(printed, shared.coverage)
        if reason:
            skipped[reason] = len(files.pdfs)
        else:
            made = list(files.pdfs)
    pages: dict[str, str] = {}
    for edition in ("standard", "large", "bilingual"):
        page = files.html_of(edition)
        if page is None:
            continue
        nav = navigation(files, edition, page, made, others, shared.papers)
        if edition == "bilingual":
            assert english is not None
            pages[page] = render_bilingual_html(handout, english, interface, revision,
                                                english_href, nav=nav, english_address=address,
                                                facts=facts)
        else:  # the large print's body is the standard edition's, rendered once
            pages[page] = render_html(
                handout, interface, revision, english_href, facts=facts, edition=edition,
                nav=nav, english_address=address,
                main_html=main_of(pages[files.html]) if edition == "large" else None)
    for page, html in pages.items():
        written += put(staging, previous, page, html.encode("utf-8"))
    pdf = {name: {"html": files.pdfs[name][0], "paper": files.pdfs[name][1],
                  "digest": print_digest(pages[files.pdfs[name][0]])} for name in made}
    return files, int(written), pdf, skipped, others


def render_handout(shared: Shared, locale: str, drug: str) -> tuple[dict[str, Any], int]:
    """Render one handout into the staging folder, in every format when it is published
    (its PDFs are printed later, from the HTML: :func:`_print_pdfs`); (manifest entry,
    files written). A translation that is a draft because the English changed keeps its
    last published edition (``editions/``) in its place, or has it withdrawn."""
    state = _locale_state(shared, locale, [drug])
    monograph = shared.monographs[drug]
    handout = localize(monograph, locale, state.lookup, state.blocked, state.interface)
    revision = shared.revisions[drug]
    facts = handout_facts(monograph, revision, handout_keys(monograph), state.lookup,
                          state.trust, state.catalog)
    published = handout.published
    if published:
        files, written, made, skipped, others = _write_formats(
            shared, locale, drug, handout, state.interface, facts)
    else:
        html, text, written = _write_pair(shared, f"{DRAFTS}/{locale}", drug, handout,
                                          state.interface, facts)
        files, made, skipped, others = HandoutFiles(html, text), {}, {}, {}
    entry: dict[str, Any] = {
        "locale": locale, "drug": drug, "title": monograph.title.text,
        "status": "published" if published else "draft", "html": files.html,
        "text": files.text, "files": files.written(),
        "pdf": made, "pdf_skipped": skipped, "languages": sorted(others),
        "reviewed": monograph.reviewed.isoformat() if monograph.reviewed else None,
        "coverage": _coverage(handout, state), "missing": handout.missing,
        "blocking_findings": sum(len(state.errors.get(key, ())) for key in handout.states),
        "findings": _findings(handout, state),
        "review": {"fully_reviewed": facts.fully_reviewed, "reviewers": list(facts.reviewers),
                   "reviewed": facts.reviewed.isoformat() if facts.reviewed else None},
    }
    if not published and locale != ENGLISH:
        edition, extra = _edition(shared, state, monograph, revision)
        if edition:
            entry["edition"] = edition
        written += extra
    return entry, written


def _edition(shared: Shared, state: LocaleState, monograph: Monograph, revision: str
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
    shown = None if reason else _edition_handout(shared, state, recorded, old)
    if isinstance(shown, str) or shown is None:
        return {"status": "withdrawn", "published": recorded.published.isoformat(),
                "reason": reason or shown}, 0
    handout, interface = shown
    facts = replace(recorded.facts, edition=recorded.published)
    html, text, written = _write_pair(shared, state.locale, monograph.id, handout, interface,
                                      facts)
    return {"status": "kept", "published": recorded.published.isoformat(), "html": html,
            "text": text, "fully_reviewed": recorded.facts.fully_reviewed,
            "reviewers": list(recorded.facts.reviewers),
            "reviewed": recorded.facts.reviewed.isoformat() if recorded.facts.reviewed
            else None, "facts_not_shown": list(recorded.facts.problems)}, written


def _edition_handout(shared: Shared, state: LocaleState, recorded: editions.Edition,
                     old: Monograph) -> tuple[Handout, Interface] | str:
    """The edition as a handout, its texts re-checked now; or why it cannot be shown."""
    assert state.lookup is not None
    lookup = {key: message for key, message in state.lookup.items()
              if key[0] is None and key[1] in UI_MSGIDS and state.usable(key)}
    lookup.update(recorded.texts)  # the edition's own texts first, exactly as published
    catalog = Catalog(recorded.path, state.locale, {"Plural-Forms": recorded.plural_forms},
                      (), tuple(lookup.values()))
    safety = {s.key for s in iter_segments(old) if s.safety}
    errors = [f for f in catalog_findings(state.locale, catalog, shared.glossary, safety)
              if f.severity == "error"]
    if errors:
        return f"the edition's texts fail a check now: [{errors[0].check}] {errors[0].message}"
    interface = interface_for(catalog)
    handout = localize(old, state.locale, lookup, {}, interface)
    if not handout.published:
        return "the edition lacks a text the handout shows now (a new interface text)"
    return handout, interface


def relink_handout(shared: Shared, entry: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Give a published handout's staged pages the links to the languages it is now
    known to be published in (``shared.published_guess``); nothing else changes."""
    locale, drug = entry["locale"], entry["drug"]
    interface = _locale_state(shared, locale, ()).interface
    files = handout_files(locale, drug, True, shared.papers)
    others = {code: handout_files(code, drug, True).html
              for code in shared.published_guess.get(drug, ()) if code != locale}
    staging = Path(shared.staging)
    previous = Path(shared.previous) if shared.previous else None
    written = 0
    for edition in ("standard", "large", "bilingual"):
        page = files.html_of(edition)
        if page is None:
            continue
        nav = navigation(files, edition, page, list(entry["pdf"]), others, shared.papers)
        html = (staging / page).read_text(encoding="utf-8")
        relinked = relink(html, render_navigation(nav, interface))
        (staging / page).unlink()  # maybe a link to the previous output: never write into it
        written += put(staging, previous, page, relinked.encode("utf-8"))
    return {**entry, "languages": sorted(others)}, written


def relink_stale(shared: Shared, entries: dict[str, Any], loaded: Loaded) -> list[str]:
    """Relink in place, in ``shared.staging``, the published handouts of ``entries``
    whose links to other languages are wrong (for ``handouts serve``, which renders
    one handout at a time); a page not staged is copied from ``shared.previous``.
    Return the files rewritten."""
    stale = _stale(entries, loaded)
    if not stale:
        return []
    known = {drug: tuple(sorted(codes)) for drug, codes in _published(entries).items()}
    relinking = replace(shared, published_guess=known)
    staging = Path(shared.staging)
    names = []
    for entry in stale:
        pages = [name for name in entry["files"] if name.endswith(".html")]
        for name in pages:
            if not (staging / name).exists() and shared.previous:
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(shared.previous) / name, staging / name)
        relinked, _ = relink_handout(relinking, entry)
        entries[f"{entry['locale']}/{entry['drug']}"] = relinked
        names += pages
    return names


def _run_task(task: Task) -> list[tuple[dict[str, Any], int]]:
    assert _shared is not None, "worker not initialised"
    if task.relink:
        return [relink_handout(_shared, entry) for entry in task.relink]
    results = []
    _locale_state(_shared, task.locale, task.drugs)  # check the task's entries at once
    state = _per_locale[task.locale]
    for drug, fingerprint, base in zip(task.drugs, task.fingerprints, task.bases, strict=True):
        entry, written = render_handout(_shared, task.locale, drug)
        entry["fingerprint"], entry["base"] = fingerprint, base
        entry["content"] = state.content(base, dependent_keys(_shared.monographs[drug]))
        results.append((entry, written))
    return results


def _render_all(shared: Shared, tasks: list[Task], jobs: int,
                progress: Progress | None) -> list[tuple[dict[str, Any], int]]:
    total = sum(len(task.drugs) or len(task.relink) for task in tasks)
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    results: list[tuple[dict[str, Any], int]] = []
    if workers <= 1 or total < IN_PROCESS_BELOW:
        _init_worker(shared)
        for task in tasks:
            results += _run_task(task)
            if progress:
                progress(len(results), total)
        return results
    with ProcessPoolExecutor(min(workers, len(tasks)), initializer=_init_pool_worker,
                             initargs=(shared,)) as pool:
        for future in as_completed([pool.submit(_run_task, task) for task in tasks]):
            results += future.result()
            if progress:
                progress(len(results), total)
    return results


# --- the build -----------------------------------------------------------------------

def _listing(entry: dict[str, Any]) -> Listing:
    return Listing(entry["locale"], entry["drug"], entry["title"], entry["status"],
                   entry["html"], entry["text"], entry["reviewed"],
                   float(entry["coverage"]["percent"]), int(entry["missing"]),
                   int(entry["blocking_findings"]), entry["coverage"],
                   tuple(entry.get("findings", ())), entry.get("edition"), entry.get("review"),
                   tuple(entry["files"]),
                   tuple((name, pdf["html"], pdf["paper"])
                         for name, pdf in sorted(entry["pdf"].items())))


def _report(entries: dict[str, Any]) -> dict[str, Any]:
    locales: dict[str, dict[str, Any]] = {}
    for entry in sorted(entries.values(), key=lambda e: (e["locale"], e["drug"])):
        locales.setdefault(entry["locale"], {})[entry["drug"]] = {
            "status": entry["status"], "html": entry["html"], "text": entry["text"],
            "editions": entry_files(entry), "pdf_skipped": entry["pdf_skipped"],
            "coverage": entry["coverage"], "blocking_findings": entry["blocking_findings"],
            "findings": entry.get("findings", []), "review": entry.get("review"),
            "edition": entry.get("edition")}
    return {"generator": f"handouts {__version__}", "tools": tool_versions(), "locales": locales}


def _pages(entries: dict[str, Any]) -> dict[str, bytes]:
    listings = [_listing(entry) for entry in entries.values()]
    report = json.dumps(_report(entries), ensure_ascii=False, indent=2, sort_keys=True)
    pages = {"index.html": render_index(listings).encode("utf-8"),
             f"{DRAFTS}/index.html": render_drafts(listings).encode("utf-8"),
             REPORT: (report + "\n").encode("utf-8")}
    pages.update({name: page.encode("utf-8") for name, page in language_pages(listings).items()})
    return pages


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
        return _digest(*sorted(repr(key) for key in self.safety))


def load_inputs(root: Path, locales: list[str], drugs: Sequence[str] | None,
                raw: RawInputs | None = None, output: Path | None = None) -> Loaded:
    """Load and validate the monographs and the glossary (catalogs: see :class:`Shared`).
    With the ``raw`` hashes and the ``output``, unchanged monographs are not parsed."""
    if raw is None or output is None:
        monographs = load_monographs(root)
        index = SourceIndex(root, {m.id: MonographInfo.of(m, "") for m in monographs},
                            {m.id: m for m in monographs})
    else:
        index = load_index(root, raw.monographs, _sibling(output, "sources.json"), raw.code)
    chosen = _select(drugs, list(index.infos), "drug")
    return Loaded(index, chosen, locales, load_glossary(root), index.safety(),
                  load_policy(root))


def _chunks(todo: list[T], parts: int) -> Iterator[list[T]]:
    """``todo`` in ``parts`` near-equal slices (none empty)."""
    size = max(1, -(-len(todo) // parts))
    for start in range(0, len(todo), size):
        yield todo[start:start + size]


def _locale_part(raw: RawInputs, loaded: Loaded, code: str) -> str:
    return (_digest(raw.catalogs[code], raw.glossary, loaded.safety_digest, raw.policy)
            if code != ENGLISH else "")


def quick_fingerprint(raw: RawInputs, loaded: Loaded, code: str, drug: str,
                      locale_part: str | None = None) -> str:
    """A handout's inputs as file hashes (its whole catalog): no parsing needed."""
    part = _locale_part(raw, loaded, code) if locale_part is None else locale_part
    return _digest(raw.code, code, drug, raw.monographs[loaded.paths[drug]], part,
                   raw.editions.get(f"{code}/{drug}", ""), raw.formats)


def content_base(raw: RawInputs, loaded: Loaded, code: str, drug: str) -> str:
    """A handout's inputs but its catalog entries (:meth:`LocaleState.content` adds them)."""
    return _digest(raw.code, code, drug, raw.monographs[loaded.paths[drug]], raw.glossary,
                   loaded.safety_digest, raw.policy, raw.editions.get(f"{code}/{drug}", ""),
                   raw.formats)


def plan(loaded: Loaded, raw: RawInputs, output: Path, old_entries: dict[str, Any],
         filters: tuple[bool, bool], workers: int = 1, root: Path | None = None
         ) -> tuple[dict[str, Any], list[Task]]:
    """Split the build into handouts kept as they are (entries) and handouts to render
    (tasks). A locale's handouts go to as few workers as keep every core busy, since
    each worker reads and checks the catalog of every locale it renders.
    With filters, what they exclude is kept.

    A handout whose quick fingerprint (the catalog file's hash) changed is kept when its
    content fingerprint (the entries it uses: :mod:`.incremental`) did not: the planner
    reads that catalog once (given ``root``), and the renderers reuse the reading."""
    entries: dict[str, Any] = {}
    todo_by_locale: dict[str, list[tuple[str, str, str]]] = {}
    present = present_files(output)
    for code in loaded.locales:
        locale_part = _locale_part(raw, loaded, code)
        todo: list[tuple[str, str, str]] = []
        state: LocaleState | None = None
        for drug in loaded.drugs:
            fingerprint = quick_fingerprint(raw, loaded, code, drug, locale_part)
            old = old_entries.get(f"{code}/{drug}")
            if old and old.get("fingerprint") == fingerprint and _has_files(old, present):
                entries[f"{code}/{drug}"] = old
                continue
            base = content_base(raw, loaded, code, drug) if code != ENGLISH else fingerprint
            if old and old.get("content") and old.get("base") == base and root is not None \
                    and code != ENGLISH and not WHOLE_CATALOG and _has_files(old, present):
                # (only the catalog changed: read it, once, to compare the entries)
                if state is None:
                    state = _preloaded[code] = open_locale(
                        root, code, loaded.glossary, loaded.safety, loaded.policy,
                        text_shapes(key for info in loaded.index.infos.values()
                                    for key in info.keys))
                keys = (*loaded.index.infos[drug].keys, *UI_KEYS)
                if state.content(base, keys) == old["content"]:
                    entries[f"{code}/{drug}"] = {**old, "fingerprint": fingerprint}
                    continue
            todo.append((drug, fingerprint, base))
        if todo:
            todo_by_locale[code] = todo
    parts = max(1, workers // max(1, len(todo_by_locale)))
    tasks = [Task(code, tuple(d for d, _, _ in chunk), tuple(f for _, f, _ in chunk),
                  tuple(b for _, _, b in chunk))
             for code, todo in todo_by_locale.items()
             for chunk in _chunks(todo, parts if code != ENGLISH else -(-len(todo) // CHUNK))]
    by_locale, by_drug = filters
    for key, old in old_entries.items():
        outside = (by_locale and old["locale"] not in loaded.locales) or \
            (by_drug and old["drug"] not in loaded.drugs)
        if outside and _has_files(old, present):
            entries[key] = old
    return entries, tasks


def _guess_published(old_entries: dict[str, Any], loaded: Loaded) -> dict[str, tuple[str, ...]]:
    """Which locales each drug is published in, as far as the previous build knew (a
    locale it did not build counts as published). A handout links to its other
    published languages before the build knows them all; :func:`_stale` finds the
    pages whose guess was wrong, and they are rendered again."""
    guess: dict[str, set[str]] = {}
    for drug in loaded.drugs:
        guess[drug] = {code for code in loaded.locales
                       if old_entries.get(f"{code}/{drug}", {}).get("status", "published")
                       == "published"}
    for entry in old_entries.values():
        if entry["status"] == "published" and entry["drug"] in guess:
            guess[entry["drug"]].add(entry["locale"])
    return {drug: tuple(sorted(codes)) for drug, codes in guess.items()}


def _published(entries: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in entries.values():
        if entry["status"] == "published":
            found.setdefault(entry["drug"], set()).add(entry["locale"])
    return found


def _stale(entries: dict[str, Any], loaded: Loaded) -> list[dict[str, Any]]:
    """Published handouts of the selection whose links to other languages are wrong."""
    published = _published(entries)
    return [entry for entry in entries.values() if entry["status"] == "published"
            and entry["locale"] in loaded.locales and entry["drug"] in loaded.drugs
            and set(entry["languages"]) != published[entry["drug"]] - {entry["locale"]}]


def _print_pdfs(output: Path, staging: Path, entries: dict[str, Any],
                old_entries: dict[str, Any], jobs: int, progress: Progress | None) -> int:
    """Print the PDFs whose page changed (others are linked from the previous output);
    return how many were printed."""
    todo = []
    for key, entry in entries.items():
        old = old_entries.get(key, {}).get("pdf", {})
        for name, info in entry["pdf"].items():
            target = staging / name
            if target.exists():
                continue  # a kept handout's, linked already
            before = old.get(name)
            if before and before["digest"] == info["digest"] and (output / name).is_file():
                _link(output / name, target)
                continue
            texts = [entry["text"]] + [f for f in entry["files"] if f.endswith(".bilingual.txt")
                                       and info["html"].endswith(".bilingual.html")]
            used = "".join({c for f in texts for c in (staging / f).read_text("utf-8")})
            todo.append(pdfs.PdfJob(str(staging / info["html"]), str(target), info["paper"],
                                    used))
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    pdfs.render_pdfs(todo, workers, _init_pdf_worker, progress)
    return len(todo)


def _init_pdf_worker() -> None:
    close_inherited_locks()  # a forked copy would keep the lock after the build died
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the build stops its workers
    _die_with_parent()


def _assemble(output: Path, staging: Path, entries: dict[str, Any], shared: Shared,
              tasks: list[Task], jobs: int, progress: Progress | None,
              overall: str | None, result: BuildResult, old: dict[str, Any],
              loaded: Loaded, formats: str = "") -> None:
    """Fill ``staging``: links to kept handouts, rendered ones, relinked ones, PDFs,
    pages, manifest. ``old``: the previous manifest (its pages are linked when they
    would not change)."""
    previous = Path(shared.previous) if shared.previous else None
    folders: set[str] = set()
    into, source = str(staging), str(output)
    for entry in entries.values():  # (strings, not Paths: 20,000 links at N=1000)
        for name in entry_files(entry):
            folder = name.rpartition("/")[0]
            if folder not in folders:
                os.makedirs(os.path.join(into, folder), exist_ok=True)
                folders.add(folder)
            _link(os.path.join(source, name), os.path.join(into, name))
    rendered = set()
    for entry, written in _render_all(shared, tasks, jobs, progress):
        rendered.add(f"{entry['locale']}/{entry['drug']}")
        entries[f"{entry['locale']}/{entry['drug']}"] = entry
        result.files_written += written
    stale = _stale(entries, loaded)
    if stale:  # linked with a wrong guess of the other published languages: relink
        by_locale: dict[str, list[dict[str, Any]]] = {}
        for entry in stale:
            by_locale.setdefault(entry["locale"], []).append(entry)
        parts = max(1, (jobs if jobs > 0 else (os.cpu_count() or 1)) // len(by_locale))
        again = [Task(code, (), (), relink=tuple(chunk)) for code, group in by_locale.items()
                 for chunk in _chunks(group, parts)]  # type: ignore[arg-type]
        known = {drug: tuple(sorted(codes)) for drug, codes in _published(entries).items()}
        for entry, written in _render_all(replace(shared, published_guess=known), again, jobs,
                                          None):
            rendered.add(f"{entry['locale']}/{entry['drug']}")
            entries[f"{entry['locale']}/{entry['drug']}"] = entry
            result.files_written += written
    result.rendered = len(rendered)
    if any(entry["pdf"] for entry in entries.values()):
        result.pdfs = _print_pdfs(output, staging, entries, old.get("entries", {}), jobs, None)
        result.files_written += result.pdfs
    code = code_digest()
    if previous is not None and old.get("code") == code and \
            pages_unchanged(old.get("entries", {}), entries):
        for name in page_names(entries):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            _link(previous / name, staging / name)
    else:
        for name, data in _pages(entries).items():
            result.files_written += put(staging, previous, name, data)
    manifest = {"format": MANIFEST_FORMAT, "inputs": overall, "code": code, "formats": formats,
                "entries": dict(sorted(entries.items()))}
    put(staging, previous, MANIFEST, _json(manifest))


_NOT_SHOWN = ("fingerprint", "content", "base")  # entry fields no page shows


def pages_unchanged(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the index pages and the report of ``new`` entries are those of ``old``."""
    if old.keys() != new.keys():
        return False
    for key, entry in new.items():
        before = old[key]
        if before is not entry and any(before.get(name) != value for name, value in
                                       entry.items() if name not in _NOT_SHOWN):
            return False
    return True


def build(root: Path, output: Path, locales: Sequence[str] | None = None,
          drugs: Sequence[str] | None = None, jobs: int = 0,
          progress: Progress | None = None, pdf: bool = False) -> BuildResult:
    """Build the handouts of ``root`` into ``output``; raise HandoutError on bad input.
    ``pdf``: also print the PDF editions, when Chromium and the fonts are there (the
    command line does unless told ``--no-pdf``; library callers ask for them).

    The catalogs are read under the catalogs' shared lock (no update writes them
    meanwhile); a file-system failure (a full disk, a folder that cannot be written)
    is a BuildError naming the file, and leaves the previous output as it was."""
    root = root.resolve()
    output = output_folder(root, output)
    with catalogs_lock(root, shared=True):
        try:
            return _build(root, output, locales, drugs, jobs, progress, pdf)
        except OSError as error:
            raise _file_error(error, root, output) from None
        except BuildError as error:  # a staging file is named as the output file it makes
            if error.path is None or PREFIX not in error.path:
                raise
            raise BuildError(error.message, _as_output(error.path, root, output),
                             error.line) from None


def output_folder(root: Path, output: Path) -> Path:
    """The real output folder: one inside the project (as written) must stay inside it
    through any symbolic link; one outside was chosen by the user. A mount point is
    refused (the swap renames the folder)."""
    absolute = Path(os.path.abspath(output if output.is_absolute() else root / output))
    if absolute == root or absolute.is_relative_to(root):
        try:
            real = inside_project(root, absolute, "the output folder")
        except HandoutError as error:
            raise BuildError(error.message, error.path) from None
    else:
        real = absolute.resolve()
    if real.is_dir() and os.path.ismount(real):
        raise BuildError(MOUNT_POINT, _shown(real, root))
    return real


MOUNT_POINT = ("the output folder is a mount point, which the build cannot replace (it "
               "builds beside the folder and renames): build into a folder inside it "
               "(--output output/site) or mount its parent")


def _file_error(error: OSError, root: Path, output: Path) -> BuildError:
    """A file-system failure as the user sees it: the file named as in ``output``."""
    name = str(error.filename or "")
    shown = _as_output(name, root, output) if name else _shown(output, root)
    return BuildError(f"cannot write: {error.strerror or error}; the previous output is "
                      "unchanged", shown)


def _as_output(name: str, root: Path, output: Path) -> str:
    """A path in a staging folder, named as the file of ``output`` it becomes."""
    name = re.sub(re.escape(f"{PREFIX}{output.name}.") + r"(?:new|old)-\d+", output.name, name)
    return _shown(Path(name), root)


def _build(root: Path, output: Path, locales: Sequence[str] | None,
           drugs: Sequence[str] | None, jobs: int, progress: Progress | None,
           pdf: bool) -> BuildResult:
    root, output = root.resolve(), output.resolve()
    _check_output(root, output)
    catalogs = discover_locales(root)
    if ENGLISH in catalogs:
        raise BuildError("English is the source language: its handouts come from the "
                         "monographs, not a catalog (remove this folder)", f"locales/{ENGLISH}/")
    chosen_locales = _select(locales, [ENGLISH, *catalogs], "locale")
    result = BuildResult(output)
    with build_lock(output):
        recover(output)
        _check_output(root, output)
        manifest = _read_manifest(output)
        old_entries: dict[str, Any] = manifest.get("entries", {})
        raw = raw_inputs(root, [c for c in chosen_locales if c != ENGLISH], pdf)
        filtered = bool(locales or drugs)
        overall = None if filtered else raw.overall()
        if overall and manifest.get("inputs") == overall and \
                manifest.get("formats") == raw.formats and _files_present(output, old_entries):
            result.kept = len(old_entries)
            _count(result, old_entries)
            return result  # nothing changed: parse nothing, write nothing
        loaded = load_inputs(root, chosen_locales, drugs, raw, output)  # may raise: output
        # untouched
        workers = jobs if jobs > 0 else (os.cpu_count() or 1)
        try:
            return _build_planned(root, output, loaded, raw, manifest, (locales, drugs),
                                  workers, jobs, progress, result, pdf)
        finally:
            _preloaded.clear()


def _build_planned(root: Path, output: Path, loaded: Loaded, raw: RawInputs,
                   manifest: dict[str, Any], filters: tuple[Sequence[str] | None,
                                                         Sequence[str] | None],
                   workers: int, jobs: int, progress: Progress | None,
                   result: BuildResult, pdf: bool = False) -> BuildResult:
    """The build once its inputs are read: plan, then render into a staging folder
    and swap it in (or write only the manifest when no handout changes)."""
    locales, drugs = filters
    filtered = bool(locales or drugs)
    overall = None if filtered else raw.overall()
    old_entries: dict[str, Any] = manifest.get("entries", {})
    entries, tasks = plan(loaded, raw, output, old_entries, (bool(locales), bool(drugs)),
                          workers, root)
    result.kept = len(entries)
    if not tasks and set(entries) == set(old_entries) and not _stale(entries, loaded) \
            and _pages_current(output, manifest, entries):
        if not filtered:  # remember the inputs: the next build stops early
            _write_manifest_only(output, manifest, overall, entries, raw.formats)
        _count(result, entries)
        return result
    staging = _sibling(output, f"new-{os.getpid()}")
    rendered = {drug for task in tasks for drug in task.drugs}
    problem = pdfs.engine_problem() if pdf else None
    shared = Shared(str(root), {d: loaded.index.monograph(d) for d in sorted(rendered)},
                    loaded.glossary, loaded.safety,
                    {d: raw.monographs[loaded.paths[d]][:12] for d in loaded.drugs},
                    str(staging), str(output) if output.is_dir() else None, loaded.policy,
                    loaded.policy.base_url, loaded.policy.papers if pdf else (), problem,
                    pdfs.font_coverage() if pdf and not problem else None,
                    _guess_published(old_entries, loaded))
    try:
        staging.mkdir()
        _assemble(output, staging, entries, shared, tasks, jobs, progress, overall, result,
                  manifest, loaded, raw.formats)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.changed = True
    _count(result, entries)
    return result


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def page_names(entries: dict[str, Any]) -> list[str]:
    """The pages ``entries`` give: the index, the drafts page, the report, and one page
    per language with a handout to show."""
    return [*PAGES, *language_page_names(_listing(entry) for entry in entries.values())]


def _pages_current(output: Path, manifest: dict[str, Any], entries: dict[str, Any]) -> bool:
    """Whether the pages in ``output`` are those ``entries`` give (without rendering them
    when the manifest proves it)."""
    if manifest.get("code") == code_digest() and pages_unchanged(
            manifest.get("entries", {}), entries):
        return all((output / name).is_file() for name in page_names(entries))
    return all(_same(output / name, data) for name, data in _pages(entries).items())


def _write_manifest_only(output: Path, manifest: dict[str, Any], overall: str | None,
                         entries: dict[str, Any], formats: str = "") -> None:
    """Record the inputs fingerprint (and the entries' newer quick fingerprints) so the
    next unchanged build stops early."""
    if manifest.get("inputs") == overall and manifest.get("entries") == entries and \
            manifest.get("formats") == formats:
        return
    write_atomic(output / MANIFEST, _json({**manifest, "format": MANIFEST_FORMAT,
                                           "inputs": overall, "code": code_digest(),
                                           "formats": formats,
                                           "entries": dict(sorted(entries.items()))}
                                          ).decode("utf-8"))


def _count(result: BuildResult, entries: dict[str, Any]) -> None:
    result.published = sum(e["status"] == "published" for e in entries.values())
    result.drafts = len(entries) - result.published
    result.skipped = {}
    for entry in entries.values():
        for reason, count in entry["pdf_skipped"].items():
            result.skipped[reason] = result.skipped.get(reason, 0) + count
    result.draft_entries = [e for e in entries.values() if e["status"] != "published"]
