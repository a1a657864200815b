"""The only inline markup the source format allows: ``**strong**``.

Everything else in a text is plain text and is escaped when rendered.
"""

from __future__ import annotations

STRONG = "**"


def markup_error(text: str) -> str | None:
    """Return why ``text``'s inline markup is malformed, or None if it is fine."""
    if text.count(STRONG) % 2:
        return "unbalanced '**' (strong emphasis must open and close)"
    for run, strong in parse(text):
        if strong and not run.strip():
            return "empty '****' emphasis"
    return None


def parse(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into (run, is_strong) pairs; an unclosed ``**`` is kept literally."""
    parts = text.split(STRONG)
    if len(parts) % 2 == 0:  # unbalanced: render literally, checks report it
        return [(text, False)]
    return [(part, index % 2 == 1) for index, part in enumerate(parts) if part]


def plain(text: str) -> str:
    """The text without markup (for word counts, comparisons, plain-text output)."""
    if STRONG not in text:  # most texts (parse would give the text back, in one run)
        return text
    return "".join(run for run, _ in parse(text))


def signature(text: str) -> int:
    """How many emphasised runs ``text`` has (a translation must keep the same count)."""
    return text.count(STRONG) // 2 if text.count(STRONG) % 2 == 0 else -1
