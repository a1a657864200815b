"""No blank or gutted safety text: a text is translated only if it has visible content,
and a safety-critical text (or a safety box's label) publishes only with content of a
plausible length for its language (issue 24, class 1)."""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalogs.extract import safety_keys
from pipeline.catalogs.memory import Memory, Offer, offers
from pipeline.catalogs.pofile import Catalog, load_catalog, load_template, render_catalog
from pipeline.checks.coverage import state
from pipeline.checks.rules import catalog_findings
from pipeline.checks.safety import bounds
from pipeline.commands.check import build_report
from pipeline.model import Message
from pipeline.publish.build import build
from pipeline.source.glossary import load_glossary
from pipeline.source.interface import UI_IMPORTANT
from pipeline.text.visible import has_visible_content, is_translation, visible_length
from tests.projects import REPO, copy_project, run_cli

ALL = [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
# every whitespace (str.isspace: NBSP, ideographic space, line and paragraph separators...)
SPACES = [c for c in ALL if c.isspace() or unicodedata.category(c) == "Zs"]
# invisible: format controls (bidi, zero-width, joiners, tags), combining marks alone,
# variation selectors, the Hangul fillers (filed as letters, drawn as nothing)
INVISIBLE = [c for c in ALL if unicodedata.category(c) in ("Cf", "Cc", "Mn", "Mc", "Me")] + [
    "\u115f",
    "\u1160",
    "\u3164",
    "\uffa0",
    "\u2800",
]
PUNCTUATION = [c for c in ALL if unicodedata.category(c)[0] in "PS"]
BLANKS = SPACES + INVISIBLE
FEVER = (
    "White blood cells (WBC) are important for fighting infection. While receiving "
    "treatment, your WBC count can drop"
)


def test_no_whitespace_invisible_or_punctuation_code_point_is_content():
    """Exhaustively, over every code point of those kinds."""
    assert len(SPACES) > 20 and len(INVISIBLE) > 2000 and len(PUNCTUATION) > 7000
    for char in BLANKS + PUNCTUATION:
        assert not has_visible_content(char), f"U+{ord(char):04X}"
        assert not Message("Important", char).translated, f"U+{ord(char):04X}"


def test_letters_digits_and_real_translations_are_content():
    for text in ("重要", "Importante", "مهم", "38", "٣٨", "Ⅳ", "ا", "x"):
        assert has_visible_content(text)
        assert Message("Important", text).translated
    assert visible_length(" 38 °C\u00a0(100.4 °F) ") == 8
    assert not has_visible_content("<b> </b>&nbsp;**.**")
    assert has_visible_content("< 38")  # a comparison, not a tag
    assert is_translation("—", "–")  # a source without content: any text translates it
    assert not is_translation("—", "")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(BLANKS + PUNCTUATION + ["<b>", "</b>", "&nbsp;", "**"]),
        min_size=1,
        max_size=12,
    )
)
def test_any_mix_of_blanks_punctuation_and_markup_is_not_a_translation(chars):
    text = "".join(chars)
    message = Message("Call your care team.", text)
    assert not message.translated
    assert state(message) == "untranslated"
    assert state(replace(message, fuzzy=True)) == "untranslated"
    plural = Message("%(num)d text", msgid_plural="%(num)d texts", msgstr_plural=("x", text))
    assert not plural.translated


def test_the_memory_never_offers_or_stores_a_blank():
    catalog = Catalog(
        "es.po",
        "es",
        {},
        (),
        (Message("Keep it cold.", "\u3000"), Message("Keep it dry.", "Manténgalo seco.")),
    )
    assert [o.msgid for o in offers(catalog)] == ["Keep it dry."]
    memory = Memory([Offer("Keep it cold.", " . ", "x.po")], lambda a, b: 0.0)
    assert memory.fill(Message("Keep it cold.")) is None


# --- the length of a safety-critical text ------------------------------------------------


def test_the_band_is_generous_for_every_shipped_and_corpus_translation():
    """Every correct translation the project holds (shipped catalogs, the quantity
    corpus of 16 languages) is inside the band: no false alarm."""
    pairs = []
    for path in sorted((REPO / "locales").glob("*/LC_MESSAGES/handouts.po")):
        locale = path.parent.parent.name
        pairs += [
            (locale, m.msgid, m.msgstr)
            for m in load_catalog(REPO, locale).active()
            if m.translated and m.msgid_plural is None
        ]
    for path in sorted((REPO / "tests" / "corpus" / "quantities").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        pairs += [
            (data["locale"], c["source"], c["translation"])
            for c in data["cases"]
            if c["verdict"] == "correct"
        ]
    assert len(pairs) > 400
    for locale, source, translation in pairs:
        low, high = bounds(locale, visible_length(source))
        assert low <= visible_length(translation) <= high, (locale, source, translation)


def _findings(locale: str, msgid: str, msgstr: str, flags: tuple[str, ...] = ()):
    template = load_template(REPO)
    message = next(m for m in template.active() if m.msgid.startswith(msgid))
    entry = replace(
        message, msgstr=msgstr, flags=message.flags + flags, line=7, msgstr_line=7, notes=()
    )
    catalog = Catalog("x.po", locale, {}, (), (entry,))
    return catalog_findings(locale, catalog, load_glossary(REPO), set(safety_keys(template)))


@pytest.mark.parametrize("locale", ["es", "zh_CN", "vi", "ar", "ja"])
def test_a_fever_callout_cut_to_its_temperatures_is_an_error_no_flag_silences(locale):
    cut = "100.4 °F 38 °C (WBC)"
    found = _findings(
        locale, FEVER, cut, ("handouts-allow-length-ratio", "handouts-allow-safety-length")
    )
    errors = [f for f in found if f.check == "safety-length"]
    assert errors and errors[0].severity == "error" and errors[0].where.line == 7
    assert "is part of it missing?" in errors[0].message


def test_a_safety_text_padded_to_length_with_blanks_or_punctuation_still_fails():
    padded = "100.4 °F 38 °C (WBC)" + " \u3000. …" * 80
    assert "safety-length" in [f.check for f in _findings("es", FEVER, padded)]


def test_a_safety_text_swollen_far_beyond_its_source_fails():
    text = load_catalog(REPO, "es").lookup()
    fever = next(m for k, m in text.items() if k[1].startswith(FEVER))
    found = _findings("es", FEVER, (fever.msgstr + " ") * 4)
    assert any(f.check == "safety-length" and "added" in f.message for f in found)


def test_the_callout_label_is_safety_critical_and_the_shipped_ones_pass():
    assert [f.check for f in _findings("zh_CN", UI_IMPORTANT, "重要")] == []
    assert "safety-length" in [
        f.check
        for f in _findings("es", UI_IMPORTANT, "Importantísimo de verdad, lea esto con cuidado")
    ]


# --- the whole gate and the build -----------------------------------------------------------


def _replace_fever(project: Path, text: str, locale: str = "es") -> None:
    catalog = load_catalog(project, locale)
    messages = [
        replace(m, msgstr=text) if m.msgid.startswith(FEVER) else m for m in catalog.messages
    ]
    path = project / "locales" / locale / "LC_MESSAGES" / "handouts.po"
    path.write_text(
        render_catalog(catalog.header_comment, catalog.header, messages), encoding="utf-8"
    )


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from([c for c in BLANKS + PUNCTUATION if c not in "\x00\r"]),
        min_size=1,
        max_size=6,
    )
)
def test_a_blank_safety_callout_fails_check_and_builds_only_as_a_draft(tmp_path_factory, chars):
    project = copy_project(tmp_path_factory.mktemp("blank") / "project")
    _replace_fever(project, "".join(chars))
    report = build_report(project, ["es"])
    assert report.exit_code == 1
    result = build(project, project / "output", ["es"], pdf=False)
    assert result.draft_reasons("es")
    assert not (project / "output" / "es" / "blinatumomab.html").exists()


def test_check_exits_1_on_a_gutted_callout_with_the_translators_allow_flag(tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / "locales" / "es" / "LC_MESSAGES" / "handouts.po"
    _replace_fever(project, "100,4 °F o 38 °C (WBC)")
    text = path.read_text(encoding="utf-8")
    marker = "#: source/monographs/blinatumomab.yaml:70\n"
    path.write_text(
        text.replace(
            marker, marker + "#, handouts-allow-length-ratio, handouts-allow-safety-length\n"
        ),
        encoding="utf-8",
    )
    result = run_cli("check", "--locale", "es", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[safety-length]" in result.stdout or "safety-length" in result.stdout


def test_a_callout_label_of_a_no_break_space_leaves_the_handout_a_draft(tmp_path):
    project = copy_project(tmp_path / "project")
    catalog = load_catalog(project, "es")
    messages = [
        replace(m, msgstr="\u00a0") if m.msgid == UI_IMPORTANT else m for m in catalog.messages
    ]
    assert messages != list(catalog.messages)
    path = project / "locales" / "es" / "LC_MESSAGES" / "handouts.po"
    path.write_text(
        render_catalog(catalog.header_comment, catalog.header, messages), encoding="utf-8"
    )
    assert build_report(project, ["es"]).exit_code == 1
    result = build(project, project / "output", ["es"], pdf=False)
    assert result.draft_reasons("es")
    assert not (project / "output" / "es" / "blinatumomab.html").exists()


def test_the_length_counted_by_runs_is_the_count_of_letters_and_digits():
    """visible_length sums the runs of letters and digits: the same count as one match
    per letter or digit, on every code point in one text, one in 97 alone, and every
    text of the shipped catalogs, with markup."""
    import re

    import polib

    from pipeline.text.visible import _FILLERS, _without_markup

    one_by_one = re.compile(f"[^\\W_{_FILLERS}]")

    def counted(text: str) -> int:
        return len(one_by_one.findall(_without_markup(text)))

    texts = ["".join(ALL), *ALL[::97], "<b>38</b> &amp; 1_2 \u3164x"]
    for path in sorted((REPO / "locales").glob("*/LC_MESSAGES/handouts.po")):
        texts += [entry.msgstr for entry in polib.pofile(str(path))]
    assert sum(map(counted, texts)) > 100_000
    for text in texts:
        assert visible_length(text) == counted(text), text[:80]
