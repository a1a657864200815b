"""A strict syntax check of PO text, line by line, before polib reads it.

polib accepts unterminated strings and entries without ``msgstr``; GNU msgfmt
rejects them. This check refuses what msgfmt refuses, naming the 1-based line,
so a broken catalog never gets half-read.
"""

from __future__ import annotations

import re

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])[ \t]+(".*)$')
_STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"[ \t]*$')
_ESCAPE = re.compile(r'\\(?:[\\"ntrabfv]|[0-7]{1,3}|x[0-9a-fA-F]+)')
_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")


def declared_charset(raw: bytes) -> str:
    """The charset the header declares (UTF-8 when none is given)."""
    match = _CHARSET.search(raw[:4096])
    charset = match.group(1).decode("ascii") if match else "UTF-8"
    return "UTF-8" if charset.upper() == "CHARSET" else charset


def _string_problem(text: str) -> str | None:
    if len(text) > 1 and text[0] == text[-1] == '"' and "\\" not in text and '"' not in text[1:-1]:
        return None  # the usual string: no escape, no quote inside (what _STRING accepts)
    if not text.startswith('"'):
        return "expected a quoted string"
    match = _STRING.match(text)
    if not match:
        return "string not closed on this line (missing '\"' or an unescaped '\"' inside)"
    stripped = _ESCAPE.sub("", match.group(1))
    if "\\" in stripped:
        return "invalid escape sequence in string"
    return None


_ORPHAN_MSGSTR = {
    False: "msgstr without a msgid before it",
    True: "msgstr[N] without msgid_plural before it",
}


def _unknown_keyword(line: str) -> str:
    word = line.split()[0] if line.split() else line
    return (
        f"unknown keyword '{word[:30]}' (expected msgid, msgstr, msgctxt, a quoted string "
        "or a # comment)"
    )


def syntax_errors(text: str) -> list[tuple[int, str]]:
    """(line, problem) for each syntax error, in order; empty when the text is valid."""
    errors: list[tuple[int, str]] = []
    expect_msgstr = 0  # line of a msgid still waiting for its msgstr
    last = ""  # last keyword seen in the current entry
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if raw[:1] == "#" and raw[1:2] != "~":
            continue  # a comment (the most common line)
        if raw[:1] == '"' and _string_problem(raw) is None:  # a plain string line
            if not last:
                errors.append((number, "string without a keyword before it"))
            continue
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
            if line.startswith("|"):
                continue
        elif line.startswith("#") or not line:
            continue
        if line.startswith('"'):
            problem = _string_problem(line)
            if problem:
                errors.append((number, problem))
            elif not last:
                errors.append((number, "string without a keyword before it"))
            continue
        match = _KEYWORD.match(line)
        if not match:
            errors.append((number, _unknown_keyword(line)))
            continue
        keyword = match.group(1).split("[")[0]
        problem = _string_problem(match.group(3))
        if problem:
            errors.append((number, problem))
        if keyword in ("msgctxt", "msgid"):
            if expect_msgstr and not obsolete:
                errors.append((expect_msgstr, "msgid without msgstr"))
            if keyword == "msgid":
                expect_msgstr = 0 if obsolete else number
        elif keyword == "msgstr" and not obsolete:
            indexed = match.group(2) is not None
            allowed = ("msgid_plural", "msgstr[]") if indexed else ("msgid",)
            if last not in allowed:
                errors.append((number, _ORPHAN_MSGSTR[indexed]))
            expect_msgstr = 0
        last = "msgstr[]" if keyword == "msgstr" and match.group(2) is not None else keyword
    if expect_msgstr:
        errors.append((expect_msgstr, "msgid without msgstr"))
    return errors
