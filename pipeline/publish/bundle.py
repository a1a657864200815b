"""``handouts bundle`` (``make dist``): the published handouts of a built output, one zip
per locale, with ``SHA256SUMS`` and the build report, byte-reproducible.

Only handouts the build published go in (never a draft). Each locale's zip holds its
handouts under ``<locale>/`` and the English originals they link to under ``en/``, so
the links work once unpacked. Every zip member has the same timestamp
(``SOURCE_DATE_EPOCH``, else 1980-01-01, the zip epoch), permissions 0644, a Unix
creator and a sorted order, so two runs on the same output write the same bytes (with
the same zlib: Python's ``zlib`` is deflate's reference implementation).

Each zip has an ``index.html`` listing its handouts and linking only to files the zip
holds; the handout pages themselves are the site's bytes, unchanged.

The bundle refuses an output that no longer matches the project (a later edit of
``source/`` or ``locales/``, or a build narrowed by ``--locale``/``--drug``): what is
published must be what the sources say now.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogs.locales import discover_locales
from ..errors import BuildError
from .build import MANIFEST, REPORT, raw_inputs
from .localize import ENGLISH
from .render import environment, locale_info

PREFIX = "handouts-"
SUMS = "SHA256SUMS"
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip can store
FILE_KEYS = ("html", "text", "pdf")  # the files of one manifest entry, when present


@dataclass
class BundleResult:
    dist: Path
    zips: dict[str, int] = field(default_factory=dict)  # locale -> handouts in its zip
    written: list[str] = field(default_factory=list)  # file names with new content
    removed: list[str] = field(default_factory=list)  # stale zips of locales gone


def bundle_time() -> tuple[int, int, int, int, int, int]:
    """The zip timestamp of every member: ``SOURCE_DATE_EPOCH`` (UTC), else 1980-01-01."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        epoch = int(raw) if raw else ZIP_EPOCH
    except ValueError:
        raise BuildError(f"SOURCE_DATE_EPOCH is not a number of seconds: {raw!r}") from None
    moment = dt.datetime.fromtimestamp(max(epoch, ZIP_EPOCH), dt.UTC)
    return (min(moment.year, 2107), moment.month, moment.day, moment.hour, moment.minute,
            moment.second - moment.second % 2)  # zip stores even seconds


def entry_files(entry: dict[str, Any]) -> list[str]:
    """The output files of one manifest entry (its HTML, text and any other edition)."""
    files = [entry[key] for key in FILE_KEYS if isinstance(entry.get(key), str)]
    files += [name for name in entry.get("files", ()) if isinstance(name, str)]
    pdfs = entry.get("pdf")
    files += [name for name in pdfs if isinstance(name, str)] if isinstance(pdfs, dict) else []
    return list(dict.fromkeys(files))  # (the formats list the HTML and text again)


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


def _manifest(output: Path) -> dict[str, Any]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BuildError("no built output here: run `handouts build` first",
                         str(output)) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
        raise BuildError("the build manifest is not readable: run `handouts build`",
                         str(output / MANIFEST))
    return data


def _check_current(root: Path, manifest: dict[str, Any], output: Path) -> None:
    locales = discover_locales(root)
    if manifest.get("inputs") != raw_inputs(root, locales).overall():
        raise BuildError("the output does not match the project now (sources, catalogs "
                         "or code changed since, or the build was narrowed by --locale or "
                         "--drug): run `handouts build`", str(output))


def bundle(root: Path, output: Path, dist: Path) -> BundleResult:
    """Write the zips, ``SHA256SUMS`` and ``report.json`` of ``output`` into ``dist``."""
    root, output, dist = root.resolve(), output.resolve(), dist.resolve()
    if any(_overlap(dist, other) for other in (output, root / "source", root / "locales")):
        raise BuildError("the bundle folder must be apart from the output and the "
                         "project's sources", str(dist))
    manifest = _manifest(output)
    _check_current(root, manifest, output)
    by_locale: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest["entries"].values():
        if entry.get("status") == "published":
            by_locale.setdefault(entry["locale"], []).append(entry)
    english = {entry["drug"]: entry for entry in by_locale.get(ENGLISH, [])}
    when = bundle_time()
    archives: dict[str, bytes] = {}
    result = BundleResult(dist)
    for locale, entries in sorted(by_locale.items()):
        names = [name for entry in entries for name in entry_files(entry)]
        if locale != ENGLISH:  # the English originals each translation links to
            names += [name for entry in entries if entry["drug"] in english
                      for name in entry_files(english[entry["drug"]])]
        members = {}
        for name in dict.fromkeys(names):
            try:
                members[name] = (output / name).read_bytes()
            except OSError:
                raise BuildError("a file of the build is missing: run `handouts build`",
                                 str(output / name)) from None
        members = with_index(locale, entries, english, members)
        archives[f"{PREFIX}{locale}.zip"] = zip_bytes(members, when)
        result.zips[locale] = len(entries)
    try:
        report = (output / REPORT).read_bytes()
    except OSError:
        raise BuildError("the build report is missing: run `handouts build`",
                         str(output / REPORT)) from None
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted({**archives, REPORT: report}.items()))
    dist.mkdir(parents=True, exist_ok=True)
    for name, data in [*sorted(archives.items()), (REPORT, report),
                       (SUMS, sums.encode("utf-8"))]:
        if _write_bytes(dist / name, data):
            result.written.append(name)
    for stale in sorted(dist.glob(f"{PREFIX}*.zip")):
        if stale.name not in archives:
            stale.unlink()
            result.removed.append(stale.name)
    return result


def _overlap(one: Path, other: Path) -> bool:
    return one == other or one in other.parents or other in one.parents


def _write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` through a synced temp file and a rename; False if unchanged."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True



# --- the index page of a zip ---------------------------------------------------------------------

INDEX = "index.html"
_KINDS = {".large.html": "large print", ".bilingual.html": "bilingual",
          ".bilingual.txt": "bilingual text", ".txt": "plain text", ".pdf": "PDF"}


def with_index(locale: str, entries: list[dict[str, Any]], english: dict[str, dict[str, Any]],
               members: dict[str, bytes]) -> dict[str, bytes]:
    """``members`` with an ``index.html`` listing the zip's handouts: it links only to
    files the zip holds (its language and the English originals)."""
    return {**members, INDEX: index_page(locale, entries, english, members).encode("utf-8")}


def index_page(locale: str, entries: list[dict[str, Any]], english: dict[str, dict[str, Any]],
               members: dict[str, bytes]) -> str:
    """The zip's ``index.html`` (autoescaped Jinja): each handout, its other editions,
    and its English original when the zip holds it."""
    handouts = []
    for entry in sorted(entries, key=lambda e: (str(e.get("title") or e["drug"]), e["drug"])):
        others = [{"href": name, "label": _kind(name),
                   "type": "application/pdf" if name.endswith(".pdf") else
                   "text/plain" if name.endswith(".txt") else None}
                  for name in entry_files(entry) if name != entry["html"] and name in members]
        original = english.get(entry["drug"]) if locale != ENGLISH else None
        handouts.append({
            "href": entry["html"], "title": entry.get("title") or entry["drug"],
            "others": others,
            "original": original["html"] if original and original["html"] in members
            else None,
            "original_title": (original or {}).get("title") or entry["drug"]})
    template = environment().get_template("bundle-index.html")
    return template.render(language=locale_info(locale), handouts=handouts,
                           originals=any(h["original"] for h in handouts))


def _kind(name: str) -> str:
    return next((label for end, label in _KINDS.items() if name.endswith(end)), name)
