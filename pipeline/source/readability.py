"""Readability, advisory: grade levels of the English, a validated formula's figure for a
translation where its language has one (textstat), and its ratio to the English.

Patient materials aim at a 6th to 8th grade reading level (AMA, NIH, CDC's Clear
Communication Index). The English is measured with Flesch-Kincaid and SMOG; a language
gets a figure only from a formula made for it (Spanish: Szigriszt-Pazos, read on the
INFLESZ scale); elsewhere there is "no validated formula". Nothing here blocks anything.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..model import Monograph
from .segments import iter_segments

TARGET = (6.0, 8.0)  # US school grades
MAX_TEXTS = 500  # a translation's figure: over at most this many texts (a sample)
Scale = Literal["grade", "ease"]  # grade: lower is easier; ease (0-100): higher is easier
_END = re.compile(r"[.!?:;。！？؟]\s*$")


@dataclass(frozen=True)
class Figure:
    """One formula's result on a text."""

    formula: str
    value: float
    scale: Scale
    approximate: str = ""  # why the figure is only approximate, when it is

    def __str__(self) -> str:
        return f"{self.formula} {self.value:.1f}"


@dataclass(frozen=True)
class Formula:
    """A readability formula made for a language, and its English counterpart."""

    name: str
    scale: Scale
    lang: str  # textstat's language (its syllable dictionary: Pyphen's)
    approximate: str = ""


# the formulas validated for a language, as textstat implements them
FORMULAS: dict[str, Formula] = {
    "es": Formula(
        "Szigriszt-Pazos (INFLESZ)",
        "ease",
        "es",
        "syllables counted by hyphenation (Pyphen), not by phonology",
    ),
    "fr": Formula(
        "Kandel-Moles (Flesch for French)",
        "ease",
        "fr",
        "syllables counted by hyphenation (Pyphen), not by phonology",
    ),
    "de": Formula(
        "Wiener Sachtextformel",
        "grade",
        "de",
        "syllables counted by hyphenation (Pyphen), not by phonology",
    ),
    "it": Formula("Gulpease", "ease", "it"),
    "ar": Formula(
        "OSMAN",
        "ease",
        "ar",
        "syllables estimated from the letters: unvowelled text is approximate",
    ),
}


@dataclass(frozen=True)
class Translated:
    """A translation's figure beside its English's, on the same kind of scale."""

    formula: Figure | None  # None: no validated formula for the language
    english: Figure | None
    ratio: float | None  # the translation's figure over the English one

    def __str__(self) -> str:
        if self.formula is None:
            return "no validated formula"
        if self.english is None or self.ratio is None:
            return str(self.formula)
        easier = "higher is easier" if self.formula.scale == "ease" else "lower is easier"
        note = f"; approximate: {self.formula.approximate}" if self.formula.approximate else ""
        return f"{self.formula} ({easier}); English {self.english}: ratio {self.ratio:.2f}{note}"

    def as_dict(self) -> dict[str, object]:
        """The JSON form (``formula``: null where no validated formula exists)."""

        def figure(item: Figure | None) -> dict[str, object] | None:
            return (
                None
                if item is None
                else {
                    "formula": item.formula,
                    "value": round(item.value, 1),
                    "scale": item.scale,
                    "approximate": item.approximate or None,
                }
            )

        return {
            "formula": figure(self.formula),
            "english": figure(self.english),
            "ratio": None if self.ratio is None else round(self.ratio, 2),
            "note": str(self) if self.formula is None else None,
        }


def plain(texts: Iterable[str]) -> str:
    """The texts as one plain text: no ``**`` markup, every text ending a sentence."""
    found = []
    for text in texts:
        text = text.replace("**", "").strip()
        if text:
            found.append(text if _END.search(text) else text + ".")
    return " ".join(found)


def _measure(lang: str) -> Any:  # textstat's statistics object
    from textstat.textstat import textstatistics

    measure = textstatistics()
    measure.set_rounding_points(None)
    measure.set_lang(lang)
    return measure


def english(text: str) -> tuple[Figure, Figure]:
    """Flesch-Kincaid grade and SMOG grade of an English text (syllables: CMU
    dictionary, Pyphen for words it lacks)."""
    measure = _measure("en_US")
    return (
        Figure("Flesch-Kincaid grade", measure.flesch_kincaid_grade(text), "grade"),
        Figure(
            "SMOG",
            measure.smog_index(text),
            "grade",
            "SMOG is defined on 30 sentences or more" if measure.sentence_count(text) < 30 else "",
        ),
    )


def monograph_grades(monograph: Monograph) -> tuple[Figure, Figure]:
    """The grade levels of a monograph's English (every text of its handout)."""
    return english(plain(segment.msgid for segment in iter_segments(monograph)))


def translated(locale: str, pairs: Iterable[tuple[str, str]]) -> Translated:
    """The figure of the translations in ``pairs`` (English, translation) with the
    formula made for ``locale``'s language, and the same texts' English figure (each
    text once; over a seeded random sample of :data:`MAX_TEXTS` texts in a larger catalog)."""
    formula = FORMULAS.get(locale.replace("-", "_").split("_")[0])
    pairs = list(dict.fromkeys(pairs))
    if len(pairs) > MAX_TEXTS:  # an average: a sample keeps `check` fast (seeded: the
        pairs = random.Random(0).sample(pairs, MAX_TEXTS)  # same figure every run)
    if formula is None or not pairs:
        return Translated(None, None, None)
    text = plain(translation for _, translation in pairs)
    measure = _measure(formula.lang)
    value = {
        "Szigriszt-Pazos (INFLESZ)": measure.szigriszt_pazos,
        "Kandel-Moles (Flesch for French)": measure.flesch_reading_ease,
        "Wiener Sachtextformel": lambda t: measure.wiener_sachtextformel(t, 1),
        "Gulpease": measure.gulpease_index,
        "OSMAN": measure.osman,
    }[formula.name](text)
    other = _english_counterpart(plain(english_text for english_text, _ in pairs), formula.scale)
    ratio = value / other.value if other.value > 0 and value > 0 else None
    return Translated(Figure(formula.name, value, formula.scale, formula.approximate), other, ratio)


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _english_counterpart(text: str, scale: Scale) -> Figure:
    """The English's Flesch reading ease (or Flesch-Kincaid grade), syllables counted by
    hyphenation as for the translation (Pyphen, en_US): the CMU dictionary
    :func:`english` uses takes a second to load, too long for every `check`."""
    import pyphen

    measure = _measure("en_US")  # words and sentences: no dictionary is loaded
    words = max(measure.lexicon_count(text), 1)
    per_sentence = words / max(measure.sentence_count(text), 1)
    hyphenator = pyphen.Pyphen(lang="en_US")
    syllables = sum(len(hyphenator.positions(word)) + 1 for word in _WORD.findall(text))
    if scale == "grade":
        return Figure(
            "Flesch-Kincaid grade",
            0.39 * per_sentence + 11.8 * syllables / words - 15.59,
            "grade",
            "syllables counted by hyphenation (Pyphen)",
        )
    return Figure(
        "Flesch reading ease",
        206.835 - 1.015 * per_sentence - 84.6 * syllables / words,
        "ease",
        "syllables counted by hyphenation (Pyphen)",
    )


def grade_line(monograph: Monograph) -> str:
    """`handouts lint`'s line for a monograph: its grade levels and the target."""
    grades = monograph_grades(monograph)
    low, high = TARGET
    verdict = (
        "within"
        if all(low <= g.value <= high for g in grades)
        else ("above" if any(g.value > high for g in grades) else "below")
    )
    notes = "; ".join(g.approximate for g in grades if g.approximate)
    return (
        f"{monograph.where.path}: readability (advisory): "
        f"{', '.join(str(g) for g in grades)}: {verdict} the 6th-8th grade target for "
        f"patient materials" + (f" ({notes})" if notes else "")
    )
