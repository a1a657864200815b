"""Script direction, from CLDR: the one rule for a page's ``dir`` and for the check that
allows direction marks only in a right-to-left translation.

Both take the Babel locale that :func:`pipeline.catalogs.locales.parse_locale` makes of a
gettext code, so a modifier naming a script counts as that script (``az@arabic`` is
right to left, ``sd@devanagari`` left to right).
"""

from __future__ import annotations

from babel import Locale


def direction(locale: Locale) -> str:
    """``ltr`` or ``rtl`` (CLDR's ``ttb`` for vertical Mongolian script, as Babel says)."""
    return locale.text_direction


def is_rtl(locale: Locale) -> bool:
    """Whether ``locale`` is written right to left."""
    return locale.character_order == "right-to-left"
