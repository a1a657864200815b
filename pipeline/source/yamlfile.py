"""Reading the project's YAML files (monographs, the glossary, ``handouts.yaml``) within
limits, each refusal naming the file and line.

* a size limit per kind of file, checked before reading;
* text only: UTF-8, no control characters (a NUL byte is refused at its line);
* no aliases (``*name``): nothing in these files needs them, and a few kilobytes of
  nested aliases (the "billion laughs") expand to billions of nodes for any code that
  walks them;
* no explicit tags (``!!bool perhaps``, ``!!binary``, ``!!str 5``, ``!custom``): a value
  means what it says; quote a text (a tag that changes nothing, ``!!bool yes``, passes);
* at most :data:`MAX_DEPTH` levels of nesting (a monograph needs six).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from pathlib import Path

import yaml

from ..errors import SourceError
from ..files import read_regular_file

MAX_DEPTH = 32
KB = 1024
MB = 1024 * KB
_CORE = "tag:yaml.org,2002:"
_COLLECTION_TAGS: dict[type[yaml.Node], str] = {
    yaml.MappingNode: _CORE + "map",
    yaml.SequenceNode: _CORE + "seq",
}
_RESOLVER = yaml.resolver.Resolver()

# libyaml and PyYAML's pure-Python parser disagree on a few malformed inputs (tabs, a
# BOM or a tag inside the document, directives, a comment right after a block scalar
# indicator, characters the pure reader refuses): those texts take the pure-Python path,
# so every file gets exactly the nodes or the error it always got (fuzzed in the tests).
_LIBYAML_DIFFERS = re.compile(r"[\t\ufeff!]|^%|[>|][-+0-9]*#", re.MULTILINE)
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def compose_yaml(text: str) -> yaml.Node | None:
    """``yaml.compose`` with the safe loader; libyaml's when it gives the same result
    (much faster: docs/speed.md), PyYAML's for any text it rejects or might read
    differently."""
    if (
        _FAST_LOADER is not None
        and not _LIBYAML_DIFFERS.search(text)
        and not yaml.reader.Reader.NON_PRINTABLE.search(text)
    ):
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError as error:
            if _TOO_DEEP in str(getattr(error, "problem", "")):
                raise  # (PyYAML's composer would recurse until it fails, slowly)
    return yaml.compose(text, Loader=yaml.SafeLoader)


_TOO_DEEP = "maximum nesting depth"  # libyaml's own limit (1,000 levels)


def read_yaml(path: Path, shown: str, what: str, max_bytes: int) -> tuple[str, yaml.Node | None]:
    """The text of a YAML file and its composed root node (None for an empty document),
    within the limits above; a SourceError naming ``shown`` and the line otherwise."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(
                f"{what} is {_size(size)}: the limit is {_size(max_bytes)} "
                "(is this the right file?)",
                shown,
            )
        raw = read_regular_file(path)
    except OSError as error:
        raise SourceError(f"cannot read file: {error.strerror}", shown) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError("not UTF-8 text (is this a YAML file?)", shown, line) from None
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        char = bad.group()
        name = unicodedata.name(char, "a control character")
        raise SourceError(
            f"{name} (U+{ord(char):04X}) is not allowed in YAML (is this a text file?)",
            shown,
            text.count("\n", 0, bad.start()) + 1,
        )
    node = _compose(text, shown)
    if node is not None:
        _audit(node, text, shown)
    return text, node


def _size(count: int) -> str:
    return f"{count / MB:.1f} MB" if count >= MB else f"{count / KB:.0f} KB"


def _compose(text: str, shown: str) -> yaml.Node | None:
    try:
        return compose_yaml(text)
    except RecursionError:
        raise SourceError(
            f"nested more than {MAX_DEPTH} levels deep", shown, _too_deep_line(text)
        ) from None
    except yaml.MarkedYAMLError as error:
        if _TOO_DEEP in str(error.problem):
            raise SourceError(
                f"nested more than {MAX_DEPTH} levels deep", shown, _too_deep_line(text)
            ) from None
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        if error.context and error.context_mark and mark is not error.context_mark:
            problem += f" ({error.context} at line {error.context_mark.line + 1})"
        raise SourceError(f"invalid YAML: {problem}", shown, line) from None
    except yaml.YAMLError as error:
        raise SourceError(f"invalid YAML: {error}", shown) from None


def _too_deep_line(text: str) -> int | None:
    """The line where nesting first goes deeper than MAX_DEPTH (the parser, unlike the
    composer, needs no recursion)."""
    depth = 0
    with contextlib.suppress(yaml.YAMLError):
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    assert event.start_mark is not None  # the parser marks every event
                    return event.start_mark.line + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    return None


def _audit(root: yaml.Node, text: str, shown: str) -> None:
    """Refuse aliases, explicit tags and deep nesting in a composed document (a walk
    without recursion that stops at the first alias, so it never expands one)."""
    tags = "!" in text  # no explicit tag without a '!'
    aliases = "*" in text  # and no alias: without one, no node is reached twice
    if not (tags or aliases):
        _audit_depth(root, shown)
        return
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise SourceError(
                "YAML aliases (*name) are not allowed: write the text out in full",
                shown,
                _alias_line(text),
            )
        seen.add(id(node))
        if depth > MAX_DEPTH and not isinstance(node, yaml.ScalarNode):  # collections count
            raise SourceError(
                f"nested more than {MAX_DEPTH} levels deep", shown, node.start_mark.line + 1
            )
        if tags:
            _refuse_tag(node, shown)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += ((value, depth + 1), (key, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack += ((child, depth + 1) for child in reversed(node.value))


def _audit_depth(root: yaml.Node, shown: str) -> None:
    """:func:`_audit` for a text without aliases or tags: only collections can be too
    deep, visited in the same order (so the same line is named)."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    scalar = yaml.ScalarNode
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SourceError(
                f"nested more than {MAX_DEPTH} levels deep", shown, node.start_mark.line + 1
            )
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not isinstance(value, scalar):
                    stack.append((value, depth + 1))
                if not isinstance(key, scalar):
                    stack.append((key, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack += (
                (child, depth + 1)
                for child in reversed(node.value)
                if not isinstance(child, scalar)
            )


def _refuse_tag(node: yaml.Node, shown: str) -> None:
    """A tag other than the one the value's own writing gives it was written out."""
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style
        expected = (
            _RESOLVER.resolve(yaml.ScalarNode, node.value, (plain, not plain))
            if plain
            else _CORE + "str"
        )
    else:
        expected = _COLLECTION_TAGS[type(node)]
    if node.tag != expected:
        tag = "!!" + node.tag[len(_CORE) :] if node.tag.startswith(_CORE) else node.tag
        raise SourceError(
            f"YAML tags such as '{tag}' are not allowed: write the value "
            "plainly (true or false, a number, or a text in quotes)",
            shown,
            node.start_mark.line + 1,
        )


def _alias_line(text: str) -> int | None:
    with contextlib.suppress(yaml.YAMLError):
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                assert event.start_mark is not None  # the parser marks every event
                return event.start_mark.line + 1
    return None
