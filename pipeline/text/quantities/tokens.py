"""How a :class:`~pipeline.text.quantities.reader.Reader` reads: the numbers and number
words of a text as tokens, the unit after each, and what the words around it say
(compound units, clock minutes, day periods, the unit of a range); then the quantity."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import Decimal

from ..width import is_wide
from .forms import CLOCK, DEGREE, HOUR_OR_CLOCK, SPACES, TIME, Lexicon, Quantity
from .numerals import HAN_RUN, ascii_digits, han_value, read_number
from .patterns import (
    CACHE_SIZE,
    ENDING,
    HOUR_MINUTES,
    MINUTES,
    NUMBER,
    SMALL_FRACTION,
    Token,
    alternation,
    boundary_ok,
    trie,
)


class TokenReading:
    """The token reading of :class:`~pipeline.text.quantities.reader.Reader`, which
    compiles these attributes from its lexicon."""

    lexicon: Lexicon
    units: dict[str, str]
    per_units: dict[str, str]
    prefix_units: dict[str, str]
    periods: dict[str, tuple[tuple[int, int], ...]]
    periods_before: dict[str, tuple[tuple[int, int], ...]]
    multipliers: dict[str, Decimal]
    words: dict[str, tuple[Decimal, str | None]]
    optional_words: frozenset[str]
    _glued: bool
    _unit_pattern: str
    _per: re.Pattern[str] | None
    _per_unit: re.Pattern[str] | None
    _prefix: re.Pattern[str] | None
    _period_after: re.Pattern[str] | None
    _period_before: re.Pattern[str] | None
    _clock_prefix: re.Pattern[str] | None
    _connector: re.Pattern[str]
    _multiplier: re.Pattern[str] | None
    _quantity_re: re.Pattern[str]
    _wide_words: re.Pattern[str] | None
    _word_first: frozenset[str]
    _has_words: bool
    _local_cache: dict[str, tuple]

    def _anywhere(self, word: str) -> bool:
        """Whether a number word is found anywhere in a text, not only as a whole word:
        CJK words, and the words of a script written without spaces (Thai สองครั้ง)."""
        return is_wide(word[0]) or (self.lexicon.glued and not word.isascii())

    @functools.cached_property
    def _word(self) -> re.Pattern[str]:
        """Number words (compiled on first need: most texts have none)."""
        end = "" if self._glued else "(?![^\\W\\d_])"  # Korean: 두번, 한달
        forms = trie(w for w in self.words if not self._anywhere(w))
        return re.compile(f"(?<![^\\W\\d_])(?:{forms}){end}", re.IGNORECASE)

    @functools.cached_property
    def _unit(self) -> re.Pattern[str] | None:
        return re.compile(self._unit_pattern, re.IGNORECASE) if self.units else None

    def _may_name_words(self, lower: str) -> bool:
        """Whether a lower-cased text has a word that may begin a number word (a quick
        look before the number-word pattern: most texts have none)."""
        return self._has_words and not self._word_first.isdisjoint(
            (lower.replace("-", " ") if "-" in lower else lower).split()
        )

    def _local_tokens(self, text: str) -> list[Token]:
        """The numbers of ``text`` with the multiplier and unit written after them: each
        match of the quantity pattern is read once per reader (the same "24 horas" recur)."""
        found = []
        cache = self._local_cache
        for match in self._quantity_re.finditer(text):
            written = match.group(0)
            local = cache.get(written)
            if local is None:
                if len(cache) > CACHE_SIZE:
                    cache.clear()
                local = cache[written] = tuple(self._read_local(written))
            start = match.start()
            found += [Token(start + a, start + b, *rest) for a, b, *rest in local]
        return found

    def _read_local(self, written: str) -> Iterable[tuple]:
        for token in self._digit_tokens(written):
            self._attach_local(written, token)
            yield (
                token.start,
                token.end,
                token.value,
                token.unit,
                token.minutes,
                token.clock,
                token.hour_capable,
            )

    def _digit_tokens(self, text: str) -> list[Token]:
        tokens = []
        for match in NUMBER.finditer(text):
            kind = match.lastgroup
            token = Token(match.start(), match.end(), None)
            if match.group("fn"):
                whole = Decimal(match.group("mixed") or 0)
                token.value = whole + Decimal(ascii_digits(match.group("fn"))) / Decimal(
                    ascii_digits(match.group("fd"))
                )
            elif match.group("num"):
                numerator, denominator = (int(ascii_digits(match.group(g))) for g in ("num", "den"))
                decimal = (
                    self._extra_decimal(match.group(0)) if self.lexicon.extra_decimals else None
                )
                if decimal is not None:  # Persian ۲/۵: 2.5
                    token.value = decimal
                elif 0 < numerator < denominator <= SMALL_FRACTION:
                    token.value = Decimal(numerator) / Decimal(denominator)
                else:  # two numbers: 24/7, 12/25
                    first = match.group("num")
                    tokens.append(
                        Token(
                            match.start(), match.start() + len(first), Decimal(ascii_digits(first))
                        )
                    )
                    token = Token(
                        match.end() - len(match.group("den")),
                        match.end(),
                        Decimal(ascii_digits(match.group("den"))),
                    )
            elif match.group("h"):
                hour, minute = (
                    int(ascii_digits(match.group("h"))),
                    int(ascii_digits(match.group("m"))),
                )
                if hour <= 24 and minute < 60:
                    token.value, token.minutes, token.clock = Decimal(hour), minute, True
                else:
                    token.value = None
            else:
                written = match.group("n").rstrip(SPACES)
                token.end = match.start() + len(written)
                token.value = read_number(written, self.lexicon)
                if token.value is None and self.lexicon.extra_decimals:
                    token.value = self._extra_decimal(written)
            del kind
            tokens.append(token)
        return tokens

    def _extra_decimal(self, written: str) -> Decimal | None:
        """Persian ``۲/۵``: a slash between the locale's own digits as a decimal point."""
        for sep in self.lexicon.extra_decimals:
            head, found, tail = written.partition(sep)
            if found and not head.isascii() and head.isdigit() and tail.isdigit():
                return Decimal(f"{ascii_digits(head)}.{ascii_digits(tail)}")
        return None

    def _word_tokens(self, text: str, digits: list[Token]) -> list[Token]:
        lower = text.lower()
        found: list[Token] = []
        if self._may_name_words(lower):
            for match in self._word.finditer(lower):
                found.append(self._word_token(match.start(), match.end(), match.group(0)))
        if self._wide_words is not None:
            spans = None
            for match in self._wide_words.finditer(lower):
                if self.lexicon.glued and not match.group(0).isascii():
                    # a word inside a longer day-period word is part of it (Thai
                    # ก่อนเที่ยง, before noon, holds เที่ยง, noon)
                    spans = self._period_spans(lower) if spans is None else spans
                    if any(
                        a <= match.start() and match.end() <= b and b - a > len(match.group(0))
                        for a, b in spans
                    ):
                        continue
                found.append(self._word_token(match.start(), match.end(), match.group(0)))
        if self.lexicon.han_numerals and HAN_RUN.search(text):
            for match in HAN_RUN.finditer(text):
                if any(t.start <= match.start() < t.end for t in found):
                    continue
                value = han_value(match.group(0))
                if value is not None:
                    found.append(
                        Token(match.start(), match.end(), value, word=True, optional=value == 1)
                    )
        taken = [(t.start, t.end) for t in digits]
        return [t for t in found if not any(s < t.end and t.start < e for s, e in taken)]

    def _period_spans(self, lower: str) -> list[tuple[int, int]]:
        """Where the day-period words of the lexicon are written in a lower-cased text."""
        forms = {**self.periods, **self.periods_before}
        if not forms:
            return []
        return [m.span() for m in re.finditer(alternation(forms), lower)]

    def _word_token(self, start: int, end: int, word: str) -> Token:
        value, unit = self.words[word]
        token = Token(start, end, value, word=True, optional=word in self.optional_words)
        if unit:
            self._set_unit(token, unit)
        return token

    def _set_unit(self, token: Token, unit: str) -> None:
        if unit == CLOCK:
            token.clock = True
        elif unit == HOUR_OR_CLOCK:
            token.unit, token.hour_capable = "hour", True
        else:
            token.unit = unit

    def _attach_local(self, text: str, token: Token) -> int:
        """The multiplier and unit written right after a number (``text`` holds no more
        than one match of the quantity pattern: the result is cached); returns where the
        quantity ends."""
        pos = token.end
        if self._multiplier is not None and token.unit is None and token.value is not None:
            match = self._multiplier.match(text, pos)
            if match:
                token.value *= self.multipliers[match.group(1).lower()]
                pos = token.end = match.end()
                token.word = False  # "ڈیڑھ لاکھ", "1,5 লাখ": a number, bound or not
        if token.unit is None and not token.clock or token.clock and token.minutes is not None:
            match = self._unit.match(text, pos) if self._unit is not None else None
            if match:
                unit = self.units[match.group(1).lower()]
                if not (token.clock and unit not in (CLOCK, HOUR_OR_CLOCK)):
                    self._set_unit(token, unit)
                    if unit == CLOCK:
                        self._clock_decimal(text, token)
                    if token.clock and token.unit == "hour":
                        token.unit = None  # "7:00 h": the clock time, said again
                    pos = token.end = match.end()
        return pos

    def _attach_context(self, text: str, token: Token) -> None:
        """What the words around a quantity say: clock minutes (7 h 30), a unit or clock
        word before it (摄氏38度, a las 7), its day period. Only a bare number, a degree
        or a clock-like quantity looks around."""
        if token.value is None:
            return
        pos = token.end
        if (
            token.unit is not None
            and pos < len(text)
            and (text[pos] == "/" or self._per is not None or self._per_unit is not None)
        ):
            pos = self._compound(text, token, pos)
        clockish = token.hour_capable or token.clock
        if clockish and token.minutes is None:
            minutes = MINUTES.match(text, pos)
            if minutes and int(ascii_digits(minutes.group(1))) < 60:  # 7 h 30
                token.minutes, token.clock, token.unit = (
                    int(ascii_digits(minutes.group(1))),
                    True,
                    None,
                )
                pos = token.end = minutes.end()
        bare = token.unit is None or token.unit == DEGREE
        if not (clockish or bare or token.unit == "hour"):
            return
        window = text[max(0, token.start - 24) : token.start]
        if bare:
            ending = ENDING.match(text, pos)
            if ending:  # 8-ին, 8-da: what follows the ending is what follows the number
                pos = ending.end()
        if self._prefix is not None and bare:
            match = self._prefix.search(window)
            unit = self.prefix_units[match.group(1).lower()] if match else None
            # a day period right after the number makes it a clock hour, not a count of
            # the days or weeks before it (כל יום בשמונה בערב: every day at eight pm)
            if unit is not None and not (
                unit in _SPANS
                and self._period_after is not None
                and self._period_after.match(text, pos)
            ):
                self._set_unit(token, unit)
        if (
            self._clock_prefix is not None
            and token.unit is None
            and not token.clock
            and token.value <= 24
            and self._clock_prefix.search(window)
        ):
            token.clock, token.minutes = True, token.minutes or 0
        self._attach_period(text, token, pos, window)

    @staticmethod
    def _clock_decimal(text: str, token: Token) -> None:
        """``7.30 Uhr``: hours and minutes, not a decimal number."""
        match = HOUR_MINUTES.fullmatch(ascii_digits(text[token.start : token.end]))
        if match and token.minutes is None and int(match.group(2)) < 60:
            token.value, token.minutes = Decimal(int(match.group(1))), int(match.group(2))

    def _compound(self, text: str, token: Token, pos: int) -> int:
        """``mg/kg``, ``mL/h``, ``mcg/kg/min`` (and, where the lexicon says so, ``mg per
        kg``, ``mL per hour``): a unit per another unit, read whole."""
        while self._unit is not None and pos < len(text):
            whole = self._per_unit.match(text, pos) if self._per_unit is not None else None
            if whole and boundary_ok(text, whole.end(), self._glued, whole.group(1)):
                per_unit = self.per_units[whole.group(1).lower()]  # "на годину", "لشعة"
                token.unit = f"{token.unit}/{per_unit}"
                pos = token.end = whole.end()
                continue
            slash = text[pos] == "/"
            start, word = (pos + 1, "/") if slash else (None, None)
            if start is None and self._per is not None:
                per = self._per.match(text, pos)
                start, word = (
                    (per.end(), per.group(0).strip(SPACES).lower()) if per else (None, None)
                )
            if start is None:
                return pos
            match = self._unit.match(text, start)
            if not match or match.start(1) != start:
                return pos
            per_unit = self.units[match.group(1).lower()]
            if per_unit == HOUR_OR_CLOCK:
                per_unit = "hour"
            if not (
                slash
                or per_unit in _BODY_UNITS
                or (word not in ("a", "each") and per_unit in _RATE_DENOMINATORS)
            ):
                return pos
            token.unit = f"{token.unit}/{per_unit}"
            pos = token.end = match.end()
        return pos

    def _attach_period(self, text: str, token: Token, pos: int, window: str) -> None:
        if token.value is None:
            return
        whole = token.value == token.value.to_integral_value()
        timelike = (
            token.clock
            or token.hour_capable
            or (token.unit is None and whole and 0 < token.value <= 24)
        )
        # hours followed by a day period say the clock hour ("v 8 hodin večer"); the hours
        # stay a reading too (a day period may follow a duration)
        hours = token.unit == "hour" and not timelike and whole and 0 < token.value <= 12
        if not (timelike or hours):
            return
        found = None
        if self._period_after is not None:
            match = self._period_after.match(text, pos)
            if match and boundary_ok(text, match.end(), self._glued, match.group(1)):
                found = self.periods[match.group(1).lower()]
                token.end = match.end()
        if hours:
            if found:
                token.periods, token.clock, token.also_hours = found, True, True
                token.minutes, token.unit = 0, None
            return
        if found is None and self._period_before is not None:
            match = self._period_before.search(window)
            if match:
                found = self.periods_before[match.group(1).lower()]
        if found:
            token.periods, token.clock = found, True
            token.minutes = token.minutes or 0
            if token.unit == "hour" and token.hour_capable:
                token.unit = None

    def _propagate(self, text: str, tokens: list[Token]) -> None:
        """A bare number opening a range takes the unit (or day period) of its end:
        "2 to 8 °C", "1-2 tablets", "dos o tres días", "7 a 9 de la noche"."""
        for index in range(len(tokens) - 2, -1, -1):
            first, second = tokens[index], tokens[index + 1]
            if first.unit is not None or first.clock or first.value is None:
                continue
            between = text[first.end : second.start]
            match = self._connector.fullmatch(between)
            if not match:
                continue
            if second.unit is not None:
                first.unit, first.hour_capable = second.unit, second.hour_capable
            elif second.clock and second.periods:
                first.clock, first.periods, first.minutes = True, second.periods, 0

    def _quantity(
        self, text: str, token: Token, index: int, tokens: list[Token]
    ) -> Quantity | None:
        written = text[token.start : token.end].strip(SPACES)
        if token.value is None:
            return Quantity(None, None, written, (), False, token.start, token.end)
        if token.word and token.unit is None and not token.clock:
            return None  # a number word not bound to a unit ("los dos": both)
        readings: list[tuple[Decimal, str | None]] = []
        if token.clock:
            readings += [(Decimal(m), TIME) for m in _clock_minutes(token, self.lexicon.clock_from)]
        unit = "°C" if token.unit == DEGREE else token.unit
        if not token.clock or not readings:
            readings.append((token.value, unit))
        if token.also_hours:
            readings.append((token.value, "hour"))
        if token.hour_capable and not token.clock and token.value <= 24:
            readings.append((token.value * 60, TIME))  # "19 h", "7 giờ": also o'clock
        optional = token.optional or (
            token.value == 1 and self._is_rate(text, token, index, tokens)
        )
        value, first = readings[0]
        dayperiod = token.clock and (bool(token.periods) or not 0 < token.value <= 12)
        return Quantity(
            value,
            first,
            written,
            tuple(dict.fromkeys(readings)) if len(readings) > 1 else (readings[0],),
            optional,
            token.start,
            token.end,
            dayperiod,
        )

    @staticmethod
    def _is_rate(text: str, token: Token, index: int, tokens: list[Token]) -> bool:
        """ "1日2回", "1일 2회", "一天两次": a one-day (one-dose) frame before a count."""
        if token.value != 1 or token.unit not in RATE_UNITS or index + 1 >= len(tokens):
            return False
        gap = text[token.end : tokens[index + 1].start]
        return len(gap.strip(SPACES + "にに에에의")) == 0 and len(gap) <= 2


_SPANS = frozenset({"day", "week", "month", "year"})
_BODY_UNITS = frozenset({"kg", "m2", "lb"})  # "mg per kg": a dose per body weight or area
# "mL per hour": the time in a rate's denominator (only after "per", not "a": "2 L a day"
# is a limit whose period the period check compares)
_RATE_DENOMINATORS = frozenset({"second", "minute", "hour", "day", "week"})
RATE_UNITS = frozenset({"day", "week", "month", "time", "dose", "hour", "kg", "m2"})


def _clock_minutes(token: Token, clock_from: int = 0) -> list[int]:
    """Minutes after midnight a clock time can be, given its day period (on a native clock
    counted from ``clock_from``, an hour said with its day period is that many later:
    Swahili saa mbili usiku, 8 pm)."""
    assert token.value is not None  # only a token with a value is read as a time
    hour, minute = int(token.value), token.minutes or 0
    if clock_from and token.periods and 0 < hour <= 12:
        hour = (hour + clock_from) % 12
    if not token.periods:
        return [hour % 24 * 60 + minute]
    if hour > 12:
        return [hour * 60 + minute]
    # the half of the day the period is in, or nearest to: CLDR's night may begin at 21
    # where a translator writes "ਰਾਤ 8 ਵਜੇ" (8 at night)
    candidates = [hour % 12, hour % 12 + 12]
    best = min(candidates, key=lambda h: min(_distance(h, span) for span in token.periods))
    return [best * 60 + minute]


def _distance(hour: int, span: tuple[int, int]) -> int:
    """Hours from ``hour`` to the nearest hour of a day period (0 within it)."""
    if _within(hour, span):
        return 0
    begin, before = span
    last = (before - 1) % 24 if before != begin else begin
    return min(min((hour - h) % 24, (h - hour) % 24) for h in (begin, last))


def _within(hour: int, span: tuple[int, int]) -> bool:
    begin, before = span
    if begin == before:
        return hour == begin
    if begin < before:
        return begin <= hour < before
    return hour >= begin or hour < before  # a night that runs past midnight
