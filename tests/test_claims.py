"""Claim novelty: segmentation, normalisation, matching and changed claims, on real news text."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.claims import (
    ClaimResult,
    Ledger,
    change_kind,
    clauses,
    diff_claims,
    figures,
    fix_glued_text,
    normalize,
    prepare,
    same_figure,
    segment,
)
from monitor.settings import ClaimSettings

SEEDS = Path(__file__).parent / "data" / "seeds"
EARLIER = (SEEDS / "000_d6164f0e30076554.txt").read_text(encoding="utf-8")
LATER = (SEEDS / "003_430f1404d43e94c3.txt").read_text(encoding="utf-8")

# Labels for the seed pair (issue 3): the start of each sentence of 003 that must come out so.
NEW_IN_LATER = [
    (
        "While the US has generally approved the strikes under review, current and former "
        "officials claim the US has occasionally asked “Israel” for changes."
    ),
    "The US urged “Israel” to pause its strikes at least twice",
    "However, US officials say that a portion of Israeli airstrikes don’t pass near Al-Tanf base",
    "As per the WSJ report, the US military also doesn’t review Israeli airstrikes in Iraq",
    "The US review, according to the WSJ, mainly focuses on Israeli missions in eastern Syria",
    "It is a “well-developed and deliberate process,” one former US official said.",
    "Besides being an occupation that backs armed groups",
    "Convoys of tens of vehicles, including tankers loaded with stolen oil",
]
PARAPHRASES_OF_EARLIER = [
    "“Israel” secretly coordinates with the US on many of the airstrikes it conducts in Syria",
    "Behind the curtains, current and former officials say that for several years",
    "The vast majority of those Israeli airstrikes were authorized by the United States, but",
    "The US does not review all Israeli operations in Syria they claimed.",
    "“In northeast Syria and in the vicinity of al-Tanf, the US mission is solely securing",
    "“We won’t discuss the details of the steps we take to reduce the risk",
]
SKIPPED_IN_LATER = {
    "date 2022-06-17 Posted on by worldpeacewithjustice": "posted_on",
    "16 Jun 2022": "date",
    "Source: Wall Street Journal": "source",
    "By Al Mayadeen English": "byline",
    "US al-Tanf military base in Syria.": "caption",
    "What was the US role in Syria?": "question",
    "Read next: The US, a bandit in Syria": "read_next",
    "Read next: Al-Mayadeen sources: US Military base in Al-Tanf Targeted with Missiles": "read_next",
    "US direct intervention": "heading",
    "Read next: Israeli occupation launches aggression on Damascus": "read_next",
    "What is the US doing in Syria?": "question",
}


@pytest.fixture(scope="module")
def seed_results() -> list[ClaimResult]:
    return diff_claims([EARLIER], LATER)


def _find(results: list[ClaimResult], start: str) -> ClaimResult:
    found = [r for r in results if r.sentence.startswith(start)]
    assert len(found) == 1, f"expected one sentence starting {start!r}, got {len(found)}"
    return found[0]


@pytest.mark.parametrize("start", NEW_IN_LATER)
def test_seed_new_claims_are_new(seed_results: list[ClaimResult], start: str) -> None:
    assert _find(seed_results, start).status == "new"


@pytest.mark.parametrize("start", PARAPHRASES_OF_EARLIER)
def test_seed_paraphrases_are_seen(seed_results: list[ClaimResult], start: str) -> None:
    result = _find(seed_results, start)
    assert result.status == "seen"
    assert result.match is not None and result.match.document == 0
    assert result.match.sentence in EARLIER


@pytest.mark.parametrize(("sentence", "reason"), sorted(SKIPPED_IN_LATER.items()))
def test_seed_furniture_is_skipped(
    seed_results: list[ClaimResult], sentence: str, reason: str
) -> None:
    result = _find(seed_results, sentence)
    assert (result.status, result.reason) == ("skipped", reason)


def test_seed_lexically_distant_paraphrase_is_seen(seed_results: list[ClaimResult]) -> None:
    # "previously unknown" = "not reported before"; "formal" = "official"; "This means that"
    # frames the claim.
    result = _find(seed_results, "This means that the formal coordination was previously unknown")
    assert result.status == "seen"
    assert result.match is not None and result.match.sentence.startswith(
        "Official coordination has not been reported before"
    )


def test_seed_results_cover_every_sentence_in_order(seed_results: list[ClaimResult]) -> None:
    joined = " ".join(r.sentence for r in seed_results)
    assert joined.startswith("date 2022-06-17 Posted on by")
    assert joined.endswith("the theft of oil.")
    positions = [LATER.find(r.sentence[:40]) for r in seed_results]
    assert positions == sorted(positions) and -1 not in positions


def test_earlier_trailing_junk_is_not_a_claim() -> None:
    segments = segment(EARLIER + "\n date 2022-06-17 Posted on by worldpeacewithjustice")
    tail = [s for s in segments if "throughout the region" in s.text or "Posted on" in s.text]
    assert [s.skip_reason for s in tail] == ["fragment", "posted_on"]


def test_to_dict_has_exactly_the_contract_keys(seed_results: list[ClaimResult]) -> None:
    shapes = {(r.status, r.match is not None): set(r.to_dict()) for r in seed_results}
    assert shapes[("skipped", False)] == {"sentence", "status", "reason"}
    judged = {"sentence", "status", "confidence", "uncertain"}
    assert shapes[("new", False)] == judged  # nothing earlier shared enough words to compare
    # A `new` verdict keeps its nearest earlier claim and score, so a false alert can be read.
    assert shapes[("new", True)] == judged | {"match"}
    assert shapes[("seen", True)] == judged | {"match"}
    for status in ("seen", "new"):
        found = next(r for r in seed_results if r.status == status and r.match).to_dict()
        assert set(found["match"]) == {"sentence", "document", "score"}
        assert 0.0 <= found["match"]["score"] <= 1.0
        assert 0.0 <= found["confidence"] <= 1.0


# --- segmentation ----------------------------------------------------------------------------


def _claims(text: str) -> list[str]:
    return [s.text for s in segment(text) if s.skip_reason is None]


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "The U.S. State Department said on Jan. 5 that Gov. Greg Abbott had met Sen. John Smith "
        "in Austin. The meeting lasted two hours, officials said."
    )
    assert _claims(text) == [
        "The U.S. State Department said on Jan. 5 that Gov. Greg Abbott had met Sen. John Smith in Austin.",
        "The meeting lasted two hours, officials said.",
    ]


def test_quotes_stay_with_their_sentence() -> None:
    text = "“We will not discuss the details,” a defense official said. “The mission goes on.” He left."
    assert [s.text for s in segment(text)] == [
        "“We will not discuss the details,” a defense official said.",
        "“The mission goes on.”",
        "He left.",
    ]


def test_headline_without_final_period_is_a_heading() -> None:
    segments = segment(
        "Washington eye on Israel's plans against Iran's militia\n\nThe report was published on Monday by the paper."
    )
    assert [(s.text[:10], s.skip_reason) for s in segments] == [
        ("Washington", "heading"),
        ("The report", None),
    ]


def test_glued_paragraphs_are_split() -> None:
    assert (
        fix_glued_text("The court ruled.The appeal failed.")
        == "The court ruled. The appeal failed."
    )
    assert (
        fix_glued_text("the company said WednesdayAttorney General")
        == "the company said Wednesday Attorney General"
    )
    assert fix_glued_text("McDonald and iPhone stay whole") == "McDonald and iPhone stay whole"
    glued = (
        "Prices rose 5 percent, the agency said Wednesday Attorney General Merrick Garland said "
        "the probe would continue."
    )
    assert _claims(glued) == [
        "Prices rose 5 percent, the agency said Wednesday.",
        "Attorney General Merrick Garland said the probe would continue.",
    ]
    # One attribution only: an ordinary sentence, left alone.
    whole = "He said Wednesday Attorney General Merrick Garland would resign soon."
    assert _claims(whole) == [whole]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("By Jane Doe and John Roe", "byline"),
        ("Updated: June 16, 2022 10:32 GMT", "date"),
        ("2022-06-17", "date"),
        ("Photo: Reuters", "source"),
        ("Read more: Why the strikes matter", "read_next"),
        ("Posted on June 16, 2022 by admin", "posted_on"),
        ("Subscribe to our newsletter for more stories.", "boilerplate"),
        ("Is this the end of the war?", "question"),
        ("He agreed.", "too_short"),
        ("Troops patrol the border near Rafah (AFP)", "heading"),
        ("Smoke rises over the city after the strike (AFP).", "caption"),
        ("BEIRUT —", "dateline"),
    ],
)
def test_non_claims_are_skipped_with_a_reason(line: str, reason: str) -> None:
    assert [s.skip_reason for s in segment(line)] == [reason]


# --- normalisation ---------------------------------------------------------------------------


def test_quotes_are_equal() -> None:
    assert (
        normalize("“Israel” struck") == normalize('"Israel" struck') == normalize("Israel struck")
    )
    assert normalize("‘Israel’ struck") == normalize("Israel struck")


def test_united_states_forms_are_equal() -> None:
    forms = [
        "US officials",
        "U.S. officials",
        "United States officials",
        "Washington officials",
        "USA officials",
    ]
    assert len({normalize(f) for f in forms}) == 1


def test_washington_is_kept_when_not_the_government() -> None:
    assert "washington post" in normalize("The Washington Post reported it")
    assert "usa" not in normalize("George Washington crossed the river")
    assert normalize("US troops") != normalize("us troops")  # the pronoun is not the country


def test_case_whitespace_hyphens_and_numbers() -> None:
    assert normalize("THE  Well-Developed\tprocess") == normalize("the well developed process")
    assert normalize("at least twice") == normalize("at least 2 times")
    assert normalize("twenty-five people") == normalize("25 people")
    assert normalize("1,000 troops") == normalize("1000 troops")
    assert normalize("does not") == normalize("doesn’t")
    assert normalize("air strikes") == normalize("airstrikes")


# --- matching --------------------------------------------------------------------------------


def _judge(earlier: str, later: str) -> ClaimResult:
    results = diff_claims([earlier], later)
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize(
    ("earlier", "later", "change"),
    [
        (
            "The US urged Israel to pause its strikes at least twice, officials said.",
            "The US urged Israel to pause its strikes three times, officials said.",
            "number",
        ),
        (
            "The US military reviewed the Israeli strikes near the al-Tanf base.",
            "The US military did not review the Israeli strikes near the al-Tanf base.",
            "negation",
        ),
        (
            "Officials said the US approved the strikes on Damascus airport.",
            "Officials denied the US approved the strikes on Damascus airport.",
            "attribution",
        ),
        (
            "Israeli jets struck the Damascus airport early on Friday, the ministry said.",
            "Israeli jets struck the Aleppo airport early on Friday, the ministry said.",
            "actor",
        ),
    ],
)
def test_changed_claims_report_both_sentences(earlier: str, later: str, change: str) -> None:
    result = _judge(earlier, later)
    assert (result.status, result.change) == ("changed", change)
    assert result.match is not None and result.match.sentence == earlier
    assert result.to_dict()["match"]["sentence"] == earlier


def test_paraphrase_with_same_facts_is_seen_not_changed() -> None:
    result = _judge(
        "The vast majority of those Israeli air strikes were approved by the United States.",
        "The vast majority of those Israeli airstrikes were authorized by Washington.",
    )
    assert result.status == "seen"


def test_unrelated_claim_is_new() -> None:
    result = _judge(
        "The vast majority of those Israeli air strikes were approved by the United States.",
        "Convoys of tankers loaded with oil were seen crossing toward northern Iraq.",
    )
    assert result.status == "new" and result.match is None


def test_clauses_split_at_conjunctions() -> None:
    parts = clauses(
        "The vast majority of those Israeli airstrikes were authorized by the United States, "
        "but the officials claim the US military does not assist Israel in selecting its targets."
    )
    assert len(parts) == 2 and parts[1].startswith("but the officials")


def test_blocking_finds_the_paraphrase_in_a_large_ledger() -> None:
    ledger = Ledger(ClaimSettings())
    for n in range(3000):
        ledger.add(
            prepare(
                f"Officials in district {n} said the council met {n % 7} times over roads and schools."
            ),
            n,
        )
    target = ledger.add(
        prepare(
            "The vast majority of those Israeli air strikes were approved by the United States."
        ),
        "seed",
    )
    verdict = ledger.judge(
        prepare("The vast majority of those Israeli airstrikes were authorized by the US.")
    )
    assert (verdict.status, verdict.entry_index) == ("seen", target)
    assert (
        len(ledger.candidates(prepare("Israeli air strikes were approved")))
        <= ledger.settings.candidate_limit
    )


def test_same_claim_twice_in_one_document_is_one_ledger_entry() -> None:
    ledger = Ledger()
    first = ledger.add(prepare("The US urged “Israel” to pause its strikes."), 0)
    again = ledger.add(prepare('The U.S. urged "Israel" to pause its strikes.'), 1)
    assert first == again and len(ledger) == 1


def test_thresholds_come_from_settings() -> None:
    earlier, later = (
        "The vast majority of those Israeli air strikes were approved by the United States.",
        "The vast majority of those Israeli airstrikes were authorized by Washington last year.",
    )
    assert diff_claims([earlier], later)[0].status == "seen"
    strict = ClaimSettings(seen_threshold_pct=100, contained_threshold_pct=100, split_clauses=False)
    assert diff_claims([earlier], later, strict)[0].status == "new"


def test_repeat_of_a_changed_claim_is_seen_not_changed_again() -> None:
    first = "The US urged Israel to pause its strikes at least twice, officials said."
    second = "The US urged Israel to pause its strikes three times, officials said."
    third = "The US urged Israel three times to pause its strikes, officials said."
    result = diff_claims([first, second], third)[0]
    assert result.status == "seen"
    assert (
        result.match is not None and result.match.sentence == second and result.match.document == 1
    )


def test_attribution_cut_after_a_quote_rejoins_its_sentence() -> None:
    text = "“We are at a fork in the road and must choose.” she said on Tuesday in Boston."
    assert [(s.text, s.skip_reason) for s in segment(text)] == [(text, None)]


def test_bad_claims_setting_names_the_key() -> None:
    from monitor.errors import ConfigError
    from monitor.settings import parse_settings

    with pytest.raises(ConfigError, match=r"\[claims\] seen_threshold_pct"):
        parse_settings({"claims": {"seen_threshold_pct": 150}}, "monitor.toml")
    with pytest.raises(ConfigError, match="unknown key"):
        parse_settings({"claims": {"seen_treshold_pct": 50}}, "monitor.toml")


@pytest.mark.parametrize(
    "prefix",
    ["WASHINGTON (Reuters) -", "BEIRUT, Lebanon (AP) —", "DAMASCUS —", "NEW YORK (CNN) --"],
)
def test_wire_dateline_is_split_from_the_first_sentence(prefix: str) -> None:
    sentence = "The US military reviewed most Israeli strikes in Syria, officials said."
    segments = segment(f"{prefix} {sentence}")
    assert [(s.text, s.skip_reason) for s in segments] == [(prefix, "dateline"), (sentence, None)]


def test_bbc_image_credits_are_skipped() -> None:
    assert [s.skip_reason for s in segment("Image source, Getty Images")] == ["source"]
    assert [
        s.skip_reason for s in segment("Image caption, Smoke rises over Damascus after the strike")
    ] == ["source"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n\n",
        "?",
        "“”",
        "A" * 5000,
        ("word " * 800) + ".",
        "数字 123 和 中文。",
        "U.S.",
        "—",
        "1,000,000 people died. 2,000 more.",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    results = diff_claims([text, "The US urged Israel to pause its strikes."], text)
    assert all(r.status in ("new", "seen", "changed", "skipped") for r in results)
    assert all((r.reason is not None) == (r.status == "skipped") for r in results)


def test_added_figure_makes_a_repeated_sentence_new() -> None:
    earlier = "Israeli jets struck the Damascus airport early on Friday, the ministry said."
    later = "Israeli jets struck the Damascus airport early on Friday, killing three soldiers, the ministry said."
    assert _judge(earlier, later).status == "new"
    assert (
        _judge(earlier, "Israeli jets struck the Damascus airport early on Friday.").status
        == "seen"
    )
    # With the rule off the paraphrase model decides alone. The model fitted on the project's pairs
    # already calls `later` new (it adds a clause), so the switch shows on a pair it calls seen.
    unframed = "Israeli jets struck the Damascus airport early on Friday, killing three soldiers."
    assert _judge(earlier, unframed).status == "new"
    off = ClaimSettings(new_number_is_new=False)
    assert diff_claims([earlier], unframed, off)[0].status == "seen"


def test_changed_place_with_everything_else_equal() -> None:
    result = _judge(
        "The company will cut 500 jobs in Ohio.", "The company will cut 500 jobs in Texas."
    )
    assert (result.status, result.change) == ("changed", "actor")


# --- changed detection: what differs in wording only is not a change ---------------------------
# Every sentence here is invented for the test.


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        # figures written differently
        (
            "The council approved $1.2 billion for the new bridge on Tuesday.",
            "The council approved 1.2 billion dollars for the new bridge on Tuesday.",
        ),
        (
            "Turnout fell to 40 percent in the northern districts.",
            "Turnout fell to 40% in the northern districts.",
        ),
        (
            "The flood forced 2.2 million residents from their homes.",
            "The flood forced 2,200,000 residents from their homes.",
        ),
        (
            "The party won about 36 percent of the vote in the capital.",
            "The party won 35.7 percent of the vote in the capital.",
        ),
        (
            "The city spent $12.6 billion on the new metro line last year.",
            "The city spent some $13 billion on the new metro line last year.",
        ),
        (
            "The ferry ran aground 5 km from the island harbour.",
            "The ferry ran aground about three miles from the island harbour.",
        ),
        (
            "The night ferry docked at 2115 GMT in the old harbour.",
            "The night ferry docked at 9:15 p.m. GMT in the old harbour.",
        ),
        (
            "The bakery recipe needs 1 ½ cups of rye flour per loaf.",
            "The bakery recipe needs 1.5 cups of rye flour per loaf.",
        ),
        (
            "Each family received between 10 and 20 pounds of rice at the depot.",
            "Each family received between 4.5 and 9 kilograms of rice at the depot.",
        ),
        (
            "Some 80 volunteers joined the search along the coast on Sunday.",
            "About 84 volunteers joined the search along the coast on Sunday.",
        ),
        # negation said another way
        (
            "The minister was fined for failing to declare the gift.",
            "The minister was fined for not declaring the gift.",
        ),
        (
            "The witness refused, through a lawyer, to answer the questions.",
            "The witness did not answer the questions.",
        ),
        (
            "Not surprisingly, the northern region leads the country in exports.",
            "The northern region leads the country in exports.",
        ),
        (
            "The official spoke on condition that he not be named.",
            "The official spoke on condition of anonymity.",
        ),
        (
            "No passengers were injured when the train left the tracks.",
            "The passengers were unhurt when the train left the tracks.",
        ),
        (
            "The bank neither confirmed nor denied the report about its branch closures.",
            "The bank did not confirm the report about its branch closures.",
        ),
        # attribution synonyms
        (
            "The army will withdraw from the valley next month, the minister said.",
            "The army will withdraw from the valley next month, the minister told reporters.",
        ),
        # one actor named in short and full form, or spelled another way
        (
            "Shares of the carmaker rose after Governor Diaz proposed new tax credits.",
            "Shares of the carmaker rose after Governor Ana M. Diaz proposed new tax credits.",
        ),
        (
            "In Tucson, Mr. Ortega accused the board of ignoring the law.",
            "In Tucson, Luis Ortega accused the board of ignoring the law.",
        ),
        (
            "Officials at the CDC said the vaccine would reach clinics in May.",
            (
                "Officials at the Centers for Disease Control and Prevention said the vaccine "
                "would reach clinics in May."
            ),
        ),
        (
            "The attack was claimed by fighters loyal to Gaddafi in the south.",
            "The attack was claimed by fighters loyal to Qaddafi in the south.",
        ),
        (
            "Mayor José Núñez opened the new bridge in León.",
            "Mayor Jose Nunez opened the new bridge in Leon.",
        ),
        (
            "The bill was sponsored by Sen. Ann Ross (R-Kan.) and two others.",
            "The bill was sponsored by Senator Ann Ross, Republican of Kansas, and two others.",
        ),
        (
            "The bridge will reopen to traffic in March, Chief Engineer Tom Lane said.",
            "The bridge will reopen to traffic in March, Lane said.",
        ),
    ],
)
def test_wording_differences_are_not_changes(earlier: str, later: str) -> None:
    assert change_kind(prepare(earlier), prepare(later)) is None
    assert _judge(earlier, later).status == "seen"


@pytest.mark.parametrize(
    ("earlier", "later", "change"),
    [
        (
            "The storm killed at least 14 people in the coastal towns, officials said.",
            "The storm killed at least 19 people in the coastal towns, officials said.",
            "number",
        ),
        (
            "Turnout fell to 40 percent in the northern districts.",
            "Turnout fell to 47 percent in the northern districts.",
            "number",
        ),
        (
            "The city spent about $50 billion on the new metro line last year.",
            "The city spent about $60 billion on the new metro line last year.",
            "number",
        ),
        (
            "The ferry ran aground 5 km from the island harbour.",
            "The ferry ran aground 50 km from the island harbour.",
            "number",
        ),
        (
            "The minister declared the gift to the ethics office.",
            "The minister failed to declare the gift to the ethics office.",
            "negation",
        ),
        (
            "The cause of the fire on the ferry is known.",
            "The cause of the fire on the ferry is unknown.",
            "negation",
        ),
        (
            "The bill was sponsored by Senator Ann Ross and two others.",
            "The bill was sponsored by Senator Mark Dunn and two others.",
            "actor",
        ),
    ],
)
def test_real_changes_are_still_changed(earlier: str, later: str, change: str) -> None:
    result = _judge(earlier, later)
    assert (result.status, result.change) == ("changed", change)


def test_a_negation_in_an_added_clause_does_not_flip_the_claim() -> None:
    earlier = prepare("Survivors of the landslide are taken to the shelter on the hill.")
    later = prepare(
        "Survivors of the landslide are taken to the shelter on the hill, where those not yet "
        "identified are registered."
    )
    assert change_kind(earlier, later) is None


def test_figures_know_their_kind_unit_and_precision() -> None:
    def only(text: str):  # type: ignore[no-untyped-def]
        (figure,) = figures(normalize(text).split(), text)
        return figure

    assert only("$6.3 billion").value == 6.3e9 and only("$6.3 billion").step == 0.1e9
    assert only("in 1999").kind == "year"
    assert only("on Jan. 12").kind == "date"
    assert only("at 6 p.m.").kind == "clock"
    assert only("a 21-year-old clerk").kind == "age"
    assert only("nearly 20 percent").hedged
    assert same_figure(only("6 people"), only("1.5 percent")) is None  # count vs share
    assert same_figure(only("£40,000"), only("$52,000")) is None  # currencies do not convert
    assert same_figure(only("9am CET"), only("3 a.m. EST")) is None  # other time zones
    assert same_figure(only("60 miles"), only("about 100 kilometres")) is True
    assert same_figure(only("at least 40 troops"), only("at least 45 troops")) is False


def test_figure_tolerances_come_from_settings() -> None:
    earlier = "Some 80 volunteers joined the search along the coast on Sunday."
    later = "About 84 volunteers joined the search along the coast on Sunday."
    assert diff_claims([earlier], later)[0].status == "seen"
    strict = ClaimSettings(hedged_figure_tolerance_pct=0)
    assert (diff_claims([earlier], later, strict)[0].change) == "number"
    km = "The ferry ran aground 5 km from the island harbour."
    miles = "The ferry ran aground about three miles from the island harbour."
    assert diff_claims([km], miles)[0].status == "seen"
    no_conversion = ClaimSettings(unit_conversion_tolerance_pct=0)
    assert diff_claims([km], miles, no_conversion)[0].change == "number"


def test_an_added_negated_clause_makes_a_sentence_new() -> None:
    earlier = (
        "The mayor presented the new budget for roads, schools, parks and the harbour to the "
        "city council on Monday morning."
    )
    later = (
        "The mayor presented the new budget for roads, schools, parks and the harbour, which the "
        "council has not approved, to the city council on Monday morning."
    )
    assert _judge(earlier, later).status == "new"
    off = ClaimSettings(new_negated_clause_is_new=False, split_clauses=False)
    assert diff_claims([earlier], later, off)[0].status == "seen"


def test_ledger_of_stored_claims_judges_like_one_prepared_in_full() -> None:
    earlier = [
        "The ministry said 40 people were killed in the flooding on Tuesday.",
        "Rescue teams reached the northern villages by boat.",
        "The governor declared a state of emergency in three districts.",
        "Officials said the dam had not been inspected since 2019.",
        "Power was cut to about 12,000 homes.",
    ]
    later = [
        "Forty people died in Tuesday's floods, the ministry said.",
        "The governor declared an emergency in four districts.",
        "Officials denied the dam had not been inspected since 2019.",
        "Aid agencies warned of cholera in the camps.",
        "Rescue teams reached the northern villages by boat.",
    ]
    full, stored = Ledger(), Ledger()
    for number, text in enumerate(earlier):
        full.add(prepare(text), "a", number)
        stored.add_stored(text, prepare(text).normalized, "a", number)
    assert all(entry._prepared is None for entry in stored.entries)
    verdicts = [(stored.judge(prepare(t)), full.judge(prepare(t))) for t in later]
    assert [(v.status, v.entry_index) for v, _ in verdicts] == [
        (v.status, v.entry_index) for _, v in verdicts
    ]
    assert {v.status for v, _ in verdicts} >= {"seen", "new"}
    # Only the claims a sentence was compared with were prepared in full.
    assert 0 < sum(entry._prepared is not None for entry in stored.entries) < len(earlier)


def test_versions_prepared_by_the_workers_are_judged_as_prepared_only_with_the_same_settings() -> (
    None
):
    from monitor.claims import prepare_version
    from monitor.claims.cache import PreparedVersions

    text = "Rescue teams reached the villages by boat. Power was cut to 12,000 homes."
    settings = ClaimSettings()
    ahead = prepare_version(text, "Floods", settings)
    cache = PreparedVersions(max_items=2)
    cache.remember([ahead], settings)

    assert cache.take(text, "Floods", settings) == (ahead, True)
    again, from_workers = cache.take(text, "Floods", settings)  # taken once: prepared here now
    assert again is not ahead and again == ahead and not from_workers

    cache.remember([ahead], settings)
    other = ClaimSettings(judge_titles=not settings.judge_titles)
    assert cache.take(text, "Floods", other) == (prepare_version(text, "Floods", other), False)
    assert prepare_version(text, "Floods", other) != ahead


def test_small_and_large_blocks_find_the_same_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.claims import ledger as ledger_module

    places = ["harbour", "bridge", "tunnel", "station", "airport", "stadium", "market", "school"]
    verbs = ["closed", "reopened", "inspected", "flooded", "evacuated", "repaired"]
    ledger = Ledger()
    for number in range(240):
        place, verb = places[number % 8], verbs[number % 6]
        ledger.add(
            prepare(f"Officials said the {place} was {verb} after storm number {number}."), "a"
        )
    sentences = [
        "The harbour was closed after the storm, officials said.",
        "Engineers inspected the tunnel and the station on Monday.",
        "The airport was evacuated after storm number 17.",
    ]
    monkeypatch.setattr(ledger_module, "SMALL_BLOCK_IDS", 10**6)
    in_python = [ledger.candidates(prepare(s)) for s in sentences]
    monkeypatch.setattr(ledger_module, "SMALL_BLOCK_IDS", 0)
    with_numpy = [ledger.candidates(prepare(s)) for s in sentences]
    assert in_python == with_numpy
    assert (
        all(in_python) and max(map(len, in_python)) == ClaimSettings().candidate_limit
    )  # a cut was made


def test_the_claims_package_has_no_import_cycle_and_reads_no_documents() -> None:
    import ast
    from graphlib import TopologicalSorter

    package = Path(__file__).resolve().parent.parent / "monitor" / "claims"
    graph: dict[str, set[str]] = {}
    used: set[str] = set()
    for path in package.glob("*.py"):
        modules: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module == "monitor":
                modules.update(f"monitor.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module)
        own = {
            m.removeprefix("monitor.claims.") for m in modules if m.startswith("monitor.claims.")
        }
        if path.stem != "__init__":
            assert "monitor.claims" not in modules, (
                f"{path.name} imports the package that imports it"
            )
            graph[path.stem] = own
        used |= {
            m for m in modules if m.startswith("monitor") and not m.startswith("monitor.claims")
        }

    TopologicalSorter(graph).prepare()  # raises CycleError on a cycle
    # Text normalisation is at the bottom, the stage at the top: no module of the package imports it.
    assert graph["normalize"] == set() and "stage" not in set().union(*graph.values())
    # Reading a document (a file or a URL) belongs to the application layer, not to claims.
    assert used == {"monitor.db", "monitor.errors", "monitor.settings", "monitor.stopwords"}
