"""A built output checked against its manifest, which records the digest of every file
the build wrote: anything else in ``output/`` (a symbolic link, a folder link, a FIFO, a
file no build wrote) and any file whose bytes differ is *foreign*. The build renders
again what is foreign instead of keeping it; ``bundle`` refuses it. No foreign thing is
ever opened through a link or read when it is not a regular file."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError
from ..files import read_regular
from .manifest import MANIFEST, Manifest


@dataclass
class Audit:
    """What of an output is as its manifest says (``verified``) and what is not."""

    verified: set[str] = field(default_factory=set)  # files with the recorded bytes
    foreign: list[str] = field(default_factory=list)  # anything else, sorted

    def complete(self, manifest: Manifest) -> bool:
        """Whether the output is exactly what the manifest records, nothing else."""
        return not self.foreign and self.verified == set(manifest.files)


def digest(data: bytes) -> str:
    """SHA-256 of ``data``, as the manifest records it."""
    return hashlib.sha256(data).hexdigest()


def audit_output(output: Path, manifest: Manifest) -> Audit:
    """Walk ``output`` (no link followed) and compare every file with ``manifest``."""
    audit = Audit()
    recorded = manifest.files
    for base, folders, names in os.walk(output):
        relative = os.path.relpath(base, output).replace(os.sep, "/")
        prefix = "" if relative == "." else f"{relative}/"
        for folder in list(folders):
            if os.path.islink(os.path.join(base, folder)):
                audit.foreign.append(prefix + folder)
                folders.remove(folder)
        for name in names:
            key = prefix + name
            if key == MANIFEST:
                continue
            expected = recorded.get(key)
            data = read_regular(Path(base) / name) if expected is not None else None
            if data is not None and digest(data) == expected:
                audit.verified.add(key)
            else:
                audit.foreign.append(key)
    audit.foreign.sort()
    return audit


def read_verified(output: Path, name: str, manifest: Manifest) -> bytes:
    """The bytes of the built file ``name``, proven to be what the build wrote; a
    BuildError naming it otherwise."""
    expected = manifest.files.get(name)
    data = read_regular(output / name)
    if data is None and expected is not None and not os.path.lexists(output / name):
        raise BuildError("a file of the build is missing: run `handouts build`", str(output / name))
    if data is None or expected is None or digest(data) != expected:
        raise BuildError(FOREIGN, str(output / name))
    return data


def file_digests(
    staging: Path,
    output: Path,
    names: Iterable[str],
    recorded: Mapping[str, str],
    verified: set[str],
    written: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The digest of every file ``names`` of ``staging`` (one missing has none): a file
    the build wrote has the digest of what it wrote (``written``, by path:
    :func:`.staging.written`); a verified file of ``output`` linked there unchanged keeps
    its recorded digest; any other is read and hashed."""
    found: dict[str, str] = {}
    written = written or {}
    for name in names:
        if name in found:
            continue
        path = staging / name
        if str(path) in written:
            found[name] = written[str(path)]
            continue
        if name in verified:
            try:
                here, there = os.lstat(path), os.lstat(output / name)
                if (here.st_ino, here.st_dev) == (there.st_ino, there.st_dev):
                    found[name] = recorded[name]
                    continue
            except OSError:
                pass
        data = read_regular(path)
        if data is not None:
            found[name] = digest(data)
        elif os.path.lexists(path):
            raise BuildError("the build could not read back a file it wrote", str(path))
        # (a file not made has no digest: the next build finds it missing and makes it)
    return found


FOREIGN = (
    "not a file the build wrote, or changed since it was built (a link, another "
    "kind of file, or edited): run `handouts build`, which writes it again"
)
