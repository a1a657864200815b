"""The translatable units of a monograph, enumerated once.

Extraction writes exactly these msgids and localization looks up exactly these,
so the two can never drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Monograph, Section, SegmentKind, Text, Where


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
