"""The editions record: the last published edition of each translated handout.

``handouts publish`` records, for every translated handout that is published now, the
exact texts it shows and the facts it states (``editions/<locale>/<drug>.json``) and
the English monograph file it was made from (``editions/sources/<drug>/<revision>.yaml``,
by the source revision the handout prints). The repository keeps the record, so a build
from a fresh clone can show the edition again after the English changes, exactly as it
was published, with a notice that a newer English version exists; or withdraw it, when
the change is safety-critical or marked clinical by the editors. The format is
documented in ``docs/editions.md``. Nothing here reads or writes a translator's catalog.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalogs.pofile import Catalog
from ..checks.rules import catalog_findings
from ..errors import SourceError
from ..factcheck import parse_date, revision_problem
from ..model import Key, Message, Monograph
from ..source.glossary import Glossary
from ..source.interface import UI_MSGIDS, handout_keys
from ..source.monographs import load_monograph
from ..source.segments import iter_segments
from .facts import Facts
from .localize import Handout, Interface, interface_for, localize

if TYPE_CHECKING:  # (a locale's state is built on the fingerprints, which read editions)
    from .locale_state import LocaleState

EDITIONS_DIR = Path("editions")
SOURCES = "sources"
RECORD_FORMAT = 1


def record_path(root: Path, locale: str, drug: str) -> Path:
    return root / EDITIONS_DIR / locale / f"{drug}.json"


def source_path(root: Path, drug: str, revision: str) -> Path:
    return root / EDITIONS_DIR / SOURCES / drug / f"{revision}.yaml"


def revision_of(data: bytes) -> str:
    """A monograph file's revision, as handouts print it: its SHA-256, 12 hex digits."""
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass(frozen=True)
class Edition:
    """One recorded edition of one translated handout."""

    path: str  # the record, relative to the project
    locale: str
    drug: str
    published: dt.date
    revision: str
    plural_forms: str
    facts: Facts
    texts: dict[Key, Message]

    @property
    def source(self) -> str:
        return f"{EDITIONS_DIR.as_posix()}/{SOURCES}/{self.drug}/{self.revision}.yaml"


# --- writing (``handouts publish``) -----------------------------------------------------


def _text_record(message: Message) -> dict[str, Any]:
    item: dict[str, Any] = {"msgctxt": message.msgctxt, "msgid": message.msgid}
    if message.msgid_plural is not None:
        item["msgid_plural"] = message.msgid_plural
        item["msgstr_plural"] = list(message.msgstr_plural)
    else:
        item["msgstr"] = message.msgstr
    return item


def snapshot(
    monograph: Monograph,
    locale: str,
    revision: str,
    published: dt.date,
    lookup: Mapping[Key, Message],
    usable: set[Key],
    catalog: Catalog,
    facts: Facts,
) -> dict[str, Any]:
    """The record of a published handout: its texts, and every usable interface text
    of the catalog (an edition's notice among them), with the facts it states."""
    keys = [key for key in handout_keys(monograph) if key in usable]
    keys += [(None, msgid) for msgid in UI_MSGIDS if (None, msgid) in usable]
    texts = [_text_record(lookup[key]) for key in dict.fromkeys(keys)]
    return {
        "format": RECORD_FORMAT,
        "locale": locale,
        "drug": monograph.id,
        "published": published.isoformat(),
        "revision": revision,
        "source": monograph.where.path,
        "plural_forms": catalog.header.get("Plural-Forms", ""),
        "facts": facts.as_record(),
        "texts": texts,
    }


def record_text(record: Mapping[str, Any]) -> str:
    """A record as written: stable, one key per line, diff-friendly."""
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def same_edition(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether two records hold the same edition (the publication date aside)."""
    return {**old, "published": None} == {**new, "published": None}


# --- reading --------------------------------------------------------------------------


def _fail(message: str, path: str, line: int | None = None) -> SourceError:
    return SourceError(f"editions record: {message}", path, line)


def read_edition(root: Path, locale: str, drug: str) -> Edition | None:
    """The recorded edition of ``drug`` in ``locale`` (None when there is none)."""
    path = record_path(root, locale, drug)
    if not path.is_file():
        return None
    shown = path.relative_to(root).as_posix()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _fail("not UTF-8 text", shown) from None
    except json.JSONDecodeError as error:
        raise _fail(f"invalid JSON: {error.msg}", shown, error.lineno) from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise _fail(f"not an edition record of format {RECORD_FORMAT}", shown)
    try:
        texts: dict[Key, Message] = {}
        for item in data["texts"]:
            plural = item.get("msgid_plural")
            message = Message(
                str(item["msgid"]),
                str(item.get("msgstr", "")),
                item.get("msgctxt"),
                plural,
                tuple(map(str, item.get("msgstr_plural", ()))),
            )
            if not message.translated:
                raise ValueError("an empty text")
            texts[message.key] = message
        published, problem = parse_date(data["published"])
        problem = problem or revision_problem(data["revision"])
        if published is None or problem:  # a future date would outlive a clinical change
            raise _fail(f"not a fact that could have been recorded: {problem}", shown)
        facts = Facts.from_record(data["facts"])
        if facts.revision and facts.revision != data["revision"]:
            facts = replace(
                facts,
                revision="",
                problems=(
                    *facts.problems,
                    f"revision: {facts.revision} is not the record's {data['revision']}",
                ),
            )
        edition = Edition(
            shown,
            str(data["locale"]),
            str(data["drug"]),
            published,
            str(data["revision"]),
            str(data.get("plural_forms", "")),
            facts,
            texts,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _fail(f"malformed ({error})", shown) from None
    if (edition.locale, edition.drug) != (locale, drug):
        raise _fail(f"records {edition.locale}/{edition.drug}, not {locale}/{drug}", shown)
    return edition


def edition_monograph(root: Path, edition: Edition) -> Monograph:
    """The English monograph the edition was made from (checked against its revision)."""
    path = root / edition.source
    try:
        data = path.read_bytes()
    except OSError:
        raise _fail(
            f"the English source of this edition is missing ({edition.source})", edition.path
        ) from None
    if revision_of(data) != edition.revision:
        raise _fail(f"{edition.source} is not revision {edition.revision} (edited?)", edition.path)
    return load_monograph(path, root)


# --- judging: keep or withdraw ------------------------------------------------------------


def safety_texts(monograph: Monograph) -> list[Key]:
    return [segment.key for segment in iter_segments(monograph) if segment.safety]


def withdrawal(
    edition: Edition, old: Monograph, current: Monograph, needs_review: bool
) -> str | None:
    """Why the edition may not stand in for the current handout (None: it may)."""
    clinical = current.clinical_change
    if clinical is not None and edition.published <= clinical:
        return (
            f"the editors marked a clinical change on {clinical.isoformat()} (the edition "
            f"is of {edition.published.isoformat()})"
        )
    if safety_texts(old) != safety_texts(current):
        return "a safety-critical text of the English handout changed"
    if needs_review and not edition.facts.fully_reviewed:
        return "the edition was not reviewed, and this language publishes reviewed texts only"
    return None


def edition_handout(
    recorded: Edition, old: Monograph, state: LocaleState, glossary: Glossary
) -> tuple[Handout, Interface] | str:
    """A kept edition (``recorded``, of the monograph ``old``) as a handout in ``state``'s
    locale, its texts re-checked now; or why it cannot be shown."""
    assert state.lookup is not None
    lookup = {
        key: message
        for key, message in state.lookup.items()
        if key[0] is None and key[1] in UI_MSGIDS and state.usable(key)
    }
    lookup.update(recorded.texts)  # the edition's own texts first, exactly as published
    catalog = Catalog(
        recorded.path,
        state.locale,
        {"Plural-Forms": recorded.plural_forms},
        (),
        tuple(lookup.values()),
    )
    safety = {s.key for s in iter_segments(old) if s.safety}
    errors = [
        f
        for f in catalog_findings(state.locale, catalog, glossary, safety, errors_only=True)
        if f.severity == "error"
    ]
    if errors:
        return f"the edition's texts fail a check now: [{errors[0].check}] {errors[0].message}"
    interface = interface_for(catalog)
    handout = localize(old, state.locale, lookup, {}, interface)
    if not handout.published:
        return "the edition lacks a text the handout shows now (a new interface text)"
    return handout, interface
