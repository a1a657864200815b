"""The editions of a published handout (large print, bilingual HTML and text), what every
printed page carries, the links between editions and languages, the clinic's pages,
and PDFs skipped with a reason (no browser needed here: see test_pdf.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

import pipeline.publish.build as build_module
from pipeline.catalogs.pofile import load_catalog
from pipeline.cli import main
from pipeline.publish import fingerprints, render_task
from pipeline.publish import pdf as pdf_module
from pipeline.publish.bilingual import ENGLISH_MARK
from pipeline.publish.printing import css_escape, css_string
from pipeline.source.monographs import load_monographs
from pipeline.source.segments import iter_segments
from tests.conftest import file_states, set_entry

DRUG = "blinatumomab"


class Page(HTMLParser):
    """Elements with their attributes, and the text, of one HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def links(self) -> list[str]:
        return [a["href"] for tag, a in self.elements if tag == "a" and "href" in a]


def test_a_published_translation_has_every_edition_and_a_draft_none(built):
    for locale in ("es", "zh_CN", "vi"):
        for name in ("html", "txt", "large.html", "bilingual.html", "bilingual.txt"):
            assert (built / locale / f"{DRUG}.{name}").is_file(), (locale, name)
    assert (built / "en" / f"{DRUG}.large.html").is_file()
    assert not list((built / "en").glob("*.bilingual.*"))  # English is its own original
    assert sorted(p.name for p in (built / "drafts" / "ar").iterdir()) == [
        f"{DRUG}.html",
        f"{DRUG}.txt",
    ]
    assert not (built / "ar").exists() and not (built / "languages" / "ar.html").exists()


def test_large_print_has_the_same_texts_in_at_least_18_points(built):
    standard = (built / "es" / f"{DRUG}.html").read_text(encoding="utf-8")
    large = (built / "es" / f"{DRUG}.large.html").read_text(encoding="utf-8")
    assert '<html lang="es" dir="ltr" class="large">' in large
    body = lambda html: re.sub(r"\s+", " ", "".join(Page(html.split("<main>")[1]).text))  # noqa: E731
    assert body(large) == body(standard)
    css = large.split("<style>")[1]
    print_rules = css[css.index("@media print") :]
    assert re.search(r"html\.large body \{ font-size: (\d+)pt", print_rules).group(1) >= "18"
    assert "html.large body { max-width: 36em; font-size: 1.5rem; line-height: 1.7" in css


def test_the_bilingual_page_pairs_every_block_with_its_english(built, project):
    monograph = load_monographs(project)[0]
    html = (built / "es" / f"{DRUG}.bilingual.html").read_text(encoding="utf-8")
    page = Page(html)
    english_cells = [
        a
        for tag, a in page.elements
        if tag == "div" and a.get("class") == "cell" and a.get("lang") == "en"
    ]
    local_cells = [
        a
        for tag, a in page.elements
        if tag == "div" and a.get("class") == "cell" and "lang" not in a
    ]
    assert len(english_cells) == len(local_cells) >= 20
    assert all(a.get("dir") == "ltr" for a in english_cells)
    for segment in iter_segments(monograph):  # every English text is on the page
        plain = segment.msgid.replace("**", "")
        assert plain.replace("'", "&#39;").replace('"', "&#34;")[:60] in html or plain[
            :60
        ] in "".join(page.text), plain[:60]


def test_the_arabic_bilingual_page_reads_right_to_left_with_english_on_the_left(arabic_output):
    html = (arabic_output / "ar" / f"{DRUG}.bilingual.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl" class="bilingual">' in html
    # in each pair the Arabic cell comes first: in a right-to-left grid it is on the right
    pairs = re.findall(r'<div class="pair[^"]*">\s*<div class="cell"( lang="en")?', html)
    assert pairs and not any(pairs)
    assert html.count('<div class="cell" lang="en" dir="ltr">') >= 20
    assert '<bdi dir="ltr">100.4°F</bdi>' in html or "100.4" in html


def test_the_bilingual_text_gives_each_block_then_its_english(built):
    text = (built / "es" / f"{DRUG}.bilingual.txt").read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    heading = next(b for b in blocks if b.startswith("Cómo se administra blinatumomab"))
    assert heading.splitlines()[-1] == f"{ENGLISH_MARK}How blinatumomab is given"
    assert any(b.startswith("! IMPORTANTE") and f"\n{ENGLISH_MARK}! IMPORTANT" in b for b in blocks)
    assert text.rstrip().endswith(f"en/{DRUG}.txt")
    assert "[EN]" not in text  # nothing falls back: only published translations


def test_every_printed_page_names_drug_language_date_and_page_number(built):
    html = (built / "es" / f"{DRUG}.html").read_text(encoding="utf-8")
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 2
    page = styles[1]
    for part in (
        "@top-left",
        "@bottom-left",
        "@bottom-right",
        'counter(page) " / " counter(pages)',
        css_string("Blinatumomab \u2014 Español")[1:-1],
        css_string("Última actualización: 1 de diciembre de 2026")[1:-1],
        css_string("Código del folleto: BLINATUMOMAB-es-2026-12")[1:-1],
    ):
        assert part in page, part
    assert "@top-right" not in page  # no draft label on a published handout
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert policy.count("'sha256-") == 2 and "script-src 'none'" in policy


def test_a_printed_draft_says_draft_on_every_page(built):
    html = (built / "drafts" / "ar" / f"{DRUG}.html").read_text(encoding="utf-8")
    page = re.findall(r"<style>(.*?)</style>", html, re.S)[1]
    label = re.search(r"@top-left \{ content: (\"[^\"]*\")", page).group(1)
    assert css_string("DRAFT, not for patient use")[1:-1] in label  # with the English
    assert "@top-right" in page and "direction: rtl" in page  # mirrored
    assert '<div class="draft-watermark" aria-hidden="true">' in html


@given(st.text(max_size=60))
def test_a_css_string_never_ends_early(text):
    quoted = css_string(text)
    inner = quoted[1:-1]
    assert '"' not in inner and "<" not in inner and "\n" not in inner
    decoded = re.sub(r"\\([0-9a-f]{1,6}) ", lambda m: chr(int(m.group(1), 16)), inner)
    assert decoded == text


def test_a_css_string_is_each_character_escaped_on_real_texts_of_many_languages():
    """css_string's translate table writes what css_escape writes character by
    character: every text of the quantity corpus (32 languages), every character of the
    first 0x3000 code points, astral ones, and after the table was emptied (4096)."""
    corpus = Path(__file__).parent / "corpus" / "quantities"
    texts = [
        text
        for path in sorted(corpus.glob("*.yaml"))
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        for text in (case["source"], case["translation"])
    ]
    texts += ["".join(map(chr, range(start, start + 512))) for start in range(0, 0x3000, 512)]
    texts += ["\U0001f600 \U00010400\ud7ff", "".join(map(chr, range(0x4E00, 0x5E00)))]
    assert len(texts) > 1000
    for text in [*texts, *texts]:
        assert css_string(text) == '"' + "".join(map(css_escape, text)) + '"', text[:40]


def test_each_handout_links_its_editions_and_other_published_languages(built):
    for page in [*built.glob("*/*.html")]:
        if page.parent.name in ("languages", "drafts"):
            continue
        for href in Page(page.read_text(encoding="utf-8")).links():
            assert (page.parent / href).is_file(), (page, href)
    es = Page((built / "es" / f"{DRUG}.html").read_text(encoding="utf-8")).links()
    assert {
        f"{DRUG}.large.html",
        f"{DRUG}.bilingual.html",
        f"{DRUG}.txt",
        f"../en/{DRUG}.html",
        f"../vi/{DRUG}.html",
        f"../zh_CN/{DRUG}.html",
    } <= set(es)
    english = Page((built / "en" / f"{DRUG}.html").read_text(encoding="utf-8")).links()
    assert f"../es/{DRUG}.html" in english
    assert not any("/ar/" in href or "drafts" in href for href in english)


def test_the_index_lists_every_edition_and_drafts_in_preparation(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    links = set(page.links())
    report = json.loads((built / "report.json").read_text(encoding="utf-8"))
    for locale, drugs in report["locales"].items():
        for entry in drugs.values():
            if entry["status"] == "published":
                assert set(entry["editions"]) <= links, locale
                assert f"languages/{locale}.html" in links
            else:
                assert not any(
                    link.startswith((f"{locale}/", f"drafts/{locale}/")) for link in links
                )
    arabic = re.search(
        r'<li data-locale="ar" data-status="draft" class="preparing">(.*?)</li>', html, re.S
    ).group(1)
    assert "in preparation" in arabic and "<a " not in arabic
    assert (
        'العربية</span> <span class="none">(Arabic)</span>: <span class="status">in '
        "preparation" in html
    )
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    from pipeline.publish.printing import style_hash

    assert f"script-src {style_hash(script)};" in policy
    assert 'id="finder" role="search" hidden' in html  # shown only by the script


def test_a_language_page_keeps_one_language(built):
    html = (built / "languages" / "vi.html").read_text(encoding="utf-8")
    links = Page(html).links()
    handouts = [
        link
        for link in links
        if link.endswith((".html", ".txt", ".pdf"))
        and "languages/" not in link
        and "index.html" not in link
    ]
    assert handouts and all(link.startswith("../vi/") for link in handouts)
    assert "<script>" not in html and "script-src 'none'" in html
    assert all((built / "languages" / link).is_file() for link in links)


def test_a_language_turning_draft_is_unlinked_from_the_other_handouts(project, run_build):
    run_build(project)
    output = project / "output"
    assert f'href="../vi/{DRUG}.html"' in (output / "es" / f"{DRUG}.html").read_text("utf-8")
    safety = next(s for s in iter_segments(load_monographs(project)[0]) if s.safety)
    set_entry(project, "vi", safety.msgid, fuzzy=True)
    before = file_states(output)
    result = run_build(project)
    assert result.rendered == 4  # vi, and the three pages that linked it
    for locale in ("en", "es", "zh_CN"):
        assert "/vi/" not in (output / locale / f"{DRUG}.html").read_text(encoding="utf-8")
    assert (output / "drafts" / "vi" / f"{DRUG}.html").is_file()
    after = file_states(output)
    assert before[f"es/{DRUG}.txt"] == after[f"es/{DRUG}.txt"]  # unchanged: kept as it was
    assert run_build(project).rendered == 0


def test_without_a_browser_the_build_names_the_pdfs_it_skipped(project, monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM_PATH", str(project / "no-such-chromium"))
    assert main(["-C", str(project), "build"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "PDF(s) skipped" in line]
    assert lines == [
        f"warning: 11 PDF(s) skipped: CHROMIUM_PATH names no file "
        f"({project / 'no-such-chromium'}): set it to Chromium's path"
    ]
    assert not list((project / "output").rglob("*.pdf"))
    html = (project / "output" / "es" / f"{DRUG}.html").read_text(encoding="utf-8")
    assert ".pdf" not in html  # no link to a PDF that is not there
    report = json.loads((project / "output" / "report.json").read_text(encoding="utf-8"))
    assert report["locales"]["es"][DRUG]["pdf_skipped"]
    assert main(["-C", str(project), "build"]) == 0  # a no-op build says it again
    assert lines[0] in capsys.readouterr().err


def test_a_script_without_a_font_skips_only_its_pdfs(project, monkeypatch):
    latin = pdf_module._merge(
        [
            (0x20, 0x24F),
            (0x300, 0x36F),
            (0x1E00, 0x1EFF),
            (0x2000, 0x206F),
            (0x20AC, 0x20AC),
            (0x2190, 0x21FF),
        ]
    )
    monkeypatch.setattr(pdf_module, "font_coverage", lambda: latin)
    monkeypatch.setattr(pdf_module, "engine_problem", lambda: None)
    printed = []
    monkeypatch.setattr(
        pdf_module,
        "render_pdfs",
        lambda jobs, *args, **kwargs: [
            printed.append(job) or Path(job.pdf).write_bytes(b"%PDF-") for job in jobs
        ],
    )
    result = build_module.build(project, project / "output", locales=["zh_CN", "vi"], pdf=True)
    assert len(result.skipped) == 1
    reason, count = next(iter(result.skipped.items()))
    assert count == 3 and "Cjk" in reason and "fonts-noto-cjk" in reason
    assert {Path(job.pdf).name for job in printed} == {
        f"{DRUG}.pdf",
        f"{DRUG}.large.pdf",
        f"{DRUG}.bilingual.pdf",
    }
    assert all("/vi/" in job.pdf for job in printed)


def test_the_catalogs_keep_the_shipped_translations_published(project):
    """The interface strings of the editions are translated in es, zh_CN and vi (and ar)."""
    for locale in ("es", "zh_CN", "vi", "ar"):
        messages = {m.msgid: m for m in load_catalog(project, locale).active()}
        for msgid in (
            "Other formats and languages",
            "Large print",
            "Bilingual, with English",
            "Plain text",
            "Standard print",
        ):
            assert messages[msgid].msgstr and not messages[msgid].fuzzy, (locale, msgid)


def test_relinked_pages_are_the_pages_a_fresh_render_writes(project, run_build, monkeypatch):
    """A first build links every handout to the languages it guesses are published,
    then relinks the pages whose guess was wrong (here: Arabic is a draft); rendering
    everything again, with the right guess, writes the same bytes."""
    relinked = []
    original = render_task.relink_handout
    monkeypatch.setattr(
        render_task,
        "relink_handout",
        lambda shared, entry: relinked.append(entry.locale) or original(shared, entry),
    )
    first = run_build(project)
    assert first.rendered == 5 and sorted(relinked) == ["en", "es", "vi", "zh_CN"]
    monkeypatch.setattr(fingerprints, "code_digest", lambda: "another renderer")
    again = run_build(project)
    assert again.rendered == 5 and again.files_written == 0


def test_the_large_print_body_reused_from_the_standard_edition_is_what_it_renders(project):
    from pipeline.publish.localize import interface_for, localize
    from pipeline.publish.render import main_of, render_html

    monograph = load_monographs(project)[0]
    for locale in ("en", "es", "ar"):
        catalog = load_catalog(project, locale) if locale != "en" else None
        interface = interface_for(catalog)
        handout = localize(monograph, locale, catalog.lookup() if catalog else None, (), interface)
        standard = render_html(handout, interface, "r", "../en/x.html")
        large = render_html(handout, interface, "r", "../en/x.html", page_format="large")
        assert large == render_html(
            handout,
            interface,
            "r",
            "../en/x.html",
            page_format="large",
            main_html=main_of(standard),
        )


def test_the_large_print_made_from_the_standard_page_is_what_the_template_renders(project):
    """The build makes the large print from the standard page (publish.render.large_print_of):
    the same bytes as rendering it, published or draft (texts in English, tagged), with its
    own links and QR code, with and without a clinic's details."""
    from pipeline.checks.clinic_details import Clinic
    from pipeline.publish.facts import Facts
    from pipeline.publish.formats import handout_files, navigation
    from pipeline.publish.localize import interface_for, localize
    from pipeline.publish.render import large_print_of, render_html

    monograph = load_monographs(project)[0]
    papers = ("letter", "a4")
    published = set()
    for locale in ("en", "es", "ar"):
        catalog = load_catalog(project, locale) if locale != "en" else None
        interface = interface_for(catalog)
        handout = localize(monograph, locale, catalog.lookup() if catalog else None, (), interface)
        published.add(handout.published)
        files = handout_files(locale, monograph.id, True, papers)
        facts = Facts("r", monograph.reviewed)
        for clinic in (None, Clinic(name="Unit <4> & co", phone="555")):
            for base in (None, "https://example.org/h/"):
                rendered = {}
                for kind in ("standard", "large"):
                    page = files.html_of(kind)
                    nav = navigation(files, kind, page, list(files.pdfs), {"vi": "x"}, papers)
                    address = f"{base}{page}" if base else None
                    rendered[kind] = render_html(
                        handout,
                        interface,
                        "r",
                        "../en/x.html",
                        facts=facts,
                        page_format=kind,
                        nav=nav,
                        clinic=clinic,
                        page_address=address,
                    )
                made = large_print_of(
                    rendered["standard"],
                    handout,
                    interface,
                    facts,
                    nav=nav,
                    clinic=clinic,
                    page_address=address,
                )
                assert made == rendered["large"] != rendered["standard"]
    assert published == {True, False}  # ar: a draft in the shipped project


FOLDERS = st.lists(st.sampled_from(["es", "drafts", "ar", "languages"]), max_size=3)
FILES = st.sampled_from(["a.html", "b.pdf", "a.large.html", "index.html"])


@given(FOLDERS, FILES, FOLDERS, FILES)
def test_relative_links_are_what_relpath_gives(target_folders, target, page_folders, page):
    """Links from one file of the output to another (never to a folder)."""
    import posixpath

    from pipeline.publish.formats import relative

    target_path = "/".join([*target_folders, target])
    page_path = "/".join([*page_folders, page])
    assert relative(target_path, page_path) == posixpath.relpath(
        target_path, posixpath.dirname(page_path) or "."
    )
