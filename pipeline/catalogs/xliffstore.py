"""XLIFF 1.2 as the exchange writes and reads it: translate-toolkit's store (its safe XML
parser: no entities, no network), unit ids that survive any CAT tool, BCP 47 language
tags and the target states; used by the export (:mod:`.xliff`) and the import
(:mod:`.xliffimport`)."""

from __future__ import annotations

import hashlib

from translate.storage import xliff

from ..model import Key, Message
from .locales import parse_locale

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
# XLIFF 1.2 target states: the ones that confirm a translation, and the others (fuzzy)
CONFIRMED_STATES = ("translated", "signed-off", "final")
STATES = (
    "new",
    "needs-translation",
    "needs-adaptation",
    "needs-l10n",
    "needs-review-translation",
    "needs-review-adaptation",
    "needs-review-l10n",
    *CONFIRMED_STATES,
)


class Unit(xliff.xliffunit):
    namespace = XLIFF_12


class Xliff12(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2."""

    UnitClass = Unit
    namespace = XLIFF_12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_12}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


def unit_id(key: Key) -> str:
    """A stable XML id for an entry: a digest of its context and English."""
    context, msgid = key
    raw = f"{context or ''}\x04{msgid}".encode()
    return "h" + hashlib.sha256(raw).hexdigest()[:20]


def bcp47(locale: str) -> str:
    """The BCP 47 tag of a catalog locale (``zh_CN`` -> ``zh-CN``, ``sr@latin`` ->
    ``sr-Latn``)."""
    if "@" not in locale:
        return locale.replace("_", "-")
    found = parse_locale(locale)
    return "-".join(
        filter(
            None,
            (
                found.language,
                found.script,
                found.territory,
                found.variant and found.variant.lower(),
            ),
        )
    )


def form_count(message: Message) -> int:
    """How many translations an entry has (a plural entry: its catalog's nplurals)."""
    if message.msgid_plural is None:
        return 1
    return len(message.msgstr_plural) or 2
