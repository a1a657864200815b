"""``clinic:`` in ``handouts.yaml``: the care team's details every handout prints.

    clinic:
      name: Example Cancer Centre
      phone: 555-0100
      after_hours_phone: 555-0199
      emergency: "911"
      logo: source/logo.svg        # optional: a PNG, JPEG or SVG inside the project
      website: https://example.org # optional

The values are facts from data, never translatable and never markup: a name is plain
text, a phone number is digits with the usual separators, a website an http(s) address,
a logo a file inside the project whose content is a PNG, a JPEG or a plain SVG (an SVG
with a script, an event handler, a link to anything outside it or a DTD is refused, not
cleaned). A mistake is a SourceError naming the key and its ``handouts.yaml`` line.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..errors import HandoutError, SourceError
from ..files import inside_project, read_input_file

POLICY_FILE = "handouts.yaml"
CLINIC_KEYS = ("name", "phone", "after_hours_phone", "emergency", "logo", "website")
MAX_LOGO_BYTES = 512 * 1024
MAX_NAME = 120
# digits with spaces, dots, dashes, brackets and a leading +; an extension "ext. 12"/"x12"
_PHONE = re.compile(r"\+?[0-9() .\-]{2,30}(?:\s*(?:ext\.?|x)\s*[0-9]{1,6})?")
_SVG = "{http://www.w3.org/2000/svg}"
_SVG_REFUSED = (
    "script",
    "foreignObject",
    "iframe",
    "embed",
    "object",
    "use",
    "image",
    "animate",
    "set",
    "handler",
    "a",
)


@dataclass(frozen=True)
class Logo:
    media_type: str  # image/png | image/jpeg | image/svg+xml
    data: bytes

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Clinic:
    """The care team's details (None: not given; the handout leaves a line to write on)."""

    name: str | None = None
    phone: str | None = None
    after_hours_phone: str | None = None
    emergency: str | None = None
    website: str | None = None
    logo: Logo | None = None


def load_clinic(root: Path, node: yaml.Node) -> Clinic:
    """The ``clinic:`` mapping of ``handouts.yaml``, every value checked."""
    if not isinstance(node, yaml.MappingNode):
        raise _error(
            "'clinic' must be a mapping of name, phone, after_hours_phone, "
            "emergency, logo, website",
            node,
        )
    values: dict[str, object] = {}
    for key, value in node.value:
        name = key.value
        if name not in CLINIC_KEYS:
            raise _error(
                f"unknown key '{name}' in 'clinic' (allowed: {', '.join(CLINIC_KEYS)})", key
            )
        if name in values:
            raise _error(f"'clinic.{name}' appears twice", key)
        text = _text(value, name)
        if name == "name":
            values[name] = _name(text, value)
        elif name == "website":
            values[name] = _website(text, value)
        elif name == "logo":
            values[name] = _logo(root, text, value)
        else:
            values[name] = _phone(text, name, value)
    return Clinic(**values)  # type: ignore[arg-type]


def _text(node: yaml.Node, name: str) -> str:
    if (
        not isinstance(node, yaml.ScalarNode)
        or not isinstance(node.value, str)
        or not node.value.strip()
    ):
        raise _error(f"'clinic.{name}' must be a text, written as it should print", node)
    return node.value.strip()


def _name(text: str, node: yaml.Node) -> str:
    if (
        len(text) > MAX_NAME
        or any(c in text for c in '<>&"`{}')
        or any(not c.isprintable() for c in text)
    ):
        raise _error(
            f"'clinic.name' must be plain text of at most {MAX_NAME} characters "
            "(no markup, no control characters)",
            node,
        )
    return text


def _phone(text: str, name: str, node: yaml.Node) -> str:
    if not _PHONE.fullmatch(text) or sum(c.isdigit() for c in text) < 2:
        raise _error(
            f"'clinic.{name}' must be a phone number: digits, spaces, '+', '-', "
            "'.', brackets and an optional 'ext. 123' (no letters, no markup)",
            node,
        )
    return text


def _website(text: str, node: yaml.Node) -> str:
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() or c in "<>\"'`\\" for c in text)
        or len(text) > 200
    ):
        raise _error("'clinic.website' must be an http:// or https:// address", node)
    return text


def _logo(root: Path, text: str, node: yaml.Node) -> Logo:
    path = Path(text)
    where = f"'clinic.logo' ({text})"
    if path.is_absolute() or ".." in path.parts:
        raise _error(f"{where} must be a file inside the project, named relative to it", node)
    try:
        real = inside_project(root, root / path, "'clinic.logo'")
        data = read_input_file(real, text)
    except HandoutError as error:
        raise _error(f"{where}: {error.message}", node) from None
    if len(data) > MAX_LOGO_BYTES:
        raise _error(f"{where} is larger than {MAX_LOGO_BYTES // 1024} KB", node)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Logo("image/png", data)
    if data.startswith(b"\xff\xd8\xff"):
        return Logo("image/jpeg", data)
    problem = _svg_problem(data)
    if problem is None:
        return Logo("image/svg+xml", data)
    raise _error(f"{where} {problem}", node)


def _svg_problem(data: bytes) -> str | None:
    """Why ``data`` is not a plain SVG image (None: it is one)."""
    head = data[:2048].lower()
    if b"<svg" not in head and b"<?xml" not in head:
        return "is not an image: a logo must be a PNG, a JPEG or an SVG file"
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        return "is refused: an SVG logo may not have a DOCTYPE or entities"
    try:
        tree = ET.fromstring(data)
    except ET.ParseError as error:
        return f"is not a well-formed SVG: {error}"
    if tree.tag != f"{_SVG}svg":
        return "is not an SVG image (its root element is not <svg>)"
    for element in tree.iter():
        local = str(element.tag).rsplit("}", 1)[-1]
        if local in _SVG_REFUSED:
            return f"is refused: an SVG logo may not contain <{local}>"
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                return f"is refused: an SVG logo may not have event handlers ({name})"
            compact = value.replace(" ", "").lower()
            if name == "href" or ("url(" in compact and "url(#" not in compact):
                return "is refused: an SVG logo may not link to anything outside itself"
        if local == "style" and (
            "@import" in (element.text or "") or "url(" in (element.text or "")
        ):
            return "is refused: an SVG logo's style may not load anything"
    return None


def _error(message: str, node: yaml.Node) -> SourceError:
    return SourceError(message, POLICY_FILE, node.start_mark.line + 1)
