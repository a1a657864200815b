"""The clinic's pages: the index (one card per drug, with its languages and editions) and
one page per language (``languages/<locale>.html``: the same cards, that language only).

Made for a phone between patients as much as for a desk: cards stack at 390 px, every
link is a plain link, nothing is loaded from outside. Finding a drug or keeping one
language works without a server: the language pages need no script, and on the index a
small inline script (allowed by its hash in the Content-Security-Policy, no other
script runs) filters the cards by name, brand name and language as one types. Every
language with a published handout is listed, named as its speakers name it (CLDR); a
language or a handout that exists only as a draft is shown as "in preparation" and never
linked. Each language has one primary "Print" link (the PDF, else the printable page),
its other formats after it. A translation the English outdated shows its kept edition in
every format, with a prominent note for staff, or "translation being updated"
(publish.editions); a drug whose source records a missing part is marked for staff;
every translation says whether a qualified medical translator reviewed it (from the
review records, not from the translation). English only: nothing here is translatable.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .. import __version__
from .formats import PAPER_NAMES
from .listing import Listing
from .localize import ENGLISH
from .render import LocaleInfo, content_policy, environment, locale_info, stylesheet

LANGUAGES = "languages"  # the folder of the per-language pages
FINDER_SCRIPT = """(function () {
  var finder = document.getElementById("finder");
  var query = document.getElementById("find-drug");
  var language = document.getElementById("find-language");
  var status = document.getElementById("find-status");
  var cards = document.querySelectorAll(".card");
  function apply() {
    var words = query.value.toLowerCase().trim();
    var code = language.value;
    var shown = 0;
    cards.forEach(function (card) {
      var has = !code;
      card.querySelectorAll("[data-locale]").forEach(function (row) {
        var keep = !code || row.getAttribute("data-locale") === code;
        row.hidden = !keep;
        if (keep && row.querySelector("a")) { has = true; }
      });
      card.hidden = !(has && card.getAttribute("data-search").indexOf(words) !== -1);
      if (!card.hidden) { shown += 1; }
    });
    status.textContent = shown + (shown === 1 ? " drug shown" : " drugs shown");
  }
  finder.hidden = false;
  query.addEventListener("input", apply);
  language.addEventListener("change", apply);
})();
"""
EDITION_LABELS = {"standard": "Handout", "large": "Large print", "bilingual": "Bilingual"}
PRINT = "Print"  # the primary link of a language: the PDF, else the printable page
MULTI_SCRIPT = ("zh", "sr", "uz", "az", "bs", "pa", "mn")  # name the script: 中文（简体）
WIDE_PARENS = ("zh", "ja")  # CLDR's display pattern in these languages: full-width brackets
GAP_NOTE = "Part of the source is missing; ask the clinical team."


@dataclass(frozen=True)
class EditionLink:
    label: str
    href: str
    type: str | None = None


@dataclass(frozen=True)
class LanguageRow:
    info: LocaleInfo
    status: str  # published | kept (an earlier edition) | updating (withdrawn) | draft
    links: tuple[EditionLink, ...]  # the other formats (secondary)
    note: str | None = None  # the review
    primary: EditionLink | None = None  # "Print": the PDF, else the printable page
    outdated: str | None = None  # a kept edition: the newer English, for staff
    name: str = ""  # the language as its speakers name it


@dataclass(frozen=True)
class Card:
    drug: str
    title: str
    reviewed: str | None
    rows: tuple[LanguageRow, ...]
    search: str  # what the finder matches, lower case
    brands: tuple[str, ...] = ()
    gap: bool = False  # the source records a missing part


@dataclass(frozen=True)
class Language:
    info: LocaleInfo
    published: int
    drafts: int
    page: str | None  # its language page, when it has a published handout


def _edition(name: str) -> str:
    for edition in ("large", "bilingual"):
        if name.endswith(f".{edition}.html"):
            return edition
    return "standard"


def autonym(code: str) -> str:
    """The language as its speakers name it (CLDR, via Babel): its own name, with the
    script where the language is written in several (``中文（简体）``, ``Srpski
    (latinica)``) and a region only where the code names one (``português (Brasil)``)."""
    info = locale_info(code)
    locale = info.babel
    name = locale.get_language_name(locale) or info.name
    details = []
    if locale.language in MULTI_SCRIPT and locale.script:
        details.append(locale.scripts.get(locale.script, locale.script))
    if locale.territory and "_" in code.split("@")[0] and locale.language not in ("zh",):
        details.append(locale.territories.get(locale.territory, locale.territory))
    if not details:
        return name[:1].upper() + name[1:]
    name = name[:1].upper() + name[1:]
    if locale.language in WIDE_PARENS:
        return name + "\uff08" + "\u3001".join(details) + "\uff09"
    return f"{name} ({', '.join(details)})"


def edition_links(item: Listing, prefix: str = "") -> tuple[EditionLink, ...]:
    """The links a published handout gets on the clinic's pages, in a fixed order."""
    return format_links(item.files, item.pdfs, prefix)


def format_links(
    files: Iterable[str], pdfs: Iterable[tuple[str, str, str]], prefix: str = ""
) -> tuple[EditionLink, ...]:
    """Links to every format of a handout (its HTML and text files, its PDFs)."""
    files, pdfs = list(files), list(pdfs)
    links = [
        EditionLink(EDITION_LABELS[_edition(name)], prefix + name)
        for name in files
        if name.endswith(".html")
    ]
    papers = {paper for _, _, paper in pdfs}
    for name, html, paper in pdfs:
        edition = _edition(html)
        label = "PDF" if edition == "standard" else f"PDF {EDITION_LABELS[edition].lower()}"
        if len(papers) > 1:
            label += f" ({PAPER_NAMES[paper]})"
        links.append(EditionLink(label, prefix + name, "application/pdf"))
    for name in files:
        if name.endswith(".txt"):
            label = "Text bilingual" if name.endswith(".bilingual.txt") else "Text"
            links.append(EditionLink(label, prefix + name, "text/plain"))
    order = {
        label: index
        for index, label in enumerate(
            [
                "Handout",
                "Large print",
                "Bilingual",
                "PDF",
                "PDF large print",
                "PDF bilingual",
                "Text",
                "Text bilingual",
            ]
        )
    }
    return tuple(
        sorted(links, key=lambda link: (order.get(link.label.split(" (")[0], 99), link.label))
    )


def _order(code: str) -> tuple[bool, str]:
    return code != ENGLISH, code


def review_note(review: Mapping[str, Any] | None) -> str:
    if review and review.get("fully_reviewed"):
        on = f" on {review['reviewed']}" if review.get("reviewed") else ""
        return f"reviewed by {'; '.join(review.get('reviewers', []))}{on}"
    return "translation not reviewed"


def split_print(
    links: tuple[EditionLink, ...],
) -> tuple[EditionLink | None, tuple[EditionLink, ...]]:
    """The primary "Print" link (the first standard PDF, else the standard page) and the
    other links."""
    primary = next((link for link in links if link.label.split(" (")[0] == "PDF"), None) or next(
        (link for link in links if link.label == "Handout"), None
    )
    if primary is None:
        return None, links
    return EditionLink(PRINT, primary.href, primary.type), tuple(
        link for link in links if link is not primary
    )


def _row(item: Listing, prefix: str) -> LanguageRow:
    info = locale_info(item.locale)
    name = autonym(item.locale)
    if item.status == "published":
        note = review_note(item.review) if item.locale != ENGLISH else None
        primary, links = split_print(edition_links(item, prefix))
        return LanguageRow(info, "published", links, note, primary, name=name)
    edition = item.edition or {}
    if edition.get("status") == "kept":
        pdfs = [
            (pdf, data["html"], data["paper"])
            for pdf, data in sorted((edition.get("pdf") or {}).items())
        ]
        primary, links = split_print(
            format_links(edition.get("files") or (edition["html"], edition["text"]), pdfs, prefix)
        )
        outdated = (
            f"Edition of {edition['published']}: a newer English version exists; "
            "the translation is being updated."
        )
        return LanguageRow(info, "kept", links, review_note(edition), primary, outdated, name)
    if edition:
        return LanguageRow(info, "updating", (), name=name)
    return LanguageRow(info, "draft", (), name=name)


def _available(row: LanguageRow) -> bool:
    return row.status in ("published", "kept")


Rows = dict[tuple[str, str], LanguageRow]  # (drug, locale) -> its row


def _rows(listings: list[Listing], prefix: str) -> Rows:
    """Every handout's row, computed once for all the pages that show it."""
    return {(item.drug, item.locale): _row(item, prefix) for item in listings}


def _cards(listings: list[Listing], rows: Rows, only: str | None) -> list[Card]:
    by_drug: dict[str, dict[str, Listing]] = {}
    for item in listings:
        by_drug.setdefault(item.drug, {})[item.locale] = item
    cards = []
    for drug, items in by_drug.items():
        english = items.get(ENGLISH) or next(iter(items.values()))
        shown = [rows[drug, code] for code in sorted(items, key=_order) if not only or code == only]
        if only and not any(_available(row) for row in shown):
            continue
        brands = english.brands
        search = " ".join([english.title, drug, *brands]).lower()
        cards.append(
            Card(
                drug,
                english.title,
                english.reviewed,
                tuple(shown),
                search,
                brands,
                english.source_gap,
            )
        )
    return sorted(cards, key=lambda card: (card.title.lower(), card.drug))


def _languages(listings: list[Listing], rows: Rows, prefix: str) -> list[Language]:
    counts: dict[str, list[int]] = {}
    for item in listings:
        counts.setdefault(item.locale, [0, 0])[not _available(rows[item.drug, item.locale])] += 1
    return [
        Language(
            locale_info(code),
            published,
            drafts,
            f"{prefix}{LANGUAGES}/{code}.html" if published else None,
        )
        for code, (published, drafts) in sorted(counts.items(), key=lambda kv: _order(kv[0]))
    ]


def _render(
    listings: list[Listing],
    rows: Rows,
    languages: list[Language],
    *,
    prefix: str,
    only: str | None,
    home: str | None,
    script: bool,
) -> str:
    css, _ = stylesheet()
    context: dict[str, Any] = {
        "cards": _cards(listings, rows, only),
        "languages": languages,
        "only": locale_info(only) if only else None,
        "home": home,
        "css": css,
        "version": __version__,
        "script": Markup(FINDER_SCRIPT) if script else None,
        "csp": content_policy(css, scripts=[FINDER_SCRIPT] if script else []),
        "autonym": autonym,
        "gap_note": GAP_NOTE,
    }
    return environment().get_template("index.html").render(**context)


def render_index(listings: Iterable[Listing]) -> str:
    """The clinic's index: every drug, its published editions, and its drafts in
    preparation (not linked)."""
    items = list(listings)
    rows = _rows(items, "")
    return _render(
        items, rows, _languages(items, rows, ""), prefix="", only=None, home=None, script=True
    )


def _published_codes(items: list[Listing], rows: Rows) -> list[str]:
    return sorted(
        {item.locale for item in items if _available(rows[item.drug, item.locale])}, key=_order
    )


def language_page_names(listings: Iterable[Listing]) -> list[str]:
    """The language pages ``listings`` give (no rendering)."""
    items = list(listings)
    return [
        posixpath.join(LANGUAGES, f"{code}.html")
        for code in _published_codes(items, _rows(items, ""))
    ]


def language_pages(listings: Iterable[Listing]) -> dict[str, str]:
    """``languages/<locale>.html`` for every language with a published handout."""
    items = list(listings)
    prefix = "../"
    rows = _rows(items, prefix)
    languages = _languages(items, rows, prefix)
    return {
        posixpath.join(LANGUAGES, f"{code}.html"): _render(
            items,
            rows,
            languages,
            prefix=prefix,
            only=code,
            home=f"{prefix}index.html",
            script=False,
        )
        for code in _published_codes(items, rows)
    }
