"""The editions record that ``handouts publish`` brings up to date (a library:
:mod:`pipeline.commands.publish` reads the project and judges each handout with it).

For every translated handout that is published now (complete, checked, reviewed where
the policy requires it), the record of its edition (:mod:`.editions`) is written when it
holds other texts or facts than the recorded one; a handout that is a draft now keeps
its older record, which is what lets the build show that edition after the English
changes. Records of drugs or locales that no longer exist, and English sources no
record uses, are removed. Only ``editions/`` is written; catalogs never are.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogs.pofile import write_atomic
from ..errors import HandoutError
from ..files import inside_project
from ..model import Key, Monograph
from ..source.glossary import Glossary
from ..source.interface import handout_keys
from ..source.segments import iter_segments
from . import editions
from .facts import Facts, handout_facts
from .locale_state import LocaleState, check_entries
from .localize import localize


@dataclass
class PublishResult:
    """What ``publish`` wrote (or, with ``check``, would write)."""

    written: list[str] = field(default_factory=list)  # records new or changed
    unchanged: list[str] = field(default_factory=list)  # published, already recorded
    kept: list[str] = field(default_factory=list)  # drafts now: their older record stays
    removed: list[str] = field(default_factory=list)  # records and sources no longer used

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


class EditionsRecord:
    """The editions record being brought up to date: every handout judged in turn
    (:meth:`judge`, or :meth:`keep` for one not chosen), then :meth:`finish` writes the
    records (all or none: each was valid) and removes those no longer used; with
    ``check`` it writes nothing and only says what would be written."""

    def __init__(self, root: Path, date: dt.date, check: bool) -> None:
        self.root, self.date, self.check = root, date, check
        self.result = PublishResult()
        self.referenced: set[Path] = set()
        self.pending: dict[Path, str] = {}  # written once every handout is judged

    def keep(self, locale: str, drug: str) -> None:
        """A handout not chosen: its record, if any, stays as it is."""
        _remember(self.root, editions.record_path(self.root, locale, drug), self.referenced)

    def judge(
        self, state: LocaleState, monograph: Monograph, glossary: Glossary, safety: frozenset[Key]
    ) -> None:
        """Record ``monograph``'s handout in ``state``'s locale if it is published now;
        a draft keeps its older record. A fact that could not be read back is refused."""
        root, locale = self.root, state.locale
        path = editions.record_path(root, locale, monograph.id)
        shown = path.relative_to(root).as_posix()
        check_entries(state, [s.key for s in iter_segments(monograph)], glossary, safety)
        handout = localize(monograph, locale, state.lookup, state.blocked, state.interface)
        if not handout.published:
            if path.is_file():
                self.result.kept.append(shown)
                _remember(root, path, self.referenced)
            return
        assert state.lookup is not None and state.catalog is not None
        data = (root / monograph.where.path).read_bytes()
        revision = editions.revision_of(data)
        facts = handout_facts(
            monograph, revision, handout_keys(monograph), state.lookup, state.trust, state.catalog
        )
        refused = Facts.from_record(facts.as_record()).problems  # as it will be read
        if refused:
            raise HandoutError(f"a fact of this handout cannot be recorded: {refused[0]}", shown)
        usable = {key for key in state.lookup if state.usable(key)}
        record = editions.snapshot(
            monograph, locale, revision, self.date, state.lookup, usable, state.catalog, facts
        )
        old = _read_json(path)
        source = editions.source_path(root, monograph.id, revision)
        if old is not None and editions.same_edition(old, record):
            self.result.unchanged.append(shown)
        else:
            self.result.written.append(shown)
            self.pending[source] = data.decode("utf-8")
            self.pending[path] = editions.record_text(record)
        self.referenced.add(source)

    def finish(self, locales: list[str], drugs: set[str]) -> PublishResult:
        """Write the records judged (unless ``check``); remove those of ``locales`` or
        ``drugs`` gone and the sources no record uses."""
        for target, text in self.pending.items() if not self.check else ():
            _write(self.root, target, text)
        self.result.removed = _prune(self.root, locales, drugs, self.referenced, self.check)
        return self.result


def _write(root: Path, path: Path, text: str) -> None:
    path = inside_project(root, path, "the editions record's path")
    try:
        write_atomic(path, text)
    except OSError as error:
        raise HandoutError(
            f"cannot write the editions record: {error.strerror}", str(path)
        ) from None


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _remember(root: Path, path: Path, referenced: set[Path]) -> None:
    """Keep the English source of an existing record."""
    data = _read_json(path)
    if data and isinstance(data.get("revision"), str) and isinstance(data.get("drug"), str):
        referenced.add(editions.source_path(root, data["drug"], data["revision"]))


def _prune(
    root: Path, locales: list[str], drugs: set[str], referenced: set[Path], check: bool
) -> list[str]:
    """Remove records of locales or drugs gone, and sources no record uses."""
    base = root / editions.EDITIONS_DIR
    if not base.is_dir():
        return []
    gone = [
        p
        for p in sorted(base.glob("*/*.json"))
        if p.parent.name != editions.SOURCES
        and (p.parent.name not in locales or p.stem not in drugs)
    ]
    gone += [p for p in sorted((base / editions.SOURCES).glob("*/*.yaml")) if p not in referenced]
    if not check:
        for path in gone:
            inside_project(root, path, "the editions record's path").unlink()
        for folder in sorted(base.glob("*/*"), reverse=True) + sorted(base.glob("*")):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return [p.relative_to(root).as_posix() for p in gone]
