"""Locale codes and the folder convention of catalogs.

Catalogs live at ``locales/<locale>/LC_MESSAGES/handouts.po``; the template at
``locales/handouts.pot``. Locale codes are gettext folder names (``es``, ``zh_CN``,
``sr@latin``), parsed with Babel (CLDR).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale, UnknownLocaleError

from ..errors import CatalogError, LocaleError

DOMAIN = "handouts"
LOCALES_DIR = Path("locales")
TEMPLATE_PATH = LOCALES_DIR / f"{DOMAIN}.pot"
LOCALE_CODE = re.compile(
    r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?(?:@[a-z0-9]+)?$")


def parse_locale(code: str, where: str | None = None) -> Locale:
    """A Babel Locale for a gettext locale code (``es``, ``zh_CN``, ``sr@latin``)."""
    if not LOCALE_CODE.match(code):
        raise LocaleError(f"'{code}' is not a gettext locale code (like es, zh_CN, pt_BR)",
                          where)
    try:
        return Locale.parse(code.split("@")[0])
    except (UnknownLocaleError, ValueError):
        raise LocaleError(f"unknown locale '{code}' (not in CLDR)", where) from None


def catalog_path(root: Path, locale: str) -> Path:
    return root / LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def discover_locales(root: Path) -> list[str]:
    """Locales that have a catalog folder, validated; a bad folder name is an error."""
    folder = root / LOCALES_DIR
    if not folder.is_dir():
        return []
    locales = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir():
            continue
        parse_locale(child.name, f"{LOCALES_DIR.as_posix()}/{child.name}/")
        if not catalog_path(root, child.name).is_file():
            raise CatalogError(f"locale folder without a catalog: expected LC_MESSAGES/{DOMAIN}.po",
                               f"{LOCALES_DIR.as_posix()}/{child.name}/")
        locales.append(child.name)
    return locales
