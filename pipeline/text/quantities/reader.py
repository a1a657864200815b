"""The multilingual reader: a :class:`Lexicon` compiled once into patterns, and the
reading of a text (the full one, and the fast path of :meth:`Reader.simple_pairs`)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from ..width import is_wide
from .forms import CLOCK, DEGREE, HOUR_OR_CLOCK, SPACES, Lexicon, Quantity
from .numerals import HAN_RUN, normalize
from .patterns import (
    CACHE_SIZE,
    CLOSING,
    NUMBER_PATTERN,
    OPENING,
    PROTECTED,
    PROTECTED_HINT,
    WORD_END,
    Token,
    alternation,
    blank,
    boundary_ok,
    trie,
)
from .tokens import TokenReading


class Reader(TokenReading):
    """Reads the quantities of texts written the way ``lexicon`` says (compiled once)."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lex = lexicon
        self._glued = lex.glued or lex.endings  # a unit word may run on into what follows
        gap = f"[{SPACES}\\-]?"
        linker = f"(?:(?:{alternation(lex.linkers)}){gap})?" if lex.linkers else ""
        per = self._compile_units(lex, gap, linker)
        self._compile_periods(lex)
        self._compile_numbers(lex, gap, linker, per)
        self._compile_words(lex)
        self._local_cache: dict[str, tuple] = {}
        self._simple_cache: dict[str, tuple[tuple[Decimal, str], ...] | None] = {}

    def _compile_units(self, lex: Lexicon, gap: str, linker: str) -> str | None:
        """The unit forms after a number, before it, and in a compound (mg/kg, "mg per
        kg"); returns the pattern of a "per" word, if the lexicon has one."""
        self.units = {self._key(f): u for f, u in lex.units.items()}
        self._unit_forms = self._bounded_trie(self.units)
        self._unit_pattern = f"{gap}{linker}({self._unit_forms})"
        per = f"[{SPACES}]+(?:{alternation(lex.per_words)})[{SPACES}]+" if lex.per_words else None
        self._per = re.compile(per, re.IGNORECASE) if per else None
        self.per_units = {self._key(f): u for f, u in lex.per_units.items()}
        self._per_unit = (
            re.compile(f"[{SPACES}]*({self._bounded_trie(self.per_units)})", re.IGNORECASE)
            if self.per_units
            else None
        )
        self.prefix_units = {self._key(f): u for f, u in lex.prefix_units.items()}
        self._prefix = (
            re.compile(f"({alternation(self.prefix_units)}){gap}$", re.IGNORECASE)
            if self.prefix_units
            else None
        )
        return per

    def _compile_periods(self, lex: Lexicon) -> None:
        """Day periods after a time and before it, and the clock words before an hour."""
        self.periods = {self._key(f): r for f, r in lex.periods.items()}
        self._period_after = (
            re.compile(f"[{SPACES}]*({alternation(self.periods)})", re.IGNORECASE)
            if self.periods
            else None
        )
        self.periods_before = {self._key(f): r for f, r in lex.periods_before.items()}
        # the day period may stand before the clock word (երեկոյան ժամը 8: at 8 pm)
        clock_word = (
            f"(?:(?:{alternation(self._key(f) for f in lex.clock_prefixes)})[{SPACES}]*)?"
            if lex.clock_prefixes
            else ""
        )
        self._period_before = (
            re.compile(
                f"({alternation(self.periods_before)})[{SPACES}]*{clock_word}$", re.IGNORECASE
            )
            if self.periods_before
            else None
        )
        self._clock_prefix = (
            re.compile(
                f"(?:{alternation(self._key(f) for f in lex.clock_prefixes)})[{SPACES}\\-]*$",
                re.IGNORECASE,
            )
            if lex.clock_prefixes
            else None
        )

    def _compile_numbers(self, lex: Lexicon, gap: str, linker: str, per: str | None) -> None:
        """A number with its multiplier and unit (one pattern), the connectors of a range."""
        connectors = alternation(self._key(c) for c in lex.connectors)
        self._connector = re.compile(
            f"[{SPACES}]*(?:[-\u2010-\u2014~\u301c]|{connectors})[{SPACES}]*"
            if connectors
            else f"[{SPACES}]*[-\u2010-\u2014~\u301c][{SPACES}]*",
            re.IGNORECASE,
        )
        self.multipliers = {self._key(f): v for f, v in lex.multipliers.items()}
        multipliers = self._bounded_trie(self.multipliers)
        self._multiplier = (
            re.compile(f"[{SPACES}]?({multipliers})", re.IGNORECASE) if self.multipliers else None
        )
        after = (f"(?:[{SPACES}]?(?:{multipliers}))?" if self.multipliers else "") + (
            f"(?:{gap}{linker}(?:{self._unit_forms}))?" if self.units else ""
        )
        # a quantity, and what follows it when that makes a compound unit (mg/kg, "mg per
        # kg"): one findall gives the fast path every (written, follower) pair
        follower = f"/|{per}" if per else "/"
        self._simple_re = re.compile(
            f"((?:{NUMBER_PATTERN}){after})(?=({follower}|))", re.IGNORECASE
        )
        # the quantity pattern: the same one, compiled once (its lookahead, which may
        # take nothing, always holds and consumes nothing: the same matches)
        self._quantity_re = self._simple_re

    def _compile_words(self, lex: Lexicon) -> None:
        """Number words (bound to a unit or not), and the quick tests for them."""
        words: dict[str, tuple[Decimal, str | None]] = (
            {self._key(w): (v, None) for w, v in lex.words.items()} if lex.reads_words else {}
        )
        words.update({self._key(w): q for w, q in lex.word_quantities.items()})
        words.update(
            {
                self._key(w): (Decimal(1), u)
                for w, u in ((w, lex.units.get(w)) for w in lex.optional_units)
                if u
            }
        )
        self.words = words
        self.optional_words = frozenset(self._key(w) for w in lex.optional_words) | frozenset(
            self._key(w) for w in lex.optional_units
        )
        anywhere = self._anywhere
        firsts = {w.split()[0] for w in words if not anywhere(w)}
        # the first words as a plain split of a text finds them, punctuation and all
        self._word_first = frozenset(f"{a}{w}{b}" for w in firsts for a in OPENING for b in CLOSING)
        self._wide_words = (
            re.compile(alternation(w for w in words if anywhere(w)))
            if any(anywhere(w) for w in words)
            else None
        )
        self._has_words = bool(self._word_first)
        self._unprotected = frozenset(self._key(f) for f in lex.clock_prefixes)
        self._not_quantities = (
            re.compile(alternation(lex.not_quantities)) if lex.not_quantities else None
        )

    def _bounded_trie(self, forms: Iterable[str]) -> str:
        """``forms`` as one trie where each form ends where a word ends ("g" in "3 g",
        not in "3 gotas"), the longest that does first ("мм рт. ст." before "мм");
        Chinese, Japanese and Korean forms run on into particles, and forms of three
        letters or more into the case endings of a language that glues them (দিনে)."""
        return trie(forms, self._form_end)

    def _form_end(self, form: str) -> str:
        last = form[-1]
        if (
            self.lexicon.glued
            or is_wide(last)
            or last == "/"
            or (self.lexicon.endings and len(form) >= 3)
        ):
            return ""
        if last.isalpha() or unicodedata.category(last)[0] == "M":
            # an abbreviation cut at its first period is no unit (the "мі" of "мі.гра.")
            return f"{WORD_END}(?!\\.[^\\W\\d_])"
        return "(?!\\d)(?!(?<=\\.)[^\\W\\d_])"

    @functools.cached_property
    def _unit_anywhere(self) -> re.Pattern[str]:
        return re.compile(alternation(self.units), re.IGNORECASE)

    def _blank_name(self, match: re.Match[str]) -> str:
        """A name with digits is no quantity (CD19), but a clock word glued to its hour
        is (Tagalog alas-7), and a unit with an exponent is a unit (the m2 of mg/m2)."""
        letters = match.group(0).rstrip("0123456789").rstrip("-").lower()
        if letters in self._unprotected or match.group(0).lower() in self.units:
            return match.group(0)
        return blank(match)

    @staticmethod
    def _key(form: str) -> str:
        return normalize(form).lower()

    # -- reading --

    def read(self, text: str) -> list[Quantity]:
        """Every quantity of ``text``, in order."""
        text = normalize(text)
        if PROTECTED_HINT.search(text):
            text = PROTECTED.sub(self._blank_name, text)
        if self._not_quantities is not None:
            text = self._not_quantities.sub(blank, text)
        tokens = self._local_tokens(text)
        words = self._word_tokens(text, tokens)
        if words:
            opening = {t.start for t in words if t.unit is not None or t.clock}
            for token in words:
                before = (
                    token.end,
                    token.value,
                    token.unit,
                    token.hour_capable,
                    token.clock,
                    token.minutes,
                    token.word,
                )
                token.end = self._attach_local(text, token)
                if any(before[0] < start < token.end for start in opening):
                    # the unit read after it opens a word quantity of its own (טבלייה
                    # אחת יום כן יום לא: one tablet, every other day)
                    (
                        token.end,
                        token.value,
                        token.unit,
                        token.hour_capable,
                        token.clock,
                        token.minutes,
                        token.word,
                    ) = before
            tokens = sorted(tokens + words, key=lambda t: t.start)
        if not tokens:
            return []
        kept: list[Token] = []
        for token in tokens:
            if kept and token.start < kept[-1].end:
                continue  # read as part of the one before ("7 giờ 30", "7 h 30")
            self._attach_context(text, token)
            kept.append(token)
        tokens = kept
        if len(tokens) > 1:
            self._propagate(text, tokens)
        return [
            q
            for q in (self._quantity(text, t, i, tokens) for i, t in enumerate(tokens))
            if q is not None
        ]

    def simple_pairs(self, text: str) -> tuple[tuple[Decimal, str], ...] | None:
        """The (value, unit) pairs of ``text`` when no quantity in it needs the words
        around it (every number has a unit that is no degree or clock word, and no number
        word is written), else None. The check's fast path: the same pairs as the
        source's mean the full reading could find nothing either."""
        text = normalize(text)
        if PROTECTED_HINT.search(text):
            text = PROTECTED.sub(self._blank_name, text)
        lower = text.lower() if self._wide_words is not None or self._has_words else ""
        if self._wide_words is not None and self._wide_words.search(lower):
            return None
        placed: list[tuple[int, tuple]] = []
        if self._may_name_words(lower):
            for match in self._word.finditer(lower):  # "once", "twice": unit and all
                value, unit = self.words[match.group(0)]
                if (
                    unit in (None, CLOCK, HOUR_OR_CLOCK)
                    or match.group(0) in self.optional_words
                    or self._connector.match(text, match.end())
                ):
                    return None
                placed.append((match.start(), ((value, unit),)))
        if self.lexicon.han_numerals and HAN_RUN.search(text):
            if self._not_quantities is not None:
                text = self._not_quantities.sub(blank, text)
            for run in HAN_RUN.finditer(text):  # 两次, 三天, 两到三天: a bound numeral
                if (
                    self._unit is not None and self._unit.match(text, run.end())
                ) or self._connector.match(text, run.end()):
                    return None
        simple = self._simple_cache
        if placed:  # number words among the digits: in the order they are written
            for match in self._simple_re.finditer(text):
                found: tuple[tuple[Decimal, str], ...] | None | Literal[False] = simple.get(
                    match.group(1), False
                )
                if found is False:
                    found = self._simple_reading(match.group(1))
                if found is None or match.group(2):
                    return None  # needs context, or mg/kg, mg per kg
                placed.append((match.start(), found))
            return tuple(pair for _, found in sorted(placed) for pair in found)
        pairs: list[tuple[Decimal, str]] = []
        for written, follower in self._simple_re.findall(text):
            found = simple.get(written, False)
            if found is False:
                found = self._simple_reading(written)
            if found is None or follower:
                return None
            pairs += found
        return tuple(pairs)

    def _simple_reading(self, written: str) -> tuple[tuple[Decimal, str], ...] | None:
        """The pairs of one match of the quantity pattern when none needs context, else
        None (cached by :meth:`simple_pairs`)."""
        cache, simple = self._local_cache, self._simple_cache
        local = cache.get(written)
        if local is None:
            local = cache[written] = tuple(self._read_local(written))
        found = simple[written] = (
            tuple(
                (value, unit)
                for _, _, value, unit, _, clock, hour_capable in local
                if value is not None
                and unit not in (None, DEGREE)
                and not clock
                and not hour_capable
            )
            if all(
                t[2] is not None and t[3] not in (None, DEGREE) and not t[5] and not t[6]
                for t in local
            )
            else None
        )
        if len(simple) > CACHE_SIZE:
            simple.clear()
        return found

    def without_quantities(self, text: str) -> str:
        """``text`` as read (:func:`normalize`), every number and its unit blanked to
        ``#`` and spaces: the words around the quantities ("twice *a day*", "주 #")."""
        return self._quantity_re.sub(lambda m: "#".ljust(len(m.group(0))), normalize(text))

    def mentions(self, text: str) -> frozenset[str]:
        """The units named anywhere in ``text`` (with or without a number)."""
        if not self.units:
            return frozenset()
        text = normalize(text)
        found = set()
        for match in self._unit_anywhere.finditer(text):
            if boundary_ok(text, match.end(), self._glued, match.group(0)):
                found.add(self.units[match.group(0).lower()])
        found |= {q.unit for q in self.read(text) if q.unit}
        return frozenset(found)
