"""Plain-text handouts' lines: wrapped at :data:`WIDTH` display columns, a number kept
on the line of its unit as the handout's locale writes it (:mod:`pipeline.text.linebreak`,
units from the lexicon), headings underlined as wide as they are."""

from __future__ import annotations

from ..text import linebreak
from ..text.width import columns as width

__all__ = ["WIDTH", "underline", "width", "wrap"]

WIDTH = 72


def wrap(
    text: str,
    columns: int = WIDTH,
    indent: str = "",
    subsequent: str | None = None,
    locale: str | None = None,
) -> tuple[str, ...]:
    """Lines of ``text`` filling ``columns`` display columns, with the given indents; a
    number stays with the unit ``locale`` writes after it (English units when None)."""
    return linebreak.wrap(text, columns, indent, subsequent, locale)


def underline(heading: str, char: str, columns: int = WIDTH) -> str:
    """A rule under ``heading`` as wide as its longest line."""
    return char * min(columns, max(width(line) for line in heading.split("\n")))
