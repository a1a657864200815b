"""Translation memory for ``update``: existing translations offered to new entries, safely.

A new entry (one the catalog never had, and that no vanished entry fuzzy-matches) is
looked up among the catalog's own translations (every other translated entry, active
or obsolete, so another monograph's paragraph or one under another ``msgctxt``) and an
optional compendium (a PO file, as ``msgmerge -C`` takes, offered only to the catalog
of the language its ``Language`` header names). An exact match of the English
wins; otherwise the closest text at or above :data:`CLOSE_THRESHOLD`. Either way the
offer arrives **fuzzy**, with its origin in a translator comment and, for a close match,
the English it translated as ``#| msgid`` so the translator's tool shows the difference:
never as translated, so nothing reaches a patient before a translator confirms it (the
same rule for safety-critical texts, even on an exact match). Only confirmed
translations are offered: a fuzzy translation is nobody's reference, and a text without
visible content (:func:`~pipeline.text.visible.is_translation`) is no translation.

Close matches score with the scorer given (``update`` gives its own strict fuzzy
matcher, :func:`~.fuzzy.similarity`) among the few candidates sharing the most rare word
pairs with the new text: a heuristic that keeps the lookup cheap at thousands of entries
(a suggestion may be missed; a wrong one is never shown as translated).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CatalogError
from ..files import read_input_file, shown
from ..model import Message
from ..text.visible import is_translation
from .locales import parse_locale
from .pofile import Catalog, read_catalog

MEMORY_COMMENT = "memory:"  # how every offered translation's comment starts
CLOSE_THRESHOLD = 0.8  # as strict as update's own fuzzy matching
_RARE = 50  # a word pair in more candidates than this points to nothing in particular
_CANDIDATES = 5  # candidates scored per new text
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Offer:
    """One translation the memory knows: the English, its translation, where from."""

    msgid: str
    msgstr: str
    where: str  # the catalog (or "compendium <path>")
    message: Message | None = None  # the entry it comes from (its origin, said lazily)

    @property
    def origin(self) -> str:
        return _origin(self.where, self.message) if self.message is not None else self.where


def _pairs(text: str) -> set[tuple[str, str]]:
    words = _WORD.findall(text.lower())
    return set(zip(words, words[1:], strict=False))


def _origin(path: str, message: Message) -> str:
    if message.obsolete:
        return f"{path}, an obsolete entry"
    if message.references:
        return f"{path}, the entry of {message.references[0]}"
    return f"{path}:{message.line}" if message.line else path


def offers(catalog: Catalog) -> list[Offer]:
    """The confirmed singular translations of ``catalog`` (active first, then obsolete):
    a text without visible content (spaces, punctuation) is never offered."""
    ordered = [m for m in catalog.messages if not m.obsolete] + [
        m for m in catalog.messages if m.obsolete
    ]
    return [
        Offer(m.msgid, m.msgstr, catalog.path, m)
        for m in ordered
        if m.msgid and m.msgid_plural is None and not m.fuzzy and is_translation(m.msgid, m.msgstr)
    ]


class Memory:
    """Offers for new entries from a list of known translations (the first of equal
    sources wins: the catalog's own before the compendium's)."""

    def __init__(self, known: Iterable[Offer], score: Callable[[str, str], float]):
        self.score = score
        self.exact: dict[str, Offer] = {}
        for offer in known:
            self.exact.setdefault(offer.msgid, offer)
        self.texts = list(self.exact.values())
        self.postings = _postings(tuple(offer.msgid for offer in self.texts))

    def __len__(self) -> int:
        return len(self.texts)

    def find(self, msgid: str) -> tuple[Offer, float] | None:
        """The exact offer for ``msgid`` (score 1.0), else the closest one, else None."""
        if msgid in self.exact:
            return self.exact[msgid], 1.0
        votes: dict[int, int] = {}
        for pair in _pairs(msgid):
            for index in self.postings.get(pair, ()):
                votes[index] = votes.get(index, 0) + 1
        best: tuple[Offer, float] | None = None
        for index in sorted(votes, key=lambda i: (-votes[i], i))[:_CANDIDATES]:
            offer = self.texts[index]
            score = self.score(msgid, offer.msgid)
            if score >= CLOSE_THRESHOLD and (best is None or score > best[1]):
                best = (offer, score)
        return best

    def fill(self, new: Message) -> Message | None:
        """``new`` (untranslated) carrying the memory's offer, fuzzy; None without one."""
        if new.msgid_plural is not None:
            return None  # plural forms differ per language: no safe copy
        found = self.find(new.msgid)
        if found is None:
            return None
        offer, score = found
        if not is_translation(new.msgid, offer.msgstr):
            return None  # never a blank offer, whatever built the memory
        kind = "exact match" if score == 1.0 else f"{int(score * 100)}% match"
        comment = f"{MEMORY_COMMENT} {kind} from {offer.origin}; check it, then unmark fuzzy"
        return replace(
            new,
            msgstr=offer.msgstr,
            fuzzy=True,
            line=0,
            comments=(comment,),
            previous_msgid=offer.msgid if score < 1.0 else None,
        )


_POSTINGS: dict[tuple[str, ...], dict[tuple[str, str], list[int]]] = {}


def _postings(texts: tuple[str, ...]) -> dict[tuple[str, str], list[int]]:
    """Rare word pairs -> positions in ``texts``; reused while the next catalog has the
    same English translated (the catalogs of one project mostly do)."""
    if texts not in _POSTINGS:
        _POSTINGS.clear()
        postings: dict[tuple[str, str], list[int]] = {}
        for index, text in enumerate(texts):
            for pair in _pairs(text):
                postings.setdefault(pair, []).append(index)
        _POSTINGS[texts] = {pair: ids for pair, ids in postings.items() if len(ids) <= _RARE}
    return _POSTINGS[texts]


def compendium_language(compendium: Catalog) -> str | None:
    """The language a compendium holds: its ``Language`` header (None: it names none)."""
    return compendium.header.get("Language", "").strip() or None


def same_language(tag: str, locale: str) -> bool:
    """Whether the language tag ``tag`` (a ``Language`` header, an XLIFF
    ``target-language``) names the catalog locale ``locale``: the same tag in gettext or
    BCP 47 spelling (``zh-CN``, ``zh-Hans-CN`` are ``zh_CN``; ``sr-Latn`` is
    ``sr@latin``), or a region of a catalog that names none (``es-ES`` is ``es``; ``es``
    is not ``es_MX``, ``zh-TW`` not ``zh_CN``, ``sr`` not ``sr@latin``)."""

    def norm(text: str) -> str:
        return text.replace("-", "_").lower()

    found = parse_locale(locale)
    names = {
        norm(locale),
        norm(str(found)),
        norm("_".join(filter(None, (found.language, found.script, found.territory)))),
    }
    wanted = norm(tag)
    return wanted in names or (locale.isalpha() and wanted.split("_")[0] == locale.lower())


def memory_for(
    catalog: Catalog, compendium: Catalog | None, score: Callable[[str, str], float]
) -> Memory:
    """The memory a catalog's update uses: its own translations, then the compendium's
    when it is in the catalog's own language (a Spanish compendium offers nothing to
    the Chinese catalog)."""
    known = offers(catalog)
    language = compendium_language(compendium) if compendium is not None else None
    if (
        compendium is not None
        and language is not None
        and catalog.locale is not None
        and same_language(language, catalog.locale)
    ):
        known += [replace(o, where=f"compendium {compendium.path}") for o in offers(compendium)]
    return Memory(known, score)


def vet_compendium(root: Path, path: Path, locales: list[str]) -> list[str]:
    """Check a compendium before an update takes the catalogs' lock: a regular file (a
    FIFO is refused at once), read whole, naming its language, one of ``locales``.
    The warnings name the locales it is not offered to."""
    named = shown(path, root)
    data = read_input_file(path, named)
    language = compendium_language(read_catalog(path, root))
    line = next(
        (
            number
            for number, text in enumerate(data.splitlines(), 1)
            if text.startswith(b'"Language:')
        ),
        1,
    )
    if language is None:
        raise CatalogError(
            "the compendium names no language (no Language: in its header): "
            "a compendium is offered only to its own language's catalog",
            named,
            line,
        )
    matching = [locale for locale in locales if same_language(language, locale)]
    if not matching:
        raise CatalogError(
            f"the compendium is in '{language}', the language of no catalog "
            f"this update changes ({', '.join(locales) or 'none'}): refusing "
            "to offer its translations to another language",
            named,
            line,
        )
    return [
        f"{named}: the compendium is in '{language}': not offered to {locale}"
        for locale in locales
        if locale not in matching
    ]
