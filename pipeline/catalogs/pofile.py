"""Reading and writing PO and POT files: the one module that uses polib.

Reading gives polib's reading: :mod:`.poread` reads the usual layouts fast and leaves
any other to polib; writing is :mod:`.poformat` (GNU gettext's layout); every write is
atomic and skipped when the content would not change (``pipeline.files`` writes it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import polib

from .. import clock
from ..errors import CatalogError
from ..files import digest, read_regular_file, replace_if_unchanged
from ..files import prepare_file as prepare_file  # (where catalogs take them from)
from ..files import remove_orphans as remove_orphans
from ..files import write_atomic as write_atomic
from ..model import Key, Message
from ..text.normalize import is_nfc, nfc
from .locales import TEMPLATE_PATH, catalog_file, catalog_path, template_file
from .plurals import PluralFormsError, PluralRule, parse_plural_forms
from .poformat import Entry, format_block, format_catalog, join_blocks
from .poread import Unusual, parse_lines, scan_usual, unescape
from .posyntax import declared_charset, syntax_errors

polib.unescape = unescape  # the parser looks the function up at call time
DEFAULT_RULE = PluralRule(2, "n != 1")  # a catalog without Plural-Forms: English's


@dataclass(frozen=True)
class Catalog:
    """A read PO or POT file."""

    path: str
    locale: str | None
    header: dict[str, str]
    header_comment: tuple[str, ...]
    messages: tuple[Message, ...]
    digest: str | None = None  # sha256 of the bytes read (None: not read from a file, or
    # read without comments, a reading never written back)

    def active(self) -> list[Message]:
        return [m for m in self.messages if not m.obsolete]

    def obsolete(self) -> list[Message]:
        return [m for m in self.messages if m.obsolete]

    def lookup(self) -> dict[Key, Message]:
        return {m.key: m for m in self.messages if not m.obsolete}

    @property
    def plural_rule(self) -> PluralRule:
        """The header's plural rule (validated when read); English's when it has none."""
        value = self.header.get("Plural-Forms")
        return parse_plural_forms(value) if value else DEFAULT_RULE

    @property
    def plural_count(self) -> int:
        return self.plural_rule.count


def _message(entry: polib.POEntry) -> Message:
    plural = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return Message(
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural or None,
        msgstr_plural=plural,
        fuzzy="fuzzy" in entry.flags,
        obsolete=bool(entry.obsolete),
        flags=tuple(f for f in entry.flags if f != "fuzzy"),
        line=entry.linenum,
        previous_msgid=entry.previous_msgid,
        comments=tuple(entry.tcomment.split("\n")) if entry.tcomment else (),
        notes=tuple(entry.comment.split("\n")) if entry.comment else (),
        references=tuple(f"{p}:{n}" if n else p for p, n in entry.occurrences),
    )


_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")


def _decode(path: Path, shown: str, with_digest: bool = True) -> tuple[str, str, str | None]:
    """The catalog's text, charset (as declared) and digest (when asked); refuse what is
    not text."""
    try:
        raw = read_regular_file(path)
    except OSError as error:
        raise CatalogError(f"cannot read catalog: {error.strerror}", shown) from None
    return *_text(raw, shown), digest(raw) if with_digest else None


def _text(raw: bytes, shown: str) -> tuple[str, str]:
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
        raise CatalogError(
            f"not valid {charset} text (the header declares charset={charset})", shown, line
        ) from None


def read_catalog(
    path: Path, root: Path, locale: str | None = None, *, comments: bool = True
) -> Catalog:
    """Read a PO/POT file; any defect is a CatalogError naming the file and line.

    ``comments=False`` leaves out every entry's extracted notes and references (the check
    and the build never read them): faster. Such a reading is never written back (it
    lacks the notes), so it has no digest either (its cost: docs/speed.md): a write that
    expects none refuses to replace an existing file. Translator comments, which hold
    the review marks (:mod:`.marks`), are always read."""
    shown = Path(os.path.relpath(path, root)).as_posix()
    text, charset, read_digest = _decode(path, shown, with_digest=comments)
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
            parsed = [replace(m, notes=(), references=()) for m in parsed]
    forms = _plural_forms(metadata, text, shown)
    if not is_nfc(text):
        parsed = [_nfc(message) for message in parsed]
    seen: dict[Key, Message] = {}
    messages = []
    for message in parsed:
        if (
            not message.obsolete
            and forms
            and message.msgid_plural is not None
            and len(message.msgstr_plural) != forms
        ):
            raise CatalogError(
                f"{len(message.msgstr_plural)} plural form(s), but the "
                f"header's Plural-Forms says nplurals={forms}: msgfmt "
                "rejects this catalog",
                shown,
                message.text_line,
            )
        first = seen.get(message.key)
        if first is not None:  # GNU tools count obsolete entries too
            raise CatalogError(_duplicate(first, message), shown, message.line)
        seen[message.key] = message
        messages.append(message)
    header_comment = tuple(header.split("\n")) if header else ()
    return Catalog(shown, locale, metadata, header_comment, tuple(messages), read_digest)


def _duplicate(first: Message, again: Message) -> str:
    if not (first.obsolete or again.obsolete):
        return (
            f"duplicate message definition (first at line {first.line}): msgfmt "
            "rejects this catalog"
        )
    which = "obsolete (#~) " if again.obsolete else ""
    other = "obsolete " if first.obsolete else ""
    return (
        f"duplicate message definition: this {which}entry has the msgid of the "
        f"{other}entry at line {first.line} (msgfmt rejects this catalog; an update "
        "would keep only one translation): keep the one you want, delete the other"
    )


def _nfc(message: Message) -> Message:
    """``message`` with its keys (msgctxt, msgid, msgid_plural, the previous msgid) in
    Unicode NFC, as the template's: an editor may save a catalog decomposed (NFD). The
    translation stays exactly as written; the checks compare it in NFC."""

    def maybe(text: str | None) -> str | None:
        return None if text is None else nfc(text)

    return replace(
        message,
        msgid=nfc(message.msgid),
        msgctxt=maybe(message.msgctxt),
        msgid_plural=maybe(message.msgid_plural),
        previous_msgid=maybe(message.previous_msgid),
    )


def check_shapes(catalog: Catalog, plural: Mapping[Key, bool]) -> None:
    """Refuse an entry whose shape (singular, or plural with ``msgid_plural``) is not
    the shape of the text it answers: ``plural[key]`` says which that text is.

    A plural entry answering a singular text leaves its ``msgstr`` empty, and a handout
    would show an empty text (a blank safety callout); msgfmt cannot see it (it does
    not know the template). `update` converts such an entry, keeping it fuzzy."""
    for message in catalog.active():
        wanted = plural.get(message.key)
        if wanted is None or wanted == (message.msgid_plural is not None):
            continue
        if wanted:
            problem = (
                "a singular entry answers a text that has plural forms in the "
                "template (msgid_plural)"
            )
        else:
            problem = (
                "a plural entry (msgid_plural, msgstr[n]) answers a text that is "
                "singular in the template: a handout would show it empty"
            )
        raise CatalogError(
            f"{problem}; run `handouts update`, which converts it and marks it fuzzy for review",
            catalog.path,
            message.line,
        )


def _plural_forms(metadata: dict[str, str], text: str, shown: str) -> int:
    """The header's ``nplurals`` (0 when there is no Plural-Forms); a CatalogError at the
    header's line when the formula cannot be used."""
    value = metadata.get("Plural-Forms")
    if value is None:
        return 0
    try:
        return parse_plural_forms(value).count
    except PluralFormsError as error:
        position = text.find("Plural-Forms:")
        line = text.count("\n", 0, position) + 1 if position >= 0 else None
        raise CatalogError(f"invalid Plural-Forms header: {error}", shown, line) from None


def _polib_parse(path: Path, shown: str, charset: str) -> tuple[str, dict[str, str], list[Message]]:
    try:
        # polib reads the file itself: given a string it would split lines on U+0085,
        # U+2028 and other characters that PO files allow inside strings
        po = polib.pofile(str(path), encoding=charset, wrapwidth=0, check_for_duplicates=False)
    except (OSError, ValueError) as error:
        message = _SYNTAX_LINE.sub("", str(error)).strip().rstrip(":") or "syntax error"
        match = _SYNTAX_LINE.search(str(error))
        raise CatalogError(
            f"invalid PO file: {message}", shown, int(match.group(1)) if match else None
        ) from None
    return po.header, dict(po.metadata), [_message(entry) for entry in po]


def messages_of_text(text: str) -> list[Message]:
    """The entries of PO ``text`` as :func:`read_catalog` reads a file (header aside)."""
    text = text.removeprefix("\ufeff")
    try:
        return scan_usual(text)[2]
    except Unusual:
        pass
    try:
        return parse_lines(text)[2]
    except Unusual:
        po = polib.pofile(text, wrapwidth=0, check_for_duplicates=False)
        return [_message(entry) for entry in po]


def load_catalog(root: Path, locale: str, *, comments: bool = True) -> Catalog:
    catalog_file(root, locale)  # no symbolic link out of the project
    return read_catalog(catalog_path(root, locale), root, locale, comments=comments)


def load_template(root: Path) -> Catalog:
    path = root / TEMPLATE_PATH
    template_file(root)
    if not path.is_file():
        raise CatalogError("no template: run `handouts extract` first", TEMPLATE_PATH.as_posix())
    return read_catalog(path, root)


# --- writing ---------------------------------------------------------------------------


def _entry(message: Message) -> Entry:
    plural = {}
    if message.msgid_plural is not None:  # a template has two empty forms
        plural = dict(enumerate(message.msgstr_plural or ("", "")))
    return Entry(
        msgid=message.msgid,
        msgstr=message.msgstr,
        msgctxt=message.msgctxt,
        msgid_plural=message.msgid_plural,
        msgstr_plural=plural,
        translator_comments=list(message.comments),
        extracted_comments=list(message.notes),
        references=list(message.references),
        flags=(["fuzzy"] if message.fuzzy else []) + list(message.flags),
        previous_msgid=message.previous_msgid if (message.fuzzy or message.obsolete) else None,
        obsolete=message.obsolete,
    )


def header_text(fields: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def render_catalog(
    header_comment: Iterable[str], header: dict[str, str], messages: Iterable[Message]
) -> str:
    """The text of a PO/POT file (GNU layout), header first and obsolete entries last."""
    return format_catalog(list(header_comment), header_text(header), [_entry(m) for m in messages])


def render_entries(
    header_comment: Iterable[str],
    header: dict[str, str],
    messages: Iterable[Message],
    blocks: dict[tuple[object, ...], str],
) -> str:
    """:func:`render_catalog`, reusing the text of entries already in ``blocks``."""
    messages = list(messages)
    head = Entry("", header_text(header), translator_comments=list(header_comment))
    return join_blocks(
        [
            format_block(head),
            *(entry_text(m, render_key(m), blocks) for m in messages if not m.obsolete),
            *(entry_text(m, render_key(m), blocks) for m in messages if m.obsolete),
        ]
    )


def entry_text(
    message: Message, key: tuple[object, ...], blocks: dict[tuple[object, ...], str]
) -> str:
    if key not in blocks:
        blocks[key] = format_block(_entry(message))
    return blocks[key]


def commit_catalog(temp: Path, path: Path, catalog: Catalog | None) -> bool:
    """Replace ``path`` by ``temp`` if it still holds what ``catalog`` was read from
    (``catalog`` None: if it still does not exist); False (``temp`` removed) when it
    was saved or created meanwhile: that version is kept."""
    return replace_if_unchanged(temp, path, catalog.digest if catalog is not None else None)


def replace_catalog(path: Path, data: bytes, catalog: Catalog, meanwhile: str) -> None:
    """Write ``data`` over the catalog at ``path`` if it still holds what ``catalog`` was
    read from; else a CatalogError saying ``meanwhile`` (the file is left as saved)."""
    try:
        written = commit_catalog(prepare_file(path, data), path, catalog)
    except OSError as error:
        raise CatalogError(f"cannot write the catalog: {error.strerror}", catalog.path) from None
    if not written:
        raise CatalogError(meanwhile, catalog.path)


def now_stamp() -> str:
    """The catalog date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    return clock.now().strftime("%Y-%m-%d %H:%M+0000")


def render_key(message: Message) -> tuple[object, ...]:
    """Every field the text of an entry depends on (all but ``line``)."""
    m = message
    return (
        m.msgid,
        m.msgstr,
        m.msgctxt,
        m.msgid_plural,
        m.msgstr_plural,
        m.fuzzy,
        m.obsolete,
        m.flags,
        m.previous_msgid,
        m.comments,
        m.notes,
        m.references,
    )
