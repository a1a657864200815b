"""Monograph + catalog -> a localized handout, where every text knows its state.

A text is ``source`` (the English handout), ``translated`` or ``reviewed``; or it is
not ready: shown in English because its entry is ``fuzzy``, ``missing`` (untranslated
or absent) or ``blocked`` (an error finding, whose checks it names), or shown
translated but ``unreviewed`` where the locale publishes reviewed translations only.
A handout is publishable only when every text it uses, segment or interface string,
is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from ..catalogs.pofile import Catalog
from ..checks.coverage import state as entry_state
from ..checks.trust import NO_TRUST, Trust
from ..model import Key, Message, Monograph, Text
from ..source.interface import (  # noqa: F401 - re-exported: the template's msgids
    UI_AFTER_HOURS,
    UI_BILINGUAL,
    UI_BLOCKED,
    UI_CLASSIFICATION,
    UI_CODE,
    UI_CONTACT,
    UI_DRAFT,
    UI_DRAFT_EXPLAINED,
    UI_EDITION,
    UI_EDITIONS,
    UI_EMERGENCY,
    UI_ENGLISH,
    UI_FUZZY,
    UI_GAP,
    UI_HANDOUT,
    UI_IMPORTANT,
    UI_LARGE,
    UI_MISSING,
    UI_MSGIDS,
    UI_PHONE,
    UI_PRONUNCIATION,
    UI_STANDARD,
    UI_TEXT,
    UI_TRANSLATION_REVIEWED,
    UI_TRANSLATION_UNREVIEWED,
    UI_UNREVIEWED,
    UI_UPDATED,
    UI_WEBSITE,
    UI_WHY_BLOCKED,
    UI_WHY_FUZZY,
    UI_WHY_MISSING,
    UI_WHY_UNREVIEWED,
    published_interface,
)
from ..source.segments import iter_segments

State = Literal["source", "translated", "reviewed", "unreviewed", "fuzzy", "missing", "blocked"]
FALLBACK_STATES: tuple[State, ...] = ("fuzzy", "missing", "blocked")  # shown in English
NOT_READY: tuple[State, ...] = (*FALLBACK_STATES, "unreviewed")
ENGLISH = "en"
Blocked = Collection[Key] | Mapping[Key, tuple[str, ...]]  # keys, or keys -> check ids


@dataclass(frozen=True, slots=True)
class LocalText:
    """A text as shown: the translation, or the English source when ``fallback``."""

    text: str
    state: State
    checks: tuple[str, ...] = ()  # blocked: the checks that found an error
    english: str | None = None  # the preview's translator view: held back, shown anyway
    notes: tuple[str, ...] = ()  # ... with the findings' messages

    @property
    def fallback(self) -> bool:
        """Shown in English in place of the translation."""
        return self.state in FALLBACK_STATES and self.english is None

    @property
    def pending(self) -> bool:
        """Not ready to publish (in English, or translated but not reviewed)."""
        return self.state in NOT_READY


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

    blocked_checks: Mapping[Key, tuple[str, ...]] = ()  # type: ignore[assignment]

    @property
    def missing(self) -> int:
        """Texts not ready to publish: shown in English, or translated but not reviewed
        where review is required."""
        return self.count(*NOT_READY)

    @property
    def published(self) -> bool:
        return self.missing == 0

    @property
    def ratio(self) -> float:
        """Share of the texts ready to publish, 0..1 (1 for English)."""
        done = self.count("translated", "reviewed", "source")
        return done / self.total if self.total else 1.0

    @property
    def checks(self) -> tuple[str, ...]:
        """The checks that hold texts of this handout back, sorted."""
        return tuple(
            sorted(
                {
                    c
                    for key, found in dict(self.blocked_checks).items()
                    if self.states.get(key) == "blocked"
                    for c in found
                }
            )
        )

    @property
    def has_callout(self) -> bool:
        return any(b.kind == "callout" for s in self.sections for b in s.blocks)

    @property
    def has_gap(self) -> bool:
        return any(b.gap for s in self.sections for b in s.blocks)


class Interface:
    """The interface strings of one locale; English when no usable translation exists."""

    def __init__(
        self,
        lookup: Mapping[Key, Message] | None = None,
        blocked: Blocked = (),
        plural: Callable[[int], int] | None = None,
        trust: Trust = NO_TRUST,
        needs_review: bool = False,
    ):
        self._lookup = lookup
        self._blocked = blocked
        self._plural = plural or (lambda n: int(n != 1))
        self.trust = trust
        self.needs_review = needs_review
        self.shown: dict[tuple[str, bool], str] = {}  # msgid, as HTML -> as a page shows it
        self.filled: dict[tuple[object, ...], str] = {}  # ... with its values (render.Strings)

    @property
    def english(self) -> bool:
        return self._lookup is None

    def state(self, msgid: str) -> State:
        if self._lookup is None:
            return "source"
        return _state(
            self._lookup.get((None, msgid)),
            (None, msgid),
            self._blocked,
            self.trust,
            self.needs_review,
        )

    def gettext(self, msgid: str) -> tuple[str, bool]:
        """(text, usable): the translation (reviewed or not: an unreviewed interface text
        makes the handout a draft), or ``msgid`` when there is none to use."""
        state = self.state(msgid)
        if state in USABLE:
            return self._lookup[(None, msgid)].msgstr, True  # type: ignore[index]
        return msgid, state == "source"

    def ngettext(self, singular: str, plural: str, n: int) -> tuple[str, bool]:
        state = self.state(singular)
        if state in USABLE:
            forms = self._lookup[(None, singular)].msgstr_plural  # type: ignore[index]
            index = self._plural(n)
            if 0 <= index < len(forms):
                return forms[index], True
        return (singular if n == 1 else plural), state == "source"


def plural_function(catalog: Catalog) -> Callable[[int], int]:
    """The catalog's Plural-Forms rule as a function (validated when the catalog was
    read; ``n != 1`` when the header has none)."""
    return catalog.plural_rule.function


def interface_for(
    catalog: Catalog | None,
    blocked: Blocked = (),
    trust: Trust = NO_TRUST,
    needs_review: bool = False,
) -> Interface:
    if catalog is None:
        return Interface()
    return Interface(catalog.lookup(), blocked, plural_function(catalog), trust, needs_review)


USABLE = ("translated", "reviewed", "unreviewed")  # a translation is shown


def _state(
    message: Message | None, key: Key, blocked: Blocked, trust: Trust, needs_review: bool
) -> State:
    """A text's state: the entry's (:func:`~pipeline.checks.coverage.state`), then the
    publication rules: an error finding blocks it, a required review holds it back."""
    status = entry_state(message, trust)
    if status in ("translated", "reviewed"):
        if key in blocked:
            return "blocked"
        if needs_review and status == "translated":
            return "unreviewed"
        return status  # type: ignore[return-value]
    return "fuzzy" if status == "fuzzy" else "missing"


def localize(
    monograph: Monograph,
    locale: str = ENGLISH,
    lookup: Mapping[Key, Message] | None = None,
    blocked: Blocked = (),
    interface: Interface | None = None,
    *,
    trust: Trust | None = None,
    needs_review: bool | None = None,
    held_in_view: Mapping[Key, tuple[str, ...]] | None = None,
) -> Handout:
    """Localize ``monograph``; ``lookup`` None means the English source handout.
    ``blocked``: keys with an error finding (or keys -> the checks that found one);
    ``trust`` and ``needs_review``: whose review marks count, and whether a text must
    be reviewed to publish (by default, as ``interface`` says). ``held_in_view`` (the
    preview only, never a built handout): a held-back text shows its translation, with
    these messages and the English beside it."""
    if interface is None:
        interface = (
            Interface()
            if lookup is None
            else Interface(
                lookup, blocked, trust=trust or NO_TRUST, needs_review=bool(needs_review)
            )
        )
    trust = interface.trust if trust is None else trust
    needs_review = interface.needs_review if needs_review is None else needs_review
    checks = blocked if isinstance(blocked, Mapping) else {}
    local: dict[Text, LocalText] = {}
    states: dict[Key, State] = {}
    for segment in iter_segments(monograph):
        if lookup is None:
            shown = LocalText(segment.msgid, "source")
        else:
            message = lookup.get(segment.key)
            status = _state(message, segment.key, blocked, trust, needs_review)
            shown = _shown(segment.key, segment.msgid, message, status, checks, held_in_view)
        local[segment.text] = shown
        states[segment.key] = shown.state
    for msgid in published_interface(monograph):
        states[(None, msgid)] = interface.state(msgid)
    return Handout(
        monograph,
        locale,
        local[monograph.title],
        _get(local, monograph.classification),
        _sections(monograph, local),
        _get(local, monograph.disclaimer),
        _get(local, monograph.attribution),
        states,
        dict(checks),
    )


def _shown(
    key: Key,
    msgid: str,
    message: Message | None,
    status: State,
    checks: Mapping[Key, tuple[str, ...]],
    held_in_view: Mapping[Key, tuple[str, ...]] | None,
) -> LocalText:
    """A translated text as a handout shows it, in ``status``."""
    if message is not None and message.msgid_plural is not None:
        status = "blocked"  # never its empty msgstr (the build refuses this catalog)
    text = message.msgstr if message is not None and status in USABLE else msgid
    shown = LocalText(text, status, tuple(checks.get(key, ())))
    if (
        status == "blocked"
        and held_in_view is not None
        and message is not None
        and message.msgid_plural is None
        and message.msgstr
    ):
        return LocalText(message.msgstr, status, shown.checks, msgid, held_in_view.get(key, ()))
    return shown


def _get(local: Mapping[Text, LocalText], text: Text | None) -> LocalText | None:
    return local[text] if text is not None else None


def _sections(monograph: Monograph, local: Mapping[Text, LocalText]) -> tuple[LocalSection, ...]:
    """The monograph's sections with each text as shown."""
    return tuple(
        LocalSection(
            section.id,
            section.level,
            _get(local, section.heading),
            tuple(
                LocalBlock(
                    block.kind,
                    _get(local, block.text),
                    tuple(local[i] for i in block.items),
                    block.safety,
                    bool(block.gap) and not block.items,
                )
                for block in section.blocks
            ),
        )
        for section in monograph.sections
    )
