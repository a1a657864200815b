"""PDF editions printed by the real Chromium, read back with pypdf: fonts embedded,
tagged, page numbers and the drug on every page, text extractable in every script
(Latin, Vietnamese, Han, Arabic, Devanagari), DRAFT on every page of a printed draft,
reproducible bytes; and screenshots of the index at 390 px and of the Arabic bilingual
page, kept as test artifacts (looked at, not compared pixel by pixel).

Tools: Chromium (``CHROMIUM_PATH``, default /usr/bin/chromium) through Playwright, and
the Noto fonts (Debian fonts-noto-core, fonts-noto-cjk). Without them these tests skip,
except under CI=true. Artifacts go to ``HANDOUTS_ARTIFACTS`` (default test-artifacts/).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.catalogs.pofile import load_catalog
from pipeline.cli import main
from pipeline.publish import pdf as pdf_module
from pipeline.publish.build import build
from pipeline.publish.render import locale_info
from pipeline.source.glossary import GLOSSARY_PATH
from tests.conftest import complete_arabic, edit_catalog, need_file_tool
from tests.projects import REPO, copy_project, snapshot

DRUG = "blinatumomab"
DEVANAGARI = "नमूना पाठ: "  # a prefix that makes a Hindi test catalog Devanagari
TITLES = {
    "en": "Blinatumomab",
    "es": "Blinatumomab",
    "vi": "Blinatumomab",
    "zh_CN": "贝林妥欧单抗",
    "ar": "بليناتوموماب",
    "hi": "नमूना पाठ",
}
ARTIFACTS = Path(os.environ.get("HANDOUTS_ARTIFACTS") or REPO / "test-artifacts")


def _need_chromium() -> str:
    path = need_file_tool("CHROMIUM_PATH", "/usr/bin/chromium", "Chromium")
    try:
        import playwright  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as error:  # pragma: no cover - depends on the environment
        if os.environ.get("CI") == "true":
            pytest.fail(f"{error}, and CI=true")
        pytest.skip(str(error))
    return path


def _devanagari(message):
    if message.msgid_plural is not None:
        return replace(
            message,
            msgstr_plural=tuple(DEVANAGARI + f for f in (message.msgid, message.msgid_plural)),
            fuzzy=False,
        )
    return replace(message, msgstr=DEVANAGARI + message.msgid, fuzzy=False)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """One build with PDFs of a copy whose every locale is published: the shipped es,
    zh_CN and vi, the Arabic finished with English copies, and a Hindi test catalog."""
    _need_chromium()
    root = copy_project(tmp_path_factory.mktemp("printed") / "project")
    (root / GLOSSARY_PATH).unlink()
    complete_arabic(root)
    assert main(["-C", str(root), "init", "hi"]) == 0
    edit_catalog(root, "hi", _devanagari)
    policy = root / "handouts.yaml"  # unreviewed, like the shipped catalogs: published
    policy.write_text(policy.read_text("utf-8") + "  hi:\n    publish: translated\n", "utf-8")
    result = build(root, root / "output", pdf=True)
    assert result.skipped == {}, result.skipped  # Chromium and the Noto fonts are here
    assert result.pdfs == 2 + 3 * 5
    return root / "output"


def _reader(path: Path):
    from pypdf import PdfReader

    return PdfReader(path)


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in _reader(path).pages]


def _fonts(path: Path) -> list[tuple[str, bool]]:
    """(font, embedded) of every font on every page."""
    found = []
    for page in _reader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":  # glyphs drawn by the file's own procedures
                found.append(("Type3", bool(font.get("/CharProcs"))))
                continue
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            descriptor = described.get("/FontDescriptor").get_object()
            found.append(
                (
                    str(font.get("/BaseFont")),
                    any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                )
            )
    return found


def test_every_published_handout_has_its_pdfs_fonts_embedded_and_tagged(printed):
    for locale in TITLES:
        editions = ["", ".large"] + ([".bilingual"] if locale != "en" else [])
        for edition in editions:
            path = printed / locale / f"{DRUG}{edition}.pdf"
            fonts = _fonts(path)
            assert fonts and all(embedded for _, embedded in fonts), (path, fonts)
            root = _reader(path).trailer["/Root"]
            assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
            assert str(root["/Lang"]) == locale_info(locale).tag, path


def test_text_is_extractable_in_every_script(printed):
    """The title (in the handout's script) is found in the PDF's text, as a reader's
    search or a screen reader would find it: Chinese as ideographs (not the radicals
    Chromium's text map gives), Arabic as letters (not presentation forms)."""
    for locale, title in TITLES.items():
        text = "".join(_texts(printed / locale / f"{DRUG}.pdf"))
        assert title in text, (locale, text[:200])
        assert not re.search("[\u2e80-\u2fdf\ufb50-\ufdff\ufe70-\ufeff]", text), locale
    bilingual = " ".join(" ".join(_texts(printed / "es" / f"{DRUG}.bilingual.pdf")).split())
    assert (
        "Cómo se administra blinatumomab" in bilingual
        and "How blinatumomab is given" in unicodedata.normalize("NFKC", bilingual)
    )


def test_every_page_names_drug_language_and_page_of_pages(printed):
    # Hindi's name, हिन्दी, is not searched: Chromium's text map loses the vowel signs it
    # draws with substituted glyphs (ि, ी), a known weakness (docs/pdf-engines.md)
    names = {
        "en": "English",
        "es": "Español",
        "vi": "Tiếng Việt",
        "zh_CN": "中文",
        "ar": "العربية",
        "hi": "नमूना पाठ",
    }
    for locale, title in TITLES.items():
        pages = _texts(printed / locale / f"{DRUG}.pdf")
        assert 2 <= len(pages) <= 6, (locale, len(pages))  # (two contact boxes, a notice)
        for number, text in enumerate(pages, 1):
            flat = " ".join(text.split())
            assert title in flat and names[locale] in flat, (locale, number, flat[:120])
            assert re.search(rf"(?<!\d){number} ?/ ?{len(pages)}(?!\d)", flat), (locale, number)


def test_no_last_page_holds_only_the_footer(printed):
    # the care team's contact box closes every handout: a last page that holds it holds
    # what a patient needs there (the box, then the source's footer)
    for pdf in sorted(printed.glob("*/*.pdf")):
        last = " ".join(_texts(pdf)[-1].split())
        footer = ("OncoLink", "Information Provided By", "www.oncolink.org")
        body = re.sub(r"\d+ ?/ ?\d+", "", last)
        locale = pdf.parent.name
        label = (
            "Your care team"
            if locale == "en"
            else next(
                m.msgstr
                for m in load_catalog(printed.parent, locale).active()
                if m.msgid == "Your care team"
            )
        )
        assert (
            len(body) > 400
            or not any(word in body for word in footer)
            or label in body
            or len([c for c in body if c.isalpha()]) > 300
        ), (pdf, last[:300])


def test_a_printed_spanish_handout_on_a4_and_letter_carries_drug_language_pages(printed, tmp_path):
    html = printed / "es" / f"{DRUG}.html"
    for paper in ("a4", "letter"):
        target = tmp_path / f"es-{paper}.pdf"
        pdf_module.print_jobs([pdf_module.PdfJob(str(html), str(target), paper, "")])
        reader = _reader(target)
        width = float(reader.pages[0].mediabox.width)
        assert abs(width - (595.3 if paper == "a4" else 612)) < 1.5, width
        for number, page in enumerate(reader.pages, 1):
            flat = " ".join(page.extract_text().split())
            assert "Blinatumomab — Español" in flat and f"{number} / {len(reader.pages)}" in flat
            assert "Última actualización: 1 de diciembre de 2026" in flat  # labelled
            assert "Código del folleto: BLINATUMOMAB-es-2026-12" in flat
            assert "aún no ha sido revisada" in flat  # the unreviewed notice, every page
            assert not re.search(r"\b[0-9a-f]{12}\b", flat)  # no revision hash


def test_a_printed_draft_says_draft_on_every_page(tmp_path):
    _need_chromium()
    root = copy_project(tmp_path / "project")
    build(root, root / "output", locales=["ar"], pdf=False)
    html = root / "output" / "drafts" / "ar" / f"{DRUG}.html"
    target = tmp_path / "draft.pdf"
    pdf_module.print_jobs([pdf_module.PdfJob(str(html), str(target), "a4", "")])
    pages = _texts(target)
    assert len(pages) >= 2
    draft = load_catalog(root, "ar").lookup()[(None, "DRAFT, not for patient use")].msgstr
    for text in pages:  # (pypdf puts spaces where the glyph runs split: compare without)
        flat = "".join(text.split())
        assert "DRAFT,notforpatientuse" in flat and "".join(draft.split()) in flat
    # its link to the English original works beside it in the output (drafts/ar/)
    assert _links(target.read_bytes()) == [f"../../en/{DRUG}.html"]


def test_the_same_page_prints_the_same_bytes(printed, tmp_path, monkeypatch):
    html = printed / "zh_CN" / f"{DRUG}.html"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    jobs = [pdf_module.PdfJob(str(html), str(tmp_path / f"{n}.pdf"), "letter", "") for n in (1, 2)]
    pdf_module.print_jobs(jobs)
    first, second = (Path(job.pdf).read_bytes() for job in jobs)
    assert first == second
    assert _reader(io.BytesIO(first)).metadata["/CreationDate"] == "D:20231114221320+00'00'"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    plain = tmp_path / "plain.pdf"
    pdf_module.print_jobs([pdf_module.PdfJob(str(html), str(plain), "letter", "")])
    assert b"/CreationDate" not in plain.read_bytes()[:4096]
    built = (printed / "zh_CN" / f"{DRUG}.pdf").read_bytes()
    assert b"/CreationDate" not in built[:4096] and b"staging" not in built


def test_a_pdf_links_its_english_original_relative_to_itself(printed):
    """Chromium writes the page's relative link as the staging folder's file:// address:
    gone after the build, named by a process id, naming the machine's paths."""
    data = (printed / "es" / f"{DRUG}.pdf").read_bytes()
    uris = re.findall(rb"/URI \(([^)]*)\)", data)
    assert f"../en/{DRUG}.html".encode() in uris
    assert not any(uri.startswith(b"file:") for uri in uris)
    assert b".handouts-build" not in data and str(printed).encode() not in data


def test_two_builds_in_folders_of_other_names_print_the_same_bytes(printed, tmp_path):
    """The PDFs do not depend on where the build ran: an output folder whose path has
    another length gives the same bytes (the pages print from a fixed address)."""
    other = tmp_path / "an-output-folder-with-a-much-longer-name"
    build(printed.parent, other, pdf=True)
    first, second = snapshot(printed), snapshot(other)
    assert sum(name.endswith(".pdf") for name in first) == 2 + 3 * 5
    assert first == second  # every PDF, and the manifest of their digests


def _classic_pdf(annotation: bytes, trailer: bytes = b"") -> bytes:
    """A one-page PDF with one link annotation and a classic cross-reference table."""
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R 5 0 R]>>",
        b"<</Type /Annot /Subtype /Link /Rect [0 0 9 9] /A <</S /URI\n/URI (%s)>>>>" % annotation,
        b"<</Type /Annot /Subtype /Link /Rect [9 9 19 19] /A <</S /URI\n"
        b"/URI (https://example.org/x)>>>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d\n/Root 1 0 R%s>>\n" % (len(objects) + 1, trailer)
    return bytes(out + b"startxref\n%d\n%%%%EOF\n" % xref)


def _links(data: bytes) -> list[str]:
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data), strict=True).pages[0]
    return [str(a.get_object()["/A"]["/URI"]) for a in page["/Annots"]]


def test_links_on_the_print_address_become_relative_with_the_xref_recomputed():
    from pipeline.publish.pdfclean import _XREF, ORIGIN, clean, page_address

    data = _classic_pdf(ORIGIN.encode() + b"/en/x%20y.html#dose")
    fixed = clean(data, None, (), page_address("drafts/ar/x.html"))
    assert _links(fixed) == ["../../en/x%20y.html#dose", "https://example.org/x"]
    assert len(fixed) < len(data) and b"  " not in fixed  # shorter, not padded
    startxref = int(fixed.rsplit(b"startxref", 1)[1].split()[0])
    table = _XREF.match(fixed, startxref)
    assert table is not None
    rows = fixed[table.end() :].split(b"\n")[1:6]
    for number, row in enumerate(rows, 1):  # every offset is its object's
        assert fixed[int(row[:10]) :].startswith(b"%d 0 obj" % number)
    # a file of another shape (an update after the table): in place at the link's length
    updated = _classic_pdf(ORIGIN.encode() + b"/en/x.html", b"\n/Prev 9")
    kept = clean(updated, None, (), page_address("es/x.html"))
    assert len(kept) == len(updated) and b"/URI (../en/x.html)     " in kept


def test_the_print_address_serves_only_the_staged_files(tmp_path):
    from pipeline.publish.pdfclean import ORIGIN

    (tmp_path / "out" / "es").mkdir(parents=True)
    (tmp_path / "out" / "es" / "x y.html").write_text("<p>x</p>", "utf-8")
    (tmp_path / "secret.txt").write_text("not served", "utf-8")
    roots = [str(tmp_path / "out")]
    found = pdf_module.served_file(f"{ORIGIN}/es/x%20y.html", roots)
    assert found == str(tmp_path / "out" / "es" / "x y.html")
    for url in ("/../secret.txt", "/es/%2e%2e/%2e%2e/secret.txt", "/es", "/es/none.html"):
        assert pdf_module.served_file(ORIGIN + url, roots) is None
    assert pdf_module.served_file("https://example.org/es/x%20y.html", roots) is None
    draft = str(tmp_path / "out" / "drafts" / "ar" / "x y.html")  # its folder: found
    assert pdf_module.PdfJob(draft, "x.pdf", "a4", "").address() == (
        f"{ORIGIN}/drafts/ar/x%20y.html"
    )
    assert pdf_module.PdfJob(draft, "x.pdf", "a4", "", str(tmp_path)).address() == (
        f"{ORIGIN}/out/drafts/ar/x%20y.html"
    )


def test_an_unchanged_build_prints_nothing_and_a_changed_page_only_its_pdfs(printed):
    root = printed.parent
    result = build(root, printed, pdf=True)
    assert result.pdfs == 0 and not result.changed
    catalog = load_catalog(root, "vi")
    edit_catalog(
        root, "vi", lambda m: replace(m, msgstr=m.msgstr + " (sửa)") if m.msgid == "Pain" else m
    )
    assert catalog  # vi's "Pain" heading changed: its three PDFs are printed again
    result = build(root, printed, pdf=True)
    assert result.pdfs == 3 and result.rendered == 1


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    print(f"artifact: {path}")
    return path


def test_screenshots_index_at_390px_and_the_arabic_bilingual_page(built, arabic_output):
    chromium = _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=pdf_module.CHROMIUM_ARGS
        )
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto((built / "index.html").as_uri())
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            assert phone.is_visible("#find-drug")  # the finder's script ran (CSP hash)
            phone.fill("#find-drug", "no such drug")
            assert phone.inner_text("#find-status") == "0 drugs shown"
            phone.fill("#find-drug", "blina")
            phone.select_option("#find-language", "es")
            assert phone.is_visible("#drug-blinatumomab [data-locale=es]")
            assert not phone.is_visible("#drug-blinatumomab [data-locale=vi]")
            phone.select_option("#find-language", "")
            phone.screenshot(path=str(_artifact("index-390px.png")), full_page=True)
            bilingual = (arabic_output / "ar" / f"{DRUG}.bilingual.html").as_uri()
            phone.goto(bilingual)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            phone.screenshot(path=str(_artifact("ar-bilingual-390px.png")))
            wide = browser.new_page(viewport={"width": 1280, "height": 900})
            wide.goto(bilingual)
            arabic = wide.locator("main .pair .cell:not([lang])").nth(1).bounding_box()
            english = wide.locator("main .pair .cell[lang=en]").nth(1).bounding_box()
            assert arabic and english and arabic["x"] > english["x"] + english["width"] / 2
            wide.screenshot(path=str(_artifact("ar-bilingual-1280px.png")))
        finally:
            browser.close()


def test_pdf_pages_as_pictures(printed):
    """The first page of the Spanish PDF and of the Chinese bilingual PDF as PNG."""
    pypdfium2 = pytest.importorskip("pypdfium2")
    for locale, edition in (("es", ""), ("zh_CN", ".bilingual"), ("ar", ".bilingual")):
        document = pypdfium2.PdfDocument(str(printed / locale / f"{DRUG}{edition}.pdf"))
        image = document[0].render(scale=100 / 72).to_pil()
        assert image.width > 800
        image.save(_artifact(f"{locale}{edition}-page1.png"))


def _blank_share(image) -> float:
    """How much of a page's text area (between the running header and footer) is empty
    below its last line of ink."""
    gray = image.convert("L")
    width, height = gray.size
    top, bottom = int(height * 0.09), int(height * 0.91)
    pixels = gray.load()
    inked = [
        y for y in range(top, bottom, 2) if any(pixels[x, y] < 200 for x in range(0, width, 2))
    ]
    return (bottom - (max(inked) if inked else top)) / (bottom - top)


def test_no_printed_page_but_the_last_is_mostly_blank(printed):
    """Long callouts split (their label repeated) rather than leave a page 40% empty."""
    pypdfium2 = pytest.importorskip("pypdfium2")
    for edition in ("", ".large", ".bilingual"):
        document = pypdfium2.PdfDocument(str(printed / "es" / f"{DRUG}{edition}.pdf"))
        shares = [_blank_share(page.render(scale=30 / 72).to_pil()) for page in document]
        assert max(shares[:-1]) < 0.4, (edition, shares)
    large = " ".join(_texts(printed / "es" / f"{DRUG}.large.pdf"))
    html = (printed / "es" / f"{DRUG}.large.html").read_text(encoding="utf-8")
    callouts = html.count('<aside class="callout"')
    assert large.count("IMPORTANTE") > callouts  # a split callout's label, repeated
