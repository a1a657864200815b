"""``handouts build``: which handouts, published or draft, incremental, atomic, parallel.

Everything is read and validated before the output is touched. The new output is
assembled in a staging folder beside it (unchanged files are hard links to the
previous ones, so they keep their inode and mtime), then swapped in with two
renames; a build that fails or is killed leaves the previous output whole, and
the next build cleans up after it. A second build with nothing changed renders
and writes nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalogs.locales import catalog_path, discover_locales
from ..catalogs.pofile import Catalog, load_catalog, write_atomic
from ..checks.coverage import count_states
from ..checks.coverage import state as entry_state
from ..checks.policy import POLICY_PATH, LocalePolicy, Policy, load_policy
from ..checks.review import NO_TRUST, Trust, trust_for
from ..checks.rules import REGISTRY, catalog_findings
from ..errors import BuildError, HandoutError, LocaleError
from ..model import Finding, Key, Message, Monograph
from ..source.glossary import GLOSSARY_PATH, Glossary, load_glossary
from ..source.interface import handout_keys
from ..source.monographs import load_monographs, monograph_files
from ..source.segments import iter_segments
from . import editions
from . import pdf as pdfs
from .bilingual import render_bilingual_html, render_bilingual_text
from .clinic import language_pages, render_index
from .facts import Facts, handout_facts
from .formats import (
    DRAFTS,
    HandoutFiles,
    english_address,
    handout_files,
    navigation,
    print_digest,
    relink,
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

PREFIX = ".handouts-build-"  # staging, previous-output and lock names (git-ignored)
MANIFEST = ".handouts-manifest.json"
REPORT = "report.json"
MANIFEST_FORMAT = 3  # 2: entries may own an edition's files; 3: and their formats
CHUNK = 50  # handouts per worker task
IN_PROCESS_BELOW = 40  # fewer handouts than this render without worker processes
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # pipeline/
Progress = Callable[[int, int], None]


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
        return _digest(self.code, self.glossary, self.policy, self.formats,
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


def open_locale(root: Path, locale: str, glossary: Glossary, safety: frozenset[Key],
                policy: Policy | None = None) -> LocaleState:
    """Read ``locale``'s catalog and check its interface strings; ``policy`` (read from
    ``root`` when not given) says whose review marks count and whether review is needed."""
    if locale == ENGLISH:
        return LocaleState(ENGLISH, None)
    catalog = load_catalog(root, locale, comments=False)  # handouts show no notes
    rules = (policy or load_policy(root)).get(locale)
    state = LocaleState(locale, catalog, catalog.lookup(), trust=trust_for(rules), policy=rules)
    whole = any(c.scope == "catalog" and c.severity == "error" for c in REGISTRY.values())
    keys = set(state.lookup) if whole else {(None, msgid) for msgid in UI_MSGIDS}
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


_held_locks: set[int] = set()  # lock descriptors, closed in forked workers


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``output`` (released by the kernel if we die)."""
    path = _sibling(output, "lock")
    output.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BuildError(f"another build is running (lock {path})") from None
    _held_locks.add(handle.fileno())
    try:
        yield
    finally:
        _held_locks.discard(handle.fileno())
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


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
        os.rename(output, old)
    os.rename(staging, output)
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
    with target.open("xb") as stream:
        stream.write(data)
    return True


def _link(old: Path, target: Path) -> None:
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


def _read_manifest(output: Path) -> dict[str, Any]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"entries": {}}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {"entries": {}}
    return data


def entry_files(entry: dict[str, Any]) -> list[str]:
    """The files one manifest entry owns: the handout in every format, its PDFs, and a
    kept edition's pair."""
    names = [*entry.get("files", (entry["html"], entry["text"])), *entry.get("pdf", {})]
    edition = entry.get("edition") or {}
    if edition.get("status") == "kept":
        names += [edition["html"], edition["text"]]
    return names


def _files_present(output: Path, entries: dict[str, Any]) -> bool:
    names = [REPORT, "index.html", f"{DRAFTS}/index.html"]
    names += [name for entry in entries.values() for name in entry_files(entry)]
    return all((output / name).is_file() for name in names)


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
    relink: tuple[dict[str, Any], ...] = ()  # entries whose pages only need new links


_shared: Shared | None = None
_per_locale: dict[str, LocaleState] = {}


def _init_worker(shared: Shared) -> None:
    global _shared
    _shared = shared
    _per_locale.clear()


def _init_pool_worker(shared: Shared) -> None:
    for descriptor in _held_locks:  # a forked copy would keep the lock after the build died
        with suppress(OSError):
            os.close(descriptor)
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
        state = _per_locale[locale] = open_locale(Path(shared.root), locale, shared.glossary,
                                                  shared.safety, shared.policy)
    if state.catalog is not None:
        keys = (s.key for drug in drugs for s in iter_segments(shared.monographs[drug]))
        check_entries(state, keys, shared.glossary, shared.safety)
    return state


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
            else None}, written


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


def _run_task(task: Task) -> list[tuple[dict[str, Any], int]]:
    assert _shared is not None, "worker not initialised"
    if task.relink:
        return [relink_handout(_shared, entry) for entry in task.relink]
    results = []
    _locale_state(_shared, task.locale, task.drugs)  # check the task's entries at once
    for drug, fingerprint in zip(task.drugs, task.fingerprints, strict=True):
        entry, written = render_handout(_shared, task.locale, drug)
        entry["fingerprint"] = fingerprint
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


def _safety_keys(monographs: list[Monograph]) -> set[Key]:
    return {s.key for m in monographs for s in iter_segments(m) if s.safety}


@dataclass(frozen=True)
class Loaded:
    """Every input of a build, read and validated (before the output is touched)."""

    monographs: dict[str, Monograph]
    drugs: list[str]  # the chosen ones
    locales: list[str]  # the chosen ones
    paths: dict[str, str]  # drug -> monograph file
    glossary: Glossary
    safety: frozenset[Key]
    policy: Policy = field(default_factory=lambda: Policy({}))

    @property
    def safety_digest(self) -> str:
        return _digest(*sorted(repr(key) for key in self.safety))


def load_inputs(root: Path, locales: list[str], drugs: Sequence[str] | None) -> Loaded:
    """Load and validate the monographs and the glossary (catalogs: see :class:`Shared`)."""
    monographs = load_monographs(root)
    by_id = {m.id: m for m in monographs}
    chosen = _select(drugs, list(by_id), "drug")
    return Loaded(by_id, chosen, locales, {m.id: m.where.path for m in monographs},
                  load_glossary(root), frozenset(_safety_keys(monographs)), load_policy(root))


def _chunks(todo: list[tuple[str, str]], parts: int) -> Iterator[list[tuple[str, str]]]:
    """``todo`` in ``parts`` near-equal slices (none empty)."""
    size = max(1, -(-len(todo) // parts))
    for start in range(0, len(todo), size):
        yield todo[start:start + size]


def plan(loaded: Loaded, raw: RawInputs, output: Path, old_entries: dict[str, Any],
         filters: tuple[bool, bool], workers: int = 1) -> tuple[dict[str, Any], list[Task]]:
    """Split the build into handouts kept as they are (entries) and handouts to render
    (tasks). A locale's handouts go to as few workers as keep every core busy, since
    each worker reads and checks the catalog of every locale it renders.
    With filters, what they exclude is kept."""
    entries: dict[str, Any] = {}
    todo_by_locale: dict[str, list[tuple[str, str]]] = {}
    for code in loaded.locales:
        locale_part = (_digest(raw.catalogs[code], raw.glossary, loaded.safety_digest,
                               raw.policy) if code != ENGLISH else "")
        todo: list[tuple[str, str]] = []
        for drug in loaded.drugs:
            fingerprint = _digest(raw.code, code, drug, raw.monographs[loaded.paths[drug]],
                                  locale_part, raw.editions.get(f"{code}/{drug}", ""),
                                  raw.formats)
            old = old_entries.get(f"{code}/{drug}")
            if old and old.get("fingerprint") == fingerprint and _files_present(
                    output, {"": old}):
                entries[f"{code}/{drug}"] = old
            else:
                todo.append((drug, fingerprint))
        if todo:
            todo_by_locale[code] = todo
    parts = max(1, workers // max(1, len(todo_by_locale)))
    tasks = [Task(code, tuple(d for d, _ in chunk), tuple(f for _, f in chunk))
             for code, todo in todo_by_locale.items()
             for chunk in _chunks(todo, parts if code != ENGLISH else -(-len(todo) // CHUNK))]
    by_locale, by_drug = filters
    for key, old in old_entries.items():
        outside = (by_locale and old["locale"] not in loaded.locales) or \
            (by_drug and old["drug"] not in loaded.drugs)
        if outside and _files_present(output, {"": old}):  # (a kept edition's files too)
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
    for descriptor in _held_locks:
        with suppress(OSError):
            os.close(descriptor)
    _die_with_parent()


def _assemble(output: Path, staging: Path, entries: dict[str, Any], shared: Shared,
              tasks: list[Task], jobs: int, progress: Progress | None,
              overall: str | None, result: BuildResult, loaded: Loaded,
              old_entries: dict[str, Any]) -> None:
    """Fill ``staging``: links to kept handouts, rendered ones, PDFs, pages, manifest."""
    previous = Path(shared.previous) if shared.previous else None
    for entry in entries.values():
        for name in entry_files(entry):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            _link(output / name, staging / name)
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
        again = [Task(code, (), (), tuple(chunk)) for code, group in by_locale.items()
                 for chunk in _chunks(group, parts)]  # type: ignore[arg-type]
        known = {drug: tuple(sorted(codes)) for drug, codes in _published(entries).items()}
        for entry, written in _render_all(replace(shared, published_guess=known), again, jobs,
                                          None):
            rendered.add(f"{entry['locale']}/{entry['drug']}")
            entries[f"{entry['locale']}/{entry['drug']}"] = entry
            result.files_written += written
    result.rendered = len(rendered)
    if any(entry["pdf"] for entry in entries.values()):
        result.pdfs = _print_pdfs(output, staging, entries, old_entries, jobs, None)
        result.files_written += result.pdfs
    for name, data in _pages(entries).items():
        result.files_written += put(staging, previous, name, data)
    manifest = {"format": MANIFEST_FORMAT, "inputs": overall,
                "entries": dict(sorted(entries.items()))}
    put(staging, previous, MANIFEST, _json(manifest))


def build(root: Path, output: Path, locales: Sequence[str] | None = None,
          drugs: Sequence[str] | None = None, jobs: int = 0,
          progress: Progress | None = None, pdf: bool = True) -> BuildResult:
    """Build the handouts of ``root`` into ``output``; raise HandoutError on bad input.
    ``pdf``: print the PDF editions (when Chromium and the fonts are there)."""
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
        if overall and manifest.get("inputs") == overall and _files_present(output, old_entries):
            result.kept = len(old_entries)
            _count(result, old_entries)
            return result  # nothing changed: parse nothing, write nothing
        loaded = load_inputs(root, chosen_locales, drugs)  # may raise: output untouched
        policy = loaded.policy
        workers = jobs if jobs > 0 else (os.cpu_count() or 1)
        entries, tasks = plan(loaded, raw, output, old_entries, (bool(locales), bool(drugs)),
                              workers)
        result.kept = len(entries)
        if not tasks and set(entries) == set(old_entries) and not _stale(entries, loaded) \
                and all(_same(output / name, data) for name, data in _pages(entries).items()):
            if not filtered:  # remember the inputs: the next build stops early
                _write_manifest_only(output, manifest, overall)
            _count(result, entries)
            return result
        staging = _sibling(output, f"new-{os.getpid()}")
        problem = pdfs.engine_problem() if pdf else None
        shared = Shared(str(root), {d: loaded.monographs[d] for d in loaded.drugs},
                        loaded.glossary, loaded.safety,
                        {d: raw.monographs[loaded.paths[d]][:12] for d in loaded.drugs},
                        str(staging), str(output) if output.is_dir() else None, loaded.policy,
                        policy.base_url, policy.papers if pdf else (), problem,
                        pdfs.font_coverage() if pdf and not problem else None,
                        _guess_published(old_entries, loaded))
        try:
            staging.mkdir()
            _assemble(output, staging, entries, shared, tasks, jobs, progress, overall, result,
                      loaded, old_entries)
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


def _write_manifest_only(output: Path, manifest: dict[str, Any], overall: str | None) -> None:
    """Record the inputs fingerprint so the next unchanged build stops early."""
    if manifest.get("inputs") == overall:
        return
    write_atomic(output / MANIFEST, _json({**manifest, "format": MANIFEST_FORMAT,
                                           "inputs": overall}).decode("utf-8"))


def _count(result: BuildResult, entries: dict[str, Any]) -> None:
    result.published = sum(e["status"] == "published" for e in entries.values())
    result.drafts = len(entries) - result.published
    result.skipped = {}
    for entry in entries.values():
        for reason, count in entry["pdf_skipped"].items():
            result.skipped[reason] = result.skipped.get(reason, 0) + count
    result.draft_entries = [e for e in entries.values() if e["status"] != "published"]
