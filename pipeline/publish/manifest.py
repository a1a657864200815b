"""The build manifest (``output/.handouts-manifest.json``): what the last build wrote.

One :class:`Entry` per handout (locale and drug): its status, files, coverage and the
fingerprints that let the next build keep it; the :class:`Manifest` adds the inputs'
fingerprint that lets an unchanged build stop at once. Read (:func:`read_manifest`) and
written (:meth:`Manifest.to_bytes`) here only; :meth:`Entry.owned_files` is the one
answer to which files an entry owns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..files import read_regular, write_atomic

MANIFEST = ".handouts-manifest.json"
PENDING = ".handouts-preview-pending"  # `handouts serve` is rewriting files in place
MANIFEST_FORMAT = 4  # 2: entries may own an edition's files; 3: and their formats;
# 4: the digest of every file
NOT_SHOWN = ("fingerprint", "content", "base")  # entry fields no page shows


@dataclass(frozen=True)
class Entry:
    """One handout as the build wrote it (the fields are the JSON's, in its order)."""

    locale: str
    drug: str
    title: str
    status: str  # "published" or "draft"
    html: str
    text: str
    files: tuple[str, ...]  # every format's file
    pdf: Mapping[str, Mapping[str, str]]  # PDF -> its page (html), paper, print digest
    pdf_skipped: Mapping[str, int]  # why PDFs are missing -> how many
    languages: tuple[str, ...]  # the other languages its pages link to
    reviewed: str | None  # the monograph's clinical review date
    coverage: Mapping[str, Any]
    missing: int
    blocking_findings: int
    findings: tuple[Mapping[str, str], ...]
    review: Mapping[str, Any] | None
    edition: Mapping[str, Any] | None = None  # a draft's recorded edition: kept, withdrawn
    fingerprint: str = ""  # the quick fingerprint (file hashes)
    base: str = ""  # the content fingerprint but the catalog entries
    content: str = ""  # the content fingerprint
    confirmed_findings: tuple[Mapping[str, str], ...] = ()  # confirmed by a listed reviewer
    brands: tuple[str, ...] = ()  # the drug's brand names (the index's search)
    source_gap: bool = False  # the source records a missing part (marked for staff)

    @property
    def key(self) -> str:
        return f"{self.locale}/{self.drug}"

    @property
    def published(self) -> bool:
        return self.status == "published"

    def owned_files(self) -> list[str]:
        """The files this entry owns: the handout in every format, its PDFs, and a kept
        edition's formats and PDFs (the only answer to the question, for build, serve and
        bundle)."""
        names = [*(self.files or (self.html, self.text)), *self.pdf]
        edition = self.edition or {}
        if edition.get("status") == "kept":  # in every format (before: its pair)
            names += [
                *edition.get("files", (edition["html"], edition["text"])),
                *edition.get("pdf", {}),
            ]
        return list(dict.fromkeys(names))

    def all_pdfs(self) -> dict[str, Mapping[str, str]]:
        """Every PDF to print for this entry: its own, and its kept edition's."""
        edition = self.edition or {}
        kept = edition.get("pdf", {}) if edition.get("status") == "kept" else {}
        return {**self.pdf, **kept}

    def with_fingerprints(
        self, fingerprint: str, base: str | None = None, content: str | None = None
    ) -> Entry:
        return replace(
            self,
            fingerprint=fingerprint,
            base=self.base if base is None else base,
            content=self.content if content is None else content,
        )

    def shows_as(self, other: Entry) -> bool:
        """Whether every field a page shows (all but the fingerprints) is ``other``'s."""
        return self is other or all(getattr(self, name) == getattr(other, name) for name in SHOWN)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "locale": self.locale,
            "drug": self.drug,
            "title": self.title,
            "status": self.status,
            "html": self.html,
            "text": self.text,
            "files": list(self.files),
            "pdf": {k: dict(v) for k, v in self.pdf.items()},
            "pdf_skipped": dict(self.pdf_skipped),
            "languages": list(self.languages),
            "reviewed": self.reviewed,
            "coverage": dict(self.coverage),
            "missing": self.missing,
            "blocking_findings": self.blocking_findings,
            "findings": [dict(f) for f in self.findings],
            "review": dict(self.review) if self.review is not None else None,
        }
        if self.confirmed_findings:
            data["confirmed_findings"] = [dict(f) for f in self.confirmed_findings]
        if self.edition is not None:
            data["edition"] = dict(self.edition)
        data.update(
            fingerprint=self.fingerprint,
            base=self.base,
            content=self.content,
            brands=list(self.brands),
            source_gap=self.source_gap,
        )
        return data

    @classmethod
    def from_json(cls, data: Any) -> Entry:
        """An entry read back; ValueError when it is not one this build wrote."""
        if not isinstance(data, dict):
            raise ValueError("not an entry")
        try:
            return cls(
                str(data["locale"]),
                str(data["drug"]),
                str(data["title"]),
                str(data["status"]),
                str(data["html"]),
                str(data["text"]),
                tuple(data.get("files") or ()),
                dict(data.get("pdf") or {}),
                dict(data.get("pdf_skipped") or {}),
                tuple(data.get("languages") or ()),
                data.get("reviewed"),
                dict(data.get("coverage") or {}),
                int(data.get("missing", 0)),
                int(data.get("blocking_findings", 0)),
                tuple(data.get("findings") or ()),
                data.get("review"),
                data.get("edition"),
                str(data.get("fingerprint", "")),
                str(data.get("base", "")),
                str(data.get("content", "")),
                tuple(data.get("confirmed_findings") or ()),
                tuple(map(str, data.get("brands") or ())),
                bool(data.get("source_gap", False)),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"not an entry: {error}") from None


SHOWN = tuple(name for name in Entry.__dataclass_fields__ if name not in NOT_SHOWN)


@dataclass(frozen=True)
class Manifest:
    """What a build wrote; ``inputs`` is None after a build narrowed by filters;
    ``files``: the SHA-256 of every file of the output but the manifest."""

    entries: Mapping[str, Entry] = field(default_factory=dict)
    inputs: str | None = None
    code: str | None = None
    formats: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "inputs": self.inputs,
            "code": self.code,
            "formats": self.formats,
            "files": dict(sorted(self.files.items())),
            "entries": {key: self.entries[key].to_json() for key in sorted(self.entries)},
        }

    def to_bytes(self) -> bytes:
        return (json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True) + "\n").encode(
            "utf-8"
        )


EMPTY = Manifest()


def parse_manifest(text: str) -> Manifest:
    """A manifest's JSON; ValueError when it is not one of this format."""
    data = json.loads(text)
    if (
        not isinstance(data, dict)
        or data.get("format") != MANIFEST_FORMAT
        or not isinstance(data.get("entries"), dict)
        or not isinstance(data.get("files"), dict)
    ):
        raise ValueError("not a manifest of this format")
    entries = {str(key): Entry.from_json(value) for key, value in data["entries"].items()}
    files = {str(name): str(value) for name, value in data["files"].items()}
    return Manifest(entries, data.get("inputs"), data.get("code"), data.get("formats"), files)


def read_manifest(output: Path) -> Manifest:
    """The previous build's manifest; an empty one when there is none, it is unreadable,
    or a preview server died mid-update (its files may be newer than the manifest says:
    render everything again)."""
    data = read_regular(output / MANIFEST)  # (not through a link, not a FIFO)
    if data is None or (output / PENDING).exists():
        return EMPTY
    try:
        return parse_manifest(data.decode("utf-8"))
    except ValueError:  # (UnicodeDecodeError included)
        return EMPTY


def write_manifest(output: Path, manifest: Manifest) -> None:
    """Replace the manifest of ``output`` in place (the build writes it into its staging
    folder instead, with the rest)."""
    write_atomic(output / MANIFEST, manifest.to_bytes())
