"""The translatable units of a monograph, enumerated once.

Extraction writes exactly these msgids and localization looks up exactly these,
so the two can never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..model import Monograph, Section, SegmentKind, Text, Where

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Segment:
    """One block-level text of one monograph, with everything a translator needs to know."""

    text: Text
    kind: SegmentKind
    drug: str
    drug_title: str
    section: str | None = None
    section_heading: str | None = None
    safety: bool = False
    editorial: bool = False

    @property
    def msgid(self) -> str:
        return self.text.text

    @property
    def msgctxt(self) -> str | None:
        return self.text.context

    @property
    def key(self) -> tuple[str | None, str]:
        """The catalog key: (msgctxt, msgid)."""
        return (self.text.context, self.text.text)

    @property
    def where(self) -> Where:
        return self.text.where


def iter_segments(monograph: Monograph) -> Iterator[Segment]:
    """Yield every translatable text of ``monograph`` in reading order."""
    drug = monograph.id
    title = monograph.title.text
    yield Segment(monograph.title, "title", drug, title, safety=True)
    if monograph.classification:
        yield Segment(monograph.classification, "classification", drug, title)
    for section in monograph.sections:
        heading = section.heading.text if section.heading else None

        def segment(
            text: Text,
            kind: SegmentKind,
            safety: bool = False,
            editorial: bool = False,
            section: Section = section,
            heading: str | None = heading,
        ) -> Segment:
            return Segment(text, kind, drug, title, section.id, heading, safety, editorial)

        if section.heading:
            yield segment(section.heading, "heading", editorial=section.editorial)
        for block in section.blocks:
            if block.kind == "list":
                if block.text:
                    yield segment(block.text, "list-intro", block.safety)
                for item in block.items:
                    yield segment(item, "list-item", block.safety)
            else:
                assert block.text is not None
                yield segment(block.text, block.kind, block.safety)
    if monograph.disclaimer:
        yield Segment(monograph.disclaimer, "disclaimer", drug, title)
    if monograph.attribution:
        yield Segment(monograph.attribution, "attribution", drug, title)


class per_monograph(Generic[T]):  # noqa: N801 (used as a decorator)
    """``compute(monograph)`` kept per monograph object, for the last :attr:`KEPT` of
    them: a build asks for each monograph's texts in every locale and format (about
    27,000 times at 200 monographs and three translations). By identity, not by value:
    hashing a monograph would walk every text it holds; the monograph is held with the
    result, so its identity cannot be reused meanwhile."""

    KEPT = 4096

    def __init__(self, compute: Callable[[Monograph], T]):
        self._compute = compute
        self._kept: dict[int, tuple[Monograph, T]] = {}
        self.__doc__ = compute.__doc__

    def __call__(self, monograph: Monograph) -> T:
        known = self._kept.get(id(monograph))
        if known is not None and known[0] is monograph:
            return known[1]
        if len(self._kept) >= self.KEPT:
            self._kept.clear()
        value = self._compute(monograph)
        self._kept[id(monograph)] = (monograph, value)
        return value


@per_monograph
def segments_of(monograph: Monograph) -> tuple[Segment, ...]:
    """Every translatable text of ``monograph`` in reading order (:func:`iter_segments`)."""
    return tuple(iter_segments(monograph))


@per_monograph
def segment_keys(monograph: Monograph) -> tuple[tuple[str | None, str], ...]:
    """The catalog key of every text of ``monograph``, in reading order."""
    return tuple(segment.key for segment in segments_of(monograph))
