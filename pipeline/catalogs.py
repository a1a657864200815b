"""The one adapter for gettext catalogs: the folder convention, reading, writing, merging.

Nothing else in the package imports polib. Catalogs live at
``locales/<locale>/LC_MESSAGES/handouts.po``; the template at ``locales/handouts.pot``.
Reading gives polib's reading: :mod:`pipeline.poread` reads the usual layouts fast and
leaves any other to polib; writing is :mod:`pipeline.poformat` (GNU gettext's layout);
every write is atomic and skipped when the content would not change.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import datetime as dt
import glob
import multiprocessing
import os
import re
import signal
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from multiprocessing.connection import Connection
from pathlib import Path

import polib
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog as BabelCatalog

from .errors import CatalogError, HandoutError, LocaleError
from .model import Key, Message
from .poformat import Entry, format_block, format_catalog, join_blocks
from .poread import Unusual, parse_lines, scan_usual, unescape
from .posyntax import declared_charset, syntax_errors

DOMAIN = "handouts"
LOCALES_DIR = Path("locales")
TEMPLATE_PATH = LOCALES_DIR / f"{DOMAIN}.pot"
FUZZY_THRESHOLD = 0.8  # stricter than msgmerge's 0.6: no guesses from weak matches
LOCALE_CODE = re.compile(
    r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?(?:@[a-z0-9]+)?$")

polib.unescape = unescape  # the parser looks the function up at call time


# --- locales -------------------------------------------------------------------------

def parse_locale(code: str, where: str | None = None) -> Locale:
    """A Babel Locale for a gettext locale code (``es``, ``zh_CN``, ``sr@latin``)."""
    if not LOCALE_CODE.match(code):
        raise LocaleError(f"'{code}' is not a gettext locale code (like es, zh_CN, pt_BR)",
                          where)
    try:
        return Locale.parse(code.split("@")[0])
    except (UnknownLocaleError, ValueError):
        raise LocaleError(f"unknown locale '{code}' (not in CLDR)", where) from None


def catalog_path(root: Path, locale: str) -> Path:
    return root / LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def discover_locales(root: Path) -> list[str]:
    """Locales that have a catalog folder, validated; a bad folder name is an error."""
    folder = root / LOCALES_DIR
    if not folder.is_dir():
        return []
    locales = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir():
            continue
        parse_locale(child.name, f"{LOCALES_DIR.as_posix()}/{child.name}/")
        if not catalog_path(root, child.name).is_file():
            raise CatalogError(f"locale folder without a catalog: expected LC_MESSAGES/{DOMAIN}.po",
                               f"{LOCALES_DIR.as_posix()}/{child.name}/")
        locales.append(child.name)
    return locales


@dataclass(frozen=True)
class Catalog:
    """A read PO or POT file."""

    path: str
    locale: str | None
    header: dict[str, str]
    header_comment: tuple[str, ...]
    messages: tuple[Message, ...]

    def active(self) -> list[Message]:
        return [m for m in self.messages if not m.obsolete]

    def obsolete(self) -> list[Message]:
        return [m for m in self.messages if m.obsolete]

    def lookup(self) -> dict[Key, Message]:
        return {m.key: m for m in self.messages if not m.obsolete}

    @property
    def plural_count(self) -> int:
        match = re.search(r"nplurals\s*=\s*(\d+)", self.header.get("Plural-Forms", ""))
        return int(match.group(1)) if match else 2


def _message(entry: polib.POEntry) -> Message:
    plural = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return Message(
        msgid=entry.msgid, msgstr=entry.msgstr, msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural or None, msgstr_plural=plural,
        fuzzy="fuzzy" in entry.flags, obsolete=bool(entry.obsolete),
        flags=tuple(f for f in entry.flags if f != "fuzzy"), line=entry.linenum,
        previous_msgid=entry.previous_msgid,
        comments=tuple(entry.tcomment.split("\n")) if entry.tcomment else (),
        notes=tuple(entry.comment.split("\n")) if entry.comment else (),
        references=tuple(f"{p}:{n}" if n else p for p, n in entry.occurrences),
    )


_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")


def _decode(path: Path, shown: str) -> tuple[str, str]:
    """The catalog's text and charset (as declared); refuse what is not text."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"cannot read catalog: {error.strerror}", shown) from None
    if not raw.strip():
        raise CatalogError("catalog is empty (expected at least a header entry)", shown)
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise CatalogError("not a text file (contains NUL bytes)", shown, line)
    charset = declared_charset(raw)
    try:
        return raw.decode(charset).removeprefix("\ufeff"), charset
    except LookupError:
        raise CatalogError(f"unknown charset '{charset}' in the header", shown) from None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CatalogError(f"not valid {charset} text (the header declares charset={charset})",
                           shown, line) from None


def read_catalog(path: Path, root: Path, locale: str | None = None, *,
                 comments: bool = True) -> Catalog:
    """Read a PO/POT file; any defect is a CatalogError naming the file and line.

    ``comments=False`` leaves out every entry's translator comments, extracted notes and
    references (the check and the build never read them): faster."""
    shown = Path(os.path.relpath(path, root)).as_posix()
    text, charset = _decode(path, shown)
    try:
        header, metadata, parsed = scan_usual(text, comments)  # valid by construction
    except Unusual:
        errors = syntax_errors(text)
        if errors:
            line, problem = errors[0]
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise CatalogError(f"invalid PO syntax: {problem}{more}", shown, line) from None
        try:
            header, metadata, parsed = parse_lines(text)
        except Unusual:
            header, metadata, parsed = _polib_parse(path, shown, charset)
        if not comments:
            parsed = [replace(m, comments=(), notes=(), references=()) for m in parsed]
    seen: dict[Key, int] = {}
    messages = []
    for message in parsed:
        if not message.obsolete:
            if message.key in seen:
                raise CatalogError(f"duplicate message definition (first at line "
                                   f"{seen[message.key]}): msgfmt rejects this catalog",
                                   shown, message.line)
            seen[message.key] = message.line
        messages.append(message)
    header_comment = tuple(header.split("\n")) if header else ()
    return Catalog(shown, locale, metadata, header_comment, tuple(messages))


def _polib_parse(path: Path, shown: str, charset: str
                 ) -> tuple[str, dict[str, str], list[Message]]:
    try:
        # polib reads the file itself: given a string it would split lines on U+0085,
        # U+2028 and other characters that PO files allow inside strings
        po = polib.pofile(str(path), encoding=charset, wrapwidth=0, check_for_duplicates=False)
    except (OSError, ValueError) as error:
        message = _SYNTAX_LINE.sub("", str(error)).strip().rstrip(":") or "syntax error"
        match = _SYNTAX_LINE.search(str(error))
        raise CatalogError(f"invalid PO file: {message}", shown,
                           int(match.group(1)) if match else None) from None
    return po.header, dict(po.metadata), [_message(entry) for entry in po]


def load_catalog(root: Path, locale: str, *, comments: bool = True) -> Catalog:
    return read_catalog(catalog_path(root, locale), root, locale, comments=comments)


def load_template(root: Path) -> Catalog:
    path = root / TEMPLATE_PATH
    if not path.is_file():
        raise CatalogError("no template: run `handouts extract` first", TEMPLATE_PATH.as_posix())
    return read_catalog(path, root)


# --- writing ---------------------------------------------------------------------------

def _entry(message: Message) -> Entry:
    plural = {}
    if message.msgid_plural is not None:  # a template has two empty forms
        plural = dict(enumerate(message.msgstr_plural or ("", "")))
    return Entry(
        msgid=message.msgid, msgstr=message.msgstr, msgctxt=message.msgctxt,
        msgid_plural=message.msgid_plural, msgstr_plural=plural,
        translator_comments=list(message.comments), extracted_comments=list(message.notes),
        references=list(message.references),
        flags=(["fuzzy"] if message.fuzzy else []) + list(message.flags),
        previous_msgid=message.previous_msgid if (message.fuzzy or message.obsolete) else None,
        obsolete=message.obsolete,
    )


def header_text(fields: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def render_catalog(header_comment: Iterable[str], header: dict[str, str],
                   messages: Iterable[Message]) -> str:
    """The text of a PO/POT file (GNU layout), header first and obsolete entries last."""
    return format_catalog(list(header_comment), header_text(header),
                          [_entry(m) for m in messages])


def _render(header_comment: Iterable[str], header: dict[str, str],
            messages: Iterable[Message], blocks: dict[tuple[object, ...], str]) -> str:
    """:func:`render_catalog`, reusing the text of entries already in ``blocks``."""
    messages = list(messages)
    head = Entry("", header_text(header), translator_comments=list(header_comment))
    return join_blocks([format_block(head),
                        *(_block(m, _render_key(m), blocks) for m in messages if not m.obsolete),
                        *(_block(m, _render_key(m), blocks) for m in messages if m.obsolete)])


def _block(message: Message, key: tuple[object, ...], blocks: dict[tuple[object, ...], str]
           ) -> str:
    if key not in blocks:
        blocks[key] = format_block(_entry(message))
    return blocks[key]


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` via a synced temp file and a rename; False if unchanged."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_orphans(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                    dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def _remove_orphans(path: Path) -> None:
    """Remove the temp files of earlier writes of ``path`` that were killed between
    writing and renaming: those whose writing process (named in the file) is gone."""
    for orphan in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = orphan.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            orphan.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (dead, not yet reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: leave its file alone
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            return stream.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def now_stamp() -> str:
    """The catalog date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


# --- init -------------------------------------------------------------------------------

def plural_forms(locale: str) -> str:
    """Plural-Forms for ``locale`` from Babel (CLDR plural rules)."""
    return BabelCatalog(locale=parse_locale(locale)).plural_forms


def init_catalog(root: Path, locale: str) -> Path:
    """Create ``locale``'s catalog from the template; refuse to overwrite an existing one."""
    babel_locale = parse_locale(locale)
    path = catalog_path(root, locale)
    if path.exists():
        raise CatalogError("catalog exists already; use `handouts update` to merge",
                           Path(os.path.relpath(path, root)).as_posix())
    template = load_template(root)
    header = dict(template.header)
    header.update({
        "PO-Revision-Date": now_stamp(),
        "Last-Translator": "",
        "Language-Team": f"{babel_locale.english_name} <>",
        "Language": locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(locale),
    })
    comment = (f"{babel_locale.english_name} ({babel_locale.get_display_name(babel_locale)}) "
               "translation of the patient handouts.",)
    messages = [replace(m, msgstr="", msgstr_plural=("",) * _nplurals(header)
                        if m.msgid_plural is not None else ())
                for m in template.active()]
    write_atomic(path, render_catalog(comment, header, messages))
    return path


def _nplurals(header: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


# --- update (merge), like GNU msgmerge ---------------------------------------------------

@dataclass(frozen=True)
class MergeResult:
    locale: str
    path: str
    changed: bool
    kept: int
    fuzzy_new: int
    added: int
    obsoleted: int


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
        if candidate.msgctxt != new.msgctxt or \
                (candidate.msgid_plural is None) != (new.msgid_plural is None):
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
        self.by_length = {group: sorted(members, key=lambda i: len(self.texts[i]))
                          for group, members in self.groups.items()}
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
            if total == 0 or not may_win(2 * min(len(msgid), len(text)) / total, index) \
                    or not may_win(2.0 * self._lcs(msgid, index) / total, index):
                return
            score = similarity(msgid, text)
            if score >= FUZZY_THRESHOLD and (best is None or score > best_score
                                             or (score == best_score and index < best)):
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
        for index in ordered[bisect.bisect_left(lengths, low - 1):
                             bisect.bisect_right(lengths, high + 1)]:
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


def merge(template: Catalog, catalog: Catalog, nplurals: int) -> tuple[list[Message], dict]:
    """Merge ``template`` into ``catalog``: keep, fuzzy-match, add, obsolete. Loses nothing."""
    old_active = {m.key: m for m in catalog.active()}
    old_obsolete = {m.key: m for m in catalog.obsolete()}
    wanted = {m.key for m in template.active()}
    vanished = [m for k, m in old_active.items() if k not in wanted and m.has_translation]
    vanished += [m for k, m in old_obsolete.items() if k not in wanted and m.has_translation]
    index = fuzzy_index(vanished)
    merged: list[Message] = []
    stats = {"kept": 0, "fuzzy_new": 0, "added": 0, "obsoleted": 0}
    for new in template.active():
        old = old_active.get(new.key) or old_obsolete.get(new.key)
        empty = ("",) * nplurals if new.msgid_plural is not None else ()
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
            merged.append(replace(new, msgstr="", msgstr_plural=empty, line=0))
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


def _translated(new: Message, old: Message, empty: tuple[str, ...], fuzzy: bool,
                previous_msgid: str | None) -> Message:
    """The template's entry carrying ``old``'s translation (direct: this runs per entry)."""
    return Message(new.msgid, old.msgstr, new.msgctxt, new.msgid_plural,
                   old.msgstr_plural or empty, fuzzy, new.obsolete, _flags(new, old), 0,
                   previous_msgid, old.comments, new.notes, new.references)


def _flags(new: Message, old: Message) -> tuple[str, ...]:
    """Format flags come from the template; the translator's own flags are kept."""
    own = [f for f in old.flags if not f.endswith("-format") and f not in new.flags]
    return tuple(new.flags) + tuple(own)


def _render_key(message: Message) -> tuple[object, ...]:
    """Every field the text of an entry depends on (all but ``line``)."""
    m = message
    return (m.msgid, m.msgstr, m.msgctxt, m.msgid_plural, m.msgstr_plural, m.fuzzy,
            m.obsolete, m.flags, m.previous_msgid, m.comments, m.notes, m.references)


def update_catalog(root: Path, locale: str, template: Catalog,
                   catalog: Catalog | None = None) -> MergeResult:
    """Merge ``template`` into ``locale``'s catalog (``catalog``: already read)."""
    catalog = load_catalog(root, locale) if catalog is None else catalog
    header = dict(catalog.header)
    header["POT-Creation-Date"] = template.header.get("POT-Creation-Date", "")
    header.setdefault("Plural-Forms", plural_forms(locale))
    header["Content-Type"] = "text/plain; charset=UTF-8"
    nplurals = _nplurals(header)
    merged, stats = merge(template, catalog, nplurals)
    blocks: dict[tuple[object, ...], str] = {}  # entries both versions share render once
    path = catalog_path(root, locale)
    # unchanged content: leave the file as its last editor (Poedit, msgcat) saved it
    changed = not _same_text(catalog, header, merged, blocks) and write_atomic(
        path, _render(catalog.header_comment, header, merged, blocks))
    if not changed:
        _remove_orphans(path)  # (a write removes them itself)
    return MergeResult(locale, catalog.path, changed, **stats)


def _same_text(catalog: Catalog, header: dict[str, str], merged: list[Message],
               blocks: dict[tuple[object, ...], str]) -> bool:
    """Would ``merged`` under ``header`` render exactly as ``catalog`` renders?

    Entry texts are joined by blank lines and hold none themselves (no comment has a
    line break), so two renderings are equal exactly when their headers and their
    entry texts, in order, are: a different number of entries is a difference, and
    only entries whose fields differ need rendering to compare."""
    old = [m for m in catalog.messages if not m.obsolete] + catalog.obsolete()
    new = [m for m in merged if not m.obsolete] + [m for m in merged if m.obsolete]
    if any("\n" in part for m in (*old, *new)
           for part in (*m.comments, *m.notes, *m.flags, *m.references)):
        return _render(catalog.header_comment, catalog.header, old, blocks) == \
            _render(catalog.header_comment, header, new, blocks)
    if header_text(header) != header_text(catalog.header) or len(old) != len(new):
        return False
    for before, after in zip(old, new, strict=True):
        key_before, key_after = _render_key(before), _render_key(after)
        if key_before != key_after and \
                _block(before, key_before, blocks) != _block(after, key_after, blocks):
            return False
    return True


def update_catalogs(root: Path, locales: list[str] | None = None) -> list[MergeResult]:
    """Merge the template into every (or the given) locale's catalog.

    Every catalog is read (validated) before any is written, and the error raised is
    the first in locale order. With several catalogs and cores, forked workers share
    the catalogs: each reads its own, reports, and merges them once all are valid."""
    template = load_template(root)
    chosen = locales if locales is not None else discover_locales(root)
    readable: list[str] = []
    locale_error: HandoutError | None = None
    for locale in chosen:
        try:
            parse_locale(locale)
        except HandoutError as error:
            locale_error = error  # raised unless a catalog before it is broken
            break
        readable.append(locale)
    workers = min(len(readable), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        catalogs = [load_catalog(root, locale) for locale in readable]
        if locale_error is not None:
            raise locale_error
        return [update_catalog(root, locale, template, catalog)
                for locale, catalog in zip(readable, catalogs, strict=True)]
    return _update_in_workers(root, template, readable, workers, locale_error)


_Problem = tuple[type[HandoutError], str, str | None, int | None]


def _update_in_workers(root: Path, template: Catalog, locales: list[str], workers: int,
                       locale_error: HandoutError | None) -> list[MergeResult]:
    context = multiprocessing.get_context("fork")  # workers inherit the template
    connections = []
    for group in (locales[start::workers] for start in range(workers)):
        mine, theirs = context.Pipe()
        process = context.Process(target=_update_worker,
                                  args=(theirs, root, template, group, os.getpid()))
        process.start()
        theirs.close()
        connections.append((process, mine))
    try:
        problems: dict[str, _Problem | None] = {}
        for _, connection in connections:
            problems.update(_receive(connection))
        first = next((problems[locale] for locale in locales if problems[locale]), None)
        go = first is None and locale_error is None
        results: dict[str, MergeResult] = {}
        for _, connection in connections:
            connection.send(go)
        if go:
            for _, connection in connections:
                results.update(_receive(connection))
    finally:
        for process, connection in connections:
            connection.close()
            process.join()
    if first is not None:
        kind, message, path, line = first
        raise kind(message, path, line)
    if locale_error is not None:
        raise locale_error
    return [results[locale] for locale in locales]


def _receive(connection: Connection) -> dict:
    reply = connection.recv()
    if isinstance(reply, BaseException):
        raise reply
    return reply


def _update_worker(connection: Connection, root: Path, template: Catalog,
                   locales: list[str], parent: int) -> None:
    """In a worker: read ``locales``' catalogs, report their errors (as plain data: an
    exception would lose its path and line), merge them if told to go."""
    _die_with_parent(parent)
    try:
        catalogs: dict[str, Catalog] = {}
        problems: dict[str, _Problem | None] = {}
        for locale in locales:
            try:
                catalogs[locale] = load_catalog(root, locale)
                problems[locale] = None
            except HandoutError as error:
                problems[locale] = (type(error), error.message, error.path, error.line)
        connection.send(problems)
        if connection.recv():
            connection.send({locale: update_catalog(root, locale, template, catalogs.pop(locale))
                             for locale in locales})
    except Exception as error:  # noqa: BLE001 - a bug: let the parent raise it
        connection.send(error)
    finally:
        connection.close()


def _die_with_parent(parent: int) -> None:
    """Linux: a worker is killed when the update that forked it dies (even by SIGKILL),
    so no orphan writes a catalog after the command is gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took effect
        os._exit(1)
