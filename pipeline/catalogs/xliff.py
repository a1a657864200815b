"""Agency exchange: a catalog as XLIFF 1.2 (what every CAT tool reads), and back.

Written and read with translate-toolkit's XLIFF storage classes (its safe XML parser:
no entities, no network), in the layout of its ``po2xliff`` converter: one
``trans-unit`` per entry (plural forms as ``<id>[0]``, ``<id>[1]`` ...), ``approved``
and ``state`` from the fuzzy flag, the ``#.`` notes as ``developer`` notes, translator
comments as ``po-translator`` notes, references as ``po-reference`` context groups.
Added for agencies: the ``msgctxt`` (a context group, and part of the unit id, which
is a digest of context and English, so it survives any CAT tool), a ``handouts`` note of
priority 1 on safety-critical texts, and the glossary's rules for the terms a text uses.

An import changes only translations and fuzzy flags, of entries the catalog has with
the same English (found by unit id, else by the English when only one entry has it, as
in files ``po2xliff`` made); it never empties a translation, never changes a reviewed one unless
told to (and then marks it fuzzy), and the catalog is written like ``update`` writes
it: an unchanged import leaves the file byte-identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree
from translate.storage import xliff

from ..errors import CatalogError
from ..model import Key, Message
from ..source.glossary import Glossary
from .locales import catalog_path, discover_locales, parse_locale
from .pofile import Catalog, load_catalog, render_entries, write_atomic
from .reviewmarks import is_reviewed as reviewed

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
SAFETY_NOTE = "SAFETY-CRITICAL"
FINAL_STATES = ("translated", "final", "signed-off")  # XLIFF 1.2 states a CAT tool confirms


class _Unit(xliff.xliffunit):
    namespace = XLIFF_12


class Xliff12(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2."""

    UnitClass = _Unit
    namespace = XLIFF_12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_12}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


def unit_id(key: Key) -> str:
    """A stable XML id for an entry: a digest of its context and English."""
    context, msgid = key
    raw = f"{context or ''}\x04{msgid}".encode()
    return "h" + hashlib.sha256(raw).hexdigest()[:20]


def bcp47(locale: str) -> str:
    return locale.replace("_", "-").split("@")[0]


# --- export ----------------------------------------------------------------------------

def glossary_hints(glossary: Glossary, locale: str, source: str) -> list[str]:
    """What the glossary says about the terms ``source`` uses, for ``locale``."""
    hints = []
    for term in glossary.terms_in(source):
        rule = term.rule(locale)
        if term.translate:
            wording = ("use: " + " / ".join(rule.approved)) if rule.approved \
                else "translate (no approved wording listed)"
        else:
            wording = "keep as is" + (f", or: {' / '.join(rule.approved)}"
                                      if rule.approved else "")
        if rule.forbidden:
            wording += f"; never: {' / '.join(rule.forbidden)}"
        hints.append(f"glossary: {term.term}: {wording}" + (f" ({term.note})" if term.note
                                                          else ""))
    return hints


def _set_text(unit: _Unit, value: str, what: str, catalog: Catalog, message: Message,
              target: bool) -> None:
    try:
        if target:
            unit.target = value
        else:
            unit.source = value
    except ValueError:
        raise CatalogError(f"this {what} cannot be written to XLIFF (a control character "
                           "XML forbids): fix it in the catalog", catalog.path,
                           message.text_line) from None


def export_xliff(root: Path, locale: str, glossary: Glossary,
                 safety: frozenset[Key] = frozenset()) -> bytes:
    """``locale``'s catalog as an XLIFF 1.2 document."""
    catalog = load_catalog(root, locale)
    store = Xliff12(sourcelanguage="en", targetlanguage=bcp47(locale))
    name = catalog.path
    for message in catalog.active():
        count = _form_count(message)
        forms = [message.msgid] if message.msgid_plural is None else \
            [message.msgid] + [message.msgid_plural] * (count - 1)
        targets = list(message.texts) if message.msgid_plural is not None else [message.msgstr]
        base = unit_id(message.key)
        for index, source in enumerate(forms):
            unit = store.addsourceunit("", name, True)
            _set_text(unit, source, "source text", catalog, message, target=False)
            unit.setid(base if message.msgid_plural is None else f"{base}[{index}]")
            target = targets[index] if index < len(targets) else ""
            if target:
                _set_text(unit, target, "translation", catalog, message, target=True)
                unit.markfuzzy(message.fuzzy)
                unit.markapproved(not message.fuzzy)
            else:
                unit.markapproved(False)
            _describe(unit, message, locale, glossary, safety)
    return bytes(store)


def _form_count(message: Message) -> int:
    """How many translations an entry has (a plural entry: its catalog's nplurals)."""
    if message.msgid_plural is None:
        return 1
    return len(message.msgstr_plural) or 2


def _describe(unit: _Unit, message: Message, locale: str, glossary: Glossary,
              safety: frozenset[Key]) -> None:
    if message.msgctxt is not None:
        unit.createcontextgroup("x-gettext", [("x-po-msgctxt", message.msgctxt)],
                                purpose="information")
    for reference in message.references:
        path, _, line = reference.rpartition(":")
        place = [("sourcefile", path), ("linenumber", line)] if line.isdigit() and path \
            else [("sourcefile", reference)]
        unit.createcontextgroup("po-reference", place, purpose="location")
    if message.notes:
        unit.addnote("\n".join(message.notes), origin="developer")
    if message.comments:
        unit.addnote("\n".join(message.comments), origin="po-translator")
    critical = message.key in safety or any(SAFETY_NOTE in note for note in message.notes)
    if critical:
        unit.addnote(f"{SAFETY_NOTE}: published only when translated, confirmed and free of "
                     "errors; numbers, units and drug names must survive", origin="handouts")
        unit.xmlelement[-1].set("priority", "1")
    hints = glossary_hints(glossary, locale, message.msgid)
    if hints:
        unit.addnote("\n".join(hints), origin="handouts-glossary")
    if message.fuzzy and message.previous_msgid:
        unit.addalttrans(message.msgstr, origin="previous", sourcetxt=message.previous_msgid)


# --- import ----------------------------------------------------------------------------

@dataclass
class ImportResult:
    locale: str
    path: str
    changed: bool = False
    imported: list[Key] = field(default_factory=list)  # translations that changed
    kept_reviewed: list[tuple[int, str]] = field(default_factory=list)  # (line, msgid)
    overwritten_reviewed: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why units were not imported


@dataclass
class _Incoming:
    forms: dict[int, str] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    line: int = 0


def _read(path: Path) -> Xliff12:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(f"cannot read the XLIFF file: {error.strerror}", str(path)) from None
    try:
        return Xliff12.parsestring(data)
    except etree.XMLSyntaxError as error:
        raise CatalogError(f"not well-formed XML: {error.msg}", str(path),
                           error.lineno) from None
    except (ValueError, AssertionError, TypeError) as error:
        raise CatalogError(f"not an XLIFF 1.x file: {error}", str(path)) from None


def _locale_of(store: Xliff12, root: Path, path: Path, wanted: str | None) -> str:
    if wanted:
        parse_locale(wanted)
        return wanted
    tags = {node.get("target-language") for node in
            store.document.getroot().iterchildren(store.namespaced("file"))}
    by_tag = {bcp47(code).lower(): code for code in discover_locales(root)}
    found = [by_tag.get((tag or "").lower()) for tag in tags]
    if len(found) != 1 or found[0] is None:
        raise CatalogError(f"the file's target-language ({', '.join(sorted(map(str, tags)))}) "
                           "names no catalog of this project: give --locale", str(path))
    return found[0]


def import_xliff(root: Path, path: Path, locale: str | None = None, *,
                 overwrite_reviewed: bool = False,
                 is_reviewed: Callable[[Message], bool] = reviewed) -> ImportResult:
    """Take the translations of an XLIFF file into its locale's catalog."""
    store = _read(path)
    locale = _locale_of(store, root, path, locale)
    if locale not in discover_locales(root):
        raise CatalogError(f"no catalog for locale '{locale}'", str(path))
    catalog = load_catalog(root, locale)
    by_id = {unit_id(m.key): m for m in catalog.active()}
    counts: dict[str, int] = {}
    for m in catalog.active():
        counts[m.msgid] = counts.get(m.msgid, 0) + 1
    by_source = {m.msgid: m for m in catalog.active() if counts[m.msgid] == 1}
    incoming: dict[str, _Incoming] = {}
    result = ImportResult(locale, catalog.path)
    for unit in store.units:
        local = unit.xmlelement.get("id") or ""
        base, _, rest = local.partition("[")
        index = int(rest.rstrip("]")) if rest.rstrip("]").isdigit() else 0
        item = incoming.setdefault(base, _Incoming(line=unit.xmlelement.sourceline or 0))
        item.sources[index] = unit.source or ""
        item.forms[index] = unit.target or ""
        confirmed = unit.isapproved() or (unit.xmlelement.find(
            store.namespaced("target")) is not None and unit.xmlelement.find(
            store.namespaced("target")).get("state") in FINAL_STATES)
        item.fuzzy = item.fuzzy or (bool(unit.target) and (unit.isfuzzy() or not confirmed))
    messages = list(catalog.messages)
    position = {m.key: i for i, m in enumerate(messages) if not m.obsolete}
    for base, item in incoming.items():
        # ids from another tool (po2xliff numbers its units): the English, when unique
        message = by_id.get(base) or by_source.get(item.sources.get(0, ""))
        where = f"{path.name}:{item.line}"
        if message is None:
            result.skipped.append(f"{where}: unit '{base}' is not in the catalog (was the "
                                  "file exported before the last `handouts update`?)")
            continue
        english = [message.msgid] + ([message.msgid_plural] if message.msgid_plural else [])
        if any(item.sources.get(i, english[min(i, len(english) - 1)]) not in english
               for i in item.sources):
            result.skipped.append(f"{where}: the English of '{base}' was changed; "
                                  "the source text is the clinical team's")
            continue
        changed = _apply(message, item, result, where, overwrite_reviewed, is_reviewed)
        if changed is not None:
            messages[position[message.key]] = changed
            result.imported.append(message.key)
    if result.imported:
        text = render_entries(catalog.header_comment, catalog.header, messages, {})
        result.changed = write_atomic(catalog_path(root, locale), text)
    return result


def _apply(message: Message, item: _Incoming, result: ImportResult, where: str,
           overwrite_reviewed: bool, is_reviewed: Callable[[Message], bool]) -> Message | None:
    if message.msgid_plural is None:
        text = item.forms.get(0, "")
        if not text or (text == message.msgstr and item.fuzzy == message.fuzzy):
            if not text and message.msgstr:
                result.skipped.append(f"{where}: an empty target never erases a translation")
            return None
        new = replace(message, msgstr=text, fuzzy=item.fuzzy)
    else:
        count = _form_count(message)
        forms = tuple(item.forms.get(i, "") for i in range(count))
        if not all(forms):
            if any(forms) or any(message.msgstr_plural):
                result.skipped.append(f"{where}: a plural entry needs every form")
            return None
        if forms == message.msgstr_plural and item.fuzzy == message.fuzzy:
            return None
        new = replace(message, msgstr_plural=forms, fuzzy=item.fuzzy)
    if is_reviewed(message) and new.texts != message.texts:
        if not overwrite_reviewed:
            result.kept_reviewed.append((message.text_line, message.msgid))
            return None
        result.overwritten_reviewed.append((message.text_line, message.msgid))
        new = replace(new, fuzzy=True)  # a reviewer must see it again
    return new
