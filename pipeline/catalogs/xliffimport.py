"""``handouts import-xliff``: an agency's XLIFF file back into its locale's catalog.

The file is vetted before anything is read into a catalog (a regular file, no DTD or
entity, unique unit ids, the catalog's language). An import changes only translations
and fuzzy flags, of entries the catalog has with the same English (found by unit id,
else by the English when only one entry has it); it never empties a translation, never
changes a reviewed one unless told to (and then marks it fuzzy), lands fuzzy what the
gate finds wrong (the previous translation kept in a comment), and writes the catalog
like ``update`` does: an unchanged import leaves the file byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.parsers import expat

from lxml import etree

from ..errors import CatalogError
from ..files import read_input_file, shown
from ..model import Finding, Key, Message
from ..text.visible import has_visible_content
from .locales import catalog_file, catalogs_lock, discover_locales, parse_locale
from .marks import is_reviewed as reviewed
from .memory import same_language
from .pofile import Catalog, load_catalog, now_stamp, render_entries, replace_catalog
from .xliffstore import CONFIRMED_STATES, STATES, Unit, Xliff12, bcp47, form_count, unit_id

REPLACED_COMMENT = "import replaced:"  # the comment keeping a translation an import made fuzzy
_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # line breaks json.dumps leaves as they are

Vet = Callable[[str, Message], list[Finding]]  # the gate's findings on a locale's entry


@dataclass(frozen=True)
class Outcome:
    """What an import did with one unit: imported, unchanged, fuzzy, skipped or kept."""

    where: str  # file:line of the unit
    msgid: str
    what: str
    why: str = ""

    def __str__(self) -> str:
        text = self.msgid if len(self.msgid) <= 50 else self.msgid[:49] + "…"
        because = f" because {self.why}" if self.why else ""
        return _printable(f"{self.where}: {self.what}{because}: '{text}'")


def _printable(text: str) -> str:
    """``text`` with every control or invisible character escaped (a terminal shows a
    file's text, never obeys it)."""
    return "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in text)


@dataclass
class ImportResult:
    locale: str
    path: str
    changed: bool = False
    imported: list[Key] = field(default_factory=list)  # entries whose text or state changed
    carried: list[Key] = field(default_factory=list)  # every entry the file has a unit of
    kept_reviewed: list[tuple[int, str]] = field(default_factory=list)  # (line, msgid)
    overwritten_reviewed: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why units were not imported
    outcomes: list[Outcome] = field(default_factory=list)  # one per unit, in file order
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Incoming:
    forms: dict[int, str] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    line: int = 0
    states: set[str] = field(default_factory=set)


@dataclass
class _Document:
    """An XLIFF file's bytes, vetted: no DTD, unique unit ids; its target languages."""

    data: bytes
    languages: list[tuple[str | None, int]] = field(default_factory=list)  # (tag, line)


class _Refused(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


def _vet_document(data: bytes, named: str) -> _Document:
    """Read ``data`` once with expat, refusing any DTD or entity declaration (an entity
    nobody resolves would silently drop words, a negation, from a safety text) and any
    duplicate unit id (the last one would silently win)."""
    document = _Document(data)
    parser = expat.ParserCreate()
    ids: dict[str, int] = {}

    def doctype(*_: object) -> None:
        raise _Refused(
            "the file has a DTD (<!DOCTYPE>): XLIFF needs none, and its "
            "entities could change a text unseen; refusing it (export again "
            "without it)",
            parser.CurrentLineNumber,
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        line = parser.CurrentLineNumber
        if local == "xliff" and "trgLang" in attributes:  # XLIFF 2.0
            document.languages.append((attributes["trgLang"], line))
        elif local == "file" and "trgLang" not in attributes:
            document.languages.append((attributes.get("target-language"), line))
        elif local in ("trans-unit", "unit") and "id" in attributes:
            first = ids.setdefault(attributes["id"], line)
            if first != line:
                raise _Refused(
                    f"duplicate unit id '{attributes['id']}' (first at line "
                    f"{first}): refusing a file where one text would silently "
                    "replace another",
                    line,
                )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Refused as refusal:
        raise CatalogError(refusal.message, named, refusal.line) from None
    except expat.ExpatError as error:
        raise CatalogError(
            f"not well-formed XML: {expat.ErrorString(error.code)}", named, error.lineno
        ) from None
    return document


def _read(data: bytes, named: str) -> Xliff12:
    try:
        return Xliff12.parsestring(data)
    except etree.XMLSyntaxError as error:
        raise CatalogError(f"not well-formed XML: {error.msg}", named, error.lineno) from None
    except (ValueError, AssertionError, TypeError) as error:
        raise CatalogError(f"not an XLIFF 1.x file: {error}", named) from None


def _locale_of(
    document: _Document, root: Path, named: str, wanted: str | None, warnings: list[str]
) -> str:
    """The catalog the file is for: ``wanted`` only if every ``<file>`` says that
    language (one that says none is taken with a warning); else the file's own."""
    if wanted:
        parse_locale(wanted)
        for tag, line in document.languages:
            if tag is None:
                warnings.append(
                    f"{named}:{line}: the file names no target-language: taken "
                    f"as {wanted} because --locale says so"
                )
            elif not same_language(tag, wanted):
                raise CatalogError(
                    f"the file's target-language is '{tag}', not '{bcp47(wanted)}'"
                    f" (--locale {wanted}): refusing to put another "
                    "language's text into this catalog",
                    named,
                    line,
                )
        return wanted
    tags = {tag for tag, _ in document.languages}
    found = [
        code
        for code in discover_locales(root)
        if tags and all(tag and same_language(tag, code) for tag in tags)
    ]
    exact = [
        code for code in found if any(tag and bcp47(code).lower() == tag.lower() for tag in tags)
    ]
    found = exact or found
    if len(found) != 1:
        raise CatalogError(
            f"the file's target-language ({', '.join(sorted(map(str, tags)))}) "
            "names no catalog of this project: give --locale",
            named,
        )
    return found[0]


def import_xliff(
    root: Path,
    path: Path,
    locale: str | None = None,
    *,
    overwrite_reviewed: bool = False,
    is_reviewed: Callable[[Message], bool] = reviewed,
    vet: Vet | None = None,
) -> ImportResult:
    """Take the translations of an XLIFF file into its locale's catalog (under the
    catalogs' lock; a catalog saved meanwhile is left as it is). The file is read and
    vetted first (a regular file, no DTD, unique ids, the catalog's language): a refusal
    takes no lock. ``vet`` gives the error findings of a proposed entry: one with any
    lands fuzzy, its previous translation kept in a comment."""
    named = shown(path, root)
    document = _vet_document(read_input_file(path, named), named)
    warnings: list[str] = []
    locale = _locale_of(document, root, named, locale, warnings)
    store = _read(document.data, named)
    if locale not in discover_locales(root):
        raise CatalogError(f"no catalog for locale '{locale}'", named)
    with catalogs_lock(root):
        result = _import_xliff(
            root,
            store,
            named,
            locale,
            overwrite_reviewed,
            is_reviewed,
            vet or (lambda locale, message: []),
        )
    result.warnings[:0] = warnings
    return result


def _unit_fuzzy(unit: Unit, store: Xliff12) -> tuple[bool, str]:
    """Whether a unit's translation comes back fuzzy, and its state: the target's
    ``state`` when it names one (see :data:`CONFIRMED_STATES`), else ``approved``."""
    target = unit.xmlelement.find(store.namespaced("target"))
    state = (target.get("state") if target is not None else None) or ""
    if state in CONFIRMED_STATES:
        return False, state
    if state in STATES:
        return True, state
    return unit.xmlelement.get("approved") != "yes", state


def _import_xliff(
    root: Path,
    store: Xliff12,
    named: str,
    locale: str,
    overwrite_reviewed: bool,
    is_reviewed: Callable[[Message], bool],
    vet: Vet,
) -> ImportResult:
    """Apply ``store``'s units to ``locale``'s catalog, each to its entry (under the
    catalogs' lock); write the catalog if any entry changed."""
    catalog = load_catalog(root, locale)
    by_id, by_source = _lookups(catalog)
    result = ImportResult(locale, catalog.path)
    messages = list(catalog.messages)
    position = {m.key: i for i, m in enumerate(messages) if not m.obsolete}
    for base, item in _incoming(store).items():
        where = f"{named}:{item.line}"
        # ids from another tool (po2xliff numbers its units): the English, when unique
        message = _matched(
            by_id.get(base) or by_source.get(item.sources.get(0, "")), base, item, result, where
        )
        if message is None:
            continue
        result.carried.append(message.key)
        changed = _apply(message, item, result, where, overwrite_reviewed, is_reviewed, vet)
        if changed is not None:
            messages[position[message.key]] = changed
            result.imported.append(message.key)
    if result.imported:
        _write(root, locale, catalog, messages)
        result.changed = True
    return result


def _lookups(catalog: Catalog) -> tuple[dict[str, Message], dict[str, Message]]:
    """The catalog's entries by unit id, and by English where only one entry has it."""
    by_id = {unit_id(m.key): m for m in catalog.active()}
    counts: dict[str, int] = {}
    for m in catalog.active():
        counts[m.msgid] = counts.get(m.msgid, 0) + 1
    by_source = {m.msgid: m for m in catalog.active() if counts[m.msgid] == 1}
    return by_id, by_source


def _incoming(store: Xliff12) -> dict[str, _Incoming]:
    """The file's units by base id, plural forms gathered (``<id>[0]``, ``<id>[1]`` ...)."""
    incoming: dict[str, _Incoming] = {}
    for unit in store.units:
        local = unit.xmlelement.get("id") or ""
        base, _, rest = local.partition("[")
        index = int(rest.rstrip("]")) if rest.rstrip("]").isdigit() else 0
        item = incoming.setdefault(base, _Incoming(line=unit.xmlelement.sourceline or 0))
        item.sources[index] = unit.source or ""
        item.forms[index] = unit.target or ""
        fuzzy, state = _unit_fuzzy(unit, store)
        item.fuzzy = item.fuzzy or (bool(unit.target) and fuzzy)
        if state:
            item.states.add(state)
    return incoming


def _matched(
    message: Message | None, base: str, item: _Incoming, result: ImportResult, where: str
) -> Message | None:
    """``message``, the entry found for the unit ``item``, if there is one and it has
    the unit's English; else None, the unit skipped, saying why."""
    if message is None:
        _skip(
            result,
            where,
            item.sources.get(0, base),
            f"unit '{base}' is not in the "
            "catalog (was the file exported before the last `handouts update`?)",
        )
        return None
    english = [message.msgid] + ([message.msgid_plural] if message.msgid_plural else [])
    if any(
        item.sources.get(i, english[min(i, len(english) - 1)]) not in english for i in item.sources
    ):
        _skip(
            result,
            where,
            message.msgid,
            "its English was changed; the source text is the clinical team's",
        )
        return None
    return message


def _write(root: Path, locale: str, catalog: Catalog, messages: list[Message]) -> None:
    """Replace the catalog by ``messages`` unless it was saved since it was read."""
    header = {**catalog.header, "PO-Revision-Date": now_stamp()}
    data = render_entries(catalog.header_comment, header, messages, {}).encode("utf-8")
    replace_catalog(
        catalog_file(root, locale),
        data,
        catalog,
        "the catalog was saved by someone else while the import ran: left as it is; import again",
    )


def _skip(result: ImportResult, where: str, msgid: str, why: str) -> None:
    result.skipped.append(f"{where}: {why}")
    result.outcomes.append(Outcome(where, msgid, "skipped", why))


def _previous(message: Message) -> str:
    """The comment that keeps the translation an import replaced by fuzzy text."""
    old = message.msgstr if message.msgid_plural is None else list(message.msgstr_plural)
    text = json.dumps(old, ensure_ascii=False)
    return f"{REPLACED_COMMENT} " + "".join(
        f"\\u{ord(char):04x}" if char in _BREAKS else char for char in text
    )


def _apply(
    message: Message,
    item: _Incoming,
    result: ImportResult,
    where: str,
    overwrite_reviewed: bool,
    is_reviewed: Callable[[Message], bool],
    vet: Vet,
) -> Message | None:
    """The entry as the unit ``item`` leaves it (None: unchanged), said in an outcome."""

    def said(what: str, why: str = "") -> None:
        result.outcomes.append(Outcome(where, message.msgid, what, why))

    new = _proposed(message, item, result, where, said)
    if new is None:
        return None
    errors = [f for f in vet(result.locale, new) if f.severity == "error"]
    why = f"[{errors[0].check}] {errors[0].message}" if errors else ""
    if errors:
        new = replace(new, fuzzy=True)
    elif new.fuzzy and not message.fuzzy:
        why = f"the file's state is {', '.join(sorted(item.states)) or 'not approved'}"
    if new.texts == message.texts and new.fuzzy == message.fuzzy:
        said("fuzzy" if new.fuzzy and why else "unchanged", why)
        return None
    if is_reviewed(message):
        change = (
            "changes it"
            if new.texts != message.texts
            else f"marks it {', '.join(sorted(item.states)) or 'not approved'}"
        )
        if not overwrite_reviewed:
            result.kept_reviewed.append((message.text_line, message.msgid))
            said(
                "kept",
                f"it is reviewed and the file {change} (--overwrite-reviewed takes it, as fuzzy)",
            )
            return None
        result.overwritten_reviewed.append((message.text_line, message.msgid))
        new = replace(new, fuzzy=True)  # a reviewer must see it again
        why = why or "it was reviewed: a reviewer must see it again"
    if new.fuzzy and any(message.texts) and new.texts != message.texts:
        new = replace(new, comments=(*message.comments, _previous(message)))
    said("fuzzy" if new.fuzzy else "imported", why if new.fuzzy else "")
    return new


def _proposed(
    message: Message,
    item: _Incoming,
    result: ImportResult,
    where: str,
    said: Callable[[str, str], None],
) -> Message | None:
    """The entry with the unit's translation and fuzzy flag, before the gate and the
    review rule; None (said why) when the unit has no whole, visible translation."""
    if message.msgid_plural is None:
        text = item.forms.get(0, "")
        if not text:
            if message.msgstr:
                result.skipped.append(f"{where}: an empty target never erases a translation")
                said("skipped", "an empty target never erases a translation")
            else:
                said("unchanged", "the file has no translation")
            return None
        new = replace(message, msgstr=text, fuzzy=item.fuzzy)
    else:
        count = form_count(message)
        forms = tuple(item.forms.get(i, "") for i in range(count))
        if not all(forms):
            if any(forms) or any(message.msgstr_plural):
                result.skipped.append(f"{where}: a plural entry needs every form")
                said("skipped", "a plural entry needs every form")
            else:
                said("unchanged", "the file has no translation")
            return None
        new = replace(message, msgstr_plural=forms, fuzzy=item.fuzzy)
    if not all(has_visible_content(text) for text in new.texts):
        result.skipped.append(f"{where}: a text with no visible content is no translation")
        said("skipped", "its text has no visible content (no letter or digit)")
        return None
    return new
