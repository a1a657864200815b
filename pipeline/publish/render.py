"""Localized handout -> HTML (Jinja2 templates in ``templates/``) and plain text.

Templates are compiled once per process; a page's blocks are written by
:mod:`.blocks`, and the large print is made from the standard page
(:func:`large_print_of`). Every translation is plain text: it is
escaped, and the only markup, ``**strong**``, becomes ``<strong>``. Interface
strings that fall back to English are marked ``lang="en"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import __version__
from ..catalogs.locales import language_tag, parse_locale
from ..checks.clinic_details import Clinic
from ..source.markup import plain
from ..text.direction import direction
from .blocks import PageText, body, inline_html
from .facts import Facts, localized_values
from .formats import Navigation, relink
from .localize import (
    ENGLISH,
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
    Handout,
    Interface,
    LocalText,
)
from .plaintext import WIDTH, underline, wrap
from .printing import RunningText, page_style, style_hash
from .qr import qr_code
from .strings import Strings

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"  # shared with publish
STYLESHEET = "style.css"


# --- locales ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LocaleInfo:
    """What a page needs to know about a locale, all from CLDR."""

    code: str
    tag: str  # BCP 47
    direction: str  # "ltr" | "rtl"
    name: str  # in its own language and script
    babel: Locale


@cache
def locale_info(code: str) -> LocaleInfo:
    locale = Locale("en") if code == ENGLISH else parse_locale(code)
    tag = ENGLISH if code == ENGLISH else language_tag(code)  # sr@latin: sr-Latn
    name = locale.get_display_name(locale) or code
    return LocaleInfo(code, tag, direction(locale), name[:1].upper() + name[1:], locale)


# --- shared helpers ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def stylesheet() -> tuple[Markup, Markup]:
    """The inline CSS and the Content-Security-Policy allowing exactly it."""
    css = (TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")
    return Markup(css), content_policy(css)


def content_policy(*styles: str, scripts: Iterable[str] = (), images: bool = False) -> Markup:
    """A Content-Security-Policy allowing exactly these inline styles and scripts (and,
    with ``images``, images inlined as ``data:`` addresses: the clinic's logo)."""
    allowed_scripts = " ".join(map(style_hash, scripts)) or "'none'"
    return Markup(
        f"default-src 'none'; style-src {' '.join(map(style_hash, styles))}; "
        f"img-src {'data:' if images else chr(39) + 'none' + chr(39)}; font-src 'none'; "
        f"script-src {allowed_scripts}; connect-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    # real callables come with each render; the i18n extension adds the method at run time
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.filters["inline"] = inline_html
    env.filters["plain"] = plain
    env.filters["zip"] = lambda first, second: list(zip(first, second, strict=True))
    env.globals["locale_info"] = locale_info
    env.globals["contact_box"] = contact_box
    env.globals["formats_nav"] = formats_nav
    return env


def handout_facts(handout: Handout, revision: str, facts: Facts | None) -> Facts:
    return facts or Facts(revision, handout.monograph.reviewed)


def _counts(handout: Handout) -> dict[str, Any]:
    """Why the handout is a draft: texts not ready, by reason (and the checks)."""
    return {
        "missing": handout.count("missing"),
        "fuzzy": handout.count("fuzzy"),
        "blocked": handout.count("blocked"),
        "unreviewed": handout.count("unreviewed"),
        "checks": ", ".join(handout.checks),
    }


# --- handouts ----------------------------------------------------------------------------


def render_navigation(nav: Navigation, interface: Interface) -> str:
    """A page's links to its other formats and languages, exactly as the page template
    writes them (``templates/_nav.html``): to relink a page without rendering it again."""
    strings = Strings(interface, html=True)
    labels = {
        "large": strings.gettext(UI_LARGE),
        "bilingual": strings.gettext(UI_BILINGUAL),
        "text": strings.gettext(UI_TEXT),
        "standard": strings.gettext(UI_STANDARD),
    }
    return str(formats_nav(nav, labels, strings.gettext(UI_EDITIONS)))


@lru_cache(maxsize=1)
def _nav_macro() -> Callable[..., Any]:
    module = environment().get_template("_nav.html").make_module()
    return module.formats_nav  # type: ignore[attr-defined]  # a macro the template defines


def formats_nav(nav: Navigation, labels: Mapping[str, str], title: str) -> Markup:
    """``templates/_nav.html``'s macro, as the pages' global ``formats_nav``: its module
    made once per process (an import in the page template costs every page a lookup)."""
    return Markup(_nav_macro()(nav, labels, title))


def contact_box(clinic: Clinic, labels: Mapping[str, str], where: str) -> Markup:
    """The contact box of ``templates/_contact.html`` at ``where`` (top, end), as the
    pages' global ``contact_box``: the same on every page of a language, so made once per
    clinic, labels and place. The labels are keyed as the macro prints them, escaped
    (it does nothing else with them): a label gives the box it gave when first seen."""
    printed = tuple((name, escape(label)) for name, label in labels.items())
    return _contact_box(clinic, printed, where)


@lru_cache(maxsize=64)
def _contact_box(clinic: Clinic, labels: tuple[tuple[str, Markup], ...], where: str) -> Markup:
    module = environment().get_template("_contact.html").make_module()
    return Markup(module.contact_box(clinic, dict(labels), where))  # type: ignore[attr-defined]


def fact_values(handout: Handout, facts: Facts) -> Mapping[str, str]:
    """The handout's facts as its language writes them, with its handout code."""
    return _fact_values(facts, handout.locale, handout.monograph.id)


@lru_cache(maxsize=64)
def _fact_values(facts: Facts, locale: str, drug: str) -> Mapping[str, str]:
    """Cached (read-only): a handout's pages and texts each ask for its facts, some six
    times; the values depend on nothing else (``Facts`` is frozen)."""
    return MappingProxyType(localized_values(facts, locale_info(locale).babel, drug, locale))


def running_text(
    handout: Handout, interface: Interface, facts: Facts, large: bool = False
) -> RunningText:
    """What every printed page of ``handout`` repeats, in its language: the drug, the
    language, "Last updated" and the handout code (each a fact from data, through its
    interface text's placeholder, each labelled), on an unreviewed translation the notice
    that it is not reviewed, and on a draft the draft label."""
    info = locale_info(handout.locale)
    ui = Strings(interface, html=False)
    values = fact_values(handout, facts)
    dated = (
        f"{ui.gettext(UI_UPDATED, date=values['updated'])} \u00b7 "
        f"{ui.gettext(UI_CODE, code=values['code'])}"
    )
    notice = None
    if handout.locale != ENGLISH and not facts.fully_reviewed:
        notice = ui.gettext(UI_TRANSLATION_UNREVIEWED, translated=values["translated"])
    draft = None
    if not handout.published:
        draft = ui.gettext(UI_DRAFT)
        if draft != UI_DRAFT:
            draft = f"{draft} / {UI_DRAFT}"
    return RunningText(
        plain(handout.title.text),
        info.name,
        dated,
        notice,
        draft,
        info.direction == "rtl",
        info.tag,
        large,
    )


def page_text(locale: str, strings: Strings) -> PageText:
    """What the blocks of a page in ``locale`` show besides their texts (``strings``:
    its interface, as HTML)."""
    info = locale_info(locale)

    def why(shown: LocalText) -> str:  # as the template's ``why`` macro says it
        if shown.state == "blocked":
            return strings.gettext(UI_WHY_BLOCKED, check=", ".join(shown.checks))
        reason = {
            "missing": UI_WHY_MISSING,
            "fuzzy": UI_WHY_FUZZY,
            "unreviewed": UI_WHY_UNREVIEWED,
        }.get(shown.state)
        return strings.gettext(reason) if reason else ""

    return PageText(
        info.tag, info.direction, strings.gettext(UI_IMPORTANT), strings.gettext(UI_GAP), why
    )


def main_of(page: str) -> Markup:
    """What a rendered handout page has between ``<main>`` and ``</main>``: the same in
    its standard and large-print formats, so the second reuses the first's."""
    inner = page[page.index("<main>") + len("<main>") : page.index("</main>")]
    return Markup(inner.removesuffix("\n"))  # the template writes that line break itself


def render_html(
    handout: Handout,
    interface: Interface,
    revision: str,
    english_href: str | None = None,
    *,
    facts: Facts | None = None,
    page_format: str = "standard",
    nav: Navigation | None = None,
    english_address: str | None = None,
    main_html: Markup | None = None,
    clinic: Clinic | None = None,
    page_address: str | None = None,
) -> str:
    """The handout as one self-contained HTML page; ``facts`` (default: the monograph's
    alone) fill its provenance block; ``facts.edition`` marks an earlier edition.
    ``page_format``: standard or large (print); ``nav``: its links to the other formats and
    languages; ``main_html``: its body as :func:`main_of` took it from another format;
    ``clinic``: the care team's details of its contact box (None: lines to write on);
    ``page_address``: the page's public address, printed with its QR code on every page."""
    info = locale_info(handout.locale)
    css, _ = stylesheet()
    facts = handout_facts(handout, revision, facts)
    print_css = page_style(running_text(handout, interface, facts, page_format == "large"))
    template = environment().get_template("handout.html")
    clinic = clinic or Clinic()
    strings = Strings(interface, html=True)
    if main_html is None:
        main_html = body(handout, page_text(handout.locale, strings))
    return template.render(
        handout=handout,
        info=info,
        css=css,
        clinic=clinic,
        csp=content_policy(css, print_css, images=clinic.logo is not None),
        print_style=Markup(print_css),
        version=__version__,
        page_format=page_format,
        nav=nav,
        revision=revision,
        localized=handout.locale != ENGLISH,
        english_href=english_href if handout.locale != ENGLISH else None,
        english_address=english_address or english_href,
        main_html=main_html,
        qr=qr_code(page_address) if page_address else None,
        facts=facts,
        fact=fact_values(handout, facts),
        counts=_counts(handout),
        **strings.callables(),
    )


def large_print_of(
    standard: str,
    handout: Handout,
    interface: Interface,
    facts: Facts,
    *,
    nav: Navigation,
    clinic: Clinic | None = None,
    page_address: str | None = None,
) -> str:
    """The large-print page of ``handout``, made from its standard page (rendered with
    the same facts and clinic, with its own links and page address): the two differ only
    in the ``<html>`` element's class, the printed page style and the Content-Security-
    Policy allowing it, the links to the other formats and the QR code; the same bytes as
    :func:`render_html` with ``page_format="large"``, without a second template pass."""
    info = locale_info(handout.locale)
    css, _ = stylesheet()
    images = (clinic or Clinic()).logo is not None
    running = running_text(handout, interface, facts)
    styles = [page_style(running), page_style(replace(running, large=True))]
    opening = f'<html lang="{escape(info.tag)}" dir="{escape(info.direction)}"'
    page = _replace_once(standard, f"{opening}>", f'{opening} class="large">')
    policies = [content_policy(css, style, images=images) for style in styles]
    page = _replace_once(page, f'content="{policies[0]}"', f'content="{policies[1]}"')
    page = _replace_once(page, f"<style>{styles[0]}</style>", f"<style>{styles[1]}</style>")
    page = relink(page, render_navigation(nav, interface))
    if page_address is None:
        return page
    code = qr_code(page_address)
    start, end = page.rfind('\n<div class="qr" dir="ltr">'), page.rfind("\n</body>")
    if not page.rfind("</footer>") < start < end:
        raise ValueError("the standard page has no QR code")
    address = f'<span class="qr-address">{escape(code.address)}</span>'
    block = f'\n<div class="qr" dir="ltr">{code.svg}{address}</div>'
    return page[:start] + block + page[end:]


def _replace_once(page: str, old: str, new: str) -> str:
    """``page`` with the first ``old`` replaced by ``new`` (which must be there)."""
    at = page.find(old)
    if at < 0:
        raise ValueError(f"the standard page lacks {old[:40]!r}")
    return page[:at] + new + page[at + len(old) :]


def why(ui: Strings, shown: LocalText) -> str | None:
    """Why a text is not ready, in the patient's language (None: it is)."""
    if shown.state == "missing":
        return ui.gettext(UI_WHY_MISSING)
    if shown.state == "fuzzy":
        return ui.gettext(UI_WHY_FUZZY)
    if shown.state == "blocked":
        return ui.gettext(UI_WHY_BLOCKED, check=", ".join(shown.checks) or "?")
    if shown.state == "unreviewed":
        return ui.gettext(UI_WHY_UNREVIEWED)
    return None


def text_block(
    shown: LocalText, ui: Strings, indent: str = "", subsequent: str | None = None
) -> list[str]:
    text = plain(shown.text)
    reason = why(ui, shown)
    if reason is not None:
        text = f"[EN: {reason}] {text}" if shown.fallback else f"[{reason}] {text}"
    return list(wrap(text, WIDTH, indent, subsequent, ui.locale))


def text_heading(shown: LocalText, ui: Strings, rule: str) -> list[str]:
    lines = text_block(shown, ui)
    return [*lines, underline("\n".join(lines), rule)]


def _draft_lines(handout: Handout, ui: Strings) -> list[str]:
    counts = _counts(handout)
    label = ui.gettext(UI_DRAFT)
    if handout.locale != ENGLISH and label != UI_DRAFT:
        label = f"{label} / {UI_DRAFT}"  # the English words too: a translator wrote these
    lines = [*wrap(f"*** {label} ***"), *wrap(ui.gettext(UI_DRAFT_EXPLAINED))]
    for name, strings in (
        ("missing", UI_MISSING),
        ("fuzzy", UI_FUZZY),
        ("blocked", UI_BLOCKED),
        ("unreviewed", UI_UNREVIEWED),
    ):
        if counts[name]:
            lines += wrap(ui.ngettext(*strings, counts[name], checks=counts["checks"]))
    return [*lines, "=" * WIDTH]


def provenance(ui: Strings, handout: Handout, facts: Facts) -> list[str]:
    """The facts a patient reads at the end: each fact a placeholder value, labelled
    (shared by HTML and text); no revision hash (that stays in ``<meta>``)."""
    values = fact_values(handout, facts)
    lines = [
        ui.gettext(UI_UPDATED, date=values["updated"]),
        ui.gettext(UI_CODE, code=values["code"]),
    ]
    if handout.locale != ENGLISH:
        if facts.fully_reviewed:
            lines.append(
                ui.gettext(
                    UI_TRANSLATION_REVIEWED,
                    translated=values["translated"],
                    reviewers=values["reviewers"],
                    reviewed=values["reviewed"],
                )
            )
        else:
            lines.append(ui.gettext(UI_TRANSLATION_UNREVIEWED, translated=values["translated"]))
    return lines


def contact_labels(ui: Strings) -> dict[str, str]:
    """The contact box's labels, localized (the values are the clinic's)."""
    return {
        "contact": ui.gettext(UI_CONTACT),
        "phone": ui.gettext(UI_PHONE),
        "after_hours": ui.gettext(UI_AFTER_HOURS),
        "emergency": ui.gettext(UI_EMERGENCY),
        "website": ui.gettext(UI_WEBSITE),
    }


BLANK = "_" * 28  # a line to write a number on


def contact_lines(ui: Strings, clinic: Clinic | None) -> list[str]:
    """The contact box as plain text: a framed block of labelled values, or blank lines."""
    clinic = clinic or Clinic()
    labels = contact_labels(ui)
    title = labels["contact"] + (f": {clinic.name}" if clinic.name else "")
    lines = [f"+{'-' * (WIDTH - 2)}+", *wrap(title, WIDTH, "| ", "| ")]
    for label, value in (
        (labels["phone"], clinic.phone),
        (labels["after_hours"], clinic.after_hours_phone),
        (labels["emergency"], clinic.emergency),
    ):
        lines.append(f"| {label}: {value or BLANK}")
    if clinic.website:
        lines.append(f"| {labels['website']}: {clinic.website}")
    return [*lines, f"+{'-' * (WIDTH - 2)}+"]


def notice_lines(ui: Strings, handout: Handout, facts: Facts) -> list[str]:
    """What stands above the title: a kept edition's notice, an unreviewed
    translation's notice (both in the handout's language)."""
    values = fact_values(handout, facts)
    lines: list[str] = []
    if facts.edition is not None:
        lines += wrap(f"*** {ui.gettext(UI_EDITION, date=values['edition'])} ***")
    if handout.locale != ENGLISH and not facts.fully_reviewed:
        notice = ui.gettext(UI_TRANSLATION_UNREVIEWED, translated=values["translated"])
        lines += wrap(f"*** {notice} ***")
    return [*lines, "=" * WIDTH] if lines else []


def render_text(
    handout: Handout,
    interface: Interface,
    revision: str,
    english_path: str | None = None,
    *,
    facts: Facts | None = None,
    clinic: Clinic | None = None,
) -> str:
    """The handout as UTF-8 plain text, wrapped at 72 display columns; a translation
    ends with the relative path of the English text."""
    ui = Strings(interface, html=False, locale=handout.locale)
    facts = handout_facts(handout, revision, facts)
    out: list[list[str]] = []  # paragraphs, joined by blank lines
    if not handout.published:
        out.append(_draft_lines(handout, ui))
    notices = notice_lines(ui, handout, facts)
    if notices:
        out.append(notices)
    out.append([*wrap(ui.gettext(UI_HANDOUT)), *text_heading(handout.title, ui, "=")])
    lines: list[str] = []
    if handout.monograph.pronunciation:
        lines += wrap(f"{ui.gettext(UI_PRONUNCIATION)}: {handout.monograph.pronunciation}")
    if handout.classification:
        shown = handout.classification
        reason = why(ui, shown)
        marker = (f"[EN: {reason}] " if shown.fallback else f"[{reason}] ") if reason else ""
        classification = f"{ui.gettext(UI_CLASSIFICATION)}: {marker}{plain(shown.text)}"
        lines += wrap(classification, WIDTH, locale=ui.locale)
    items = provenance(ui, handout, facts)
    dates = items[:2]  # "Last updated", the handout code
    out.append([*lines, *(line for item in dates for line in wrap(item))])
    out.append(contact_lines(ui, clinic))
    for section in handout.sections:
        if section.heading:
            out.append(text_heading(section.heading, ui, "-" if section.level == 2 else "~"))
        for block in section.blocks:
            if block.kind == "callout":
                assert block.text is not None
                out.append(
                    [f"! {ui.gettext(UI_IMPORTANT).upper()}", *text_block(block.text, ui, "  | ")]
                )
            elif block.kind == "list":
                if block.text:
                    out.append(text_block(block.text, ui))
                if block.items:
                    out.append(
                        [line for item in block.items for line in text_block(item, ui, "- ", "  ")]
                    )
                elif block.gap:
                    out.append(list(wrap(ui.gettext(UI_GAP))))
            elif block.text is not None:
                out.append(text_block(block.text, ui))
    out.append(contact_lines(ui, clinic))
    out.append(["-" * WIDTH])
    out += [text_block(t, ui) for t in (handout.disclaimer, handout.attribution) if t]
    if english_path and handout.locale != ENGLISH:
        items.append(f"{ui.gettext(UI_ENGLISH)}: {english_path}")
    out.append([line for item in items for line in wrap(item)])
    return "\n\n".join("\n".join(lines) for lines in out) + "\n"


def render_page(name: str, **context: Any) -> str:
    """A page template (index, drafts, review sheet) with the stylesheet and its policy."""
    css, policy = stylesheet()
    return (
        environment().get_template(name).render(css=css, csp=policy, version=__version__, **context)
    )
