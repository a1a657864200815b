"""What every printed page of a handout carries: a per-page ``@page`` style.

CSS margin boxes (``@top-left``, ``@bottom-right``...; Chromium since 131, WeasyPrint)
repeat on every printed page, whether the page is printed from a browser or made into a
PDF: the drug and the language (in its own script) at the top, "Last updated", the
handout code and an unreviewed translation's notice at the bottom, "page / pages" in
the outer corner, and on a draft the draft label at the top of every page. Margin boxes
take no markup, only CSS strings, so the texts are written here as CSS strings with every
character outside ``[A-Za-z0-9 ]`` hex-escaped: a translation cannot end the string or
the ``<style>`` element.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache

# Fonts for the margin boxes (which do not inherit from the document's :lang rules).
FONT_STACKS = {
    "zh-Hant": '"Noto Sans CJK TC", "Noto Sans TC"',
    "zh": '"Noto Sans CJK SC", "Noto Sans SC"',
    "ja": '"Noto Sans CJK JP"',
    "ko": '"Noto Sans CJK KR"',
    "ar": '"Noto Naskh Arabic", "Noto Sans Arabic"',
    "fa": '"Noto Naskh Arabic", "Noto Sans Arabic"',
    "ur": '"Noto Nastaliq Urdu", "Noto Naskh Arabic"',
    "he": '"Noto Sans Hebrew"',
    "hi": '"Noto Sans Devanagari"',
    "mr": '"Noto Sans Devanagari"',
    "ne": '"Noto Sans Devanagari"',
}
BASE_STACK = '"Noto Sans", "DejaVu Sans", Arial, sans-serif'


def css_escape(char: str) -> str:
    """One character of a CSS string literal: an ASCII letter, digit or space as itself,
    any other as its code point escaped (an escape is ended by one white space, which
    CSS consumes: a space after it stays)."""
    return char if (char.isascii() and char.isalnum()) or char == " " else f"\\{ord(char):x} "


class _CssEscapes(dict[int, str]):
    """:func:`css_escape` of each code point, as a ``str.translate`` table filled as
    characters are met (emptied at 4096 entries: a text of many scripts cannot grow it)."""

    def __missing__(self, code: int) -> str:
        if len(self) >= 4096:
            self.clear()
        escaped = self[code] = css_escape(chr(code))
        return escaped


_CSS_ESCAPES = _CssEscapes()


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that no input can break out of: each character
    :func:`css_escape`'d (through a translate table: a page's running texts are made of
    the same few hundred characters)."""
    return '"' + text.translate(_CSS_ESCAPES) + '"'


@lru_cache(maxsize=64)  # the stylesheet's hash on every page; a handout's page style twice
def style_hash(css: str) -> str:
    """The CSP source (``'sha256-...'``) that allows exactly this inline style or script."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def font_stack(tag: str) -> str:
    """The fonts for a BCP 47 tag: the script's Noto family first, then the base stack."""
    for prefix in (tag, tag.split("-")[0]):
        if prefix in FONT_STACKS:
            return f"{FONT_STACKS[prefix]}, {BASE_STACK}"
    if tag.startswith("zh-") and tag.split("-")[1] in ("TW", "HK", "MO"):
        return f"{FONT_STACKS['zh-Hant']}, {BASE_STACK}"
    return BASE_STACK


@dataclass(frozen=True)
class RunningText:
    """The texts every printed page repeats (plain text, already localized)."""

    title: str  # the drug, as the handout names it
    language: str  # the language, in its own name and script
    dated: str  # "Last updated: ..." and the handout code, each labelled
    notice: str | None = None  # an unreviewed translation's notice, on every page
    draft: str | None = None  # the draft label, on every page of a draft
    rtl: bool = False
    tag: str = "en"
    large: bool = False


@lru_cache(maxsize=16)  # a handout's standard page style: its page and the large print's
def page_style(running: RunningText) -> str:
    """The ``@page`` rules that put ``running`` on every printed page."""
    start, end = ("right", "left") if running.rtl else ("left", "right")
    direction = "rtl" if running.rtl else "ltr"
    size = "14pt" if running.large else "9pt"  # scaled with the body (18 pt, 12 pt)
    box = (
        f"font-family: {font_stack(running.tag)}; font-size: {size}; color: #000; "
        f"direction: {direction}; unicode-bidi: isolate"
    )
    top, bottom = ("padding-bottom: 4mm", "padding-top: 4mm")  # never touching the text
    header = css_string(f"{running.title} \u2014 {running.language}")
    footer = css_string(" \u00b7 ".join(filter(None, (running.dated, running.notice))))
    rules = [
        f"@top-{start} {{ content: {header}; {box}; {top}; text-align: {start}; "
        "vertical-align: bottom; }",
        f"@bottom-{start} {{ content: {footer}; {box}; {bottom}; text-align: {start}; "
        "vertical-align: top; }",
        f'@bottom-{end} {{ content: counter(page) " / " counter(pages); {box}; {bottom}; '
        f"direction: ltr; text-align: {end}; vertical-align: top; width: 18%; }}",
    ]
    if running.draft:
        rules.append(
            f"@top-{end} {{ content: {css_string(running.draft)}; {box}; {top}; "
            f"text-align: {end}; vertical-align: bottom; font-weight: 800; "
            f"font-size: {'15pt' if running.large else '10pt'}; }}"
        )
    # room for the running boxes: 14 pt in large print; an unreviewed translation's notice
    # makes the footer two to four lines (it must never be cut at the page's edge)
    if running.large:
        margins = f"margin: 24mm 15mm {'38mm' if running.notice else '22mm'}; "
    else:
        margins = "margin: 18mm 15mm 26mm; " if running.notice else ""
    return "@page { " + margins + " ".join(rules) + " }"
