"""The zips of ``handouts bundle`` (``make dist``; a library: :mod:`pipeline.commands.bundle`
writes them): the published handouts of a built output, one zip per locale, with
``SHA256SUMS`` and the build report, byte-reproducible.

Only handouts the build published go in (never a draft). Each locale's zip holds its
handouts under ``<locale>/`` and the English originals they link to under ``en/``, so
the links work once unpacked. Every zip member has the same timestamp
(``SOURCE_DATE_EPOCH``, else 1980-01-01, the zip epoch), permissions 0644, a Unix
creator and a sorted order, so two runs on the same output write the same bytes (with
the same zlib: Python's ``zlib`` is deflate's reference implementation).

Each zip has an ``index.html`` listing its handouts and linking only to files the zip
holds; the handout pages are the site's bytes but for their links to pages the zip does
not hold (another language's handout), which become plain text.

The bundle refuses an output that no longer matches the project (a later edit of
``source/`` or ``locales/``, or a build narrowed by ``--locale``/``--drug``): what is
published must be what the sources say now.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import posixpath
import re
import zipfile
from pathlib import Path

from .. import clock
from ..errors import BuildError
from ..files import read_regular
from .localize import ENGLISH
from .manifest import MANIFEST, Entry, Manifest, parse_manifest
from .render import environment, locale_info
from .verify import FOREIGN, audit_output, read_verified

PREFIX = "handouts-"
SUMS = "SHA256SUMS"
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip can store


def bundle_time() -> tuple[int, int, int, int, int, int]:
    """The zip timestamp of every member: ``SOURCE_DATE_EPOCH`` (UTC), else 1980-01-01."""
    epoch = clock.source_date_epoch()
    epoch = ZIP_EPOCH if epoch is None else epoch
    moment = dt.datetime.fromtimestamp(max(epoch, ZIP_EPOCH), dt.UTC)
    return (
        min(moment.year, 2107),
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )  # zip stores even seconds


def zip_bytes(members: dict[str, bytes], when: tuple[int, int, int, int, int, int]) -> bytes:
    """A zip of ``members`` (name -> bytes) that depends on nothing else."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name], compresslevel=9)
    return buffer.getvalue()


def read_manifest(output: Path) -> Manifest:
    """The output's manifest: a regular file (never read through a link)."""
    if not os.path.lexists(output / MANIFEST):
        raise BuildError("no built output here: run `handouts build` first", str(output))
    data = read_regular(output / MANIFEST)
    if data is None:
        raise BuildError(FOREIGN, str(output / MANIFEST))
    try:
        return parse_manifest(data.decode("utf-8"))
    except ValueError:
        raise BuildError(
            "the build manifest is not readable: run `handouts build`", str(output / MANIFEST)
        ) from None


def verified_output(output: Path, manifest: Manifest, current: str) -> None:
    """Refuse an output built from other inputs than ``current`` (the project's overall
    fingerprint now), or holding a file its build did not write."""
    if manifest.inputs != current:
        raise BuildError(
            "the output does not match the project now (sources, catalogs "
            "or code changed since, or the build was narrowed by --locale or "
            "--drug): run `handouts build`",
            str(output),
        )
    foreign = audit_output(output, manifest).foreign
    if foreign:  # a link, another kind of file, a file no build wrote or one edited since
        raise BuildError(FOREIGN, str(output / foreign[0]))


def archives(output: Path, manifest: Manifest) -> dict[str, tuple[int, bytes]]:
    """Each locale's zip of its published handouts: locale -> (handouts, zip bytes)."""
    by_locale: dict[str, list[Entry]] = {}
    for entry in manifest.entries.values():
        if entry.published:
            by_locale.setdefault(entry.locale, []).append(entry)
    english = {entry.drug: entry for entry in by_locale.get(ENGLISH, [])}
    when = bundle_time()
    zips = {}
    for locale, entries in sorted(by_locale.items()):
        names = [name for entry in entries for name in entry.owned_files()]
        if locale != ENGLISH:  # the English originals each translation links to
            names += [
                name
                for entry in entries
                if entry.drug in english
                for name in english[entry.drug].owned_files()
            ]
        members = {}
        for name in dict.fromkeys(names):
            members[name] = read_verified(output, name, manifest)  # (read once, proven)
        members = with_index(locale, entries, english, unlink_absent(members))
        zips[locale] = (len(entries), zip_bytes(members, when))
    return zips


def checksums(files: dict[str, bytes]) -> bytes:
    """``SHA256SUMS`` of ``files`` (name -> bytes), as ``sha256sum`` writes it."""
    sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    )
    return sums.encode("utf-8")


# --- the index page of a zip ---------------------------------------------------------------------

INDEX = "index.html"
_KINDS = {
    ".large.html": "large print",
    ".bilingual.html": "bilingual",
    ".bilingual.txt": "bilingual text",
    ".txt": "plain text",
    ".pdf": "PDF",
}


_LINK = re.compile(r'<a href="([^"#:?]+)"([^>]*)>(.*?)</a>', re.S)
_KEPT = re.compile(r'\s(?:lang|dir)="[^"]*"')


def unlink_absent(members: dict[str, bytes]) -> dict[str, bytes]:
    """``members`` whose HTML pages link only to files the zip holds: a link to a page
    the zip lacks (a language published but not bundled here) becomes its text, in a
    ``span`` keeping its ``lang`` and ``dir``. Every other byte is the site's."""
    fixed = dict(members)
    for name, data in members.items():
        if not name.endswith(".html"):
            continue
        folder = posixpath.dirname(name)

        def plain(match: re.Match[str], folder: str = folder) -> str:
            target = posixpath.normpath(posixpath.join(folder, match.group(1)))
            if target in members:
                return match.group(0)
            return f"<span{''.join(_KEPT.findall(match.group(2)))}>{match.group(3)}</span>"

        text = data.decode("utf-8")
        changed = _LINK.sub(plain, text)
        if changed != text:
            fixed[name] = changed.encode("utf-8")
    return fixed


def with_index(
    locale: str, entries: list[Entry], english: dict[str, Entry], members: dict[str, bytes]
) -> dict[str, bytes]:
    """``members`` with an ``index.html`` listing the zip's handouts: it links only to
    files the zip holds (its language and the English originals)."""
    return {**members, INDEX: index_page(locale, entries, english, members).encode("utf-8")}


def index_page(
    locale: str, entries: list[Entry], english: dict[str, Entry], members: dict[str, bytes]
) -> str:
    """The zip's ``index.html`` (autoescaped Jinja): each handout, its other editions,
    and its English original when the zip holds it."""
    handouts = []
    for entry in sorted(entries, key=lambda e: (e.title or e.drug, e.drug)):
        others = [
            {
                "href": name,
                "label": _kind(name),
                "type": "application/pdf"
                if name.endswith(".pdf")
                else "text/plain"
                if name.endswith(".txt")
                else None,
            }
            for name in entry.owned_files()
            if name != entry.html and name in members
        ]
        original = english.get(entry.drug) if locale != ENGLISH else None
        handouts.append(
            {
                "href": entry.html,
                "title": entry.title or entry.drug,
                "others": others,
                "original": original.html if original and original.html in members else None,
                "original_title": (original.title if original else None) or entry.drug,
            }
        )
    template = environment().get_template("bundle-index.html")
    return template.render(
        language=locale_info(locale),
        handouts=handouts,
        originals=any(h["original"] for h in handouts),
    )


def _kind(name: str) -> str:
    return next((label for end, label in _KINDS.items() if name.endswith(end)), name)
