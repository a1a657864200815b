"""What one handout depends on, finely enough that one saved msgstr re-renders one handout.

A handout of a locale shows the catalog entries of its drug's segments and the
interface strings, and its publication depends on their checks (every error check is
an entry check, see :data:`WHOLE_CATALOG`), so its **content fingerprint** digests
exactly those entries (every field but the line numbers, review marks included) with
the catalog's Plural-Forms and the day of its PO-Revision-Date (a handout states when
its translation was last saved), the monograph, the glossary, the safety keys, the
policy, the edition record and the code. A save that changes other entries, or only the
time of PO-Revision-Date within the same day (Poedit rewrites it on every save), leaves
it unchanged; the first save of a day re-renders the locale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..catalogs.pofile import Catalog, render_key
from ..checks.rules import REGISTRY
from ..model import Key, Message, Monograph
from ..source.segments import segment_keys
from .fingerprints import digest
from .localize import UI_MSGIDS

UI_KEYS: tuple[Key, ...] = tuple((None, msgid) for msgid in UI_MSGIDS)
# a catalog-wide error check would make every handout depend on every entry
WHOLE_CATALOG = any(c.scope == "catalog" and c.severity == "error" for c in REGISTRY.values())


def entry_digest(message: Message | None) -> str:
    """One entry's content (all its fields but its line); ``absent`` for no entry."""
    if message is None:
        return "absent"
    return hashlib.sha256(repr(render_key(message)).encode("utf-8")).hexdigest()[:32]


class CatalogDigests:
    """The entry digests of one read catalog, computed on first use."""

    def __init__(self, catalog: Catalog, lookup: dict[Key, Message] | None = None, dated: str = ""):
        self.lookup = lookup if lookup is not None else catalog.lookup()
        # what of the header a handout shows: its plural rule, and the day it was saved
        self.plural_forms = catalog.header.get("Plural-Forms", "") + "\n" + dated
        self._done: dict[Key, str] = {}

    def of(self, key: Key) -> str:
        found = self._done.get(key)
        if found is None:
            found = self._done[key] = entry_digest(self.lookup.get(key))
        return found


def dependent_keys(monograph: Monograph) -> list[Key]:
    """Every catalog key a handout of ``monograph`` may show."""
    return [*segment_keys(monograph), *UI_KEYS]


def content_fingerprint(base: str, digests: CatalogDigests, keys: Iterable[Key]) -> str:
    """``base`` (code, locale, drug, monograph, glossary, safety) with the entries."""
    return digest(base, digests.plural_forms, *(digests.of(key) for key in keys))
