"""The formats of one handout (standard, large print, bilingual, PDF): their files, and
the links between them. (An "edition" is a dated, kept version of a handout:
:mod:`pipeline.publish.editions`'s; here each is a "format".)

A published handout has a standard format (HTML and text), a large-print format (HTML),
a bilingual format with its English (HTML and text; translations only), and a PDF of
each HTML format per paper size of ``handouts.yaml``. A draft has only its HTML and
text, under ``drafts/``. Every name is relative to the output folder.

    es/blinatumomab.html            es/blinatumomab.txt
    es/blinatumomab.large.html      es/blinatumomab.bilingual.html  .bilingual.txt
    es/blinatumomab.pdf             es/blinatumomab.large.pdf       .bilingual.pdf
    (two paper sizes: blinatumomab.letter.pdf and blinatumomab.a4.pdf, and so on)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .localize import ENGLISH

DRAFTS = "drafts"  # the translators' folder of the output
HTML_FORMATS = ("standard", "large", "bilingual")
PAPER_NAMES = {"letter": "Letter", "a4": "A4"}  # as Chromium's page.pdf(format=) names them


@dataclass(frozen=True)
class HandoutFiles:
    """The files of one handout, relative to the output folder."""

    html: str
    text: str
    large: str | None = None
    bilingual: str | None = None
    bilingual_text: str | None = None
    pdfs: dict[str, tuple[str, str]] = field(default_factory=dict)  # pdf -> (html, paper)

    def html_of(self, kind: str) -> str | None:
        """The HTML page of a format: ``standard``, ``large`` or ``bilingual``."""
        return {"standard": self.html, "large": self.large, "bilingual": self.bilingual}[kind]

    def written(self) -> list[str]:
        """The HTML and text files (PDFs come later, from the HTML)."""
        return [
            name
            for name in (self.html, self.text, self.large, self.bilingual, self.bilingual_text)
            if name
        ]


def folder_of(locale: str, published: bool) -> str:
    return locale if published else f"{DRAFTS}/{locale}"


def pdf_name(html: str, paper: str, papers: tuple[str, ...]) -> str:
    """``x.html`` -> ``x.pdf``, or ``x.letter.pdf`` when there are several sizes."""
    stem = html.removesuffix(".html")
    return f"{stem}.pdf" if len(papers) == 1 else f"{stem}.{paper}.pdf"


def handout_files(
    locale: str, drug: str, published: bool, papers: tuple[str, ...] = ()
) -> HandoutFiles:
    """The files a handout of ``drug`` in ``locale`` has; PDFs for ``papers``."""
    folder = folder_of(locale, published)
    base = f"{folder}/{drug}"
    if not published:
        return HandoutFiles(f"{base}.html", f"{base}.txt")
    bilingual = locale != ENGLISH
    files = HandoutFiles(
        f"{base}.html",
        f"{base}.txt",
        f"{base}.large.html",
        f"{base}.bilingual.html" if bilingual else None,
        f"{base}.bilingual.txt" if bilingual else None,
    )
    for kind in HTML_FORMATS:
        html = files.html_of(kind)
        if html:
            for paper in papers:
                files.pdfs[pdf_name(html, paper, papers)] = (html, paper)
    return files


def english_address(drug: str, base_url: str | None, text: bool) -> str:
    """Where the English original is, as printed: its public address with ``base_url``
    (the HTML page), otherwise its file inside the handouts folder."""
    if base_url:
        return f"{base_url}{ENGLISH}/{drug}.html"
    return f"{ENGLISH}/{drug}.{'txt' if text else 'html'}"


def relative(target: str, page: str) -> str:
    """``target`` (relative to the output) as a link from ``page`` (both plain relative
    paths without ``..``; what posixpath.relpath gives, without its getcwd per call)."""
    folders, parts = page.split("/")[:-1], target.split("/")
    common = 0
    while common < min(len(folders), len(parts) - 1) and folders[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(folders) - common) + parts[common:])


@dataclass(frozen=True)
class Link:
    label: str  # an interface-string key ("large", "bilingual", "text", "standard", "pdf")
    href: str
    paper: str | None = None  # for PDFs when there are several sizes
    type: str | None = None  # MIME type of a non-HTML target


@dataclass(frozen=True)
class OtherLanguage:
    code: str
    href: str


@dataclass(frozen=True)
class Navigation:
    """A page's links to its handout's other formats and other published languages."""

    formats: tuple[Link, ...]
    languages: tuple[OtherLanguage, ...]


def navigation(
    files: HandoutFiles,
    kind: str,
    page: str,
    pdfs: list[str],
    others: dict[str, str],
    papers: tuple[str, ...],
) -> Navigation:
    """Links from ``page`` (the ``kind`` of format of ``files``) to the other formats, the PDFs
    made (``pdfs``) and ``others`` (locale -> its standard page) in their own names."""
    links = []
    if kind != "standard":
        links.append(Link("standard", relative(files.html, page)))
    if kind != "large" and files.large:
        links.append(Link("large", relative(files.large, page)))
    if kind != "bilingual" and files.bilingual:
        links.append(Link("bilingual", relative(files.bilingual, page)))
    for name in pdfs:
        html, paper = files.pdfs[name]
        if html == files.html_of(kind):
            links.append(
                Link(
                    "pdf",
                    relative(name, page),
                    PAPER_NAMES[paper] if len(papers) > 1 else None,
                    "application/pdf",
                )
            )
    text = files.bilingual_text if kind == "bilingual" else files.text
    if text:
        links.append(Link("text", relative(text, page), type="text/plain"))
    languages = tuple(
        OtherLanguage(code, relative(href, page))
        for code, href in sorted(others.items(), key=lambda item: (item[0] != ENGLISH, item[0]))
    )
    return Navigation(tuple(links), languages)


_NAV = re.compile(r'<nav class="editions".*?</nav>\n?', re.S)


def print_digest(html: str) -> str:
    """The digest of what a page prints: its HTML without the links to other formats
    (which print does not show). A PDF is printed again only when this changes."""
    return hashlib.sha256(_NAV.sub("", html).encode("utf-8")).hexdigest()


def relink(html: str, nav: str) -> str:
    """``html`` with its links to other formats and languages replaced by ``nav``."""
    found = _NAV.search(html)
    if not found:
        raise ValueError("the page has no links to other formats")
    tail = "\n" if found.group().endswith("\n") else ""
    return html[: found.start()] + nav + tail + html[found.end() :]
