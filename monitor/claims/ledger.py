"""The ledger of the known claims of a story, and judging one sentence against it."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from monitor.claims.actors import _masked_frame, actor_difference
from monitor.claims.change import _may_share_frame, adds_negated_clause, adds_number, change_kind
from monitor.claims.features import _LATER_CONTAINED, DEFAULT_MODEL, ParaphraseModel, pair_features
from monitor.claims.normalize import _ATTRIBUTION_STEMS, STOPWORDS, content_stem, normalize
from monitor.claims.prepare import Prepared, prepare
from monitor.claims.restate import _CONCEPT, claim_concepts, concepts, strip_reporting_frame
from monitor.claims.reversal import (
    agreement,
    may_be_reversed,
    may_reverse,
    may_turn,
    modal_negation,
    reversal_kind,
)
from monitor.claims.segment import clauses, segment
from monitor.settings import ClaimSettings

# A reversal keeps the rest of the claim: every reversal the rules find in the project's, the
# reversal and the two blind sets shares at least two thirds of the shorter sentence's core words
# with the claim it turns (0.67). Candidates sharing less than this share are not tried, which
# keeps the check off the many loosely related claims of a large story.
REVERSAL_MIN_CORE_OVERLAP = 0.6

# A sentence judged `seen` with a score (probability) below this stays in the ledger as another
# wording of its claim, so later coverage is compared with every way the story said it; from this
# score up it is near-identical to the claim and would only grow the ledger.
ALIAS_MAX_SCORE = 0.95


@dataclass(slots=True)
class Match:
    """The earlier claim a sentence was matched to."""

    sentence: str
    document: int | str
    score: float
    claim_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: sentence, document, score, and the claim id when the claim is stored."""
        out: dict[str, Any] = {
            "sentence": self.sentence,
            "document": self.document,
            "score": round(self.score, 3),
        }
        if self.claim_id is not None:
            out["claim_id"] = self.claim_id
        return out


@dataclass(slots=True)
class ClaimResult:
    """The verdict on one sentence of a later document."""

    sentence: str
    status: str  # new | seen | changed | skipped
    reason: str | None = None  # why skipped
    match: Match | None = None  # for new: the nearest earlier claim, when any was compared
    change: str | None = None  # for changed: one of CHANGE_KINDS
    confidence: float | None = None  # probability that the verdict is right (see docs/claims.md)
    uncertain: bool = False  # in the uncertain band: a `new` one is "possibly restated"

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `monitor claims diff`: reason when skipped, else confidence and match."""
        out: dict[str, Any] = {"sentence": self.sentence, "status": self.status}
        if self.status == "skipped":
            out["reason"] = self.reason
            return out
        if self.change is not None:
            out["change"] = self.change
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 3)
        out["uncertain"] = self.uncertain
        if self.match is not None:
            out["match"] = self.match.to_dict()
        return out


class _Entry:
    """A known claim: its blocking forms at once, its full matching forms when first compared."""

    # A ledger loaded from the database builds entries for every claim of a story, but compares a
    # new sentence with a few of them; preparing only those keeps a cold start cheap at 1M articles.
    __slots__ = (
        "_concepts",
        "_prepared",
        "alias",
        "claim_id",
        "content",
        "core",
        "document",
        "normalized",
        "text",
    )

    def __init__(
        self,
        text: str,
        normalized: str,
        content: frozenset[str],
        document: int | str,
        claim_id: int | None,
        prepared: Prepared | None = None,
        alias: bool = False,
    ) -> None:
        self.text = text
        self.normalized = normalized
        self.content = content
        self.core = (content - _ATTRIBUTION_STEMS) or content
        self.document = document
        self.claim_id = claim_id
        self._prepared = prepared
        self._concepts: frozenset[str] | None = None
        # Another wording of claim_id, from a sentence judged `seen`: matched, never stored.
        self.alias = alias

    @classmethod
    def of(cls, prepared: Prepared, document: int | str, claim_id: int | None) -> _Entry:
        """An entry for a sentence prepared in full already."""
        return cls(
            prepared.text, prepared.normalized, prepared.content, document, claim_id, prepared
        )

    @property
    def prepared(self) -> Prepared:
        if self._prepared is None:
            self._prepared = prepare(self.text)
        return self._prepared

    @property
    def concepts(self) -> frozenset[str]:
        """Role words of the claim's core (see monitor.claims.restate)."""
        if self._concepts is None:
            self._concepts = concepts(self.core)
        return self._concepts


def content_of_normalized(normalized: str) -> frozenset[str]:
    """The stemmed content words of a sentence already normalised (as stored in claims.normalized)."""
    return frozenset(content_stem(w) for w in normalized.split() if w not in STOPWORDS)


@dataclass(slots=True)
class Verdict:
    """What the ledger says about one prepared sentence."""

    status: str  # new | seen | changed
    entry_index: int | None = None  # the matched claim; for new, the nearest one compared
    score: float = 0.0
    change: str | None = None
    probability: float = 0.0  # the paraphrase model's probability for the entry's pair
    how: str = "model"  # model | exact | contained | clauses | coverage | frame | reversal

    @property
    def confidence(self) -> float:
        """The model probability mapped to the verdict's side: p for seen, 1 - p for new."""
        if self.status == "new":
            return 1.0 - self.probability
        return self.probability if self.status == "seen" else max(self.probability, self.score)

    def uncertain(self, settings: ClaimSettings) -> bool:
        """In the uncertain band: the nearest pair's probability is neither low nor high."""
        if self.status == "changed" or self.entry_index is None:
            return False
        p = self.probability * 100
        if self.status == "seen":
            return p < settings.uncertain_high_pct
        return p >= settings.uncertain_low_pct


# Earlier claims tried as the main claim a sentence restates, best covering first.
_COVERAGE_PRIMARY_TRIES = 5

# Up to this many posting ids, a block is counted in Python rather than with NumPy (measured
# on ledgers of 100 to 10,000 claims: the crossover is near 150 ids).
SMALL_BLOCK_IDS = 150


def _core_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared core words as a share of the shorter side's."""
    shorter = min(len(a), len(b))
    return len(a & b) / shorter if shorter else 0.0


class Ledger:
    """The known claims of one story, indexed on rare words so thousands stay fast to check."""

    def __init__(
        self, settings: ClaimSettings | None = None, model: ParaphraseModel = DEFAULT_MODEL
    ) -> None:
        self.settings = settings or ClaimSettings()
        self.model = model
        self.entries: list[_Entry] = []
        self.by_normalized: dict[str, int] = {}
        self.postings: dict[str, list[int]] = {}
        self._arrays: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, prepared: Prepared, document: int | str, claim_id: int | None = None) -> int:
        """Add a claim; return its index (the existing one when the same text is known)."""
        return self._add(_Entry.of(prepared, document, claim_id))

    def add_alias(self, prepared: Prepared, document: int | str, claim_id: int) -> int:
        """Add a sentence judged `seen` as another wording of CLAIM_ID (matched, never stored)."""
        # Without its prepared forms, as a stored claim is loaded: a wording is compared seldom,
        # and a cold cycle keeps thousands of them.
        text, normalized, content = prepared.text, prepared.normalized, prepared.content
        return self._add(_Entry(text, normalized, content, document, claim_id, alias=True))

    def add_stored(
        self,
        text: str,
        normalized: str | None,
        document: int | str,
        claim_id: int | None,
        alias: bool = False,
    ) -> int:
        """Add a stored claim (or ALIAS wording) by its text and normalised form.

        It is prepared in full only if compared; mentions stored before their normalised form
        was kept are normalised here.
        """
        normalized = normalize(text) if normalized is None else normalized
        content = content_of_normalized(normalized)
        return self._add(_Entry(text, normalized, content, document, claim_id, alias=alias))

    def claim_ids(self) -> list[int]:
        """The stored claims this ledger holds (not their other wordings)."""
        return [e.claim_id for e in self.entries if e.claim_id is not None and not e.alias]

    def _add(self, entry: _Entry) -> int:
        known = self.by_normalized.get(entry.normalized)
        if known is not None:
            return known
        index = len(self.entries)
        self.entries.append(entry)
        self.by_normalized[entry.normalized] = index
        for word in entry.content:
            self.postings.setdefault(word, []).append(index)
            # Also under its role word, so "missions" is a candidate for a sentence on "raids".
            role = _CONCEPT.get(word)
            if role is not None and role != word and role not in entry.content:
                self.postings.setdefault(role, []).append(index)
        return index

    def candidates(self, prepared: Prepared, words: frozenset[str] | None = None) -> list[int]:
        """Earlier claims sharing the most rare content words with the sentence (the block)."""
        limit = max(50, int(len(self.entries) * self.settings.common_word_max_share_pct / 100))
        postings = self.postings
        sized = sorted(
            [
                (len(ids), w)
                for w in (prepared.content if words is None else words)
                if (ids := postings.get(w)) is not None
            ]
        )
        if not sized:
            return []
        rare_sized = [(n, w) for n, w in sized if n <= limit][: self.settings.blocking_words]
        rare_sized = rare_sized or sized[:2]
        rare = [w for _, w in rare_sized]
        wanted = self.settings.candidate_limit
        needed = 1 if len(rare) <= 2 else 2
        if sum(n for n, _ in rare_sized) <= SMALL_BLOCK_IDS:
            # Counting a few hundred ids in Python beats building and binning arrays; a growing
            # ledger would also rebuild each word's array whenever its posting list grew.
            shared = Counter(chain.from_iterable([postings[w] for w in rare]))
            small = sorted([i for i, n in shared.items() if n >= needed])
            if len(small) > wanted:
                small = sorted(heapq.nlargest(wanted, small, key=lambda i: (shared[i], -i)))
            return small
        block = np.concatenate([self._posting_array(w) for w in rare])
        counts = np.bincount(block)
        found = np.flatnonzero(counts >= needed)
        if len(found) > wanted:
            # The most shared words first, the earliest claim first among equals (as above).
            found = np.sort(found[np.lexsort((found, -counts[found]))[:wanted]])
        return [int(i) for i in found]

    def _posting_array(self, word: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        cached = self._arrays.get(word)
        postings = self.postings[word]
        if cached is None or len(cached) != len(postings):
            cached = self._arrays[word] = np.array(postings, dtype=np.int64)
        return cached

    def judge(self, prepared: Prepared, clause_split: bool = True, reframe: bool = True) -> Verdict:
        """Seen, changed or new, against every claim in the ledger."""
        settings = self.settings
        exact = self.by_normalized.get(prepared.normalized)
        if exact is not None:
            return Verdict("seen", exact, 1.0, probability=1.0, how="exact")
        candidate_ids = self.candidates(prepared)
        best = self._judge_candidates(prepared, candidate_ids) if candidate_ids else Verdict("new")
        if best.status != "new":
            return best
        # Restatements: the same assertion inside a reporting frame, in other words, or split.
        if reframe and settings.strip_reporting_frames:
            stripped = strip_reporting_frame(prepared.text)
            if stripped is not None:
                inner = self.judge(prepare(stripped), clause_split, reframe=False)
                if inner.status != "new":
                    inner.how = "frame" if inner.how == "model" else inner.how
                    return inner
                if inner.entry_index is not None and inner.probability > best.probability:
                    best = inner
        # Clauses first: each clause names its own earlier claim, and polarity is per clause.
        need = claim_concepts(prepared.core)
        ids = (
            self.candidates(prepared, prepared.content | concepts(prepared.content)) if need else []
        )
        if clause_split and settings.split_clauses and self._clauses_may_cover(need, ids):
            by_clause = self._judge_clauses(prepared)
            if by_clause is not None:
                return by_clause
        if settings.coverage_check and ids:
            covered = self._covered(prepared, need, ids)
            if covered is not None:
                return covered
        return best

    def _judge_candidates(self, prepared: Prepared, candidate_ids: list[int]) -> Verdict:
        settings = self.settings
        # Cheap pre-score on word sets; only the few best overlapping candidates meet rapidfuzz.
        core = prepared.core
        min_overlap = settings.candidate_min_overlap_pct / 100 * len(core)
        entries = self.entries
        shared_counts = [(len(core & entries[i].core), i) for i in candidate_ids]
        overlaps = [
            (shared / (len(core) + len(entries[i].core) - shared), i)
            for shared, i in shared_counts
            if shared >= min_overlap
        ]
        overlaps.sort(reverse=True)
        pre = [i for _, i in overlaps[: settings.scored_candidate_limit]]
        # A clean paraphrase of any claim wins: once "3 killed" changed to "5 killed", a third
        # "5 killed" repeats the second claim rather than changing the first again.
        seen: Verdict | None = None
        changed: Verdict | None = None
        near = Verdict("new")
        reversing = settings.detect_reversals and may_reverse(prepared)
        for index in pre:
            earlier = entries[index].prepared
            features = pair_features(earlier, prepared)
            probability = self.model.probability(features)
            contained = features[_LATER_CONTAINED]
            kind = (
                change_kind(earlier, prepared, settings)
                if _may_share_frame(earlier, prepared, settings)
                else None
            )
            if (
                kind is None
                and settings.detect_reversals
                and _core_overlap(core, entries[index].core) >= REVERSAL_MIN_CORE_OVERLAP
                and (reversing or may_reverse(earlier))
                and may_turn(earlier, prepared)
            ):
                turned = reversal_kind(earlier, prepared)
                if turned is not None:  # its words agree, so the model may call it a paraphrase
                    share = agreement(earlier, prepared)
                    if changed is None or changed.how == "reversal" and share > changed.score:
                        changed = Verdict(
                            "changed", index, share, turned, probability, how="reversal"
                        )
                    continue
            if kind is not None:
                if kind == "actor":  # same sentence around a different name: "Ohio" -> "Texas"
                    actors = actor_difference(earlier, prepared)
                    frame = fuzz.ratio(
                        _masked_frame(earlier.frame, actors), _masked_frame(prepared.frame, actors)
                    )
                else:
                    frame = fuzz.ratio(earlier.frame, prepared.frame)
                if kind == "attribution":  # "X, officials said" / "Officials denied X"
                    frame = max(frame, fuzz.token_sort_ratio(earlier.frame, prepared.frame))
                needed = (
                    settings.changed_actor_frame_threshold_pct
                    if kind == "actor"
                    else settings.changed_frame_threshold_pct
                )
                if frame >= needed:
                    if kind == "negation" and modal_negation(earlier, prepared):
                        kind = "modality"  # "will" -> "will not", "can" -> "cannot"
                    if changed is None or frame / 100.0 > changed.score:
                        changed = Verdict("changed", index, frame / 100.0, kind, probability)
                    continue
            if (
                probability * 100 >= settings.seen_threshold_pct
                or (
                    contained * 100 >= settings.contained_threshold_pct
                    and len(prepared.content) >= 4
                )
            ) and not (
                (settings.new_number_is_new and adds_number(earlier, prepared, settings))
                or (settings.new_negated_clause_is_new and adds_negated_clause(earlier, prepared))
            ):
                score = max(probability, contained)
                if seen is None or score > seen.score:
                    how = (
                        "model" if probability * 100 >= settings.seen_threshold_pct else "contained"
                    )
                    seen = Verdict("seen", index, score, probability=probability, how=how)
            elif probability > near.probability or near.entry_index is None:
                near = Verdict("new", index, probability, probability=probability)
        if seen is None and changed is None and reversing:
            # A reversal of a claim past the few scored ones: "no Americans were injured" inside
            # a long sentence, turned into "three Americans were injured".
            for _, index in overlaps[settings.scored_candidate_limit :]:
                entry = entries[index]
                if not may_be_reversed(entry.normalized, entry.content):
                    continue  # preparing it in full costs more than this screen
                if _core_overlap(core, entry.core) < REVERSAL_MIN_CORE_OVERLAP:
                    continue
                earlier = entry.prepared
                turned = reversal_kind(earlier, prepared) if may_turn(earlier, prepared) else None
                if turned is not None:
                    p = self.model.probability(pair_features(earlier, prepared))
                    share = agreement(earlier, prepared)
                    return Verdict("changed", index, share, turned, p, how="reversal")
        if seen is None and near.entry_index is None and overlaps:
            # Nothing was scored beyond the pre-screen: the best overlap is still the nearest.
            index = overlaps[0][1]
            p = self.model.probability(pair_features(entries[index].prepared, prepared))
            near = Verdict("new", index, p, probability=p)
        return seen or changed or near

    def _covered(self, prepared: Prepared, need: frozenset[str], ids: list[int]) -> Verdict | None:
        """Seen when one earlier claim, with at most one more, carries every role word of the sentence.

        Feature-free: a restatement in other words ("pre-screens raids" / "missions were reviewed
        in advance") or split across two earlier sentences. The claim it mainly restates must agree
        in polarity and figures, and must not be turned around by it.
        """
        settings = self.settings
        if len(need) < settings.coverage_min_words:
            return None
        entries = self.entries
        # Among claims carrying as many role words, the one carrying the rarer ones is the claim
        # restated ("reviewed" over "Syria", which half the story's claims name).
        rarity = {
            w: 1.0 / len(self.postings.get(w, ())) if w in self.postings else 1.0 for w in need
        }
        ranked = sorted(
            (
                (len(shared), sum(rarity[w] for w in shared), -i)
                for i in ids
                if (shared := need & entries[i].concepts)
            ),
            reverse=True,
        )
        for top, _, minus_first in ranked[:_COVERAGE_PRIMARY_TRIES]:
            if top * 100 < settings.coverage_primary_min_pct * len(need):
                break
            first = -minus_first
            earlier = entries[first].prepared
            if earlier.negated != prepared.negated or reversal_kind(earlier, prepared) is not None:
                continue  # "does not review" is no restatement of "reviews"
            rest = need - entries[first].concepts
            if any(w[0].isdigit() for w in rest):
                continue  # a figure belongs to the claim: the main claim must carry it
            if rest and not any(
                -i != first
                and rest <= entries[-i].concepts
                and len(need & entries[-i].concepts) >= 2
                for _, _, i in ranked
            ):
                continue
            p = self.model.probability(pair_features(earlier, prepared))
            return Verdict("seen", first, max(p, top / len(need)), probability=p, how="coverage")
        return None

    def _clauses_may_cover(self, need: frozenset[str], ids: list[int]) -> bool:
        """Whether earlier claims together carry enough of the sentence for clauses to be tried."""
        if not need or not ids:
            return False
        covered: set[str] = set()
        for i in ids:
            shared = need & self.entries[i].concepts
            if len(shared) >= 2:  # one shared word ("Syria") says nothing about a clause
                covered |= shared
        return len(covered) * 100 >= self.settings.clause_split_min_coverage_pct * len(need)

    def _judge_clauses(self, prepared: Prepared) -> Verdict | None:
        parts = clauses(prepared.text)
        if len(parts) < 2:
            return None
        verdicts = []
        for part in parts:
            verdict = self.judge(prepare(part), clause_split=False)
            if verdict.status != "seen":
                return None  # every clause must be seen, so the rest need not be judged
            verdicts.append(verdict)
        weakest = min(verdicts, key=lambda v: v.score)
        probability = min(v.probability for v in verdicts)
        return Verdict(
            "seen", weakest.entry_index, weakest.score, probability=probability, how="clauses"
        )


def diff_claims(
    earlier: list[str],
    later: str,
    settings: ClaimSettings | None = None,
    labels: Sequence[int | str] | None = None,
) -> list[ClaimResult]:
    """Judge each sentence of `later` against the claims of the `earlier` documents."""
    settings = settings or ClaimSettings()
    ledger = Ledger(settings)
    for position, text in enumerate(earlier):
        label = labels[position] if labels is not None else position
        for seg in segment(text, settings):
            if seg.skip_reason is None:
                ledger.add(prepare(seg.text), label)
    results: list[ClaimResult] = []
    for seg in segment(later, settings):
        if seg.skip_reason is not None:
            results.append(ClaimResult(seg.text, "skipped", seg.skip_reason))
            continue
        verdict = ledger.judge(prepare(seg.text))
        results.append(_result(seg.text, verdict, ledger))
    return results


def _result(sentence: str, verdict: Verdict, ledger: Ledger) -> ClaimResult:
    confidence = verdict.confidence
    uncertain = verdict.uncertain(ledger.settings)
    if verdict.entry_index is None:
        return ClaimResult(sentence, verdict.status, confidence=confidence, uncertain=uncertain)
    entry = ledger.entries[verdict.entry_index]
    score = verdict.probability if verdict.status == "new" else verdict.score
    match = Match(entry.text, entry.document, score, entry.claim_id)
    return ClaimResult(sentence, verdict.status, None, match, verdict.change, confidence, uncertain)
