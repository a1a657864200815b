"""Fuzzy matching for ``update``: the vanished entry whose English is most like a new
msgid, strict (no guesses from weak matches) and never across msgctxt or between a
singular and a plural entry.

:func:`_best_fuzzy` is the reference scan; :class:`FuzzyIndex` finds the same answer
without comparing a new msgid with every candidate.
"""

from __future__ import annotations

import bisect
import re
from difflib import SequenceMatcher

from ..model import Message

FUZZY_THRESHOLD = 0.8  # stricter than msgmerge's 0.6: no guesses from weak matches


def similarity(a: str, b: str) -> float:
    """How alike two source texts are (0..1), cheap bounds first."""
    shorter, longer = sorted((len(a), len(b)))
    if longer == 0 or 2 * shorter / (shorter + longer) < FUZZY_THRESHOLD:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def _best_fuzzy(new: Message, candidates: list[Message]) -> Message | None:
    """The reference scan: the most similar candidate (the first of equals) at or above
    the threshold. :class:`FuzzyIndex` finds the same one without comparing them all."""
    best, best_score = None, FUZZY_THRESHOLD
    for candidate in candidates:
        if candidate.msgctxt != new.msgctxt or (candidate.msgid_plural is None) != (
            new.msgid_plural is None
        ):
            continue
        score = similarity(new.msgid, candidate.msgid)
        if score >= best_score and (best is None or score > best_score):
            best, best_score = candidate, score
    return best


def _lcs_length(a: str, b_masks: dict[str, int], b_length: int) -> int:
    """Length of a longest common subsequence of ``a`` and b (bit-parallel, Hyyro 2004);
    ``b_masks``: for each character of b, the bit set of its positions."""
    full = (1 << b_length) - 1
    row = full
    for char in a:
        matches = row & b_masks.get(char, 0)
        row = ((row + matches) | (row - matches)) & full
    return b_length - row.bit_count()


_BIGRAM_WORD = re.compile(r"\w+")
_SEED_DF = 4  # word pairs in at most this many candidates point to likely matches


class FuzzyIndex:
    """The choice of :func:`_best_fuzzy` over a fixed list of candidates, without
    comparing a new msgid with every candidate (which made update quadratic).

    Candidates sharing rare word pairs with the new msgid are scored first; every other
    candidate is scored only if two upper bounds of its similarity leave it a chance to
    win or tie: the length ratio, then the longest common subsequence (SequenceMatcher's
    matching blocks are a common subsequence). Pruning only skips candidates that cannot
    beat, or tie earlier than, the best so far, so the answer is the scan's answer.
    """

    def __init__(self, candidates: list[tuple[str | None, str, bool]]):
        self.texts = [msgid for _, msgid, _ in candidates]
        self.groups: dict[tuple[str | None, bool], list[int]] = {}
        for index, (context, _, plural) in enumerate(candidates):
            self.groups.setdefault((context, plural), []).append(index)
        self.by_length = {
            group: sorted(members, key=lambda i: len(self.texts[i]))
            for group, members in self.groups.items()
        }
        self.pairs: dict[tuple[str | None, bool], dict[tuple[str, str], list[int]]] = {}
        for group, members in self.groups.items():
            postings: dict[tuple[str, str], list[int]] = {}
            for index in members:
                for pair in self._pairs(self.texts[index]):
                    postings.setdefault(pair, []).append(index)
            self.pairs[group] = {p: ids for p, ids in postings.items() if len(ids) <= _SEED_DF}
        self.masks: dict[int, dict[str, int]] = {}
        self.answers: dict[tuple[str | None, str, bool], int | None] = {}

    @staticmethod
    def _pairs(text: str) -> set[tuple[str, str]]:
        words = _BIGRAM_WORD.findall(text.lower())
        return set(zip(words, words[1:], strict=False))

    def _lcs(self, text: str, index: int) -> int:
        if index not in self.masks:
            masks: dict[str, int] = {}
            for position, char in enumerate(self.texts[index]):
                masks[char] = masks.get(char, 0) | (1 << position)
            self.masks[index] = masks
        return _lcs_length(text, self.masks[index], len(self.texts[index]))

    def best(self, context: str | None, msgid: str, plural: bool) -> int | None:
        """Position of the candidate :func:`_best_fuzzy` would choose, or None."""
        key = (context, msgid, plural)
        if key not in self.answers:
            self.answers[key] = self._search(context, msgid, plural)
        return self.answers[key]

    def _search(self, context: str | None, msgid: str, plural: bool) -> int | None:
        group = (context, plural)
        if group not in self.groups:
            return None
        best: int | None = None
        best_score = FUZZY_THRESHOLD
        seen: set[int] = set()

        def may_win(bound: float, index: int) -> bool:
            if best is None:
                return bound >= FUZZY_THRESHOLD
            return bound > best_score or (bound == best_score and index < best)

        def consider(index: int) -> None:
            nonlocal best, best_score
            seen.add(index)
            text = self.texts[index]
            total = len(msgid) + len(text)
            if (
                total == 0
                or not may_win(2 * min(len(msgid), len(text)) / total, index)
                or not may_win(2.0 * self._lcs(msgid, index) / total, index)
            ):
                return
            score = similarity(msgid, text)
            if score >= FUZZY_THRESHOLD and (
                best is None or score > best_score or (score == best_score and index < best)
            ):
                best, best_score = index, score

        votes: dict[int, int] = {}
        postings = self.pairs[group]
        for pair in self._pairs(msgid):
            for index in postings.get(pair, ()):
                votes[index] = votes.get(index, 0) + 1
        for index in sorted(votes, key=lambda i: (-votes[i], i))[:3]:
            consider(index)
        ordered = self.by_length[group]
        lengths = [len(self.texts[i]) for i in ordered]
        low = best_score * len(msgid) / (2 - best_score)  # the length bound's window
        high = (2 - best_score) * len(msgid) / best_score
        for index in ordered[
            bisect.bisect_left(lengths, low - 1) : bisect.bisect_right(lengths, high + 1)
        ]:
            if index not in seen:
                consider(index)
        return best


_INDEX_CACHE: dict[tuple[tuple[str | None, str, bool], ...], FuzzyIndex] = {}


def fuzzy_index(candidates: list[Message]) -> FuzzyIndex:
    """The index of these candidates; reused while the next catalog has the same ones
    (catalogs of different locales usually lose the same entries)."""
    key = tuple((m.msgctxt, m.msgid, m.msgid_plural is None) for m in candidates)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = FuzzyIndex(list(key))
    return _INDEX_CACHE[key]
