"""Reading PO text fast, exactly as polib reads it.

:func:`scan_usual` reads the layout GNU gettext and :mod:`pipeline.poformat` write
with whole-file regular expressions, and proves the syntax valid as it goes;
:func:`parse_lines` follows polib's state machine line by line for any other layout.
Both raise :class:`Unusual` where polib itself must decide.
"""

from __future__ import annotations

import re
import sys

from ..model import Message

_C_ESCAPE = re.compile(r'\\(?:([\\"ntrvbfa])|([0-7]{1,3})|x([0-9a-fA-F]{1,2}))')
_C_CHARS = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "a": "\a"}


def unescape(text: str) -> str:
    """Every C escape GNU gettext writes (polib's own misses \\a, octal and hex)."""

    def one(match: re.Match[str]) -> str:
        simple, octal, hexadecimal = match.groups()
        if simple:
            return _C_CHARS.get(simple, simple)
        return chr(int(octal, 8)) if octal else chr(int(hexadecimal, 16))

    return _C_ESCAPE.sub(one, text)


# --- any layout polib reads, line by line ---------------------------------------------


class Unusual(Exception):
    """A line or sequence this reader leaves to polib."""


# polib's state machine: the states from which each symbol may come
_ENTRY_STATES = {"st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi"}
_FROM = {
    "tc": _ENTRY_STATES - {"st", "he", "ct"},
    "gc": _ENTRY_STATES,
    "oc": _ENTRY_STATES,
    "fl": _ENTRY_STATES,
    "pc": _ENTRY_STATES,
    "pm": _ENTRY_STATES,
    "pp": _ENTRY_STATES,
    "ct": {"st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx"},
    "mi": {"st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx"},
    "mp": {"tc", "gc", "pc", "pm", "pp", "mi"},
    "ms": {"mi", "mp", "tc"},
    "mx": {"mi", "mx", "mp", "tc"},
}
_CONTINUED = {
    "ct": "msgctxt",
    "mi": "msgid",
    "mp": "msgid_plural",
    "ms": "msgstr",
    "pc": "previous_msgctxt",
    "pm": "previous_msgid",
    "pp": "previous_msgid_plural",
}
_KEYWORDS = {"msgctxt": "ct", "msgid": "mi", "msgstr": "ms", "msgid_plural": "mp"}
_PREVIOUS = {"msgid_plural": "pp", "msgid": "pm", "msgctxt": "pc"}


def _string(token: str) -> str:
    inner = token[1:-1]
    return unescape(inner) if "\\" in inner else inner


class _Draft:
    """The fields of one entry while it is read (what polib's POEntry holds)."""

    __slots__ = (
        "line",
        "msgid",
        "msgstr",
        "msgctxt",
        "msgid_plural",
        "plural",
        "flags",
        "tcomment",
        "comment",
        "occurrences",
        "previous_msgctxt",
        "previous_msgid",
        "previous_msgid_plural",
        "obsolete",
        "msgstr_line",
        "form",
    )

    def __init__(self, line: int):
        self.line = line
        self.msgstr_line = 0
        self.form = 0  # the plural form a string line continues
        self.msgid = self.msgstr = self.tcomment = ""
        self.comment: list[str] = []  # the '#.' lines, joined once at the end
        self.msgctxt = self.msgid_plural = None
        self.previous_msgctxt = self.previous_msgid = self.previous_msgid_plural = None
        self.plural: dict[int, str] = {}
        self.flags: list[str] = []
        self.occurrences: list[str] = []
        self.obsolete = False

    def message(self) -> Message:
        """The entry; texts every locale's catalog repeats are interned (shared)."""
        return Message(
            msgid=sys.intern(self.msgid),
            msgstr=self.msgstr,
            msgctxt=self.msgctxt and sys.intern(self.msgctxt),
            msgid_plural=self.msgid_plural or None,
            msgstr_plural=tuple(self.plural[i] for i in sorted(self.plural)),
            fuzzy="fuzzy" in self.flags,
            obsolete=self.obsolete,
            flags=tuple(f for f in self.flags if f != "fuzzy"),
            line=self.line,
            previous_msgid=self.previous_msgid,
            comments=tuple(self.tcomment.split("\n")) if self.tcomment else (),
            notes=tuple(map(sys.intern, "\n".join(self.comment).split("\n")))
            if self.comment
            else (),
            references=tuple(map(sys.intern, self.occurrences)),
            msgstr_line=0 if self.obsolete else self.msgstr_line,
        )


def parse_lines(text: str) -> tuple[str, dict[str, str], list[Message]]:
    """(header comment, metadata, entries) exactly as polib reads ``text``; raise
    :class:`Unusual` on anything outside the usual layout (polib then decides). The two
    commonest lines are read here; :func:`_symbol` and :func:`_store` read the others."""
    if "\r" in text:  # polib reads with universal newlines
        raise Unusual
    header = ""
    entries: list[_Draft] = []
    entry = _Draft(0)
    state = "st"
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        if line[0] == '"':  # a continuation line (the most common kind)
            if state == "mx":
                entry.plural[entry.form] += _string(line)
            elif state in _CONTINUED:
                name = _CONTINUED[state]
                setattr(entry, name, getattr(entry, name) + _string(line))
            else:
                raise Unusual
            continue
        if line[:2] == "#." and (len(line) == 2 or line[2].isspace()):
            if len(line) == 2:  # an extracted comment (the next most common kind)
                continue
            if state not in _FROM["gc"]:
                raise Unusual
            if state in ("ms", "mx"):
                entries.append(entry)
                entry = _Draft(number)
            if entry.comment or line[3:]:
                entry.comment.append(line[3:])
            state = "gc"
            continue
        symbol, line, obsolete = _symbol(line)
        if not symbol:
            continue
        if symbol == '"':  # a string of an obsolete or previous field
            _continue_field(entry, state, line)
            continue
        if symbol == "tc" and state in ("st", "he"):
            header = f"{header}\n{line[2:]}" if header else line[2:]
            state = "he"
            continue
        if state not in _FROM[symbol]:
            raise Unusual
        if state in ("ms", "mx") and symbol not in ("mp", "ms", "mx"):
            entries.append(entry)
            entry = _Draft(number)
        _store(entry, symbol, line, obsolete)
        if symbol in ("ms", "mx") and not entry.msgstr_line:
            entry.msgstr_line = number
        state = symbol
    if _ends_in_entry_text(text):
        entries.append(entry)
    return header, *_header_entry(entries)


def _symbol(line: str) -> tuple[str, str, bool]:
    """polib's reading of a line that is neither a plain string nor a '#.' note: its
    symbol ('' nothing to read, '"' a string continuing the current field, or a state
    of :data:`_FROM`), the rest of the line, whether it is obsolete."""
    tokens = line.split(None, 2)
    first = tokens[0]
    if first == "#~|":
        return "", line, False
    obsolete = first == "#~" and len(tokens) > 1
    if obsolete:
        line = line[3:].strip()
        tokens = tokens[1:]
        first = tokens[0]
    if first in _KEYWORDS and len(tokens) > 1:
        return _KEYWORDS[first], line[len(first) :].lstrip(), obsolete
    if first in ("#:", "#,", "#."):
        return ("" if len(tokens) == 1 else _COMMENT_SYMBOLS[first]), line, obsolete
    if line[:1] == '"':
        return '"', line, obsolete
    if line[:7] == "msgstr[":
        return "mx", line, obsolete
    if first == "#" or first.startswith("##"):
        return "tc", line, obsolete
    if first == "#|" and len(tokens) > 1 and tokens[1].startswith('"'):
        return '"', line[2:].lstrip(), obsolete
    if first == "#|" and len(tokens) > 2 and tokens[1] in _PREVIOUS:
        line = line[2:].lstrip()
        return _PREVIOUS[tokens[1]], line[len(tokens[1]) :].lstrip(), obsolete
    raise Unusual


_COMMENT_SYMBOLS = {"#:": "oc", "#,": "fl", "#.": "gc"}


def _ends_in_entry_text(text: str) -> bool:
    """Whether the last line that is not blank is an entry's text, not a comment (polib
    then keeps the entry it was reading): its first word, after any '#~ ', has no '#'."""
    tokens = text.rstrip().rpartition("\n")[2].split(None, 2)
    if not tokens:
        return False
    first = tokens[1] if tokens[0] == "#~" and len(tokens) > 1 else tokens[0]
    return not first.startswith("#")


def _continue_field(entry: _Draft, state: str, line: str) -> None:
    """Append the string ``line`` to the field the state ``state`` reads."""
    if state == "mx":
        entry.plural[entry.form] += _string(line)
    elif state in _CONTINUED:
        name = _CONTINUED[state]
        setattr(entry, name, getattr(entry, name) + _string(line))
    else:
        raise Unusual


def _store(entry: _Draft, symbol: str, line: str, obsolete: bool) -> None:
    """Keep the value of a line of symbol ``symbol`` in ``entry``, as polib does (the
    commonest symbols first)."""
    if symbol == "oc":  # polib splits off the line number; Message joins it back
        entry.occurrences += line[3:].split()
    elif symbol in _CONTINUED:  # a keyword: msgid, msgstr, msgctxt... or '#|' previous
        if symbol == "mi":
            entry.obsolete = obsolete
        setattr(entry, _CONTINUED[symbol], _string(line))
    elif symbol == "tc":
        comment = line.lstrip("#")
        comment = comment[1:] if comment.startswith(" ") else comment
        entry.tcomment = f"{entry.tcomment}\n{comment}" if entry.tcomment else comment
    elif symbol == "gc":
        if entry.comment or line[3:]:  # as polib: leading empty lines are dropped
            entry.comment.append(line[3:])
    elif symbol == "fl":
        entry.flags += [flag.strip() for flag in line[3:].split(",")]
    else:  # mx
        if not line[7:8].isdigit() or line[8:9] != "]":
            raise Unusual
        entry.form = int(line[7])
        entry.plural[entry.form] = _string(line[line.find('"') :])


def _header_entry(entries: list[_Draft]) -> tuple[dict[str, str], list[Message]]:
    """The header entry's metadata, and the other entries (the header taken out)."""
    headers = [i for i, draft in enumerate(entries) if draft.msgid == "" and not draft.obsolete]
    if len(headers) > 1:
        raise Unusual  # polib's find('') and remove() have their own ideas
    metadata = metadata_of(entries.pop(headers[0]).msgstr) if headers else {}
    return metadata, [draft.message() for draft in entries]


def metadata_of(msgstr: str) -> dict[str, str]:
    """The header entry's fields, split as polib splits them."""
    metadata: dict[str, str] = {}
    key = None
    for part in msgstr.splitlines():
        try:
            key, value = part.split(":", 1)
            metadata[key] = value.strip()
        except ValueError:
            if key is not None:
                metadata[key] += "\n" + part.strip()
    return metadata


# --- the usual layout, scanned whole -----------------------------------------------------

# a quoted string on its own line, with only the escapes polib and msgfmt read alike
_QUOTED = r'"[^"\\\n]*(?:\\[\\"ntrabfv][^"\\\n]*)*"'
_STRING = rf"{_QUOTED}\n"
_FIELD = rf"(?:{_STRING})+"
_BODY = (
    rf"(?:msgctxt (?P<msgctxt>{_FIELD}))?msgid (?P<msgid>{_FIELD})"
    rf"(?:msgid_plural (?P<plural>{_FIELD})(?P<forms>(?:msgstr\[[0-9]\] {_FIELD})+)"
    rf"|msgstr (?P<msgstr>{_FIELD}))"
)
_COMMENTS = r"(?P<comments>(?:#(?!~)[^\n]*\n)*)"
_ENTRY = re.compile(rf"{_COMMENTS}{_BODY}\n*")
_OBSOLETE = re.compile(rf"{_COMMENTS}(?P<obsolete>(?:#~[^\n]*\n)+)\n*")
_OBSOLETE_BODY = re.compile(rf"{_BODY}")
_FORM = re.compile(rf"msgstr\[([0-9])\] ({_FIELD})")
_SIMPLE_COMMENTS = re.compile(r"((?:#\. [^\n]*\S\n)*)((?:#: [^\n]*\S\n)*)((?:#, [^\n]*\S\n)*)")
_PREVIOUS_LINE = re.compile(rf"(msgctxt |msgid |msgid_plural |)({_QUOTED})")


def _field(quoted: str) -> str:
    """The text of a field's string lines (``"a"\\n"b"\\n`` -> ``ab``)."""
    inner = quoted[1:-2].replace('"\n"', "")  # only string lines end in '"\n'
    return unescape(inner) if "\\" in inner else inner


class _Comments:
    """The comment lines of one entry, sorted as polib sorts them."""

    __slots__ = ("notes", "references", "flags", "translator", "previous", "header", "lead")

    def __init__(self, block: str, details: bool = True):
        self.notes: list[str] = []
        self.references: list[str] = []
        self.flags: list[str] = []
        self.translator = ""
        self.previous: str | None = None
        self.header = ""  # the '#' lines before any other: the file's header comment
        self.lead = 0  # bare marker lines before the entry's first line that counts
        if block:
            simple = _SIMPLE_COMMENTS.fullmatch(block)
            if simple is None:
                self._read_lines(block)
                if not details:  # translator comments stay: review marks are there
                    self.notes, self.references = [], []
            elif details:
                self._read_simple(*simple.groups())
            else:
                self._read_simple("", "", simple.group(3))

    def _read_simple(self, notes: str, references: str, flags: str) -> None:
        """The usual block, whole: '#. ' lines, '#: ' lines, '#, ' lines, in that order,
        none ending in whitespace (what :meth:`_read_lines` reads, without the loop)."""
        if notes:
            self.notes = list(map(sys.intern, notes[3:-1].split("\n#. ")))
        if references:
            self.references = list(map(sys.intern, references[3:].replace("\n#: ", " ").split()))
        if flags:
            self.flags = [flag.strip() for flag in flags[3:-1].replace("\n#, ", ",").split(",")]

    def _read_lines(self, block: str) -> None:
        """Any comment block, line by line as polib reads it."""
        previous_field, others, started = "", False, False
        for raw in block.split("\n")[:-1]:
            line = raw.rstrip()
            kind = line[:2]
            if len(line) > 2 and not line[2].isspace() and kind != "##" and line[1] not in " \t":
                raise Unusual  # '#.x', '#foo': left to the line reader
            started = started or len(line) > 2 or kind not in ("#.", "#:", "#,")
            if kind in ("#.", "#:", "#,", "#|"):
                if len(line) == 2 and kind != "#|":
                    self.lead += not started
                    continue  # an empty marker line changes nothing
                others = True
                if kind != "#|":
                    previous_field = ""  # the state moved on: no '#|' string continues
                if kind == "#.":
                    self.notes.append(sys.intern(line[3:]))
                elif kind == "#:":
                    self.references += map(sys.intern, line[3:].split())
                elif kind == "#,":
                    self.flags += [flag.strip() for flag in line[3:].split(",")]
                else:
                    previous_field = self._previous(line[2:].lstrip(), previous_field)
            elif kind[1:] in ("", "#") or kind[1].isspace():
                previous_field = ""
                comment = line.lstrip("#")
                comment = comment[1:] if comment.startswith(" ") else comment
                self.translator = f"{self.translator}\n{comment}" if self.translator else comment
                if not others:
                    self.header = f"{self.header}\n{line[2:]}" if self.header else line[2:]
            else:
                raise Unusual

    def _previous(self, line: str, field: str) -> str:
        """One '#|' line; returns which previous field a following string continues."""
        match = _PREVIOUS_LINE.fullmatch(line)
        if match is None:
            raise Unusual
        keyword, text = match.group(1).strip(), _field(match.group(2) + "\n")
        if keyword:
            field = keyword
            if keyword == "msgid":
                self.previous = text
        elif not field:
            raise Unusual
        elif field == "msgid":
            self.previous = (self.previous or "") + text
        return field


def _message(
    match: re.Match[str], comments: _Comments, line: int, obsolete: bool, msgstr_line: int
) -> Message:
    forms = match.group("forms")
    plural = dict((int(n), _field(text)) for n, text in _FORM.findall(forms)) if forms else {}
    context = match.group("msgctxt")
    return Message(
        msgid=sys.intern(_field(match.group("msgid"))),
        msgstr=_field(match.group("msgstr")) if match.group("msgstr") else "",
        msgctxt=sys.intern(_field(context)) if context else None,
        msgid_plural=_field(match.group("plural")) or None if forms else None,
        msgstr_plural=tuple(plural[i] for i in sorted(plural)),
        fuzzy="fuzzy" in comments.flags,
        obsolete=obsolete,
        flags=tuple(f for f in comments.flags if f != "fuzzy"),
        line=line,
        previous_msgid=comments.previous,
        comments=tuple(comments.translator.split("\n")) if comments.translator else (),
        notes=tuple(comments.notes),
        references=tuple(comments.references),
        msgstr_line=msgstr_line,
    )


def _obsolete_body(block: str) -> tuple[re.Match[str], int]:
    """The entry an obsolete block holds ('#~|' lines dropped, '#~ ' prefixes removed),
    and how many '#~|' lines come first (polib starts the entry after them)."""
    lines: list[str] = []
    skipped = 0
    for line in block.split("\n")[:-1]:
        line = line.rstrip()
        if line.startswith("#~| "):
            if lines:
                raise Unusual  # after the entry began: not how gettext writes it
            skipped += 1
            continue
        if line[:3] != "#~ " or line[3:4].isspace():
            raise Unusual
        lines.append(line[3:])
    match = _OBSOLETE_BODY.fullmatch("\n".join(lines) + "\n")
    if match is None:
        raise Unusual
    return match, skipped


def scan_usual(text: str, details: bool = True) -> tuple[str, dict[str, str], list[Message]]:
    """(header comment, metadata, entries) as :func:`parse_lines` reads them, for text
    in the usual layout: the header entry first, one space after each keyword, each
    string on its own line with the common escapes only, blank lines between entries.

    Accepting the whole text proves it syntactically valid (every line belongs to a
    well-formed entry), so no separate syntax check is needed. Anything else raises
    :class:`Unusual` and is left to the line-by-line reader. Without ``details`` the
    entries have no notes or references (faster); translator comments, where review
    marks are, are always read."""
    if "\r" in text:
        raise Unusual
    if not text.endswith("\n"):
        text += "\n"
    position = len(text) - len(text.lstrip("\n"))
    line = position + 1
    header_comment, metadata = "", None
    messages: list[Message] = []
    end = len(text)
    while position < end:
        match = _ENTRY.match(text, position)
        obsolete = match is None
        if match is None:
            match = _OBSOLETE.match(text, position)
            if match is None:
                raise Unusual
        comments = _Comments(match.group("comments"), details or metadata is None)
        message = _scanned(text, position, line, match, obsolete, comments)
        if message.msgid == "" and not obsolete:
            if metadata is not None or messages or _more_than_a_header(message, comments):
                raise Unusual  # a header elsewhere, or twice: polib decides
            header_comment, metadata = comments.header, metadata_of(message.msgstr)
        elif metadata is None:
            raise Unusual  # no header first: its comments would be the file's
        else:
            messages.append(message)
        line += text.count("\n", position, match.end())
        position = match.end()
    if metadata is None:
        raise Unusual
    return header_comment, metadata, messages


def _scanned(
    text: str, position: int, line: int, match: re.Match[str], obsolete: bool, comments: _Comments
) -> Message:
    """The entry ``match`` found at ``position`` (line ``line``) of ``text``, with the
    line numbers polib gives it."""
    first = line + comments.lead  # the entry's first line that counts, as polib sees it
    body = match
    if obsolete:
        body, skipped = _obsolete_body(match.group("obsolete"))
        if comments.lead == match.group("comments").count("\n"):  # no comment line counted
            first += skipped
        return _message(body, comments, first, obsolete, 0)
    start = match.start("msgstr") if match.group("msgstr") is not None else match.start("forms")
    return _message(body, comments, first, obsolete, line + text.count("\n", position, start))


def _more_than_a_header(message: Message, comments: _Comments) -> bool:
    """Whether an entry with an empty msgid has more than a header entry has."""
    return bool(
        message.msgctxt is not None or comments.notes or comments.references or comments.previous
    )
