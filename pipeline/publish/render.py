"""Localized handout -> HTML (Jinja2 templates in ``templates/``) and plain text.

Templates are compiled once per process. Every translation is plain text: it is
escaped, and the only markup, ``**strong**``, becomes ``<strong>``. Interface
strings that fall back to English are marked ``lang="en"``.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import get_locale_identifier
from babel.dates import format_date
from babel.numbers import format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup, escape

from .. import __version__
from ..catalogs.locales import parse_locale
from ..source.markup import parse, plain
from .formats import DRAFTS, Navigation
from .localize import (
    ENGLISH,
    UI_BILINGUAL,
    UI_CLASSIFICATION,
    UI_DRAFT,
    UI_DRAFT_EXPLAINED,
    UI_EDITIONS,
    UI_ENGLISH,
    UI_GAP,
    UI_HANDOUT,
    UI_IMPORTANT,
    UI_LARGE,
    UI_MISSING,
    UI_NOT_REVIEWED,
    UI_PERCENT,
    UI_PRONUNCIATION,
    UI_REVIEWED,
    UI_REVISION,
    UI_STANDARD,
    UI_TEXT,
    Handout,
    Interface,
    LocalText,
)
from .plaintext import WIDTH, underline, wrap
from .printing import RunningText, page_style, style_hash

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
    tag = get_locale_identifier((locale.language, locale.territory, locale.script,
                                 locale.variant), sep="-")
    name = locale.get_display_name(locale) or code
    return LocaleInfo(code, tag, locale.text_direction, name[:1].upper() + name[1:], locale)


# --- shared helpers ----------------------------------------------------------------------

# a number with a Latin-script unit ("100.4°F", "38 °C", "5 mg"): kept left-to-right
# inside right-to-left text, where the bidi algorithm would show "F°100.4"
_LTR_QUANTITY = re.compile(r"(?<![\w.,])\d[\d.,\u066b\u066c]*[ \u00a0]?"
                           r"(?:°\s?[FC]|mcg|µg|mg|mL|ml|kg|g|L)(?![A-Za-z])")


def _isolate_quantities(run: str) -> Markup:
    out, last = [], 0
    for match in _LTR_QUANTITY.finditer(run):
        out += [escape(run[last:match.start()]),
                Markup('<bdi dir="ltr">%s</bdi>') % match.group()]
        last = match.end()
    out.append(escape(run[last:]))
    return Markup("").join(out)


def inline_html(text: str, rtl: bool = False) -> Markup:
    """Escape ``text``; its ``**strong**`` runs become ``<strong>``; in right-to-left
    text, numbers with Latin units are isolated left-to-right."""
    escaped = _isolate_quantities if rtl else escape
    return Markup("").join(Markup("<strong>%s</strong>") % escaped(run) if strong
                           else escaped(run) for run, strong in parse(text))


@lru_cache(maxsize=1)
def stylesheet() -> tuple[Markup, Markup]:
    """The inline CSS and the Content-Security-Policy allowing exactly it."""
    css = (TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")
    return Markup(css), content_policy(css)


def content_policy(*styles: str, scripts: Iterable[str] = ()) -> Markup:
    """A Content-Security-Policy allowing exactly these inline styles and scripts."""
    allowed_scripts = " ".join(map(style_hash, scripts)) or "'none'"
    return Markup(f"default-src 'none'; style-src {' '.join(map(style_hash, styles))}; "
                  "img-src 'none'; font-src 'none'; "
                  f"script-src {allowed_scripts}; connect-src 'none'; base-uri 'none'; "
                  "form-action 'none'")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      keep_trailing_newline=True, auto_reload=False)
    env.policies["ext.i18n.trimmed"] = True
    env.install_null_translations(newstyle=True)  # real callables come with each render
    env.filters["inline"] = inline_html
    env.filters["plain"] = plain
    env.filters["zip"] = lambda first, second: list(zip(first, second, strict=True))
    env.globals["locale_info"] = locale_info
    return env


def _format(text: str, english: str, usable: bool, variables: dict[str, Any],
            html: bool) -> tuple[str, bool]:
    """``text % variables``; a translation that does not format falls back to English."""
    for candidate, ok in ((text, usable), (english, False)):
        try:
            return (escape(candidate) if html else candidate) % variables, ok
        except (KeyError, ValueError, TypeError, IndexError):
            continue
    return escape(english) if html else english, False


class _Strings:
    """An interface bound to one output format; plain text or escaped Markup."""

    def __init__(self, interface: Interface, html: bool):
        self.interface = interface
        self.html = html

    def _mark(self, text: str, usable: bool) -> str:
        if self.html and not usable:
            return Markup('<span class="fallback-ui" lang="en" dir="ltr">%s</span>') % text
        return text

    def gettext(self, msgid: str, **variables: Any) -> str:
        text, usable = self.interface.gettext(msgid)
        return self._mark(*_format(text, msgid, usable, variables, self.html))

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text, usable = self.interface.ngettext(singular, plural, num)
        english = singular if num == 1 else plural
        return self._mark(*_format(text, english, usable, variables, self.html))

    def callables(self) -> dict[str, Callable[..., str]]:
        """``_``, ``gettext``, ``ngettext`` for a Jinja2 render context (new-style)."""
        @pass_context
        def gettext(_context: Any, msgid: str, **variables: Any) -> str:
            return self.gettext(msgid, **variables)

        @pass_context
        def ngettext(_context: Any, singular: str, plural: str, num: int,
                     **variables: Any) -> str:
            return self.ngettext(singular, plural, num, **variables)

        return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def _values(handout: Handout, info: LocaleInfo) -> dict[str, str | None]:
    reviewed = handout.monograph.reviewed
    return {
        "reviewed": format_date(reviewed, "long", locale=info.babel) if reviewed else None,
        "percent": format_percent(math.floor(handout.ratio * 100) / 100, locale=info.babel),
    }


# --- handouts ----------------------------------------------------------------------------

def render_navigation(nav: Navigation, interface: Interface) -> str:
    """A page's links to its other editions and languages, exactly as the page template
    writes them (``templates/_nav.html``): to relink a page without rendering it again."""
    strings = _Strings(interface, html=True)
    labels = {"large": strings.gettext(UI_LARGE), "bilingual": strings.gettext(UI_BILINGUAL),
              "text": strings.gettext(UI_TEXT), "standard": strings.gettext(UI_STANDARD)}
    return str(_nav_macro()(nav, labels, strings.gettext(UI_EDITIONS)))


@lru_cache(maxsize=1)
def _nav_macro() -> Callable[..., Any]:
    return environment().get_template("_nav.html").make_module().editions_nav


def running_text(handout: Handout, interface: Interface, revision: str,
                 large: bool = False) -> RunningText:
    """What every printed page of ``handout`` repeats, in its language."""
    info = locale_info(handout.locale)
    ui = _Strings(interface, html=False)
    values = _values(handout, info)
    dated = (ui.gettext(UI_REVIEWED, date=values["reviewed"]) if values["reviewed"]
             else ui.gettext(UI_NOT_REVIEWED))
    draft = None
    if not handout.published:
        draft = ui.gettext(UI_DRAFT)
        if draft != UI_DRAFT:
            draft = f"{draft} / {UI_DRAFT}"
    return RunningText(plain(handout.title.text), info.name, dated,
                       ui.gettext(UI_REVISION, revision=revision), draft,
                       info.direction == "rtl", info.tag, large)


def main_of(page: str) -> Markup:
    """What a rendered handout page has between ``<main>`` and ``</main>``: the same in
    its standard and large-print editions, so the second reuses the first's."""
    inner = page[page.index("<main>") + len("<main>"):page.index("</main>")]
    return Markup(inner.removesuffix("\n"))  # the template writes that line break itself


def render_html(handout: Handout, interface: Interface, revision: str,
                english_href: str | None = None, *, edition: str = "standard",
                nav: Navigation | None = None, english_address: str | None = None,
                main_html: Markup | None = None) -> str:
    """The handout as one self-contained HTML page (``edition``: standard or large);
    ``main_html``: its body as :func:`main_of` took it from another edition."""
    info = locale_info(handout.locale)
    css, _ = stylesheet()
    print_css = page_style(running_text(handout, interface, revision, edition == "large"))
    template = environment().get_template("handout.html")
    return template.render(
        handout=handout, info=info, css=css, csp=content_policy(css, print_css),
        print_style=Markup(print_css), version=__version__, edition=edition, nav=nav,
        revision=revision, localized=handout.locale != ENGLISH,
        english_href=english_href if handout.locale != ENGLISH else None,
        english_address=english_address or english_href, main_html=main_html,
        **_values(handout, info), **_Strings(interface, html=True).callables())


def _text_block(shown: LocalText, indent: str = "", subsequent: str | None = None
                ) -> list[str]:
    text = plain(shown.text)
    return list(wrap(f"[EN] {text}" if shown.fallback else text, WIDTH, indent, subsequent))


def _text_heading(shown: LocalText, rule: str) -> list[str]:
    lines = _text_block(shown)
    return [*lines, underline("\n".join(lines), rule)]


def render_text(handout: Handout, interface: Interface, revision: str,
                english_path: str | None = None) -> str:
    """The handout as UTF-8 plain text, wrapped at 72 display columns; a translation
    ends with the relative path of the English text."""
    ui = _Strings(interface, html=False)
    values = _values(handout, locale_info(handout.locale))
    out: list[list[str]] = []  # paragraphs, joined by blank lines
    if not handout.published:
        out.append([*wrap(f"*** {ui.gettext(UI_DRAFT)} ***"), *wrap(ui.gettext(UI_DRAFT_EXPLAINED)),
                    *wrap(ui.ngettext(*UI_MISSING, handout.missing)), "=" * WIDTH])
    out.append([*wrap(ui.gettext(UI_HANDOUT)), *_text_heading(handout.title, "=")])
    facts = []
    if handout.monograph.pronunciation:
        facts += wrap(f"{ui.gettext(UI_PRONUNCIATION)}: {handout.monograph.pronunciation}")
    if handout.classification:
        shown = handout.classification
        marker = "[EN] " if shown.fallback else ""
        facts += wrap(f"{ui.gettext(UI_CLASSIFICATION)}: {marker}{plain(shown.text)}")
    if facts:
        out.append(facts)
    for section in handout.sections:
        if section.heading:
            out.append(_text_heading(section.heading, "-" if section.level == 2 else "~"))
        for block in section.blocks:
            if block.kind == "callout":
                assert block.text is not None
                out.append([f"! {ui.gettext(UI_IMPORTANT).upper()}",
                            *_text_block(block.text, "  | ")])
            elif block.kind == "list":
                if block.text:
                    out.append(_text_block(block.text))
                if block.items:
                    out.append([line for item in block.items
                                for line in _text_block(item, "- ", "  ")])
                elif block.gap:
                    out.append(list(wrap(ui.gettext(UI_GAP))))
            elif block.text is not None:
                out.append(_text_block(block.text))
    out.append(["-" * WIDTH])
    out += [_text_block(t) for t in (handout.disclaimer, handout.attribution) if t]
    reviewed = (ui.gettext(UI_REVIEWED, date=values["reviewed"]) if values["reviewed"]
                else ui.gettext(UI_NOT_REVIEWED))
    provenance = [ui.gettext(UI_REVISION, revision=revision)]
    if handout.locale != ENGLISH:
        provenance.append(ui.gettext(UI_PERCENT, percent=values["percent"]))
    provenance.append(reviewed)
    if english_path and handout.locale != ENGLISH:
        provenance.append(f"{ui.gettext(UI_ENGLISH)}: {english_path}")
    out.append([line for item in provenance for line in wrap(item)])
    return "\n\n".join("\n".join(lines) for lines in out) + "\n"


# --- index pages -------------------------------------------------------------------------

@dataclass(frozen=True)
class Listing:
    """One built handout as the index pages list it (paths relative to the output)."""

    locale: str
    drug: str
    title: str  # the English title, for sorting and the clinic's table
    status: str  # "published" | "draft"
    html: str
    text: str
    reviewed: str | None  # ISO date
    percent: float
    missing: int
    blocking: int
    files: tuple[str, ...] = ()  # every HTML and text edition
    pdfs: tuple[tuple[str, str, str], ...] = ()  # (pdf, its HTML edition, paper)


def _page(name: str, **context: Any) -> str:
    css, policy = stylesheet()
    return environment().get_template(name).render(css=css, csp=policy, version=__version__,
                                                   **context)


def render_drafts(listings: Iterable[Listing]) -> str:
    """The translators' page: every draft with what is left to do."""
    drafts = sorted((item for item in listings if item.status == "draft"),
                    key=lambda item: (item.locale, item.title.lower(), item.drug))
    rows = [{"item": item, "info": locale_info(item.locale),
             "html": posixpath.relpath(item.html, DRAFTS),
             "text": posixpath.relpath(item.text, DRAFTS)}
            for item in drafts]
    return _page("drafts.html", rows=rows)
