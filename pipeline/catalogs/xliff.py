"""Agency exchange: a catalog as XLIFF 1.2 (what every CAT tool reads), and back.

Written and read with translate-toolkit's XLIFF storage classes (its safe XML parser:
no entities, no network), in the layout of its ``po2xliff`` converter: one
``trans-unit`` per entry (plural forms as ``<id>[0]``, ``<id>[1]`` ...), ``approved``
and ``state`` from the fuzzy flag, the ``#.`` notes as ``developer`` notes, translator
comments as ``po-translator`` notes, references as ``po-reference`` context groups.
Added for agencies: the ``msgctxt`` (a context group, and part of the unit id, which
is a digest of context and English, so it survives any CAT tool), a ``handouts`` note of
priority 1 on safety-critical texts, and the glossary's rules for the terms a text uses.

This module is the export; the import is :mod:`.xliffimport`, the format both share
:mod:`.xliffstore`. An import changes only translations and fuzzy flags, of entries the
catalog has with the same English; an unchanged import leaves the file byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import CatalogError
from ..model import Key, Message
from ..source.glossary import Glossary
from .pofile import Catalog, load_catalog
from .xliffstore import Unit, Xliff12, bcp47, form_count, unit_id

SAFETY_NOTE = "SAFETY-CRITICAL"


def glossary_hints(glossary: Glossary, locale: str, source: str) -> list[str]:
    """What the glossary says about the terms ``source`` uses, for ``locale``."""
    hints = []
    for term in glossary.terms_in(source):
        rule = term.rule(locale)
        if term.translate:
            wording = (
                ("use: " + " / ".join(rule.approved))
                if rule.approved
                else "translate (no approved wording listed)"
            )
        else:
            wording = "keep as is" + (f", or: {' / '.join(rule.approved)}" if rule.approved else "")
        if rule.forbidden:
            wording += f"; never: {' / '.join(rule.forbidden)}"
        hints.append(f"glossary: {term.term}: {wording}" + (f" ({term.note})" if term.note else ""))
    return hints


def _set_text(
    unit: Unit, value: str, what: str, catalog: Catalog, message: Message, target: bool
) -> None:
    try:
        if target:
            unit.target = value
        else:
            unit.source = value
    except ValueError:
        raise CatalogError(
            f"this {what} cannot be written to XLIFF (a control character "
            "XML forbids): fix it in the catalog",
            catalog.path,
            message.text_line,
        ) from None


def export_xliff(
    root: Path,
    locale: str,
    glossary: Glossary,
    safety: frozenset[Key] = frozenset(),
    approved: Callable[[Message], bool] = lambda message: False,
) -> bytes:
    """``locale``'s catalog as an XLIFF 1.2 document; ``approved="yes"`` (state
    ``signed-off``) only on the entries ``approved`` says are reviewed."""
    catalog = load_catalog(root, locale)
    store = Xliff12(sourcelanguage="en", targetlanguage=bcp47(locale))
    name = catalog.path
    for message in catalog.active():
        count = form_count(message)
        forms = (
            [message.msgid]
            if message.msgid_plural is None
            else [message.msgid] + [message.msgid_plural] * (count - 1)
        )
        targets = list(message.texts) if message.msgid_plural is not None else [message.msgstr]
        base = unit_id(message.key)
        for index, source in enumerate(forms):
            unit = store.addsourceunit("", name, True)
            _set_text(unit, source, "source text", catalog, message, target=False)
            unit.setid(base if message.msgid_plural is None else f"{base}[{index}]")
            target = targets[index] if index < len(targets) else ""
            if target:
                _set_text(unit, target, "translation", catalog, message, target=True)
                signed = not message.fuzzy and approved(message)
                unit.xmlelement.find(store.namespaced("target")).set(
                    "state",
                    "needs-review-translation"
                    if message.fuzzy
                    else "signed-off"
                    if signed
                    else "translated",
                )
                unit.xmlelement.set("approved", "yes" if signed else "no")
            else:
                unit.xmlelement.set("approved", "no")
            _describe(unit, message, locale, glossary, safety)
    return bytes(store)


def _describe(
    unit: Unit, message: Message, locale: str, glossary: Glossary, safety: frozenset[Key]
) -> None:
    if message.msgctxt is not None:
        unit.createcontextgroup(
            "x-gettext", [("x-po-msgctxt", message.msgctxt)], purpose="information"
        )
    for reference in message.references:
        path, _, line = reference.rpartition(":")
        place = (
            [("sourcefile", path), ("linenumber", line)]
            if line.isdigit() and path
            else [("sourcefile", reference)]
        )
        unit.createcontextgroup("po-reference", place, purpose="location")
    if message.notes:
        unit.addnote("\n".join(message.notes), origin="developer")
    if message.comments:
        unit.addnote("\n".join(message.comments), origin="po-translator")
    critical = message.key in safety or any(SAFETY_NOTE in note for note in message.notes)
    if critical:
        unit.addnote(
            f"{SAFETY_NOTE}: published only when translated, confirmed and free of "
            "errors; numbers, units and drug names must survive",
            origin="handouts",
        )
        unit.xmlelement[-1].set("priority", "1")
    hints = glossary_hints(glossary, locale, message.msgid)
    if hints:
        unit.addnote("\n".join(hints), origin="handouts-glossary")
    if message.fuzzy and message.previous_msgid:
        unit.addalttrans(message.msgstr, origin="previous", sourcetxt=message.previous_msgid)
