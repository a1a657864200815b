"""An interface's texts as one output format shows them: plain text, or escaped Markup
(an interface string that falls back to English marked ``lang="en"``), each
formatted once per locale and remembered by its :class:`~.localize.Interface`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from .facts import fill, has_placeholders
from .localize import Interface

FILLED_KEPT = 1024  # texts with placeholders filled that an interface remembers


def _format(
    text: str, english: str, usable: bool, variables: dict[str, Any], html: bool
) -> tuple[str, bool]:
    """``text`` with its placeholders filled (:func:`~.facts.fill`; values escaped in
    HTML); a text without placeholders is shown as written. A translation naming a value
    that is not given falls back to English (the check reports it as an error)."""
    quote = escape if html else str
    values = {name: quote(value) for name, value in variables.items()}
    for candidate, ok in ((text, usable), (english, False)):
        if not has_placeholders(english):
            return quote(candidate), ok
        filled = fill(str(quote(candidate)), values)
        if filled is not None:
            return (Markup(filled) if html else filled), ok
    return quote(english), False


class Strings:
    """An interface bound to one output format; plain text or escaped Markup."""

    def __init__(self, interface: Interface, html: bool, locale: str | None = None):
        self.interface = interface
        self.html = html
        self.locale = locale  # the handout's: its units stay on their number's line

    def _mark(self, text: str, usable: bool) -> str:
        if self.html and not usable:
            return Markup('<span class="fallback-ui" lang="en" dir="ltr">%s</span>') % text
        return text

    def gettext(self, msgid: str, **variables: Any) -> str:
        if variables:
            return self._filled((msgid,), variables, lambda: self.interface.gettext(msgid), msgid)
        key = (msgid, self.html)  # the same on every page of the locale: formatted once
        shown = self.interface.shown.get(key)
        if shown is None:
            text, usable = self.interface.gettext(msgid)
            shown = self.interface.shown[key] = self._mark(
                *_format(text, msgid, usable, {}, self.html)
            )
        return shown

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        english = singular if num == 1 else plural
        translated = lambda: self.interface.ngettext(singular, plural, num)  # noqa: E731
        return self._filled((singular, plural), variables, translated, english)

    def _filled(
        self,
        msgids: tuple[str, ...],
        variables: dict[str, Any],
        translated: Callable[[], tuple[str, bool]],
        english: str,
    ) -> str:
        """A text with its placeholders filled, remembered by the locale's interface
        (a handout's pages and texts fill the same dates and codes some six times). The
        key holds each value as :func:`_format` uses it (escaped in HTML, so a value
        that is markup and a text that looks like it never share a result)."""
        quote = escape if self.html else str
        key = (*msgids, self.html, *((name, quote(value)) for name, value in variables.items()))
        shown = self.interface.filled.get(key)
        if shown is None:
            if len(self.interface.filled) >= FILLED_KEPT:
                self.interface.filled.clear()
            text, usable = translated()
            shown = self._mark(*_format(text, english, usable, variables, self.html))
            self.interface.filled[key] = shown
        return shown

    def callables(self) -> dict[str, Callable[..., str]]:
        """``_``, ``gettext``, ``ngettext`` for a Jinja2 render context (new-style): the
        bound methods themselves (a page calls them some thirty times; a function that
        asks for the render context costs Jinja more to call, and these need none)."""
        return {"_": self.gettext, "gettext": self.gettext, "ngettext": self.ngettext}
