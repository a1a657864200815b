"""Monograph + catalog -> a localized handout, where every text knows its state.

A text is ``source`` (the English handout), ``translated``, or shown in English
because its entry is ``fuzzy``, ``missing`` (untranslated or absent) or
``blocked`` (an error finding). A handout is publishable only when no text it
uses, segment or interface string, falls back to English.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from ..catalogs.pofile import Catalog
from ..checks.coverage import state as entry_state
from ..model import Key, Message, Monograph, Text
from ..source.segments import iter_segments

State = Literal["source", "translated", "fuzzy", "missing", "blocked"]
FALLBACK_STATES = ("fuzzy", "missing", "blocked")
ENGLISH = "en"

# Interface strings of the handout template (verbatim msgids of templates/handout.html).
UI_HANDOUT = "Patient handout"
UI_PRONUNCIATION = "Pronunciation"
UI_CLASSIFICATION = "Classification"
UI_REVIEWED = "Last reviewed: %(date)s"
UI_NOT_REVIEWED = "Last reviewed: not recorded"
UI_DRAFT = "DRAFT, not for patient use"
UI_DRAFT_EXPLAINED = ("This translation is not finished. Texts that are not translated yet "
                      "are shown in English and highlighted.")
UI_MISSING = ("%(num)d text is not translated yet.", "%(num)d texts are not translated yet.")
UI_IMPORTANT = "Important"
UI_GAP = "This part of the handout is not available. Ask your care team."
UI_ENGLISH = "Read this handout in English"
UI_PERCENT = "Translation: %(percent)s complete"
UI_REVISION = "Source revision: %(revision)s"
# the links to a published handout's other editions and languages (publish.formats)
UI_EDITIONS = "Other editions and languages"
UI_LARGE = "Large print"
UI_BILINGUAL = "Bilingual edition"
UI_TEXT = "Plain text"
UI_STANDARD = "Standard edition"
UI_MSGIDS = (UI_HANDOUT, UI_PRONUNCIATION, UI_CLASSIFICATION, UI_REVIEWED, UI_NOT_REVIEWED,
             UI_DRAFT, UI_DRAFT_EXPLAINED, UI_MISSING[0], UI_IMPORTANT, UI_GAP, UI_ENGLISH,
             UI_PERCENT, UI_REVISION, UI_EDITIONS, UI_LARGE, UI_BILINGUAL, UI_TEXT,
             UI_STANDARD)


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text as shown: the translation, or the English source when ``fallback``."""

    text: str
    state: State

    @property
    def fallback(self) -> bool:
        return self.state in FALLBACK_STATES


@dataclass(frozen=True, slots=True)
class LocalBlock:
    kind: str
    text: LocalText | None
    items: tuple[LocalText, ...]
    safety: bool
    gap: bool


@dataclass(frozen=True, slots=True)
class LocalSection:
    id: str
    level: int
    heading: LocalText | None
    blocks: tuple[LocalBlock, ...]


@dataclass(frozen=True)
class Handout:
    """One monograph in one locale (``en``: the English source), ready to render."""

    monograph: Monograph
    locale: str
    title: LocalText
    classification: LocalText | None
    sections: tuple[LocalSection, ...]
    disclaimer: LocalText | None
    attribution: LocalText | None
    states: Mapping[Key, State]  # every key the published handout uses, segments and UI

    def count(self, *states: State) -> int:
        return sum(1 for s in self.states.values() if s in states)

    @property
    def total(self) -> int:
        return len(self.states)

    @property
    def missing(self) -> int:
        """Texts shown in English in a localized handout."""
        return self.count(*FALLBACK_STATES)

    @property
    def published(self) -> bool:
        return self.missing == 0

    @property
    def ratio(self) -> float:
        """Translated share of the texts, 0..1 (1 for English)."""
        done = self.count("translated", "source")
        return done / self.total if self.total else 1.0

    @property
    def has_callout(self) -> bool:
        return any(b.kind == "callout" for s in self.sections for b in s.blocks)

    @property
    def has_gap(self) -> bool:
        return any(b.gap for s in self.sections for b in s.blocks)


class Interface:
    """The interface strings of one locale; English when no usable translation exists."""

    def __init__(self, lookup: Mapping[Key, Message] | None = None,
                 blocked: Collection[Key] = (), plural: Callable[[int], int] | None = None):
        self._lookup = lookup
        self._blocked = blocked
        self._plural = plural or (lambda n: int(n != 1))

    @property
    def english(self) -> bool:
        return self._lookup is None

    def state(self, msgid: str) -> State:
        if self._lookup is None:
            return "source"
        return _state(self._lookup.get((None, msgid)), (None, msgid), self._blocked)

    def gettext(self, msgid: str) -> tuple[str, bool]:
        """(text, translated): the translation, or ``msgid`` when it is not usable."""
        state = self.state(msgid)
        if state == "translated":
            return self._lookup[(None, msgid)].msgstr, True  # type: ignore[index]
        return msgid, state == "source"

    def ngettext(self, singular: str, plural: str, n: int) -> tuple[str, bool]:
        state = self.state(singular)
        if state == "translated":
            forms = self._lookup[(None, singular)].msgstr_plural  # type: ignore[index]
            index = self._plural(n)
            if 0 <= index < len(forms):
                return forms[index], True
        return (singular if n == 1 else plural), state == "source"


def plural_function(catalog: Catalog) -> Callable[[int], int]:
    """The catalog's Plural-Forms rule as a function (validated when the catalog was
    read; ``n != 1`` when the header has none)."""
    return catalog.plural_rule.function


def interface_for(catalog: Catalog | None, blocked: Collection[Key] = ()) -> Interface:
    if catalog is None:
        return Interface()
    return Interface(catalog.lookup(), blocked, plural_function(catalog))


def _state(message: Message | None, key: Key, blocked: Collection[Key]) -> State:
    status = entry_state(message)
    if status == "translated":
        return "blocked" if key in blocked else "translated"
    return "fuzzy" if status == "fuzzy" else "missing"


def published_interface(monograph: Monograph) -> list[str]:
    """The interface msgids a published handout of ``monograph`` shows."""
    blocks = [b for s in monograph.sections for b in s.blocks]
    wanted = [UI_HANDOUT, UI_ENGLISH, UI_PERCENT, UI_REVISION,
              UI_REVIEWED if monograph.reviewed else UI_NOT_REVIEWED,
              UI_EDITIONS, UI_LARGE, UI_BILINGUAL, UI_TEXT, UI_STANDARD]
    if monograph.pronunciation:
        wanted.append(UI_PRONUNCIATION)
    if monograph.classification:
        wanted.append(UI_CLASSIFICATION)
    if any(b.kind == "callout" for b in blocks):
        wanted.append(UI_IMPORTANT)
    if any(b.gap and not b.items for b in blocks):
        wanted.append(UI_GAP)
    return wanted


def localize(monograph: Monograph, locale: str = ENGLISH,
             lookup: Mapping[Key, Message] | None = None,
             blocked: Collection[Key] = (), interface: Interface | None = None) -> Handout:
    """Localize ``monograph``; ``lookup`` None means the English source handout."""
    local: dict[Text, LocalText] = {}
    states: dict[Key, State] = {}
    for segment in iter_segments(monograph):
        if lookup is None:
            shown = LocalText(segment.msgid, "source")
        else:
            status = _state(lookup.get(segment.key), segment.key, blocked)
            text = lookup[segment.key].msgstr if status == "translated" else segment.msgid
            shown = LocalText(text, status)
        local[segment.text] = shown
        states[segment.key] = shown.state
    interface = interface or (Interface() if lookup is None else Interface(lookup, blocked))
    for msgid in published_interface(monograph):
        states[(None, msgid)] = interface.state(msgid)

    def get(text: Text | None) -> LocalText | None:
        return local[text] if text is not None else None

    sections = tuple(
        LocalSection(section.id, section.level, get(section.heading), tuple(
            LocalBlock(block.kind, get(block.text), tuple(local[i] for i in block.items),
                       block.safety, bool(block.gap) and not block.items)
            for block in section.blocks))
        for section in monograph.sections)
    return Handout(monograph, locale, local[monograph.title], get(monograph.classification),
                   sections, get(monograph.disclaimer), get(monograph.attribution), states)
