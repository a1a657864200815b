"""The text package below every stage: one rule each for display width, NFC and script
direction, and every stage that needs one uses it."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.catalogs.poformat import char_width
from pipeline.checks.rules import check_text
from pipeline.checks.ruleset.characters import is_rtl
from pipeline.publish.render import locale_info
from pipeline.text.normalize import is_nfc, nfc
from pipeline.text.width import columns, has_wide_blocks, is_double, is_wide

CODES = ["ar", "he", "fa", "ur", "es", "zh_CN", "sr@latin", "az@arabic", "uz@arabic"]
CODES += ["sd@devanagari", "ks@devanagari", "pa_Arab", "ckb", "yi"]


@pytest.mark.parametrize("code", CODES)
def test_the_check_and_the_page_agree_on_the_direction(code):
    assert is_rtl(code) == (locale_info(code).direction == "rtl")


def test_a_script_modifier_decides_whether_direction_marks_are_allowed():
    rlm = "تناول\u200f 2 أقراص."  # a right-to-left mark before a number, as RTL text needs

    def dangerous(locale: str) -> bool:
        findings = check_text("Take 2 tablets.", rlm, locale)
        return any(f.check == "dangerous-characters" for f in findings)

    assert not dangerous("ar")
    assert not dangerous("az@arabic")  # Azerbaijani in Arabic script: right to left
    assert dangerous("sd@devanagari")  # Sindhi in Devanagari: left to right
    assert dangerous("es")
    assert not is_rtl("not a locale")


def test_nfc_is_the_one_normal_form():
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt, café")
    assert decomposed != "Tiếng Việt, café" and not is_nfc(decomposed)
    assert nfc(decomposed) == "Tiếng Việt, café" and is_nfc(nfc(decomposed))
    plain = "48 hours"
    assert nfc(plain) is plain


def test_wide_characters_are_decided_once():
    assert is_wide("贝") and is_wide("한") and is_wide("５") and not is_wide("a")
    assert columns("贝林妥欧单抗") == 12 and columns("e\u0301") == 1
    assert is_double("贝") and not is_double("é")
    assert has_wide_blocks("48小时") and not has_wide_blocks("48 horas")
    # the PO layout counts the same wide characters two columns
    assert all(char_width(c) == (2 if is_wide(c) else 1) for c in "贝a５한é")
