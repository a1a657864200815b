"""Render the same sample pages with WeasyPrint and Chromium (Playwright); write PDFs and
PNGs of their first pages, and print what each engine embedded and lets a reader extract.

    .venv/bin/pip install weasyprint pypdfium2     # evaluation only, not dependencies
    make build && .venv/bin/python docs/pdf-engines/evaluate.py OUTDIR

Samples: the built Arabic (draft), Chinese and Vietnamese handouts, and a Devanagari
typography sample (script features only: conjuncts, vowel signs, digits; no clinical text),
each with a running header (@page margin boxes) and "page X / Y".
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pypdfium2
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
MARGINS = """<style>
@page { size: A4; margin: 18mm 15mm;
  @top-left { content: "Sample \\2014  running header"; font: 8pt "Noto Sans"; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt "Noto Sans"; }
}</style>"""
DEVANAGARI = """<!DOCTYPE html><html lang="hi"><head><meta charset="utf-8">
<title>देवनागरी नमूना</title>
<style>body { font-family: "Noto Sans Devanagari", sans-serif; font-size: 13pt; }</style>
</head><body>
<h1>देवनागरी लिपि का नमूना</h1>
<p>यह पृष्ठ केवल लिपि की जाँच के लिए है।</p>
<p>संयुक्ताक्षर: क्ष त्र ज्ञ श्र द्ध द्य ह्म ह्न स्त्र प्र क्र ट्र र्क र्म</p>
<p>मात्राएँ: क का कि की कु कू कृ के कै को कौ कं कः कँ</p>
<p>अंक: 0123456789 और ०१२३४५६७८९; 38 °C, 100.4 °F, 24 घंटे</p>
<p>मिश्रित: Blinatumomab (ब्लिनाटुमोमैब) CD19</p>
</body></html>"""
SAMPLES = {
    "ar": ROOT / "output" / "drafts" / "ar" / "blinatumomab.html",
    "zh_CN": ROOT / "output" / "zh_CN" / "blinatumomab.html",
    "vi": ROOT / "output" / "vi" / "blinatumomab.html",
}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _samples(folder: Path) -> dict[str, Path]:
    pages = {}
    for name, path in SAMPLES.items():
        html = path.read_text(encoding="utf-8").replace("</head>", MARGINS + "</head>", 1)
        pages[name] = folder / f"{name}.html"
        pages[name].write_text(html, encoding="utf-8")
    pages["hi"] = folder / "hi.html"
    pages["hi"].write_text(DEVANAGARI.replace("</head>", MARGINS + "</head>", 1), encoding="utf-8")
    return pages


def _describe(pdf: Path) -> str:
    reader = PdfReader(pdf)
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            embedded = bool(
                descriptor
                and any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
            )
            fonts.add(f"{font.get('/BaseFont')}{'' if embedded else ' (NOT embedded)'}")
    text = reader.pages[0].extract_text()[:160].replace("\n", " ")
    tagged = "/StructTreeRoot" in reader.trailer["/Root"]
    return (
        f"{len(reader.pages)} pages, {pdf.stat().st_size} bytes, tagged={tagged}\n"
        f"    fonts: {', '.join(sorted(fonts))}\n    text: {text}"
    )


def _png(pdf: Path) -> None:
    document = pypdfium2.PdfDocument(str(pdf))
    document[0].render(scale=70 / 72).to_pil().save(pdf.with_suffix(".png"))


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright
    from weasyprint import HTML

    out.mkdir(parents=True, exist_ok=True)
    pages = _samples(out)
    for name, page in pages.items():
        started = time.perf_counter()
        target = out / f"{name}-weasyprint.pdf"
        HTML(filename=str(page)).write_pdf(target, pdf_tags=True)
        print(f"weasyprint {name}: {time.perf_counter() - started:.2f} s, {_describe(target)}")
        _png(target)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        tab = browser.new_context(bypass_csp=True).new_page()  # the samples add a <style>
        for name, page in pages.items():
            started = time.perf_counter()
            target = out / f"{name}-chromium.pdf"
            tab.goto(page.as_uri())
            tab.pdf(path=str(target), prefer_css_page_size=True, tagged=True, print_background=True)
            print(f"chromium {name}: {time.perf_counter() - started:.2f} s, {_describe(target)}")
            _png(target)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "output/pdf-engines"))
