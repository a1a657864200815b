"""The QR code a printed handout carries to its page online (``base_url`` set): made by
segno, as inline SVG (no file, no image request), named for screen readers.

A photocopied handout leads by it to the page it was printed from, and so to the newest
version and the other languages. The SVG is segno's path of the module matrix, with a
quiet zone of 4 modules; the address (an absolute http(s) address the policy checked,
followed by the page's path) is escaped wherever it is written.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 requires
_PATH = re.compile(r"<path [^<>]*/>")


@dataclass(frozen=True)
class QrCode:
    """A page's address and its QR code as inline SVG markup."""

    address: str
    svg: Markup


@lru_cache(maxsize=256)
def qr_code(address: str) -> QrCode:
    """``address`` as a QR code (error correction M or better), inline SVG with a title."""
    import segno  # (imported when a page has an address: 10 ms every build paid)

    code = segno.make(address, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=False,
        nl=False,
        border=QUIET_ZONE,
        scale=1,
        omitsize=True,
        svgclass=None,
        lineclass=None,
    )
    found = _PATH.search(buffer.getvalue().decode("ascii"))
    assert found, "segno wrote no path"
    width, height = code.symbol_size(border=QUIET_ZONE)
    label = escape(address)
    svg = Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="qr-code" role="img" aria-label="{label}" '
        f'shape-rendering="crispEdges"><title>{label}</title>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f"{found.group()}</svg>"
    )
    return QrCode(address, svg)
