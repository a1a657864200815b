"""The glossary for translators' tools: TBX (CAT tools, Weblate) and CSV (Weblate).

Written with translate-toolkit's TBX and CSV stores. TBX: one ``termEntry`` per term,
the English term and its variants in an ``en`` ``langSet``, each locale's approved
wordings as preferred terms and its forbidden ones as deprecated terms
(``administrativeStatus``, TBX-Basic's values), the editors' note and the rule
(keep verbatim, or translate) as notes. A term kept verbatim appears in every locale
as itself, unless the locale approves a local form. CSV: translate-toolkit's columns
(``source``, ``target``, ``context``, ``developer_comments``...), which Weblate's glossary
upload reads: one row per approved wording, and a row per forbidden wording with
context ``forbidden`` (Weblate's ``forbidden`` flag is set in Weblate itself).
"""

from __future__ import annotations

from lxml import etree
from translate.storage import csvl10n, tbx

from ..source.glossary import Glossary, Term


def _tag(locale: str) -> str:
    return locale.replace("_", "-").split("@")[0]


def _rule_note(term: Term) -> str:
    return (
        "translate it with the approved wording of your language"
        if term.translate
        else "keep it as written (a drug name or abbreviation), unless your language "
        "lists an approved local form"
    )


def _wordings(term: Term, locale: str) -> tuple[list[str], list[str]]:
    rule = term.rule(locale)
    approved = list(rule.approved) or ([] if term.translate else [term.term])
    return approved, list(rule.forbidden)


def export_tbx(glossary: Glossary, locales: list[str]) -> bytes:
    """The glossary as one multilingual TBX document."""
    store = tbx.tbxfile(sourcelanguage="en")
    for index, term in enumerate(glossary.terms, 1):
        unit = store.addsourceunit(term.term)
        unit.setid(f"term-{index}")
        if term.variants:
            unit.set_source_terms([term.term, *term.variants])
        for locale in locales:
            approved, forbidden = _wordings(term, locale)
            if not approved and not forbidden:
                continue
            unit.set_target_terms([*approved, *forbidden], lang=_tag(locale))
            language = unit.get_target_dom(_tag(locale))
            for tig, wording in zip(
                language.findall(unit.namespaced("tig")), [*approved, *forbidden], strict=True
            ):
                status = (
                    "deprecatedTerm-admn-sts"
                    if wording in forbidden and wording not in approved
                    else "preferredTerm-admn-sts"
                )
                note = etree.SubElement(tig, unit.namespaced("termNote"))
                note.set("type", "administrativeStatus")
                note.text = status
        unit.addnote(_rule_note(term), origin="definition")
        if term.note:
            unit.addnote(term.note)
    return bytes(store)


def export_csv(glossary: Glossary, locale: str) -> bytes:
    """One locale's glossary as CSV (translate-toolkit's columns)."""
    store = csvl10n.csvfile()
    for term in glossary.terms:
        approved, forbidden = _wordings(term, locale)
        comment = "; ".join(part for part in (_rule_note(term), term.note) if part)
        for wording in approved or [""]:
            unit = store.addsourceunit(term.term)
            unit.target = wording
            unit.setcontext("")
            unit.addnote(comment, origin="developer")
        for wording in forbidden:
            unit = store.addsourceunit(term.term)
            unit.target = wording
            unit.setcontext("forbidden")
            unit.addnote(f"FORBIDDEN: never write '{wording}' for {term.term}", origin="developer")
    return bytes(store)
