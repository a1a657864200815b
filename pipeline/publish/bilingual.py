"""The bilingual format: a complete translation beside its English, block by block.

Built from the same catalog as the translation (the English comes from the same
monograph, localized as English), only for a published translation: a draft never gets
one. HTML: two columns on screen and in print (the translation first in reading order,
so on the right in a right-to-left language), stacked on narrow screens. Text: each
block in the translation, then its English, indented and marked ``EN``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .. import __version__
from ..checks.clinic_details import Clinic
from ..source.markup import plain
from .blocks import bilingual_body
from .facts import Facts
from .formats import Navigation
from .localize import (
    ENGLISH,
    UI_BILINGUAL,
    UI_CLASSIFICATION,
    UI_EDITION,
    UI_EDITIONS,
    UI_ENGLISH,
    UI_GAP,
    UI_HANDOUT,
    UI_IMPORTANT,
    UI_LARGE,
    UI_PRONUNCIATION,
    UI_STANDARD,
    UI_TEXT,
    Handout,
    Interface,
    LocalSection,
    LocalText,
)
from .plaintext import WIDTH, wrap
from .printing import page_style
from .qr import qr_code
from .render import (
    Strings,
    contact_labels,
    contact_lines,
    content_policy,
    environment,
    fact_values,
    handout_facts,
    locale_info,
    notice_lines,
    page_text,
    provenance,
    running_text,
    stylesheet,
    text_block,
    text_heading,
)

ENGLISH_MARK = "EN  "  # before each English block of the bilingual text
_INDENT = " " * len(ENGLISH_MARK)
# the English side's interface: one per process, so each of its texts is formatted once
_ENGLISH_INTERFACE = Interface()
_ENGLISH_UI = Strings(_ENGLISH_INTERFACE, html=False)  # the English side's interface texts


def _ui(handout: Handout, interface: Interface, facts: Facts) -> dict[str, Any]:
    """The interface strings the bilingual page shows, in ``interface``'s language."""
    strings = Strings(interface, html=True)
    keys = {
        "handout": UI_HANDOUT,
        "bilingual": UI_BILINGUAL,
        "important": UI_IMPORTANT,
        "gap": UI_GAP,
        "pronunciation": UI_PRONUNCIATION,
        "classification": UI_CLASSIFICATION,
        "english": UI_ENGLISH,
        "formats": UI_EDITIONS,
        "large": UI_LARGE,
        "text": UI_TEXT,
        "standard": UI_STANDARD,
    }
    shown: dict[str, Any] = {key: strings.gettext(msgid) for key, msgid in keys.items()}
    shown["provenance"] = provenance(strings, handout, facts)
    shown["contact_box"] = contact_labels(strings)
    shown["edition"] = strings.gettext(UI_EDITION, date=fact_values(handout, facts)["edition"])
    return shown


def render_bilingual_html(
    handout: Handout,
    english: Handout,
    interface: Interface,
    revision: str,
    english_href: str,
    *,
    nav: Navigation | None = None,
    english_address: str | None = None,
    facts: Facts | None = None,
    clinic: Clinic | None = None,
    page_address: str | None = None,
) -> str:
    """The translation and its English as one self-contained HTML page; ``clinic``: the
    care team's details of its contact box; ``page_address``: its public address,
    printed with its QR code on every page."""
    assert handout.published, "a draft has no bilingual format"
    info = locale_info(handout.locale)
    css, _ = stylesheet()
    facts = handout_facts(handout, revision, facts)
    print_css = page_style(running_text(handout, interface, facts))
    template = environment().get_template("bilingual.html")
    clinic = clinic or Clinic()
    return template.render(
        clinic=clinic,
        facts=facts,
        fact=fact_values(handout, facts),
        handout=handout,
        english=english,
        info=info,
        rtl=info.direction == "rtl",
        body=bilingual_body(
            handout,
            english,
            page_text(handout.locale, Strings(interface, html=True)),
            page_text(ENGLISH, Strings(_ENGLISH_INTERFACE, html=True)),
        ),
        ui=_ui(handout, interface, facts),
        ui_en=_ui(english, _ENGLISH_INTERFACE, facts),
        css=css,
        csp=content_policy(css, print_css, images=clinic.logo is not None),
        print_style=Markup(print_css),
        revision=revision,
        version=__version__,
        nav=nav,
        english_href=english_href,
        english_address=english_address or english_href,
        qr=qr_code(page_address) if page_address else None,
    )


def _pair(local: LocalText | None, english: LocalText | None, ui: Strings) -> list[str]:
    if local is None or english is None:
        return []
    return [*text_block(local, ui), *_english(english)]


def _english(shown: LocalText, first: str = "", then: str | None = None) -> list[str]:
    """An English text of the bilingual text, marked ``EN`` (after the mark, ``first``
    on its first line and ``then`` on the others: a list item's or a callout's)."""
    then = first if then is None else then
    return list(wrap(plain(shown.text), WIDTH, ENGLISH_MARK + first, _INDENT + then))


def render_bilingual_text(
    handout: Handout,
    english: Handout,
    interface: Interface,
    revision: str,
    english_address: str,
    *,
    facts: Facts | None = None,
    clinic: Clinic | None = None,
) -> str:
    """Plain text: each block in the translation, then its English (marked ``EN``)."""
    assert handout.published, "a draft has no bilingual format"
    ui = Strings(interface, html=False, locale=handout.locale)
    facts = handout_facts(handout, revision, facts)
    items = provenance(ui, handout, facts)
    out = _text_head(handout, english, ui, facts, items[:2])
    out.append(contact_lines(ui, clinic))
    for section, english_section in zip(handout.sections, english.sections, strict=True):
        out += _text_section(section, english_section, ui)
    out.append(contact_lines(ui, clinic))
    out.append(["-" * WIDTH])
    out += [
        block
        for block in (
            _pair(handout.disclaimer, english.disclaimer, ui),
            _pair(handout.attribution, english.attribution, ui),
        )
        if block
    ]
    lines = [*items, f"{ui.gettext(UI_ENGLISH)}: {english_address}"]
    out.append([line for item in lines for line in wrap(item)])
    return "\n\n".join("\n".join(lines) for lines in out) + "\n"


def _text_head(
    handout: Handout, english: Handout, ui: Strings, facts: Facts, dates: list[str]
) -> list[list[str]]:
    """The bilingual text's paragraphs before the contact box: what it is, the notices,
    the title, pronunciation, classification and ``dates`` (of the provenance)."""
    info = locale_info(handout.locale)
    out: list[list[str]] = [
        [
            *wrap(f"{ui.gettext(UI_HANDOUT)} \u00b7 {ui.gettext(UI_BILINGUAL)}"),
            *wrap(f"{ENGLISH_MARK}{UI_HANDOUT} \u00b7 {UI_BILINGUAL}"),
            f"{info.name} \u00b7 English",
        ]
    ]
    notices = notice_lines(ui, handout, facts)
    if notices:
        out.append(notices)
    out.append([*text_heading(handout.title, ui, "="), *_english(english.title)])
    if handout.monograph.pronunciation:
        out.append(list(wrap(f"{ui.gettext(UI_PRONUNCIATION)}: {handout.monograph.pronunciation}")))
    if handout.classification and english.classification:
        out.append(
            [
                *wrap(
                    f"{ui.gettext(UI_CLASSIFICATION)}: {plain(handout.classification.text)}",
                    locale=ui.locale,
                ),
                *_english(english.classification),
            ]
        )
    out.append([line for item in dates for line in wrap(item)])
    return out


def _text_section(
    section: LocalSection, english_section: LocalSection, ui: Strings
) -> list[list[str]]:
    """One section's paragraphs: its heading and each block, then their English."""
    out: list[list[str]] = []
    if section.heading and english_section.heading:
        rule = "-" if section.level == 2 else "~"
        out.append([*text_heading(section.heading, ui, rule), *_english(english_section.heading)])
    for block, english_block in zip(section.blocks, english_section.blocks, strict=True):
        if block.kind == "callout":
            assert block.text is not None and english_block.text is not None
            out.append(
                [
                    f"! {ui.gettext(UI_IMPORTANT).upper()}",
                    *text_block(block.text, ui, "  | "),
                    f"{ENGLISH_MARK}! {UI_IMPORTANT.upper()}",
                    *_english(english_block.text, "| "),
                ]
            )
            continue
        if block.text is not None:
            out.append(_pair(block.text, english_block.text, ui))
        for item, english_item in zip(block.items, english_block.items, strict=True):
            out.append([*text_block(item, ui, "- ", "  "), *_english(english_item, "- ", "  ")])
        if block.gap:
            english_gap = wrap(_ENGLISH_UI.gettext(UI_GAP), WIDTH, ENGLISH_MARK, _INDENT)
            out.append([*wrap(ui.gettext(UI_GAP)), *english_gap])
    return out
