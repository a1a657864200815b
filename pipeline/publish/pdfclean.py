"""Chromium's PDFs made reproducible, and their text true to the handout.

Two things in what Chromium (Skia) writes are fixed here, after rendering:

- **Dates.** Skia writes ``/CreationDate`` and ``/ModDate`` (the time of printing) in the
  document information, and nothing else that varies (no ``/ID``). They become
  ``SOURCE_DATE_EPOCH`` when it is set, and are removed otherwise, so the same HTML gives
  the same bytes. They are edited in place at the same length (a removed entry becomes
  spaces, which PDF reads as white space), so every offset stays valid.
- **Text.** Skia's ``/ToUnicode`` maps give each glyph the first code point that the
  font maps to it. Fonts share one glyph between a letter and its compatibility forms,
  so copied or searched text comes out as Kangxi radicals (``⼀`` for ``一``, ``⻉`` for
  ``贝``: the Chinese drug name cannot be found) and Arabic presentation forms (``ﻣ``
  for ``م``). Such code points are mapped back to the character they stand for (NFKC,
  and for the CJK Radicals Supplement, which NFKC leaves alone, the ideograph that
  Noto Sans CJK draws with the same glyph), unless the handout itself uses them. The
  rewritten maps are appended as a PDF incremental update (ISO 32000-1, 7.5.6): the
  original bytes stay as Chromium wrote them, with its tagged structure.

- **Links to files.** Pages are printed from a fixed address (:data:`ORIGIN`, then
  the page's path in the output folder: :mod:`.pdf` serves the staged files there), so
  nothing of the machine's paths, the output folder's name or a process id reaches
  Chromium. Chromium writes a relative link of the page (``../en/drug.html``, the
  English original) as an absolute address on that origin; it is written back relative
  to the page, and the cross-reference table and ``startxref`` are recomputed for the
  new lengths (no padding), so the link works beside the PDF and the bytes depend only
  on the project, never on where it was built.

Why not pypdf: its writer took longer to rewrite a Chinese handout's PDF than rendering
it did, and dropped the outline (figures: docs/speed.md). Skia writes
PDF 1.4 with a classic cross-reference table and no object streams, which is all this
module reads; anything else is returned unchanged. pypdf reads the result in the tests.
"""

from __future__ import annotations

import posixpath
import re
import time
import unicodedata
import zlib
from bisect import bisect_right
from collections.abc import Collection
from urllib.parse import quote, unquote, urlsplit

# CJK Radicals Supplement -> the ideograph Noto Sans CJK (2.004) draws with the same glyph
# (pairs: radical, ideograph; read from the fonts' cmaps, compatibility ideographs excluded)
_SUPPLEMENT = (
    "⺂乛⺃乚⺅亻⺇𠘨⺉刂⺋㔾⺍𭕄⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺘扌⺙攵⺛旡"
    "⺞歺⺟母⺠民⺡氵⺣灬⺤爫⺦丬⺨犭⺩𤣩⺫罒⺭礻⺮𥫗⺯糹⺰纟⺱罓⺲罒⺳㓁⺹耂"
    "⺺肀⺽𦥑⺾艹⺿艹⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻍辶⻎辶⻐钅"
    "⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻘青⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠⻠饣⻡𩠐⻢马⻣骨"
    "⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
RADICALS = dict(zip(_SUPPLEMENT[::2], _SUPPLEMENT[1::2], strict=True))
# where a glyph's first code point is a compatibility form of what the text says
_COMPATIBILITY = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xFB00, 0xFDFF), (0xFE70, 0xFEFF))

_DATE = re.compile(rb"/(CreationDate|ModDate) ?\(D:[0-9]{4,14}[^)]{0,12}\)")
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_FILE_URI = re.compile(rb"/URI \((file://[^()\\\r\n]*)\)")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def pdf_date(epoch: int) -> bytes:
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch)).encode("ascii")


def _dates(data: bytes, epoch: int | None) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        original = match.group()
        if epoch is None:
            return b" " * len(original)
        new = b"/" + match.group(1) + b" (" + pdf_date(epoch) + b")"
        return new.ljust(len(original)) if len(new) <= len(original) else original

    head, tail = data[:4096], data[4096:]  # Skia writes the information dictionary first
    return _DATE.sub(replace, head) + tail


def true_text(text: str, used: Collection[str]) -> str:
    """``text`` (a glyph's ToUnicode string) with compatibility forms the handout does
    not use mapped to the characters they stand for."""
    out = []
    for char in text:
        code = ord(char)
        if char not in used and any(low <= code <= high for low, high in _COMPATIBILITY):
            char = RADICALS.get(char) or unicodedata.normalize("NFKC", char)
        out.append(char)
    return "".join(out)


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be", "surrogatepass")


def _hex16(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass").hex().upper().encode("ascii")


def _remap_cmap(cmap: bytes, used: Collection[str]) -> bytes | None:
    """The CMap with its targets made true, or None when nothing changes."""
    spaces = re.search(rb"begincodespacerange\s*(.*?)\s*endcodespacerange", cmap, re.S)
    if not spaces:
        return None
    mapping: dict[int, str] = {}
    width = 0
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        tokens = _HEX.findall(block)
        for source, target in zip(tokens[::2], tokens[1::2], strict=False):
            mapping[int(source, 16)] = _utf16(target)
            width = max(width, len(source))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for line in re.findall(
            rb"<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*(?:\[[^\]]*\]|<[0-9A-Fa-f]+>)", block
        ):
            low, high, *targets = _HEX.findall(line)
            width = max(width, len(low))
            first, last = int(low, 16), int(high, 16)
            if b"[" in line:
                for offset, target in enumerate(targets):
                    mapping[first + offset] = _utf16(target)
            else:
                start = _utf16(targets[0])
                for offset in range(last - first + 1):
                    mapping[first + offset] = start[:-1] + chr(ord(start[-1]) + offset)
    fixed = {code: true_text(text, used) for code, text in mapping.items()}
    if fixed == mapping:
        return None
    entries = [b"<%0*X> <%s>" % (width, code, _hex16(text)) for code, text in sorted(fixed.items())]
    blocks = b"".join(
        b"%d beginbfchar\n%s\nendbfchar\n" % (len(chunk), b"\n".join(chunk))
        for chunk in (entries[i : i + 100] for i in range(0, len(entries), 100))
    )
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n"
        + spaces.group(1).strip()
        + b"\nendcodespacerange\n"
        + blocks
        + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


def _offsets(data: bytes, startxref: int) -> dict[int, int]:
    """Object number -> byte offset, from a classic cross-reference table."""
    match = re.compile(rb"xref\s*(\d+) (\d+)\s*").match(data, startxref)
    if not match:
        return {}
    first, count = int(match.group(1)), int(match.group(2))
    table = data[match.end() : match.end() + 20 * count]
    return {
        first + i: int(table[20 * i : 20 * i + 10])
        for i in range(count)
        if table[20 * i + 17 : 20 * i + 18] == b"n"
    }


_OBJECT = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)


def _stream(data: bytes, number: int, offset: int) -> bytes | None:
    """The decoded stream of object ``number`` at ``offset``, or None."""
    match = _OBJECT.match(data, offset)
    if not match or int(match.group(1)) != number:
        return None
    length = re.search(rb"/Length (\d+)", match.group(2))
    if not length:
        return None
    raw = data[match.end() : match.end() + int(length.group(1))]
    try:
        return zlib.decompress(raw) if b"/FlateDecode" in match.group(2) else raw
    except zlib.error:
        return None


ORIGIN = "https://handouts.invalid"  # where pages are printed from (never resolved)
_ORIGIN_URI = re.compile(rb"/URI \((" + re.escape(ORIGIN.encode("ascii")) + rb"/[^()\\\r\n]*)\)")
_XREF = re.compile(rb"xref\s*0 (\d+)\s*")


def page_address(path: str) -> str:
    """The address a page is printed from: :data:`ORIGIN`, then its path (``es/x.html``)
    in the output folder."""
    return f"{ORIGIN}/{quote(path, safe='/._-~')}"


def relative_link(uri: str, page: str) -> str:
    """``uri`` (an address on :data:`ORIGIN`) relative to the folder of ``page``'s
    address, its fragment kept."""
    parts = urlsplit(uri)
    target = unquote(parts.path) or "/"
    shown = posixpath.relpath(target, posixpath.dirname(unquote(urlsplit(page).path)))
    shown = quote(shown + ("/" if target.endswith("/") and shown != "." else ""), safe="/._-~")
    return shown + (f"#{parts.fragment}" if parts.fragment else "")


def _shift_xref(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes | None:
    """``data`` with ``edits`` (start, end, new bytes; in order, none overlapping),
    the cross-reference table's offsets and ``startxref`` moved by the change of
    length before them; None unless the file is one classic table and trailer (no
    ``/Prev``), after every edit."""
    trailer = _TRAILER.search(data, max(0, len(data) - 2048))
    if not trailer or b"/Prev" in trailer.group(1):
        return None
    startxref = int(trailer.group(2))
    table = _XREF.match(data, startxref)
    if not table or edits[-1][1] > startxref:
        return None
    count = int(table.group(1))
    rows = data[table.end() : table.end() + 20 * count]
    if len(rows) != 20 * count or not data.startswith(b"trailer", table.end() + 20 * count):
        return None
    ends: list[int] = []
    deltas: list[int] = []
    out = bytearray()
    position = delta = 0
    for start, end, new in edits:
        out += data[position:start] + new
        position = end
        delta += len(new) - (end - start)
        ends.append(end)
        deltas.append(delta)

    def moved(offset: int) -> int:
        index = bisect_right(ends, offset) - 1
        return offset + (deltas[index] if index >= 0 else 0)

    fixed = b"".join(
        b"%010d%s" % (moved(int(row[:10])), row[10:]) if row[17:18] == b"n" else row
        for row in (rows[20 * i : 20 * i + 20] for i in range(count))
    )
    out += data[position : table.end()] + fixed
    out += data[table.end() + 20 * count : trailer.start(2)]
    out += b"%d" % moved(startxref) + data[trailer.end(2) :]
    return bytes(out)


def _local_links(data: bytes, page: str) -> bytes:
    """Links to :data:`ORIGIN` made relative to ``page`` (the address the PDF was
    printed from), the cross-reference table recomputed (:func:`_shift_xref`); in a
    file of another shape, in place at the link's length (the string, then spaces)."""
    edits = [
        (found.start(1), found.end(1), relative_link(found.group(1).decode("latin-1"), page))
        for found in _ORIGIN_URI.finditer(data)
    ]
    if not edits:
        return data
    encoded = [(start, end, new.encode("latin-1")) for start, end, new in edits]
    shifted = _shift_xref(data, encoded)
    if shifted is not None:
        return shifted
    out = bytearray(data)
    for start, end, new in encoded:  # (a link and its closing parenthesis, then spaces)
        if len(new) <= end - start:
            out[start : end + 1] = (new + b")").ljust(end + 1 - start)
    return bytes(out)


def clean(
    data: bytes, epoch: int | None, used: Collection[str] = (), page: str | None = None
) -> bytes:
    """Chromium's PDF ``data`` with reproducible dates and true text, and its links on
    :data:`ORIGIN` relative to ``page``, the address it was printed from (see the
    module)."""
    data = _dates(data, epoch)
    if page is not None:
        data = _local_links(data, page)
    trailer = _TRAILER.search(data[-2048:])
    if not data.startswith(b"%PDF-") or not trailer or b"/ObjStm" in data:
        return data
    offsets = _offsets(data, int(trailer.group(2)))
    updates = {}
    for number in sorted({int(n) for n in _TO_UNICODE.findall(data)}):
        cmap = _stream(data, number, offsets[number]) if number in offsets else None
        fixed = _remap_cmap(cmap, used) if cmap is not None else None
        if fixed is not None:
            updates[number] = fixed
    if not updates:
        return data
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, cmap in updates.items():
        packed = zlib.compress(cmap, 9)
        offsets[number] = len(out)
        out += b"%d 0 obj\n<</Filter /FlateDecode\n/Length %d>> stream\n" % (number, len(packed))
        out += packed + b"\nendstream\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    fields = trailer.group(1)
    keep = b"".join(
        b"/%s %s\n" % (key, value)
        for key, value in re.findall(rb"/(Size|Root|Info)\s+(\d+(?: 0 R)?)", fields)
    )
    out += (
        b"trailer\n<<" + keep + b"/Prev %s>>\nstartxref\n%d\n%%%%EOF\n" % (trailer.group(2), xref)
    )
    return bytes(out)
