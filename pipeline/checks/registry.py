"""The check registry's machinery: what a check sees, what a registered check is, and
groups of checks assembled into one registry.

Each check receives one translated entry (:class:`EntryContext`) and returns its
messages, most often none (a list: a generator per check and entry cost about 2% of a
large check); a catalog-level check receives every translated entry of a catalog at once and
yields (entry, message) pairs. Severity is data in the registry: ``error`` blocks
publication, ``warning`` is reported. A translator silences a *warning* on one entry
with the flag ``#, handouts-allow-<check-id>`` (for example
``#, handouts-allow-doubled-word``); nothing silences an error. The registry itself,
in the order the reports list the checks, is :data:`pipeline.checks.rules.REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..model import Message, Severity
from ..source.glossary import Glossary

ALLOW_FLAG = "handouts-allow-"
UNSILENCEABLE = frozenset({"allow-flag", "review-mark"})  # reports bogus flags; forged marks
Scope = Literal["entry", "catalog", "header"]


@dataclass(frozen=True)
class EntryContext:
    """What a check may look at: the locale, the source, the translation, the entry."""

    locale: str
    message: Message
    source: str
    translation: str
    safety: bool
    glossary: Glossary


CheckFunction = Callable[[EntryContext], list[str]]
CatalogCheckFunction = Callable[[list[EntryContext]], Iterable[tuple[EntryContext, str]]]


@dataclass(frozen=True)
class Check:
    """One registered check: its id, severity, function and scope (entry or catalog)."""

    id: str
    severity: Severity
    function: Callable
    scope: Scope = "entry"

    @property
    def title(self) -> str:
        """The user-facing title: the first line of the function's docstring."""
        return (self.function.__doc__ or self.id).strip().splitlines()[0]


class Group:
    """Checks of one kind, registered in the order a module writes them."""

    def __init__(self) -> None:
        self.checks: list[Check] = []

    def check(
        self, check_id: str, severity: Severity, scope: Scope = "entry"
    ) -> Callable[[Callable], Callable]:
        """Register a check under ``check_id`` with its ``severity`` (and ``scope``)."""

        def register(function: Callable) -> Callable:
            self.checks.append(Check(check_id, severity, function, scope))
            return function

        return register


def registry_of(*groups: Group) -> dict[str, Check]:
    """Every check of ``groups``, by id, in their order (each id once)."""
    found: dict[str, Check] = {}
    for group in groups:
        for item in group.checks:
            if item.id in found:
                raise ValueError(f"check '{item.id}' registered twice")
            found[item.id] = item
    return found


def silenced(item: Check, message: Message) -> bool:
    """Only a warning can be silenced, and only by its own flag on the entry; the check
    that reports bogus allow flags cannot be."""
    return (
        item.severity == "warning"
        and item.id not in UNSILENCEABLE
        and f"{ALLOW_FLAG}{item.id}" in message.flags
    )
