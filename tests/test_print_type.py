"""Print type for patients, as Chromium computes it under print media: body text at
least 12 pt in standard print, 11 pt in the bilingual edition, 18 pt in large print
(its running header and footer scaled); a long callout in large print may split, its
label repeated. Skips without Chromium, never under CI=true."""

from __future__ import annotations

import pytest

from pipeline.publish.build import build
from pipeline.publish.printing import RunningText, page_style
from tests.test_pdf import _need_chromium

DRUG = "blinatumomab"
PT = 4 / 3  # CSS px per pt


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from tests.projects import copy_project

    root = copy_project(tmp_path_factory.mktemp("print-type") / "project")
    build(root, root / "output", locales=["es"], pdf=False)
    return root / "output" / "es"


def computed(path, script: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_need_chromium(), args=["--no-sandbox"]
        )
        try:
            page = browser.new_page()
            page.emulate_media(media="print")
            page.goto(path.as_uri())
            return page.evaluate(script)
        finally:
            browser.close()


SIZES = """() => {
  const px = (el) => parseFloat(getComputedStyle(el).fontSize);
  const texts = [...document.querySelectorAll('main p, main li')]
    .filter((el) => !el.closest('.callout-label, .fallback-tag, nav, footer'));
  const label = document.querySelector('.callout-label');
  return {body: Math.min(...texts.map(px)), count: texts.length,
          label: label ? getComputedStyle(label).display : null};
}"""


@pytest.mark.parametrize("edition, least", [("", 12), (".bilingual", 11), (".large", 18)])
def test_printed_body_text_is_patient_sized(pages, edition, least):
    found = computed(pages / f"{DRUG}{edition}.html", SIZES)
    assert found["count"] > 10
    assert found["body"] >= least * PT - 0.01, (edition, found["body"] / PT)
    if edition == ".large":  # a long callout may split: its label heads every part
        assert found["label"] == "table-header-group"


def test_the_running_header_and_footer_scale_with_large_print():
    running = RunningText("Blinatumomab", "Español", "Revisado", "Código", draft="BORRADOR")
    standard, large = (
        page_style(running),
        page_style(RunningText(**{**running.__dict__, "large": True})),
    )
    assert "font-size: 9pt" in standard and "font-size: 14pt" in large
    assert "padding-bottom: 4mm" in large and "padding-top: 4mm" in large  # off the text
    assert "margin: 24mm" in large


FITS = """() => ({page: document.documentElement.scrollWidth,
  cut: [...document.querySelectorAll('table.drafts td, table.drafts th, .table-wrap')]
    .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.className),
  rows: getComputedStyle(document.querySelector('table.drafts tr')).display,
  finding: document.querySelector('td.findings li') !== null})"""


def test_the_drafts_page_fits_1280_px_and_stacks_at_390(tmp_path):
    """With a finding on it (38 °C written 39 °C), no box of the drafts table is cut or
    scrolled at 1280 px; on a phone (390 px) each row is a card."""
    from playwright.sync_api import sync_playwright

    from pipeline.catalogs.pofile import load_catalog
    from tests.conftest import set_entry
    from tests.projects import copy_project

    root = copy_project(tmp_path / "project")
    message = next(m for m in load_catalog(root, "es").active() if "38 °C" in m.msgstr)
    set_entry(root, "es", message.msgid, msgstr=message.msgstr.replace("38 °C", "39 °C"))
    build(root, root / "output", pdf=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_need_chromium(), args=["--no-sandbox"]
        )
        try:
            found = {}
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto((root / "output" / "drafts" / "index.html").as_uri())
                found[width] = page.evaluate(FITS)
        finally:
            browser.close()
    wide, phone = found[1280], found[390]
    assert wide["finding"] and wide["page"] <= 1280 and wide["cut"] == [], wide
    assert wide["rows"] == "table-row" and phone["rows"] == "block", (wide, phone)
    assert phone["page"] <= 390, phone
