"""What the gate found: each locale's coverage, findings and blocking entries, and the
report's verdict and exit code (:class:`CheckReport`). Data only: the reading is
:mod:`.reading`, the judging :mod:`.judging`, the presentations beside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import HandoutError
from ...model import Finding, Key
from ...source.readability import Translated
from ..coverage import Coverage, count_states
from ..policy import LocalePolicy

EXIT_OK, EXIT_FAILED, EXIT_BROKEN = 0, 1, 2


@dataclass(frozen=True)
class Scope:
    """What the template asks for: its keys, each drug's handout keys
    (:func:`~pipeline.source.interface.handout_keys`), the safety-critical keys."""

    template: tuple[Key, ...]
    drugs: dict[str, tuple[Key, ...]]
    safety: frozenset[Key]
    complete: dict[str, Coverage] = field(default_factory=dict)  # a drug's, all translated

    @classmethod
    def of(
        cls, template: tuple[Key, ...], drugs: dict[str, tuple[Key, ...]], safety: frozenset[Key]
    ) -> Scope:
        """With each drug's coverage when every text is translated (most locales, most
        handouts): a locale then counts only the handouts its untranslated texts touch."""
        known = set(template)
        complete = {
            drug: count_states(keys, lambda key: "translated")
            for drug, keys in drugs.items()
            if known.issuperset(keys)
        }  # not reviewed
        return cls(template, drugs, safety, complete)


@dataclass(frozen=True)
class DrugResult:
    drug: str
    coverage: Coverage
    publishable: bool
    blocked: int = 0  # of its translated texts, those an error finding holds back

    def ready(self, needs_review: bool) -> int:
        """Texts ready to publish: translated (or reviewed) and free of errors."""
        return ready_counts(self.coverage, needs_review)[0] - self.blocked


@dataclass(frozen=True)
class Blocker:
    """One entry that keeps a locale from passing: an error finding (``check`` set) or
    a state (``untranslated``, ``blank``, ``fuzzy``, ``missing``, ``unreviewed``), at
    ``path:line`` of the catalog (line 0: the entry is missing, run `handouts update`)."""

    path: str
    line: int
    state: str | None
    message: str
    check: str | None = None
    safety: bool = False
    source: str = ""  # the English text of the entry (empty when a finding says it)

    @property
    def rank(self) -> tuple[int, int, int]:
        """Most important first: safety-critical errors, other errors, then states
        (safety-critical entries first), each in file order."""
        kind = (0 if self.safety else 1) if self.check else (2 if self.safety else 3)
        return (kind, STATE_ORDER.get(self.state or "", 0), self.line or 1 << 30)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        critical = " (safety-critical)" if self.safety else ""
        if self.check:
            return f"{self.where}: error: [{self.check}]{critical} {self.message}"
        hint = ": run `handouts update`" if self.state == "missing" else ""
        return f"{self.where}: {self.state}{critical}{hint}: {self.excerpt}"

    @property
    def excerpt(self) -> str:
        """The start of the entry's English text, quoted on one line."""
        text = " ".join(self.source.split())
        return '"' + (text if len(text) <= 60 else text[:59] + "\u2026") + '"'


STATE_ORDER = {"fuzzy": 0, "blank": 1, "untranslated": 2, "missing": 3, "unreviewed": 4}
STATE_MESSAGES = {
    "fuzzy": "fuzzy: check the translation against the changed English, then remove the fuzzy flag",
    "blank": "the translation has no visible content",
    "untranslated": "not translated",
    "missing": "not in the catalog: run `handouts update`",
    "unreviewed": "translated, not reviewed (this locale publishes reviewed entries only)",
}


@dataclass(frozen=True)
class LocaleResult:
    """One locale's coverage, findings, and the reasons it misses its policy."""

    locale: str
    policy: LocalePolicy
    path: str
    coverage: Coverage = field(default_factory=Coverage)
    drugs: tuple[DrugResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    problems: tuple[str, ...] = ()
    broken: HandoutError | None = None  # the catalog cannot be read: why (file:line)
    readability: Translated | None = None  # advisory, never blocking
    blockers: tuple[Blocker, ...] = ()  # of a failing locale, most important first

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def passed(self) -> bool:
        return not self.problems and self.broken is None

    @property
    def fails_ci(self) -> bool:
        return self.policy.required and not self.passed

    @property
    def result(self) -> str:
        if self.broken is not None:
            return "BROKEN"
        if self.passed:
            return "pass"
        return "FAIL" if self.policy.required else "draft"

    @property
    def confirmed(self) -> list[Finding]:
        """Quantity findings a listed reviewer confirmed (reported, not blocking)."""
        return [f for f in self.findings if f.confirmed is not None]

    def failures(self, check_id: str) -> list[Finding]:
        return [f for f in self.findings if f.check == check_id]


@dataclass(frozen=True)
class CheckReport:
    template: str
    template_stale: bool
    locales: tuple[LocaleResult, ...]

    @property
    def passed(self) -> bool:
        return (
            not self.template_stale
            and not self.broken
            and not any(r.fails_ci for r in self.locales)
        )

    @property
    def broken(self) -> list[LocaleResult]:
        """Locales whose catalog cannot be read: bad input, whatever the policy."""
        return [r for r in self.locales if r.broken is not None]

    @property
    def exit_code(self) -> int:
        if self.broken:
            return EXIT_BROKEN
        return EXIT_OK if self.passed else EXIT_FAILED


def ready_counts(cov: Coverage, needs_review: bool) -> tuple[int, int]:
    """(entries, words) ready to publish under the policy."""
    return (cov.reviewed, cov.reviewed_words) if needs_review else (cov.done, cov.done_words)
