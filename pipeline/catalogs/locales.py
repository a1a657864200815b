"""Locale codes and the folder convention of catalogs.

Catalogs live at ``locales/<locale>/LC_MESSAGES/handouts.po``; the template at
``locales/handouts.pot``. Locale codes are gettext folder names (``es``, ``zh_CN``,
``sr@latin``), parsed with Babel (CLDR).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel import Locale, UnknownLocaleError

from ..errors import CatalogError, LocaleError
from ..files import CATALOGS_LOCK, inside_project, project_lock

DOMAIN = "handouts"
LOCALES_DIR = Path("locales")
TEMPLATE_PATH = LOCALES_DIR / f"{DOMAIN}.pot"
LOCALE_CODE = re.compile(
    r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?(?:@[a-z0-9]+)?$"
)
ENGLISH = "en"  # the source language: its handouts come from the monographs
# gettext modifiers that name a script or a variant (glibc's locale names)
SCRIPT_MODIFIERS = {
    "latin": "Latn",
    "cyrillic": "Cyrl",
    "devanagari": "Deva",
    "arabic": "Arab",
    "hebrew": "Hebr",
    "mongolian": "Mong",
}
VARIANT_MODIFIERS = {"valencia": "VALENCIA"}
_DEFAULT_TERRITORY = {"ca": "ES"}  # CLDR has ca_ES_VALENCIA, not ca_VALENCIA


def parse_locale(code: str, where: str | None = None) -> Locale:
    """A Babel Locale for a gettext locale code (``es``, ``zh_CN``, ``sr@latin``): a
    modifier naming a script gives that script (``sr@latin`` is ``sr-Latn``, named in
    Latin script), one naming a variant that variant (``ca@valencia``)."""
    if not LOCALE_CODE.match(code):
        raise LocaleError(f"'{code}' is not a gettext locale code (like es, zh_CN, pt_BR)", where)
    base, _, modifier = code.partition("@")
    try:
        locale = Locale.parse(base)
    except (UnknownLocaleError, ValueError):
        raise LocaleError(f"unknown locale '{code}' (not in CLDR)", where) from None
    explicit_script = any(len(part) == 4 for part in base.split("_")[1:])
    script = None if explicit_script else SCRIPT_MODIFIERS.get(modifier)
    variant = VARIANT_MODIFIERS.get(modifier)
    for territory in dict.fromkeys((locale.territory, _DEFAULT_TERRITORY.get(locale.language))):
        if not (script or variant):
            break
        try:
            return Locale(
                locale.language, territory, script or locale.script, variant or locale.variant
            )
        except (UnknownLocaleError, ValueError):
            continue  # CLDR has no data for it: the language's own, below
    return locale


def language_tag(code: str) -> str:
    """The BCP 47 tag of a gettext locale code: ``sr@latin`` -> ``sr-Latn``, ``zh_CN``
    -> ``zh-CN`` (a script modifier counts even where CLDR has no data for it)."""
    locale = parse_locale(code)
    script = locale.script or SCRIPT_MODIFIERS.get(code.partition("@")[2])
    return "-".join(
        part for part in (locale.language, script, locale.territory, locale.variant) if part
    )


def catalog_path(root: Path, locale: str) -> Path:
    return root / LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


ENGLISH_REFUSED = (
    "English is the source language: its handouts come from the monographs, "
    "not a catalog (a catalog would make every build fail)"
)


def is_english(code: str) -> bool:
    """Whether ``code`` names the source language (``en``, ``en@quot``): no catalog."""
    return code.partition("@")[0] == ENGLISH


def discover_locales(root: Path) -> list[str]:
    """Locales that have a catalog folder, validated: the one list every command uses. A
    bad folder name is an error, and so is a folder for English (the source language)."""
    folder = root / LOCALES_DIR
    if not folder.is_dir():
        return []
    locales = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir():
            continue
        where = f"{LOCALES_DIR.as_posix()}/{child.name}/"
        parse_locale(child.name, where)
        if is_english(child.name):
            raise LocaleError(f"{ENGLISH_REFUSED}; remove this folder", where)
        catalog_file(root, child.name)
        if not catalog_path(root, child.name).is_file():
            raise CatalogError(
                f"locale folder without a catalog: expected LC_MESSAGES/{DOMAIN}.po",
                f"{LOCALES_DIR.as_posix()}/{child.name}/",
            )
        locales.append(child.name)
    return locales


def catalog_file(root: Path, locale: str) -> Path:
    """``locale``'s catalog path, resolved; an error when a symbolic link on the way
    (``locales``, the locale folder, ``LC_MESSAGES``, the file) leads outside the project."""
    return inside_project(root, catalog_path(root, locale), "the catalog's path")


def template_file(root: Path) -> Path:
    """The template's path, resolved inside the project (as :func:`catalog_file`)."""
    return inside_project(root, root / TEMPLATE_PATH, "the template's path")


@contextmanager
def catalogs_lock(root: Path, *, shared: bool = False) -> Iterator[None]:
    """The catalogs' lock: exclusive for the commands that write under ``locales/``
    (update, init, extract, migrate-plurals), shared for a build reading the catalogs."""
    holder = (
        "a command is writing the catalogs (update, init, extract)"
        if shared
        else "another command is using the catalogs (update, init, extract, or a build)"
    )
    with project_lock(root / CATALOGS_LOCK, holder, shared=shared, kind=CatalogError):
        yield
