"""Handout -> HTML and plain text: language, direction, safety, escaping, drafts."""

from __future__ import annotations

import base64
import hashlib
import html as html_module
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from pipeline.catalogs.pofile import load_catalog
from pipeline.publish.blocks import PageText, marked, shown
from pipeline.publish.localize import (
    UI_IMPORTANT,
    UI_MISSING,
    UI_UPDATED,
    LocalText,
    interface_for,
    localize,
)
from pipeline.publish.plaintext import WIDTH, width
from pipeline.publish.render import Strings, inline_html, locale_info, render_html, render_text
from pipeline.source.markup import plain
from pipeline.source.monographs import load_monographs
from pipeline.source.segments import iter_segments
from pipeline.text.linebreak import tokens as _tokens
from tests.conftest import complete_catalog, set_entry
from tests.projects import REPO

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _render(root, locale=None, blocked=frozenset()):
    monograph = load_monographs(root)[0]
    if locale is None:
        handout, interface = localize(monograph), interface_for(None)
    else:
        catalog = load_catalog(root, locale)
        interface = interface_for(catalog, blocked)
        handout = localize(monograph, locale, catalog.lookup(), blocked, interface)
    return (
        render_html(handout, interface, "0123456789ab", "../en/blinatumomab.html"),
        render_text(handout, interface, "0123456789ab"),
    )


@pytest.mark.parametrize(
    ("code", "tag", "direction"),
    [
        ("en", "en", "ltr"),
        ("es", "es", "ltr"),
        ("zh_CN", "zh-Hans-CN", "ltr"),
        ("ar", "ar", "rtl"),
        ("vi", "vi", "ltr"),
    ],
)
def test_language_tag_and_direction_come_from_cldr(project, code, tag, direction):
    assert (locale_info(code).tag, locale_info(code).direction) == (tag, direction)
    html, _ = _render(project, None if code == "en" else code)
    assert f'<html lang="{tag}" dir="{direction}">' in html


@pytest.mark.parametrize(
    ("code", "tag", "name"),
    [
        ("sr@latin", "sr-Latn", "Srpski (latinica)"),
        ("sr", "sr", "Српски"),
        ("sr_RS@latin", "sr-Latn-RS", "Srpski (latinica, Srbija)"),
        ("uz@cyrillic", "uz-Cyrl", "Ўзбекча (Кирил)"),
        ("be@latin", "be-Latn", None),
    ],
)
def test_a_script_modifier_gives_the_script_in_the_tag_and_the_name(code, tag, name):
    """gettext's sr@latin is BCP 47 sr-Latn, and names itself in Latin script."""
    info = locale_info(code)
    assert info.tag == tag
    if name is not None:  # (CLDR has no Latin Belarusian: its name stays Cyrillic)
        assert info.name == name


def test_a_serbian_latin_catalog_builds_pages_tagged_sr_latn(complete_project, run_build):
    shutil.copytree(complete_project / "locales" / "es", complete_project / "locales" / "sr@latin")
    policy = complete_project / "handouts.yaml"  # unreviewed: publishes only when it says so
    policy.write_text(
        policy.read_text("utf-8") + "  sr@latin:\n    publish: translated\n", encoding="utf-8"
    )
    run_build(complete_project)
    html = (complete_project / "output" / "sr@latin" / "blinatumomab.html").read_text()
    assert '<html lang="sr-Latn" dir="ltr">' in html
    index = (complete_project / "output" / "index.html").read_text(encoding="utf-8")
    assert "Srpski (latinica)" in index and "Српски" not in index


def test_the_page_is_self_contained_with_a_csp_matching_its_style(project):
    html, _ = _render(project)
    assert '<meta charset="utf-8">' in html and 'name="viewport"' in html
    assert not re.search(r"<script|<link|<img|<iframe|\ssrc=|url\(|@import", html)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in policy and f"'sha256-{digest}'" in policy
    assert "img-src 'none'" in policy and "unsafe-inline" not in policy
    assert "@media print" in style and "@page" in style


def test_structure_headings_callouts_gap_and_provenance(project):
    html, text = _render(project)
    assert html.count("<h1") == 1 and "<h2" in html and "<h3" in html
    assert html.count('<aside class="callout" role="note" aria-labelledby=') == 4
    assert 'class="callout-label"' in html and ">Important</p>" in html
    assert "Tips to preventing infection:" in html
    assert "This part of the handout is not available. Ask your care team." in html
    assert '<meta name="source-revision" content="0123456789ab">' in html
    assert "0123456789ab" not in html.split("</head>")[1] and "0123456789ab" not in text
    assert "Last updated: \u2014" in html  # the source gives none: no words
    assert "Handout code: BLINATUMOMAB-en" in html and "Handout code: BLINATUMOMAB-en" in text
    assert "Translated on" not in html  # the English handout is no translation
    assert "OncoLink is designed" in html
    assert "babel" not in html.lower() and "babel" not in text.lower()  # no tool versions
    assert "Read this handout in English" not in html  # the English page itself
    assert "! IMPORTANT" in text and "\n  | Cytokine release syndrome" in text
    assert "Blinatumomab\n============" in text and "\nSide effects\n------------\n" in text


def test_hostile_translations_are_escaped_text(project):
    complete_catalog(project, "es")
    set_entry(project, "es", "Pain", msgstr=HOSTILE)
    set_entry(project, "es", UI_IMPORTANT, msgstr=HOSTILE)
    html, text = _render(project, "es")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert HOSTILE in text


def test_only_strong_markup_becomes_html():
    assert inline_html("a **b** <i>c</i>") == "a <strong>b</strong> &lt;i&gt;c&lt;/i&gt;"
    assert inline_html("odd ** star") == "odd ** star"


def test_a_draft_shows_the_banner_and_marks_english_fallbacks(project):
    complete_catalog(project, "es")
    set_entry(project, "es", "Pain", msgstr="")
    set_entry(project, "es", "DRAFT, not for patient use", msgstr="BORRADOR, no apto")
    set_entry(
        project,
        "es",
        "%(num)d text is not translated yet.",
        msgstr_plural=("%(num)d falta.", "%(num)d faltan."),
    )
    set_entry(project, "es", "Not translated yet", msgstr="Sin traducir")
    html, text = _render(project, "es")
    assert 'class="draft-banner"' in html and "BORRADOR, no apto" in html
    # the English words of the banner too: a translator wrote the others
    assert '<span lang="en" dir="ltr">(DRAFT, not for patient use)</span>' in html
    assert '<h3 id="s-pain" class="fallback" lang="en" dir="ltr">' in html
    assert (
        '<span class="fallback-tag" lang="es" dir="ltr">EN · Sin traducir</span>Pain</h3>' in html
    )
    assert text.startswith("*** BORRADOR, no apto / DRAFT, not for patient use ***\n")
    assert "\n[EN: Sin traducir] Pain\n" in text
    assert "\n1 falta.\n" in text and "<p>1 falta.</p>" in html


def test_untranslated_interface_strings_are_marked_english_in_html(project):
    complete_catalog(project, "es")
    set_entry(project, "es", UI_IMPORTANT, msgstr="")
    html, _ = _render(project, "es")
    assert '<span class="fallback-ui" lang="en" dir="ltr">Important</span>' in html


def test_a_translation_that_breaks_its_placeholders_falls_back(project):
    complete_catalog(project, "es")
    set_entry(project, "es", "Handout code: %(code)s", msgstr="Código: %(cod)s")
    html, text = _render(project, "es")
    assert re.search(r"Handout code: BLINATUMOMAB-es\b", html)
    assert re.search(r"Handout code: BLINATUMOMAB-es\b", text)


def test_text_has_the_same_content_in_the_same_order_as_html(project):
    html, text = _render(project)
    paragraphs = re.findall(r"<p>([^<]{40,})</p>", html)
    positions = [" ".join(text.split()).find(p[:40]) for p in paragraphs]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


@pytest.mark.parametrize("code", ["en", "es", "zh_CN", "ar", "vi"])
def test_text_lines_fit_72_columns(project, code):
    _, text = _render(project, None if code == "en" else code)
    for line in text.splitlines():
        assert width(line) <= WIDTH or len(_tokens(line.strip())) == 1, line


def test_numbers_with_latin_units_stay_left_to_right_in_rtl_text():
    html = inline_html("أعلى من 100.4°F أو 38 °C، CD19 و**5 mg** <b>", rtl=True)
    assert '<bdi dir="ltr">100.4°F</bdi>' in html and '<bdi dir="ltr">38 °C</bdi>' in html
    assert '<strong><bdi dir="ltr">5 mg</bdi></strong>' in html and "CD19 " in html
    assert "&lt;b&gt;" in html and "<bdi" not in inline_html("100.4°F")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*"<>&\"'*ab 1°F/=", "**", "<script>", "&amp;", " 38 °C"])).map(
        "".join
    ),
    st.booleans(),
)
def test_any_translation_renders_as_escaped_text(text, rtl):
    html = str(inline_html(text, rtl))
    tags = re.sub(r'</?strong>|<bdi dir="ltr">|</bdi>', "", html)
    assert "<" not in tags and ">" not in tags
    assert html_module.unescape(re.sub(r"<[^>]+>", "", html)) == plain(text)


# --- fast paths, held equal to the general case on real texts ---------------------------

QUANTITY_CORPUS = Path(__file__).parent / "corpus" / "quantities"
UNASKED = ("th", "ja", "ko", "hi", "am", "ka", "he", "fa", "sw", "vi")  # rtl ones too


def _real_texts() -> list[tuple[str, str]]:
    """(locale, text): every text of the shipped monographs and catalogs, and every
    source and translation of the quantity corpus (32 languages), with ``**strong**``."""
    monographs = load_monographs(REPO)
    english = [segment.msgid for m in monographs for segment in iter_segments(m)]
    found = [(code, text) for code in (*UNASKED, "en") for text in english]
    for code in ("es", "zh_CN", "ar", "vi"):
        found += [(code, m.msgstr) for m in load_catalog(REPO, code).active() if m.msgstr]
    for path in sorted(QUANTITY_CORPUS.glob("*.yaml")):
        corpus = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in corpus["cases"]:
            found += [(corpus["locale"], case["source"]), (corpus["locale"], case["translation"])]
    return found + [(code, f"**{text}** <b>&") for code, text in found[::7]]


def test_a_ready_text_is_shown_as_the_general_case_writes_it():
    """blocks.shown's shortcut for a ready text without class or id is what its general
    case (blocks.marked) writes, for every real text in every state, left-to-right and
    right-to-left (the shortcut is taken for the ready states only)."""
    texts = _real_texts()
    assert len(texts) > 2000
    for code, text in texts:
        info = locale_info(code)
        page = PageText(info.tag, info.direction, "Important", "Gap", lambda t: f"why {t.state}")
        for state in ("source", "translated", "reviewed", "unreviewed", "fuzzy", "missing"):
            local = LocalText(text, state)
            for tag in ("p", "li", "h2"):
                assert shown(local, tag, page) == marked(local, tag, page), (code, text, state)


def test_a_remembered_filled_text_is_the_one_its_values_give():
    """Strings remembers texts with placeholders filled, per interface: a value that
    looks like markup is still escaped after the same value as markup was filled in,
    another count gets its own plural, and English and HTML results stay apart."""
    interface = interface_for(load_catalog(REPO, "es"))
    html, text = Strings(interface, html=True), Strings(interface, html=False)
    assert "<b>" in html.gettext(UI_UPDATED, date=Markup("<b>1</b>"))
    assert "&lt;b&gt;" in html.gettext(UI_UPDATED, date="<b>1</b>")
    assert "<b>" in text.gettext(UI_UPDATED, date="<b>1</b>")
    one, two = (html.ngettext(*UI_MISSING, n) for n in (1, 2))
    assert "1" in one and "2" in two and one != two.replace("2", "1")
