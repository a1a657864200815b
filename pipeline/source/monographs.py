"""YAML monographs -> :class:`~pipeline.model.Monograph`, validated.

The YAML is composed into nodes (not loaded into dicts) so that every error can
name the file and the 1-based line of the offending key or value. The format is
documented in ``docs/source-format.md``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from ..errors import SourceError
from ..factcheck import date_problem
from ..model import Block, Finding, Gap, Monograph, Section, Text, Where
from ..text.normalize import nfc
from .markup import markup_error
from .yamlfile import MB, read_yaml
from .yamlfile import compose_yaml as compose_yaml  # (re-exported: the tests fuzz it)

MONOGRAPH_DIR = Path("source") / "monographs"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BLOCK_KINDS = ("paragraph", "callout", "list")

Node = yaml.Node


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes (as written in catalogs)."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


_BOOLEANS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


class _Reader:
    """Walks composed YAML nodes of one file, raising SourceError with file:line."""

    def __init__(self, path: str):
        self.path = path

    def where(self, node: Node) -> Where:
        return Where(self.path, node.start_mark.line + 1)

    def fail(self, node: Node | None, message: str) -> SourceError:
        line = node.start_mark.line + 1 if node is not None else None
        return SourceError(message, self.path, line)

    def mapping(
        self, node: Node, what: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> dict[str, tuple[Node, Node]]:
        """Return ``{key: (key_node, value_node)}``; refuse unknown, duplicate, missing keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        seen: dict[str, tuple[Node, Node]] = {}
        allowed = required + optional
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise self.fail(key_node, f"{what}: keys must be plain words")
            if key in seen:
                first = seen[key][0].start_mark.line + 1
                raise self.fail(key_node, f"{what}: duplicate key '{key}' (first at line {first})")
            if key not in allowed:
                raise self.fail(
                    key_node, f"{what}: unknown key '{key}' (allowed: {', '.join(allowed)})"
                )
            seen[key] = (key_node, value_node)
        for key in required:
            if key not in seen:
                raise self.fail(node, f"{what}: missing required key '{key}'")
        return seen

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return list(node.value)

    def scalar(self, node: Node, what: str) -> str:
        """A text (a number or a date written plainly counts: it is read as written), in
        Unicode NFC whatever form the editor saved."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, f"{what} must be text")
        return nfc(node.value)

    def text_value(self, node: Node, what: str) -> str:
        value = self.scalar(node, what).strip()
        if not value:
            raise self.fail(node, f"{what} is empty")
        problem = markup_error(value)
        if problem:
            raise self.fail(node, f"{what}: {problem}")
        return value

    def boolean(self, node: Node, what: str) -> bool:
        """true or false, and nothing else: never a default for a word that is neither."""
        value = node.value.lower() if isinstance(node, yaml.ScalarNode) else None
        if node.tag != "tag:yaml.org,2002:bool" or value not in _BOOLEANS:
            raise self.fail(node, f"{what} must be true or false")
        return _BOOLEANS[value]

    def slug(self, node: Node, what: str) -> str:
        value = self.scalar(node, what)
        if not SLUG.match(value):
            raise self.fail(
                node,
                f"{what} '{value}' must be a slug: lower-case letters, "
                "digits and single hyphens (no dots, slashes or spaces)",
            )
        return value

    def text(
        self, node: Node, what: str, note: str | None = None, context: str | None = None
    ) -> Text:
        """A translatable text: a plain string, or a mapping with text/note/context."""
        if isinstance(node, yaml.MappingNode):
            keys = self.mapping(node, what, ("text",), ("note", "context"))
            value_node = keys["text"][1]
            note = self.text_value(keys["note"][1], f"{what} note") if "note" in keys else note
            if "context" in keys:
                context = self.text_value(keys["context"][1], f"{what} context")
            return Text(self.text_value(value_node, what), self.where(value_node), note, context)
        return Text(self.text_value(node, what), self.where(node), note, context)


MAX_MONOGRAPH_BYTES = 1 * MB  # the shipped monograph is 8 KB


def _compose(path: Path, shown: str) -> Node:
    text, node = read_yaml(path, shown, "the monograph", MAX_MONOGRAPH_BYTES)
    if node is None or not text.strip():
        raise SourceError("file is empty", shown)
    return node


def _block(reader: _Reader, node: Node, what: str) -> Block:
    if not isinstance(node, yaml.MappingNode):
        raise reader.fail(node, f"{what} must be a mapping with one of: {', '.join(BLOCK_KINDS)}")
    kinds = [k.value for k, _ in node.value if getattr(k, "value", None) in BLOCK_KINDS]
    if len(kinds) != 1:
        raise reader.fail(node, f"{what} must have exactly one of: {', '.join(BLOCK_KINDS)}")
    kind = kinds[0]
    optional = ("safety", "note", "context") + (("items", "gap") if kind == "list" else ())
    keys = reader.mapping(node, f"{what} ({kind})", (kind,), optional)
    note = reader.text_value(keys["note"][1], f"{what} note") if "note" in keys else None
    context = (
        reader.text_value(keys["context"][1], f"{what} context") if "context" in keys else None
    )
    safety = reader.boolean(keys["safety"][1], f"{what} safety") if "safety" in keys else False
    value_node = keys[kind][1]
    if kind == "list":
        intro = None
        if not (
            isinstance(value_node, yaml.ScalarNode) and value_node.tag == "tag:yaml.org,2002:null"
        ):
            intro = reader.text(value_node, f"{what} list intro", note, context)
        items: tuple[Text, ...] = ()
        if "items" in keys:
            items = tuple(
                reader.text(item, f"{what} item {n}", note, context)
                for n, item in enumerate(reader.sequence(keys["items"][1], f"{what} items"), 1)
            )
        gap = reader.text_value(keys["gap"][1], f"{what} gap") if "gap" in keys else None
        if not items and gap is None:
            raise reader.fail(
                node, f"{what}: a list needs items, or a 'gap' saying why the source has none"
            )
        return Block("list", reader.where(node), intro, items, safety, gap)
    return Block(kind, reader.where(node), reader.text(value_node, what, note, context), (), safety)


def _section(reader: _Reader, node: Node, index: int) -> Section:
    keys = reader.mapping(
        node, f"section {index}", ("id", "blocks"), ("heading", "editorial", "level")
    )
    section_id = reader.slug(keys["id"][1], f"section {index} id")
    what = f"section '{section_id}'"
    heading = reader.text(keys["heading"][1], f"{what} heading") if "heading" in keys else None
    editorial = (
        reader.boolean(keys["editorial"][1], f"{what} editorial") if "editorial" in keys else False
    )
    if editorial and heading is None:
        raise reader.fail(
            keys["editorial"][0], f"{what}: 'editorial' marks a heading, but the section has none"
        )
    level = 2
    if "level" in keys:
        level_node = keys["level"][1]
        if getattr(level_node, "value", None) not in ("2", "3"):
            raise reader.fail(level_node, f"{what} level must be 2 or 3")
        level = int(level_node.value)
    block_nodes = reader.sequence(keys["blocks"][1], f"{what} blocks")
    if not block_nodes:
        raise reader.fail(keys["blocks"][1], f"{what} has no blocks")
    blocks = tuple(_block(reader, b, f"{what} block {n}") for n, b in enumerate(block_nodes, 1))
    return Section(section_id, reader.where(node), blocks, heading, editorial, level)


def _date(reader: _Reader, node: Node, key: str = "reviewed") -> dt.date | None:
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return None
    value = reader.scalar(node, key)
    try:
        if len(value) != 10:
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        meaning = (
            "or null when the source gives none"
            if key == "reviewed"
            else "the day of the latest clinically significant edit"
        )
        raise reader.fail(node, f"{key} '{value}' must be a date YYYY-MM-DD, {meaning}") from None
    problem = date_problem(day)  # the same rule as every stated fact's
    if problem:
        raise reader.fail(node, f"{key}: {problem}")
    return day


TOP_REQUIRED = ("id", "title", "reviewed", "sections")
TOP_OPTIONAL = (
    "pronunciation",
    "classification",
    "disclaimer",
    "attribution",
    "gaps",
    "clinical_change",
    "brand_names",
)


def load_monograph(path: Path, root: Path) -> Monograph:
    """Read and validate one monograph file; raise SourceError naming file:line."""
    shown = relative(path, root)
    node = _compose(path, shown)
    reader = _Reader(shown)
    keys = reader.mapping(node, "monograph", TOP_REQUIRED, TOP_OPTIONAL)

    def optional_text(key: str) -> Text | None:
        return reader.text(keys[key][1], key) if key in keys else None

    sections_nodes = reader.sequence(keys["sections"][1], "sections")
    if not sections_nodes:
        raise reader.fail(keys["sections"][1], "sections is empty")
    sections = tuple(_section(reader, s, n) for n, s in enumerate(sections_nodes, 1))
    _refuse_duplicates([(s.id, s.where) for s in sections], "section id")
    gaps = tuple(
        Gap(reader.text_value(g, "gap"), reader.where(g))
        for g in (reader.sequence(keys["gaps"][1], "gaps") if "gaps" in keys else [])
    )
    return Monograph(
        id=reader.slug(keys["id"][1], "id"),
        where=reader.where(node),
        title=reader.text(keys["title"][1], "title"),
        pronunciation=reader.scalar(keys["pronunciation"][1], "pronunciation").strip()
        if "pronunciation" in keys
        else None,
        classification=optional_text("classification"),
        reviewed=_date(reader, keys["reviewed"][1]),
        sections=sections,
        disclaimer=optional_text("disclaimer"),
        attribution=optional_text("attribution"),
        gaps=gaps,
        clinical_change=_date(reader, keys["clinical_change"][1], "clinical_change")
        if "clinical_change" in keys
        else None,
        brand_names=tuple(
            dict.fromkeys(
                reader.text_value(n, "brand name")
                for n in reader.sequence(keys["brand_names"][1], "brand_names")
            )
        )
        if "brand_names" in keys
        else (),
    )


def _refuse_duplicates(ids: list[tuple[str, Where]], what: str) -> None:
    first: dict[str, Where] = {}
    for value, where in ids:
        if value in first:
            raise SourceError(
                f"duplicate {what} '{value}' (first at {first[value]})", where.path, where.line
            )
        first[value] = where


def monograph_files(root: Path) -> list[Path]:
    """Every ``*.yaml`` (or ``*.yml``) in ``source/monographs`` in a stable order; hidden
    files (macOS ``._x.yaml``, editors' files) are not monographs."""
    folder = root / MONOGRAPH_DIR
    if not folder.is_dir():
        raise SourceError("no monograph folder", relative(folder, root))
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix in MONOGRAPH_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


MONOGRAPH_SUFFIXES = (".yaml", ".yml")
_LOOKS_LIKE_YAML = re.compile(r"\.ya?ml", re.IGNORECASE)


def stray_files(root: Path) -> list[Finding]:
    """Warnings for the files of ``source/monographs`` that look like monographs but are
    not read (``x.YAML``, ``x.yml.txt``): a monograph is never skipped silently. Hidden
    files and editor backups (``x.yaml~``) are not named."""
    folder = root / MONOGRAPH_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith((".", "#")) or name.endswith("~") or not _LOOKS_LIKE_YAML.search(name):
            continue
        if path.is_file() and path.suffix in MONOGRAPH_SUFFIXES:
            continue
        found.append(
            Finding(
                "source-file",
                "warning",
                "not read: a monograph is a file ending in .yaml or .yml (lower "
                "case) directly in source/monographs; rename it to be read",
                Where(relative(path, root), 0),
            )
        )
    return found


def load_monographs(root: Path) -> list[Monograph]:
    """Every monograph of the project, validated, sorted by id; ids must be unique."""
    monographs = [load_monograph(path, root) for path in monograph_files(root)]
    _refuse_duplicates([(m.id, m.where) for m in monographs], "monograph id")
    return sorted(monographs, key=lambda m: m.id)


def iter_blocks(monograph: Monograph) -> Iterator[tuple[Section, Block]]:
    for section in monograph.sections:
        for block in section.blocks:
            yield section, block


def lint(monograph: Monograph) -> list[Finding]:
    """Warnings about a valid monograph: recorded gaps and a missing review date."""
    findings = [
        Finding("source-gap", "warning", gap.message, gap.where, drug=monograph.id)
        for gap in monograph.gaps
    ]
    for section, block in iter_blocks(monograph):
        if block.gap:
            findings.append(
                Finding(
                    "source-gap",
                    "warning",
                    f"section '{section.id}': {block.gap}",
                    block.where,
                    drug=monograph.id,
                )
            )
    if monograph.reviewed is None:
        findings.append(
            Finding(
                "source-gap",
                "warning",
                "no review date: the source does not give one",
                monograph.where,
                drug=monograph.id,
            )
        )
    return findings
