"""Plural forms: the standard table translators' tools use, and the ``Plural-Forms`` header.

``init`` takes a new catalog's Plural-Forms from the pinned ``weblate-language-data``
(what Weblate creates and, for the languages of our handouts, Poedit and GNU msginit
too), not from Babel's conversion of CLDR rules, whose formulas and form counts drift
between releases. Every catalog's header is validated where it is read: a formula that
cannot be evaluated, or that picks a form the catalog does not have, is an error, never
a crash in the build.

A catalog whose formula differs from the standard one keeps its own: changing a header
silently would reinterpret every ``msgstr[i]``. :func:`remap` migrates such a catalog by
evaluating both formulas, and refuses when no one-to-one mapping of forms exists.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from weblate_language_data.aliases import ALIASES
from weblate_language_data.languages import LANGUAGES

MAX_FORMS = 6  # no language has more (Arabic, Welsh)
CHECKED_UP_TO = 10_000  # formulas are evaluated for n = 0..CHECKED_UP_TO
MAX_LENGTH = 500  # characters of a Plural-Forms value
_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.S)


class PluralFormsError(ValueError):
    """A Plural-Forms value that cannot be used (the message says why)."""


@dataclass(frozen=True)
class PluralRule:
    """``nplurals`` and the C expression that picks a form for ``n``."""

    count: int
    expression: str

    @property
    def header(self) -> str:
        """The header value, written as Weblate and msginit write it."""
        expression = self.expression
        if not (expression.startswith("(") and _balanced_outer(expression)):
            expression = f"({expression})"
        return f"nplurals={self.count}; plural={expression};"

    @property
    def function(self) -> Callable[[int], int]:
        return _compiled(self.expression)

    def index(self, n: int) -> int:
        return self.function(n)

    def table(self) -> tuple[int, ...]:
        """The form chosen for every n in 0..CHECKED_UP_TO (how two rules are compared)."""
        return _table(self.expression)

    def same_as(self, other: PluralRule) -> bool:
        """Whether both rules pick the same form for every checked n."""
        return self.count == other.count and self.table() == other.table()


def _balanced_outer(expression: str) -> bool:
    """Whether the first '(' closes at the very end: '(a) ? (b) : c' is not wrapped."""
    depth = 0
    for position, char in enumerate(expression):
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return position == len(expression) - 1
    return False


@lru_cache(maxsize=256)
def _compiled(expression: str) -> Callable[[int], int]:
    return gettext.c2py(expression)  # a whitelist of C tokens, not eval of the text


@lru_cache(maxsize=256)
def _table(expression: str) -> tuple[int, ...]:
    function = _compiled(expression)
    return tuple(function(n) for n in range(CHECKED_UP_TO + 1))


@lru_cache(maxsize=1024)
def parse_plural_forms(value: str) -> PluralRule:
    """The rule of a ``Plural-Forms`` header value; PluralFormsError if unusable.

    Usable means: ``nplurals`` from 1 to 6, an expression GNU gettext's grammar accepts,
    and for every n from 0 to 10,000 an index below ``nplurals`` (no division by zero)."""
    if len(value) > MAX_LENGTH:
        raise PluralFormsError(
            f"Plural-Forms is {len(value):,} characters long (at most {MAX_LENGTH})"
        )
    match = _HEADER.match(value)
    if not match:
        raise PluralFormsError("Plural-Forms must read 'nplurals=N; plural=EXPRESSION;'")
    count, expression = int(match.group(1)), match.group(2).strip()
    if not 1 <= count <= MAX_FORMS:
        raise PluralFormsError(f"nplurals={count}: a language has 1 to {MAX_FORMS} plural forms")
    try:
        function = _compiled(expression)
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        raise PluralFormsError(
            f"the plural expression '{_short(expression)}' is not a valid C expression of n"
        ) from None
    for n in range(CHECKED_UP_TO + 1):
        try:
            index = function(n)
        except ZeroDivisionError:
            raise PluralFormsError(f"the plural expression divides by zero for n={n}") from None
        except (ArithmeticError, TypeError, ValueError, RecursionError):
            raise PluralFormsError(f"the plural expression cannot be evaluated for n={n}") from None
        if not 0 <= index < count:
            raise PluralFormsError(
                f"the plural expression picks form {index} for n={n}, "
                f"but nplurals={count} (forms 0 to {count - 1})"
            )
    return PluralRule(count, expression)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- the standard table ----------------------------------------------------------------


@lru_cache(maxsize=1)
def _languages() -> dict[str, tuple[int, str]]:
    return {code: (count, formula) for code, _name, count, formula in LANGUAGES}


def _candidates(locale: str) -> list[str]:
    """Codes to look up in Weblate's table, most specific first (``zh_CN`` ->
    ``zh_Hans`` through Weblate's aliases; ``sr@latin`` -> ``sr_Latn``)."""
    language = re.split(r"[_@]", locale)[0]
    found = [locale]
    alias = ALIASES.get(locale.lower())
    if alias:
        found.append(alias)
    found.append(language)
    alias = ALIASES.get(language)
    if alias:
        found.append(alias)
    return list(dict.fromkeys(found))


def standard_rule(locale: str) -> PluralRule | None:
    """The rule Weblate (and Poedit, msginit) creates for ``locale``; None if unknown."""
    table = _languages()
    for code in _candidates(locale):
        if code in table:
            count, formula = table[code]
            return PluralRule(count, formula)
    return None


def standard_plural_forms(locale: str) -> str:
    """The ``Plural-Forms`` value for a new catalog of ``locale``."""
    rule = standard_rule(locale)
    if rule is None:
        raise PluralFormsError(f"no standard plural forms for '{locale}' in weblate-language-data")
    return rule.header


# --- migrating a catalog to the standard rule ---------------------------------------------


def remap(old: PluralRule, new: PluralRule) -> tuple[int, ...]:
    """For each form of ``new``, the form of ``old`` that holds its text: under both
    rules every n then shows the same text. PluralFormsError when a new form would need
    two old ones (no one-to-one mapping)."""
    sources: dict[int, set[int]] = {}
    for old_index, new_index in zip(old.table(), new.table(), strict=True):
        sources.setdefault(new_index, set()).add(old_index)
    mapping = []
    for new_index in range(new.count):
        found = sources.get(new_index, set())
        if len(found) != 1:
            reason = (
                "no n picks it"
                if not found
                else "it stands for n that the old rule sends to forms "
                + ", ".join(map(str, sorted(found)))
            )
            raise PluralFormsError(f"cannot migrate: new form {new_index}: {reason}")
        mapping.append(found.pop())
    return tuple(mapping)
