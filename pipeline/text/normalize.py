"""Unicode NFC, the form every comparison uses: an editor may save a text decomposed
(macOS editors save NFD), and a check, a digest or a glossary match must not depend on
it. A handout shows a translation as written; only comparisons use this form."""

from __future__ import annotations

import unicodedata


def is_nfc(text: str) -> bool:
    """Whether ``text`` is in Unicode NFC already (most texts: a quick test)."""
    return text.isascii() or unicodedata.is_normalized("NFC", text)


def nfc(text: str) -> str:
    """``text`` in Unicode NFC."""
    return text if is_nfc(text) else unicodedata.normalize("NFC", text)
