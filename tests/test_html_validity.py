"""Built pages pass the Nu Html Checker and axe-core's WCAG 2.2 A/AA rules: every edition
(standard, large print, bilingual, with a right-to-left bilingual page), the drafts, the
clinic's index and its language pages.

Tools: ``VNU_JAR`` (vnu.jar from the npm package vnu-jar) with Java, and Chromium
(``CHROMIUM_PATH``, default /usr/bin/chromium) driven by Playwright with
axe-playwright-python. Without them these tests skip, except under CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.publish.reviewsheet import render_review_sheet
from tests.conftest import need_file_tool
from tests.projects import copy_project

LOCAL_VNU = (
    Path(__file__).resolve().parent.parent
    / ".tools"
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _pages(output: Path, arabic: Path) -> list[Path]:
    pages = sorted(output.rglob("*.html")) + sorted((arabic / "ar").glob("*.html"))
    names = {p.relative_to(p.parents[1]).as_posix() for p in pages}
    assert {
        "es/blinatumomab.large.html",
        "es/blinatumomab.bilingual.html",
        "ar/blinatumomab.bilingual.html",
        "languages/es.html",
        "drafts/index.html",
    } <= names
    return pages


@pytest.fixture(scope="session")
def review_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Pages of the review work: review sheets (left-to-right and right-to-left), a draft
    whose texts await review, a kept edition with its notice, an index with one."""
    root = copy_project(tmp_path_factory.mktemp("review") / "project")
    (root / "handouts.yaml").write_text(
        "locales:\n  vi:\n    publish: reviewed\n", encoding="utf-8"
    )
    assert (
        main(
            [
                "-C",
                str(root),
                "review",
                "es",
                "--drug",
                "blinatumomab",
                "--reviewer",
                "Ana García, CoreCHI",
            ]
        )
        == 0
    )
    assert main(["-C", str(root), "publish"]) == 0
    monograph = root / "source" / "monographs" / "blinatumomab.yaml"
    monograph.write_text(
        monograph.read_text(encoding="utf-8").replace(
            "can recommend medications", "may recommend medications"
        ),
        encoding="utf-8",
    )
    assert main(["-C", str(root), "extract"]) == 0 and main(["-C", str(root), "update"]) == 0
    assert main(["-C", str(root), "build", "--quiet"]) == 0
    output = root / "output"
    sheets = []
    for locale in ("es", "ar"):
        sheet = output.parent / f"sheet-{locale}.html"
        sheet.write_text(render_review_sheet(root, locale, "blinatumomab"), encoding="utf-8")
        sheets.append(sheet)
    pages = [
        output / "index.html",
        output / "drafts" / "index.html",
        output / "es" / "blinatumomab.html",
        output / "drafts" / "vi" / "blinatumomab.html",
        *sheets,
    ]
    assert all(page.is_file() for page in pages)
    assert 'class="edition-notice"' in pages[2].read_text(encoding="utf-8")
    return pages


def test_nu_html_checker_finds_no_errors(built, arabic_output, review_pages):
    jar = need_file_tool(
        "VNU_JAR",
        str(LOCAL_VNU) if LOCAL_VNU.is_file() else None,
        "vnu.jar (npm install --prefix .tools vnu-jar)",
    )
    java = shutil.which("java") or need_file_tool("JAVA", None, "java")
    pages = _pages(built, arabic_output) + review_pages
    run = subprocess.run(
        [java, "-jar", jar, "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr + run.stdout


def test_axe_finds_no_wcag_22_aa_violations(built, arabic_output, review_pages):
    chromium = need_file_tool("CHROMIUM_PATH", "/usr/bin/chromium", "Chromium")
    try:
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the environment
        if os.environ.get("CI") == "true":
            pytest.fail(f"{error}, and CI=true")
        pytest.skip(str(error))
    axe = Axe()
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(bypass_csp=True)  # lets axe's script in
            page = context.new_page()
            for path in _pages(built, arabic_output) + review_pages:
                page.goto(path.as_uri())
                results = axe.run(
                    page,
                    options={
                        "runOnly": {"type": "tag", "values": WCAG},
                        "resultTypes": ["violations"],
                    },
                )
                if results.violations_count:
                    problems.append(f"{path}:\n{results.generate_report()}")
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
