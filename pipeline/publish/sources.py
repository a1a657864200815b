"""The monographs as a build needs them, without parsing the ones that did not change.

A build needs every monograph's id, catalog keys and safety-critical keys (to plan and
to fingerprint), but the full :class:`~pipeline.model.Monograph` only of the drugs it
renders. :func:`load_index` keeps what it learnt of each file, by the file's SHA-256
and the code's digest, in a JSON file beside the output (``.handouts-build-<output>
.sources.json``, next to the build lock); a file whose bytes are unchanged was valid
and gives the same keys, so only changed files are parsed (and validated) again, in
the order :func:`~pipeline.source.monographs.load_monographs` reads them, so the first
error is the same one. Anything wrong with the cache file means parsing everything.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogs.pofile import write_atomic
from ..errors import BuildError, SourceError
from ..model import Key, Monograph, Where
from ..source.monographs import load_monograph, relative
from ..source.segments import iter_segments

CACHE_FORMAT = 1


@dataclass(frozen=True)
class MonographInfo:
    """What the planner needs of one monograph file."""

    id: str
    path: str  # relative to the project
    line: int  # of the monograph (where a duplicate id is reported)
    sha: str
    keys: tuple[Key, ...]  # its segments' catalog keys, in reading order
    safety: tuple[Key, ...]  # those of safety-critical segments

    @classmethod
    def of(cls, monograph: Monograph, sha: str) -> MonographInfo:
        segments = list(iter_segments(monograph))
        return cls(
            monograph.id,
            monograph.where.path,
            monograph.where.line,
            sha,
            tuple(s.key for s in segments),
            tuple(dict.fromkeys(s.key for s in segments if s.safety)),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "line": self.line,
            "sha": self.sha,
            "keys": [list(key) for key in self.keys],
            "safety": [list(key) for key in self.safety],
        }

    @classmethod
    def from_json(cls, path: str, data: dict[str, Any]) -> MonographInfo:
        def keys(name: str) -> tuple[Key, ...]:
            return tuple((context, msgid) for context, msgid in data[name])

        return cls(
            str(data["id"]), path, int(data["line"]), str(data["sha"]), keys("keys"), keys("safety")
        )


@dataclass
class SourceIndex:
    """Every monograph's :class:`MonographInfo` (by drug id, sorted), and the parsed
    monographs, read on first use."""

    root: Path
    infos: dict[str, MonographInfo]
    parsed: dict[str, Monograph] = field(default_factory=dict)

    def monograph(self, drug: str) -> Monograph:
        if drug not in self.parsed:
            info = self.infos[drug]
            found = load_monograph(self.root / info.path, self.root)
            if found.id != drug:  # the file changed during the build
                raise BuildError(
                    "a monograph changed while the build read it: build again", info.path
                )
            self.parsed[drug] = found
        return self.parsed[drug]

    def safety(self) -> frozenset[Key]:
        return frozenset(key for info in self.infos.values() for key in info.safety)


def _read_cache(path: Path, code: str) -> dict[str, MonographInfo]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT or data.get("code") != code:
            return {}
        return {name: MonographInfo.from_json(name, info) for name, info in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def load_index(root: Path, files: dict[str, str], path: Path, code: str) -> SourceIndex:
    """The index of the monograph ``files`` (relative path -> sha256), parsing only
    those the cache file ``path`` does not know; the cache is then brought up to date.
    Raise SourceError as :func:`~pipeline.source.monographs.load_monographs` would."""
    cached = _read_cache(path, code)
    infos: list[MonographInfo] = []
    parsed: dict[str, Monograph] = {}
    for name, sha in files.items():
        known = cached.get(name)
        if known is not None and known.sha == sha:
            infos.append(known)
            continue
        monograph = load_monograph(root / name, root)
        if relative(root / name, root) != monograph.where.path:
            raise SourceError("unexpected monograph path", name)
        infos.append(MonographInfo.of(monograph, sha))
        parsed[monograph.id] = monograph
    first: dict[str, MonographInfo] = {}
    for info in infos:
        if info.id in first:
            raise SourceError(
                f"duplicate monograph id '{info.id}' (first at "
                f"{Where(first[info.id].path, first[info.id].line)})",
                info.path,
                info.line,
            )
        first[info.id] = info
    fresh = {info.path: info for info in infos}
    if fresh != cached:
        data = {
            "format": CACHE_FORMAT,
            "code": code,
            "files": {name: info.as_json() for name, info in sorted(fresh.items())},
        }
        with contextlib.suppress(OSError):  # no cache costs time, never correctness
            write_atomic(path, json.dumps(data, ensure_ascii=False) + "\n")
    by_id = {info.id: info for info in sorted(infos, key=lambda i: i.id)}
    return SourceIndex(root, by_id, parsed)
