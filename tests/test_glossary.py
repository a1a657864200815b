"""source/glossary.yaml: loading, errors with file:line, whole-phrase matching."""

from __future__ import annotations

import pytest

from pipeline.errors import SourceError
from pipeline.source.glossary import load_glossary, phrase_pattern
from tests.projects import REPO


def write(tmp_path, text: str):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "glossary.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_shipped_glossary_loads_with_drug_names_and_local_forms():
    glossary = load_glossary(REPO)
    terms = {t.term: t for t in glossary.terms}
    assert {
        "blinatumomab",
        "dexamethasone",
        "CRS",
        "CD19",
        "T cells",
        "B cells",
        "BiTE",
        "WBC",
        "OncoLink",
    } <= set(terms)
    assert "贝林妥欧单抗" in terms["blinatumomab"].accepted("zh_CN")
    assert "dexametasona" in terms["dexamethasone"].accepted("es")
    assert terms["dexamethasone"].accepted("vi") == ("dexamethasone",)


def test_no_glossary_file_is_an_empty_glossary(tmp_path):
    assert load_glossary(tmp_path).terms == ()


def test_a_locale_rule_falls_back_to_the_language(tmp_path):
    glossary = load_glossary(
        write(tmp_path, "terms:\n  - term: aspirin\n    locales:\n      es: {approved: aspirina}\n")
    )
    assert glossary.terms[0].accepted("es_MX") == ("aspirin", "aspirina")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("terms:\n  - term: a\n  - term: b\n    colour: red\n", 3, "unknown key"),
        ("terms:\n  - term: a\n  - nope: b\n", 3, "needs 'term'"),
        ("terms:\n  - term: a\n    locales: {es: {approved: [1]}}\n", 2, "text or a list"),
        ("terms: [\n", 2, "invalid YAML"),
    ],
)
def test_a_malformed_glossary_names_file_and_line(tmp_path, text, line, words):
    with pytest.raises(SourceError) as error:
        load_glossary(write(tmp_path, text))
    assert f"source/glossary.yaml:{line}:" in str(error.value) and words in str(error.value)


def test_phrases_match_whole_words_case_insensitively():
    pattern = phrase_pattern(("WBC", "T cells"))
    assert pattern.search("your wbc count") and pattern.search("the T Cells")
    assert not pattern.search("WBCs") and not pattern.search("AT cells")


def test_phrases_match_inside_cjk_text_and_with_arabic_prefixes():
    assert phrase_pattern(("CD19",)).search("表面带有CD19蛋白")
    assert phrase_pattern(("贝林妥欧单抗",)).search("使用贝林妥欧单抗时")
    assert phrase_pattern(("بليناتوموماب",)).search("يُعطى وبليناتوموماب")


def test_problems_are_worded_for_translators():
    glossary = load_glossary(REPO)
    assert glossary.problems("zh_CN", "Blinatumomab", "贝林妥欧单抗") == []
    message = glossary.problems("es", "a steroid (dexamethasone)", "un esteroide")[0]
    assert "'dexamethasone'" in message and "'dexametasona'" in message
    assert "not allowed" in glossary.problems("es", "CRS", "CRS (SLC)")[0]


def test_without_terms_removes_source_terms():
    assert load_glossary(REPO).without_terms("Call OncoLink about CRS").split() == ["call", "about"]


def test_verbatim_in_is_a_sound_shortcut_of_phrase_pattern():
    from pipeline.source.glossary import phrase_pattern, verbatim_in

    cases = [
        (("CD19",), "anti-CD19 therapy"),
        (("CD19",), "CD19蛋白"),
        (("WBC",), "WBCs2"),
        (("Abc",), "xAbc"),
        (("Abc",), "Abc."),
        (("Abc",), "(Abc)"),
        (("Abc",), "Abc_"),
        (("Abc", "Xyz"), "the Xyz"),
        (("Abc",), "abc"),
        (("Abc",), "Abcé"),
        (("زيت",), "والزيت"),
        (("Abc",), "Abc Abcx"),
        (("Abc",), "Abcx Abc"),
        (("a b",), "a b"),
        (("Abc",), ""),
        (("Abc",), "la abc."),
        (("ABC",), "xabc"),
        (("Abc",), "ABCx abC"),
    ]
    for phrases, text in cases:
        if verbatim_in(phrases, text):
            assert phrase_pattern(phrases).search(text), (phrases, text)
    assert verbatim_in(("Abc",), "Abcx Abc")
    assert not verbatim_in(("Abc",), "xAbc")
    assert verbatim_in(("Bacelumab",), "Wuh bacelumab so nivog")
    assert not verbatim_in(("Abc",), "Abc_") or phrase_pattern(("Abc",)).search("Abc_")


def test_tokens_of_lowered_text_are_the_lowered_tokens():
    """tokens() lower-cases the whole text first (faster): the same tokens as lowering
    each one, on every character, the dotted capital I and final sigma included."""
    import random
    import sys

    from pipeline.source.glossary import _TOKEN, tokens

    def slow(text: str) -> tuple[str, ...]:
        return tuple(token.lower() for token in _TOKEN.findall(text))

    rng = random.Random(3)
    every = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF]
    for start in range(0, len(every), 4096):  # every character, in 4096-character texts
        text = " ".join(every[start : start + 4096])
        assert tokens(text) == slow(text)
    edges = ["ΑΣ'Β", "ΟΔΟΣ.", "İstanbul", "DİKKAT", "ΣΑΣ ΣΑΣ", "Straße", "ǅemal", "K-Ras"]
    pieces = edges + ["a", "Β", "'", " ", "-", "Σ", "İ", "x", "ß", "."]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert tokens(text) == slow(text), text
