"""``handouts publish``: record the editions published now into ``editions/``.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import clock
from ..catalogs.locales import catalogs_lock, discover_locales
from ..catalogs.pofile import write_atomic
from ..checks.policy import load_policy
from ..errors import HandoutError
from ..factcheck import date_problem
from ..files import inside_project
from ..source.glossary import load_glossary
from ..source.interface import handout_keys
from ..source.monographs import load_monographs
from ..source.segments import iter_segments
from . import editions
from .facts import Facts, handout_facts
from .locale_state import check_entries, open_locale
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


def _write(root: Path, path: Path, text: str) -> None:
    path = inside_project(root, path, "the editions record's path")
    try:
        write_atomic(path, text)
    except OSError as error:
        raise HandoutError(
            f"cannot write the editions record: {error.strerror}", str(path)
        ) from None


def publish(
    root: Path,
    locales: Sequence[str] | None = None,
    drugs: Sequence[str] | None = None,
    date: dt.date | None = None,
    check: bool = False,
) -> PublishResult:
    """Record every handout published now; ``check``: write nothing, say what would be
    written (``handouts publish --check`` exits 1 then). The catalogs are read under the
    catalogs' shared lock; every record written stays inside the project. A ``date``
    that could not be read back (in the future, before 1990) is refused first."""
    problem = date_problem(date) if date is not None else None
    if problem:
        raise HandoutError(f"--date: not a publication date: {problem}")
    with catalogs_lock(root, shared=True):
        return _publish(root, locales, drugs, date, check)


def _publish(
    root: Path,
    locales: Sequence[str] | None,
    drugs: Sequence[str] | None,
    date: dt.date | None,
    check: bool,
) -> PublishResult:
    date = date or clock.today()
    monographs = {m.id: m for m in load_monographs(root)}
    glossary = load_glossary(root)
    policy = load_policy(root)
    safety = frozenset(s.key for m in monographs.values() for s in iter_segments(m) if s.safety)
    present = discover_locales(root)
    for locale in locales or ():
        if locale not in present:
            raise HandoutError(f"no catalog for locale '{locale}'")
    for drug in drugs or ():
        if drug not in monographs:
            raise HandoutError(f"unknown drug '{drug}'")
    result = PublishResult()
    referenced: set[Path] = set()
    pending: dict[Path, str] = {}  # written once every handout is judged (all or none)
    for locale in present:
        state = open_locale(root, locale, glossary, safety, policy)
        chosen = not locales or locale in locales
        for drug, monograph in monographs.items():
            path = editions.record_path(root, locale, drug)
            shown = path.relative_to(root).as_posix()
            if not chosen or (drugs and drug not in drugs):
                _remember(root, path, referenced)
                continue
            keys = [s.key for s in iter_segments(monograph)]
            check_entries(state, keys, glossary, safety)
            handout = localize(monograph, locale, state.lookup, state.blocked, state.interface)
            if not handout.published:
                if path.is_file():
                    result.kept.append(shown)
                    _remember(root, path, referenced)
                continue
            assert state.lookup is not None and state.catalog is not None
            data = (root / monograph.where.path).read_bytes()
            revision = editions.revision_of(data)
            facts = handout_facts(
                monograph,
                revision,
                handout_keys(monograph),
                state.lookup,
                state.trust,
                state.catalog,
            )
            refused = Facts.from_record(facts.as_record()).problems  # as it will be read
            if refused:
                raise HandoutError(
                    f"a fact of this handout cannot be recorded: {refused[0]}", shown
                )
            usable = {key for key in state.lookup if state.usable(key)}
            record = editions.snapshot(
                monograph, locale, revision, date, state.lookup, usable, state.catalog, facts
            )
            old = _read_json(path)
            if old is not None and editions.same_edition(old, record):
                result.unchanged.append(shown)
            else:
                result.written.append(shown)
                pending[editions.source_path(root, drug, revision)] = data.decode("utf-8")
                pending[path] = editions.record_text(record)
            referenced.add(editions.source_path(root, drug, revision))
    for target, text in pending.items() if not check else ():  # every record was valid
        _write(root, target, text)
    result.removed = _prune(root, present, set(monographs), referenced, check)
    return result


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
