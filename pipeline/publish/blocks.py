"""A handout's blocks as HTML, written in Python once per page: the body of the standard
page (which the large print reuses) and the paired cells of the bilingual page.

The markup is exactly what the templates wrote before (``templates/handout.html``'s
``shown`` macro and both pages' loops over sections and blocks), without a template
call per text. Every translation is escaped here; its only markup, ``**strong**``,
becomes ``<strong>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from ..source.markup import STRONG, parse
from .localize import Handout, LocalBlock, LocalSection, LocalText

# a number with a Latin-script unit ("100.4°F", "38 °C", "5 mg"): kept left-to-right
# inside right-to-left text, where the bidi algorithm would show "F°100.4"
_LTR_QUANTITY = re.compile(
    r"(?<![\w.,])\d[\d.,\u066b\u066c]*[ \u00a0]?"
    r"(?:°\s?[FC]|mcg|µg|mg|mL|ml|kg|g|L)(?![A-Za-z])"
)


def _isolate_quantities(run: str) -> Markup:
    out, last = [], 0
    for match in _LTR_QUANTITY.finditer(run):
        out += [
            escape(run[last : match.start()]),
            Markup('<bdi dir="ltr">%s</bdi>') % match.group(),
        ]
        last = match.end()
    out.append(escape(run[last:]))
    return Markup("").join(out)


@lru_cache(maxsize=4096)
def inline_html(text: str, rtl: bool = False) -> Markup:
    """Escape ``text``; its ``**strong**`` runs become ``<strong>``; in right-to-left
    text, numbers with Latin units are isolated left-to-right (cached: the standard,
    large-print and bilingual pages, and every locale's English column, show the same
    texts)."""
    escaped = _isolate_quantities if rtl else escape
    if STRONG not in text:  # the usual text: one run
        return escaped(text)
    return Markup("").join(
        Markup("<strong>%s</strong>") % escaped(run) if strong else escaped(run)
        for run, strong in parse(text)
    )


@dataclass(frozen=True)
class PageText:
    """What a page's texts need to know: its language's tag and direction, the localized
    labels its blocks show (escaped markup: ``important``, ``gap``) and ``why``: the
    reason a text is not ready, as the template's ``why`` macro says it."""

    tag: str
    direction: str
    important: str
    gap: str
    why: Callable[[LocalText], str]

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


def shown(t: LocalText, tag: str, page: PageText, css_class: str = "", id: str = "") -> str:
    """A text in its element, as the handout template's ``shown`` macro writes it: a
    text not ready is marked (``pending``, in English with a tag saying why, or the
    preview's held-back text with its findings and English)."""
    if not (t.pending or css_class or id or t.english):  # a ready text: the usual one
        return f"<{tag}>{inline_html(t.text, page.rtl)}</{tag}>"
    return marked(t, tag, page, css_class, id)


def marked(t: LocalText, tag: str, page: PageText, css_class: str = "", id: str = "") -> str:
    """:func:`shown`'s general case, which a ready text without class or id goes through
    too (no attribute, no tag, no note; a text not pending is never a fallback): the
    fast path is only its shortcut, and a test holds the two equal on real texts."""
    attrs = f' id="{escape(id)}"' if id else ""
    pending = t.pending
    fallback = t.fallback
    if pending or css_class:
        state = "fallback" if fallback else ("pending held" if t.english else "pending")
        attrs += f' class="{escape(" ".join(filter(None, (css_class, state if pending else ""))))}"'
    if fallback:
        attrs += ' lang="en" dir="ltr"'
        tagged = (
            f'<span class="fallback-tag" lang="{escape(page.tag)}" dir="{escape(page.direction)}">'
            f"EN \u00b7 {page.why(t)}</span>"
        )
    elif pending:
        tagged = f'<span class="fallback-tag">{page.why(t)}</span>'
    else:
        tagged = ""
    out = f"<{tag}{attrs}>{tagged}{inline_html(t.text, page.rtl and not fallback)}"
    if t.english:  # the preview's translator view only
        notes = "".join(f'<span class="held-finding">{escape(note)}</span>' for note in t.notes)
        out += (
            f'<span class="held-note" lang="en" dir="ltr">{notes}'
            f'<span class="held-english">English: {escape(t.english)}</span></span>'
        )
    return f"{out}</{tag}>"


def _element(section: LocalSection) -> str:
    return "section" if section.heading else "div"


def body(handout: Handout, page: PageText) -> Markup:
    """The standard page's ``<main>`` content (the large print shows the same)."""
    out: list[str] = []
    for number, section in enumerate(handout.sections, 1):
        out.append(f'\n<{_element(section)} class="section">')
        if section.heading:
            heading = shown(section.heading, f"h{section.level}", page, id=f"s-{section.id}")
            out.append(f"\n{heading}")
        for index, block in enumerate(section.blocks, 1):
            out.append(_block(block, page, f"callout-{number}-{index}"))
        out.append(f"\n</{_element(section)}>")
    return Markup("".join(out))


def _block(block: LocalBlock, page: PageText, label: str) -> str:
    if block.kind == "callout":
        assert block.text is not None
        return (
            f'\n<aside class="callout" role="note" aria-labelledby="{label}">\n'
            f'<p class="callout-label" id="{label}">{page.important}</p>\n'
            f"{shown(block.text, 'p', page)}\n</aside>"
        )
    if block.kind != "list":
        assert block.text is not None
        return f"\n{shown(block.text, 'p', page)}"
    out = f"\n{shown(block.text, 'p', page, 'list-intro')}" if block.text else ""
    if block.items:
        items = "".join(f"\n{shown(item, 'li', page)}" for item in block.items)
        return f"{out}\n<ul>{items}\n</ul>"
    if block.gap:
        return f'{out}\n<p class="gap">{page.gap}</p>'
    return out


def bilingual_body(
    handout: Handout, english: Handout, page: PageText, english_page: PageText
) -> Markup:
    """The bilingual page's sections: each block's cell in the translation, then in
    English (the texts of a published translation are all ready: no marks)."""
    out: list[str] = []
    sections = zip(handout.sections, english.sections, strict=True)
    for number, (section, english_section) in enumerate(sections, 1):
        out.append(f'\n<{_element(section)} class="section">')
        if section.heading and english_section.heading:
            tag, rtl = f"h{section.level}", page.rtl
            out.append(
                f'\n<div class="pair pair-heading">\n<div class="cell">\n<{tag} id="s-'
                f'{escape(section.id)}">{inline_html(section.heading.text, rtl)}</{tag}>\n'
                f'</div>\n<div class="cell" lang="en" dir="ltr">\n<{tag}>'
                f"{inline_html(english_section.heading.text)}</{tag}>\n</div>\n</div>"
            )
        blocks = zip(section.blocks, english_section.blocks, strict=True)
        for index, (block, english_block) in enumerate(blocks, 1):
            label = f"callout-{number}-{index}"
            local = _block(block, page, label)  # (a published text carries no mark)
            theirs = _block(english_block, english_page, f"{label}-en")
            out.append(
                f'\n<div class="pair">\n<div class="cell">{local}\n</div>\n'
                f'<div class="cell" lang="en" dir="ltr">{theirs}\n</div>\n</div>'
            )
        out.append(f"\n</{_element(section)}>")
    return Markup("".join(out))
