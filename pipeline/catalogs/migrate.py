"""``handouts migrate-plurals``: move a catalog to the standard plural rule.

A catalog written with another Plural-Forms formula (an older tool's, Babel's) keeps it:
`update` never reinterprets a translator's ``msgstr[i]``. This command evaluates both
formulas for n = 0..10,000, moves every plural entry's forms to the positions the
standard rule gives them (so each n shows the same text as before) and writes the
standard header. Where a standard form would need two of the old ones, it refuses and
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CatalogError, LocaleError
from ..model import Message
from .locales import catalog_path, parse_locale
from .plurals import PluralFormsError, remap, standard_rule
from .pofile import load_catalog, render_catalog, write_atomic


@dataclass(frozen=True)
class Migration:
    """What :func:`migrate_plural_forms` did."""

    path: str
    before: str  # the old Plural-Forms value
    after: str  # the standard one
    mapping: tuple[int, ...]  # new form i holds old form mapping[i]
    entries: int  # plural entries whose forms moved
    changed: bool


def migrate_plural_forms(root: Path, locale: str) -> Migration:
    """Rewrite ``locale``'s catalog with the standard Plural-Forms, remapping forms."""
    parse_locale(locale)
    new = standard_rule(locale)
    if new is None:
        raise LocaleError(f"no standard plural forms for '{locale}' in weblate-language-data")
    catalog = load_catalog(root, locale)
    old = catalog.plural_rule
    before = catalog.header.get("Plural-Forms", "")
    try:
        mapping = remap(old, new)
    except PluralFormsError as error:
        raise CatalogError(f"{error} (Plural-Forms: {before or 'none'})", catalog.path) \
            from None
    moved = 0
    messages: list[Message] = []
    for message in catalog.messages:
        if message.msgid_plural is not None and message.msgstr_plural:
            forms = tuple(message.msgstr_plural[i] if i < len(message.msgstr_plural) else ""
                          for i in mapping)
            moved += forms != message.msgstr_plural
            message = replace(message, msgstr_plural=forms)
        messages.append(message)
    header = {**catalog.header, "Plural-Forms": new.header}
    changed = write_atomic(catalog_path(root, locale),
                           render_catalog(catalog.header_comment, header, messages))
    return Migration(catalog.path, before, new.header, mapping, moved, changed)
