"""Reversals judged `changed` with the right kind, look-alikes left alone, and the reversal eval."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from monitor.claims import DEFAULT_MODEL, Ledger, prepare
from monitor.claims.change import change_kind
from monitor.claims.reversal import antonym_flip, polarity_differs, reversal_kind
from monitor.cli import main as cli_main
from monitor.errors import ParseError
from monitor.evals import claims as claims_eval
from monitor.evals.reversals import REVERSAL_PAIRS, eval_reversals, read_reversal_pairs
from monitor.settings import ClaimSettings


def _verdict(earlier: str, later: str) -> tuple[str, str | None]:
    ledger = Ledger(ClaimSettings())
    ledger.add(prepare(earlier), "earlier")
    verdict = ledger.judge(prepare(later))
    return verdict.status, verdict.change


# None of these sentences is in the held-out reversal set or the training pairs.
@pytest.mark.parametrize(
    ("earlier", "later", "kind"),
    [
        # antonyms, in their inflections and passive forms
        (
            "The county board approves the new bus routes every spring.",
            "The county board rejects the new bus routes every spring.",
            "antonym",
        ),
        (
            "Coffee exports from the highlands have risen since the frost.",
            "Coffee exports from the highlands have fallen since the frost.",
            "antonym",
        ),
        (
            "The dairy cooperative's revenue is rising this season.",
            "The dairy cooperative's revenue is shrinking this season.",
            "antonym",
        ),
        (
            "The port authority's plan was backed by the harbour commission and approved in May.",
            "The port authority's plan was backed by the harbour commission and vetoed in May.",
            "antonym",
        ),
        (
            "The chess champion beat her challenger in the final round in Oslo.",
            "The chess champion was beaten by her challenger in the final round in Oslo.",
            "antonym",
        ),
        (
            "The tribunal upheld the ban on night flights at the airport.",
            "The tribunal struck down the ban on night flights at the airport.",
            "antonym",
        ),
        (
            "The water company confirmed that the reservoir had been contaminated.",
            "The water company denied that the reservoir had been contaminated.",
            "antonym",
        ),
        # quantifiers: scales, percentages, comparatives, "not a single"
        (
            "Most of the striking drivers returned to work on Tuesday.",
            "Hardly any of the striking drivers returned to work on Tuesday.",
            "quantifier",
        ),
        (
            "75 % of the island's households use solar water heaters.",
            "A minority of the island's households use solar water heaters.",
            "quantifier",
        ),
        (
            "Fewer than half of the apprentices finished the welding course.",
            "More than half of the apprentices finished the welding course.",
            "quantifier",
        ),
        (
            "Many of the county's libraries offer evening classes.",
            "Few of the county's libraries offer evening classes.",
            "quantifier",
        ),
        (
            "Every lighthouse on the coast was automated in the 1990s.",
            "Not a single lighthouse on the coast was automated in the 1990s.",
            "quantifier",
        ),
        # negation: none against a count, and "not" on a plain predicate
        (
            "Nobody was injured when the crane toppled onto the quay.",
            "Two people were injured when the crane toppled onto the quay.",
            "negation",
        ),
        (
            "There were no complaints about the new parking meters in the old town.",
            "There were hundreds of complaints about the new parking meters in the old town.",
            "negation",
        ),
        (
            "The ice rink is safe for skaters this weekend, the park office said.",
            "The ice rink is unsafe for skaters this weekend, the park office said.",
            "negation",
        ),
        # modality: modal verbs, contractions, likelihood words
        (
            "The tram line will run through the night during the carnival.",
            "The tram line won't run through the night during the carnival.",
            "modality",
        ),
        (
            "The glacier is likely to lose a third of its mass by 2050.",
            "The glacier is unlikely to lose a third of its mass by 2050.",
            "modality",
        ),
        (
            "Fishing boats will be allowed back into the bay after the spill.",
            "Fishing boats will no longer be allowed into the bay after the spill.",
            "modality",
        ),
        (
            "It is possible that the auction will be postponed until spring.",
            "It is impossible that the auction will be postponed until spring.",
            "modality",
        ),
    ],
)
def test_reversals_are_changed_with_their_kind(earlier: str, later: str, kind: str) -> None:
    assert _verdict(earlier, later) == ("changed", kind)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        # synonyms of one side of an opposite pair
        (
            "The planning board rejected the wind farm near the estuary.",
            "The planning board turned down the wind farm near the estuary.",
        ),
        (
            "Rents in the harbour district rose in the autumn.",
            "Rents in the harbour district climbed in the autumn.",
        ),
        (
            "Few of the volunteers stayed for the second shift.",
            "A handful of the volunteers stayed for the second shift.",
        ),
        (
            "The trade deal was approved by the assembly on Friday.",
            "The assembly approved the trade deal on Friday.",
        ),
        # double negation keeps the polarity
        (
            "The new ferry timetable was clear to passengers.",
            "The new ferry timetable was not unclear to passengers.",
        ),
        (
            "It is possible that the pier will reopen before summer.",
            "It is not impossible that the pier will reopen before summer.",
        ),
        # the same "none", worded two ways
        (
            "None of the riders finished the mountain stage.",
            "Not one of the riders finished the mountain stage.",
        ),
    ],
)
def test_look_alikes_are_not_changed(earlier: str, later: str) -> None:
    status, change = _verdict(earlier, later)
    assert status != "changed", change


def test_an_opposite_word_about_another_thing_is_no_reversal() -> None:
    earlier = prepare("Shares in the brewery rose on Monday after the merger news.")
    later = prepare("Shares in the bakery chain fell on Monday after a profit warning.")
    assert antonym_flip(earlier, later) is not None  # the words are opposite ...
    assert reversal_kind(earlier, later) is None  # ... but the rest of the claim differs


def test_a_phrase_predicate_flips_like_its_word() -> None:
    earlier = prepare("The senate voted down the fishing bill.")
    later = prepare("The senate approved the fishing bill.")
    assert antonym_flip(earlier, later) == frozenset({"voted", "down", "approved"})


def test_double_negation_keeps_the_polarity() -> None:
    assert not polarity_differs(prepare("The pier is safe."), prepare("The pier is not unsafe."))
    assert polarity_differs(prepare("The pier is safe."), prepare("The pier is unsafe."))


def test_zero_against_a_count_is_a_negation_not_a_number() -> None:
    earlier = prepare("Zero arrests were made at the stadium on Saturday.")
    later = prepare("Eleven arrests were made at the stadium on Saturday.")
    assert change_kind(earlier, later) == "negation"


def test_a_plain_number_change_stays_a_number() -> None:
    earlier = prepare("The orchard lost 40 tonnes of apples to the frost.")
    later = prepare("The orchard lost 65 tonnes of apples to the frost.")
    assert change_kind(earlier, later) == "number"


def test_the_shipped_reversal_set_is_labelled_and_large_enough() -> None:
    rows = read_reversal_pairs()
    changed = [r for r in rows if r.label == "changed"]
    assert len(changed) >= 150
    assert {r.kind for r in changed} == {"quantifier", "negation", "antonym", "modality", "number"}
    assert {r.label for r in rows} == {"changed", "seen", "new"}


def test_a_reversal_file_with_a_bad_label_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.tsv"
    bad.write_text("label\tkind\tearlier\tlater\nflipped\tx\tA.\tB.\n", encoding="utf-8")
    with pytest.raises(ParseError, match="label"):
        read_reversal_pairs(bad)


# Measured on the shipped set when the rules were written: recall 0.988, right kind 0.982,
# precision 1.000, controls called changed 0.000. The floors leave room for later rule changes.
RECALL_FLOOR = 0.90
RIGHT_KIND_FLOOR = 0.85
PRECISION_FLOOR = 0.90
CONTROL_FALSE_CHANGED_CEILING = 0.10


def test_the_reversal_eval_reports_figures_on_the_shipped_set() -> None:
    out = eval_reversals(REVERSAL_PAIRS, ClaimSettings(), DEFAULT_MODEL)
    assert out["changed_pairs"] == sum(r.label == "changed" for r in read_reversal_pairs())
    assert isinstance(out["recall"], float) and out["recall"] >= RECALL_FLOOR
    assert isinstance(out["right_kind"], float) and out["right_kind"] >= RIGHT_KIND_FLOOR
    assert isinstance(out["precision"], float) and out["precision"] >= PRECISION_FLOOR
    false_changed = out["controls_false_changed"]
    assert isinstance(false_changed, float) and false_changed <= CONTROL_FALSE_CHANGED_CEILING
    by_kind = out["by_kind"]
    assert isinstance(by_kind, dict)
    assert set(by_kind) == {"quantifier", "negation", "antonym", "modality", "number"}
    assert all(k["recall"] >= RECALL_FLOOR - 0.1 for k in by_kind.values())


def test_eval_claims_runs_the_reversal_set(capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(format="json", reversals=str(REVERSAL_PAIRS))
    assert claims_eval.main(args) == 0
    out = json.loads(capsys.readouterr().out)["reversals"]
    assert out["file"] == "reversal_pairs.tsv" and out["pairs"] == len(read_reversal_pairs())


def test_the_cli_defaults_to_the_shipped_reversal_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["eval", "claims", "--reversals"]) == 0
    out = capsys.readouterr().out
    assert "reversals (reversal_pairs.tsv:" in out
    assert "changed/quantifier: recall" in out


# Patterns a blind set found; the sentences here are new, not the blind set's.
@pytest.mark.parametrize(
    ("earlier", "later", "kind"),
    [
        # a second negating word ("without", "no") on both sides: polarity is per predicate
        (
            "The pilot said the glider can land without an engine.",
            "The pilot said the glider cannot land without an engine.",
            "modality",
        ),
        (
            "The ferry crossed the strait without any delay on Monday.",
            "The ferry never crossed the strait without any delay on Monday.",
            "negation",
        ),
        # the reporting frame moved from the end to the front
        (
            "The dam was checked before the flood, according to water engineers.",
            "According to water engineers, the dam was not checked before the flood.",
            "negation",
        ),
        (
            "The lender is likely to raise its fees next spring, brokers said.",
            "Brokers said the lender is unlikely to raise its fees next spring.",
            "modality",
        ),
        (
            "Most of the wheat crop has survived the drought, farmers reported.",
            "Farmers reported that a small fraction of the wheat crop has survived the drought.",
            "quantifier",
        ),
        # modality phrases
        (
            "The council plans to close the public library on Sundays.",
            "The council no longer plans to close the public library on Sundays.",
            "modality",
        ),
        (
            "The singer intends to release a new album in the autumn.",
            "The singer has no intention of releasing a new album in the autumn.",
            "modality",
        ),
        (
            "The retailer plans to open a store in the old post office.",
            "The retailer has scrapped plans to open a store in the old post office.",
            "modality",
        ),
        (
            "The brewery expects to double its output by the summer.",
            "The brewery does not expect to double its output by the summer.",
            "modality",
        ),
        (
            "Tenants of the tower must leave their flats by Friday.",
            "Tenants of the tower don't have to leave their flats by Friday.",
            "modality",
        ),
        (
            "The rail link will probably reach the harbour in 2031.",
            "The rail link will probably not reach the harbour in 2031.",
            "modality",
        ),
        (
            "The carmaker is planning to shut its plant in the valley.",
            "The carmaker is not planning to shut its plant in the valley.",
            "modality",
        ),
        # both / neither
        (
            "Both unions have accepted the pay offer from the hospital trust.",
            "Neither union has accepted the pay offer from the hospital trust.",
            "negation",
        ),
        # antonyms either way round, beside a word of the same axis both sides keep
        (
            "The appeal court overturned the council's veto of the march.",
            "The appeal court upheld the council's veto of the march.",
            "antonym",
        ),
        (
            "The appeal court upheld the council's veto of the march.",
            "The appeal court overturned the council's veto of the march.",
            "antonym",
        ),
        # the negation in the earlier sentence
        (
            "The villagers received no compensation for the flooded fields.",
            "The villagers received compensation for the flooded fields.",
            "negation",
        ),
    ],
)
def test_blind_set_patterns_are_changed(earlier: str, later: str, kind: str) -> None:
    assert _verdict(earlier, later) == ("changed", kind)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        # a negated verb against its antonym says the same thing
        (
            "The board did not approve the sale of the stadium.",
            "The board withheld approval of the sale of the stadium.",
        ),
        (
            "The suspect was not released on bail by the judge.",
            "The suspect was refused bail by the judge.",
        ),
        (
            "The budget motion failed to pass in the assembly on Monday.",
            "The budget motion was defeated in the assembly on Monday.",
        ),
        (
            "The home side did not win the derby on Saturday.",
            "The home side lost the derby on Saturday.",
        ),
        (
            "The minister was not granted a visa by the embassy.",
            "The minister was denied a visa by the embassy.",
        ),
    ],
)
def test_a_negated_verb_against_its_antonym_is_not_changed(earlier: str, later: str) -> None:
    assert _verdict(earlier, later)[0] != "changed"


def test_a_sentence_with_an_irregular_past_verb_is_no_caption() -> None:
    from monitor.claims.segment import segment

    for text in (
        "The high court upheld the sentence of the former governor.",
        "The bank withheld the bonus of its former chief.",
        "The council overthrew the old chairman of the board.",
    ):
        assert [s.skip_reason for s in segment(text, ClaimSettings())] == [None]
    assert [s.skip_reason for s in segment("The old harbour of the town.", ClaimSettings())] == [
        "caption"
    ]


@pytest.mark.parametrize(
    ("earlier", "later", "kind"),
    [
        # the negation in the earlier sentence, with the frame moved to the front
        (
            "The club will not sell its star striker, the manager said.",
            "The manager said the club will sell its star striker.",
            "modality",
        ),
        (
            "Neither candidate has conceded the race.",
            "Both candidates have conceded the race.",
            "negation",
        ),
        (
            "The government has no plans to raise fuel taxes.",
            "The government plans to raise fuel taxes.",
            "modality",
        ),
    ],
)
def test_reversals_from_a_negated_earlier_claim(earlier: str, later: str, kind: str) -> None:
    assert _verdict(earlier, later) == ("changed", kind)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        # two ways of saying one negation
        (
            "The hospital has no beds left for new patients.",
            "The hospital does not have any beds left for new patients.",
        ),
        ("The singer did not show up for the concert.", "The singer failed to show up."),
        (
            "The council leader would not comment on the audit.",
            "The council leader declined comment on the audit.",
        ),
        (
            "Most of the mills were non- operative last winter, he said.",
            "Most of the mills were inoperative last winter, he said.",
        ),
        (
            "The plan would probably be impossible to fund this year.",
            "The plan would probably be unable to fund this year.",
        ),
        # "nothing but" is no negation
        (
            "Fans had nothing but praise for the young goalkeeper.",
            "Fans had warm praise for the young goalkeeper.",
        ),
        # a negated clause added at the end, or about another thing
        (
            "Two shells hit the depot on Sunday, wounding four guards.",
            "Two shells hit the depot on Sunday, wounding four guards, none seriously.",
        ),
        (
            "The bridge was closed after the storm, officials said.",
            "Officials said the tunnel was not closed after the storm.",
        ),
        (
            "The president did not attend the summit in Lima.",
            "The president skipped the summit in Lima.",
        ),
    ],
)
def test_same_polarity_in_other_words_is_not_changed(earlier: str, later: str) -> None:
    assert _verdict(earlier, later)[0] != "changed"


# Fourth round: vocabulary the second blind set showed missing, in sentences of our own.
@pytest.mark.parametrize(
    ("earlier", "later", "kind"),
    [
        # "has yet to" is "has not"
        (
            "The mayor has signed the zoning order for the riverside lots.",
            "The mayor has yet to sign the zoning order for the riverside lots.",
            "negation",
        ),
        (
            "The coach has named his squad for the winter tour.",
            "The coach is yet to name his squad for the winter tour.",
            "negation",
        ),
        # antonym axes
        (
            "The ministry extended the deadline for grant applications.",
            "The ministry shortened the deadline for grant applications.",
            "antonym",
        ),
        (
            "The night ferry arrived at the island harbour before dawn.",
            "The night ferry departed from the island harbour before dawn.",
            "antonym",
        ),
        (
            "The home side were ahead at half time in the derby.",
            "The home side were behind at half time in the derby.",
            "antonym",
        ),
        (
            "The city relaxed restrictions on outdoor gatherings this week.",
            "The city tightened restrictions on outdoor gatherings this week.",
            "antonym",
        ),
        (
            "Rainfall in the valley was above average in March.",
            "Rainfall in the valley was below average in March.",
            "antonym",
        ),
        (
            "The rebel column advanced towards the northern pass overnight.",
            "The rebel column retreated towards the northern pass overnight.",
            "antonym",
        ),
        (
            "Wage growth accelerated in the second half of the year.",
            "Wage growth slowed in the second half of the year.",
            "antonym",
        ),
        (
            "The copper price closed at a record high on Thursday.",
            "The copper price closed at a record low on Thursday.",
            "antonym",
        ),
        # shares as fractions, and extent words
        (
            "Two thirds of the town's pharmacies stock the vaccine.",
            "A third of the town's pharmacies stock the vaccine.",
            "quantifier",
        ),
        (
            "Three quarters of the apprentices passed the exam.",
            "A quarter of the apprentices passed the exam.",
            "quantifier",
        ),
        (
            "Flooding was widespread across the southern districts.",
            "Flooding was isolated across the southern districts.",
            "quantifier",
        ),
        # a score written with a dash
        (
            "The visitors won the cup tie 3-1 at home.",
            "The visitors won the cup tie 3-2 at home.",
            "number",
        ),
    ],
)
def test_fourth_round_reversals(earlier: str, later: str, kind: str) -> None:
    assert _verdict(earlier, later) == ("changed", kind)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (
            "The museum has not yet published its annual visitor figures.",
            "The museum has yet to publish its annual visitor figures.",
        ),
        (
            "Two thirds of the town's pharmacies stock the vaccine.",
            "Most of the town's pharmacies stock the vaccine.",
        ),
        (
            "The visitors won the cup tie 3-1 at home.",
            "The visitors won the cup tie 3 - 1 at home.",
        ),
        (
            "The rowing crew won the regatta final in Henley.",
            "The rowing crew did not lose the regatta final in Henley, beating the Dutch boat.",
        ),
    ],
)
def test_fourth_round_look_alikes(earlier: str, later: str) -> None:
    status, change = _verdict(earlier, later)
    assert status != "changed", change


def test_a_dashed_range_without_a_contest_stays_two_counts() -> None:
    kinds = [f.kind for f in prepare("Between 10-12 people were hurt in the crash.").figures]
    assert "score" not in kinds
