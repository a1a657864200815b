"""``handouts migrate-plurals``: move a catalog to the standard plural rule.

A catalog written with another Plural-Forms formula (an older tool's, Babel's) keeps it:
`update` never reinterprets a translator's ``msgstr[i]``. This command evaluates both
formulas for n = 0..10,000, moves every plural entry's forms to the positions the
standard rule gives them (so each n shows the same text as before) and writes the
standard header. Where a standard form would need two of the old ones, it refuses and
changes nothing. An old form no number uses under the standard rule (a catalog with more
forms than the standard) is never deleted: its text stays in the entry as a translator
comment (``# handouts: earlier plural form msgstr[i]: "..."``, as ``update`` keeps the
forms of an entry that became singular), and the command says how many.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CatalogError, LocaleError
from ..model import Message
from .locales import catalog_file, catalogs_lock, parse_locale
from .msgmerge import EARLIER_FORM
from .plurals import PluralFormsError, remap, standard_rule
from .pofile import load_catalog, render_catalog, replace_catalog


@dataclass(frozen=True)
class Migration:
    """What :func:`migrate_plural_forms` did."""

    path: str
    before: str  # the old Plural-Forms value
    after: str  # the standard one
    mapping: tuple[int, ...]  # new form i holds old form mapping[i]
    entries: int  # plural entries whose forms moved
    changed: bool
    dropped: tuple[int, ...] = ()  # old forms no n uses now (their texts: comments)
    kept_as_comments: int = 0  # translator-written texts of those forms kept as comments


def migrate_plural_forms(root: Path, locale: str) -> Migration:
    """Rewrite ``locale``'s catalog with the standard Plural-Forms, remapping forms
    (under the catalogs' lock; a catalog saved meanwhile is left alone)."""
    with catalogs_lock(root):
        return _migrate(root, locale)


def _migrate(root: Path, locale: str) -> Migration:
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
        raise CatalogError(f"{error} (Plural-Forms: {before or 'none'})", catalog.path) from None
    moved = kept = 0
    dropped = tuple(i for i in range(old.count) if i not in mapping)
    messages: list[Message] = []
    for message in catalog.messages:
        if message.msgid_plural is not None and message.msgstr_plural:
            forms = tuple(
                message.msgstr_plural[i] if i < len(message.msgstr_plural) else "" for i in mapping
            )
            moved += forms != message.msgstr_plural
            comments = _left_over(message, mapping, forms)
            kept += len(comments)
            message = replace(message, msgstr_plural=forms, comments=message.comments + comments)
        messages.append(message)
    header = {**catalog.header, "Plural-Forms": new.header}
    path = catalog_file(root, locale)
    data = render_catalog(catalog.header_comment, header, messages).encode("utf-8")
    if data == path.read_bytes():
        return Migration(catalog.path, before, new.header, mapping, moved, False, dropped, kept)
    replace_catalog(
        path,
        data,
        catalog,
        "the catalog was saved by someone else while this ran: left as it is; "
        "run the command again",
    )
    return Migration(catalog.path, before, new.header, mapping, moved, True, dropped, kept)


def _left_over(
    message: Message, mapping: tuple[int, ...], forms: tuple[str, ...]
) -> tuple[str, ...]:
    """Translator comments keeping the texts of ``message``'s old forms that no new form
    takes (a text a kept form already holds is not lost, and needs none)."""
    return tuple(
        f'{EARLIER_FORM} msgstr[{index}]: "{_escaped(text)}"'
        for index, text in enumerate(message.msgstr_plural)
        if index not in mapping and text and text not in forms
    )


def _escaped(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
    )
