"""The QR code of printed handouts: with ``base_url`` set, every published handout and
edition prints segno's code to its own page, with the address beside it, on every page;
none without ``base_url``, none on a draft. The SVG's modules are exactly segno's matrix
for the address, and the code read back from Chromium's printed pages (zxing-cpp) is
that address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno

from pipeline.publish.build import build
from pipeline.publish.qr import QUIET_ZONE, qr_code
from tests.conftest import need_file_tool
from tests.projects import copy_project

BASE = "https://handouts.example.org/clinic/"
DRUG = "blinatumomab"


def matrix_of(svg: str) -> list[list[int]]:
    """The dark modules the SVG draws (segno's path of horizontal runs), as 0/1 rows."""
    width, height = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    rows = [[0] * width for _ in range(height)]
    x = y = 0.0
    path = re.search(r'<path [^>]*\bd="([^"]+)"', svg).group(1)
    for command, args in re.findall(r"([MmHh])([^MmHh]*)", path):
        numbers = [float(value) for value in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            for step in range(int(numbers[0])):
                rows[int(y)][int(x) + step] = 1
            x += numbers[0]
    return rows


def expected_matrix(address: str) -> list[list[int]]:
    code = segno.make(address, error="m", micro=False)
    size = len(code.matrix)
    blank = [0] * (size + 2 * QUIET_ZONE)
    return (
        [blank] * QUIET_ZONE
        + [[0] * QUIET_ZONE + [int(bool(v)) for v in row] + [0] * QUIET_ZONE for row in code.matrix]
        + [blank] * QUIET_ZONE
    )


def qr_of(page: str) -> tuple[str, str]:
    """The printed QR block of a page: (its SVG, the address printed beside it)."""
    found = re.search(
        r'<div class="qr" dir="ltr">(<svg .*?</svg>)<span class="qr-address">'
        r"([^<]*)</span></div>",
        page,
    )
    assert found, "no QR code on the page"
    return found.group(1), found.group(2)


def test_the_svg_draws_exactly_segnos_matrix_for_the_address():
    address = f"{BASE}es/{DRUG}.html"
    svg = str(qr_code(address).svg)
    assert matrix_of(svg) == expected_matrix(address)
    assert matrix_of(svg) != expected_matrix(f"{BASE}vi/{DRUG}.html")
    assert f'role="img" aria-label="{address}"' in svg and f"<title>{address}</title>" in svg


def test_the_address_is_escaped_and_the_svg_loads_nothing():
    svg = str(qr_code('https://example.org/a?b=1&c="<x>"').svg)
    assert "&amp;c=&#34;&lt;x&gt;&#34;" in svg and "<x>" not in svg
    assert not re.search(r"href|<script|<image|url\(|<style|\son\w+=", svg)


@pytest.fixture(scope="module")
def with_base_url(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("qr") / "project")
    policy = root / "handouts.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + f"base_url: {BASE}\n", encoding="utf-8")
    build(root, root / "output", pdf=False)
    return root / "output"


@pytest.mark.parametrize(
    "page",
    [
        f"es/{DRUG}.html",
        f"es/{DRUG}.large.html",
        f"es/{DRUG}.bilingual.html",
        f"zh_CN/{DRUG}.html",
        f"en/{DRUG}.html",
        f"en/{DRUG}.large.html",
    ],
)
def test_every_published_edition_prints_the_code_to_its_own_page(with_base_url, page):
    svg, printed = qr_of((with_base_url / page).read_text(encoding="utf-8"))
    assert printed == f"{BASE}{page}"
    assert matrix_of(svg) == expected_matrix(f"{BASE}{page}")


def test_no_code_on_a_draft_or_without_base_url(with_base_url, built):
    drafts = list((with_base_url / "drafts").rglob("*.html"))
    assert drafts and all('class="qr"' not in p.read_text(encoding="utf-8") for p in drafts)
    pages = list(built.rglob("*.html"))
    assert pages and all('class="qr"' not in p.read_text(encoding="utf-8") for p in pages)


def test_the_code_is_hidden_on_screen_and_fixed_on_every_printed_page():
    css = (
        Path(__file__).resolve().parent.parent / "pipeline" / "templates" / "style.css"
    ).read_text(encoding="utf-8")
    screen, printed = css.split("@media print", 1)
    assert ".qr { display: none; }" in screen
    assert "position: fixed" in printed.split(".qr {", 1)[1].split("}", 1)[0]
    assert "box-decoration-break: clone" in printed  # each page keeps room for it


def test_every_printed_page_of_the_spanish_pdfs_scans_to_its_address(tmp_path):
    need_file_tool("CHROMIUM_PATH", "/usr/bin/chromium", "Chromium")
    zxingcpp = pytest.importorskip("zxingcpp")
    pdfium = pytest.importorskip("pypdfium2")
    root = copy_project(tmp_path / "project")
    policy = root / "handouts.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + f"base_url: {BASE}\n", encoding="utf-8")
    result = build(root, root / "output", pdf=True, locales=["es"])
    assert result.skipped == {}, result.skipped
    for edition in ("", ".large", ".bilingual"):
        document = pdfium.PdfDocument(root / "output" / "es" / f"{DRUG}{edition}.pdf")
        assert len(document) > 1
        for index in range(len(document)):
            image = document[index].render(scale=150 / 72).to_pil()
            found = [code.text for code in zxingcpp.read_barcodes(image)]
            assert found == [f"{BASE}es/{DRUG}{edition}.html"], (edition, index)
