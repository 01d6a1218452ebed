"""The words reversals turn on: quantifier phrases, opposite predicates, modals, negating prefixes.

Plain data with the few helpers that build it; `monitor.claims.reversal` reads it.
"""

from __future__ import annotations

from monitor.claims.negation import TURNING_WORDS
from monitor.claims.normalize import content_stem

# Quantifier scale: 5 all, 4 most, 3 many, 2 some, 1 few, 0 none; -1 an absolute amount ("three",
# "dozens"). Longest phrases first; words as the normaliser leaves them ("not one" is "not 1").
QUANTIFIER_PHRASES: tuple[tuple[tuple[str, ...], int], ...] = tuple(
    sorted(
        [
            (("not", "a", "single"), 0),
            (("not", "1"), 0),
            (("not", "all"), 2),
            (("more", "than", "half"), 4),
            (("over", "half"), 4),
            (("fewer", "than", "half"), 1),
            (("less", "than", "half"), 1),
            (("under", "half"), 1),
            (("vast", "majority"), 4),
            (("overwhelming", "majority"), 4),
            (("great", "majority"), 4),
            (("large", "majority"), 4),
            (("large", "share"), 4),
            (("nearly", "all"), 4),
            (("almost", "all"), 4),
            (("virtually", "all"), 4),
            (("practically", "all"), 4),
            (("nearly", "every"), 4),
            (("almost", "every"), 4),
            (("small", "minority"), 1),
            (("tiny", "minority"), 1),
            (("small", "share"), 1),
            (("small", "part"), 1),
            (("large", "part"), 4),
            (("small", "fraction"), 1),
            (("tiny", "fraction"), 1),
            (("hardly", "any"), 1),
            (("scarcely", "any"), 1),
            (("barely", "any"), 1),
            (("almost", "no"), 1),
            (("almost", "none"), 1),
            (("virtually", "no"), 1),
            (("virtually", "none"), 1),
            (("no", "1"), 0),
            (("no", "one"), 0),
            (("handful",), 1),
            (("majority",), 4),
            (("most",), 4),
            (("bulk",), 4),
            (("all",), 5),
            (("every",), 5),
            (("each",), 5),
            (("many",), 3),
            (("numerous",), 3),
            (("half",), 3),
            (("minority",), 1),
            (("few",), 1),
            (("some",), 2),
            (("none",), 0),
            (("no",), 0),
            (("nobody",), 0),
            (("noone",), 0),
            (("dozens",), -1),
            (("hundreds",), -1),
            (("thousands",), -1),
            (("millions",), -1),
            (("scores",), -1),
            (("several",), -1),
        ],
        key=lambda item: -len(item[0]),
    )
)
# A share written as a fraction: "2 thirds of", "a quarter of", "1 3rd of" (as normalised).
DENOMINATORS = {
    **dict.fromkeys(("third", "thirds", "3rd", "3rds"), 3),
    **dict.fromkeys(("quarter", "quarters", "fourth", "fourths", "4th", "4ths"), 4),
    **dict.fromkeys(("fifth", "fifths", "5th", "5ths"), 5),
    **dict.fromkeys(("tenth", "tenths", "10th", "10ths"), 10),
}
ONE = frozenset({"a", "an", "one", "1"})
QUANTIFIER_STEMS = (
    frozenset(content_stem(w) for phrase, _ in QUANTIFIER_PHRASES for w in phrase)
    | frozenset(content_stem(w) for w in DENOMINATORS)
    | {"onli", "%", "percent"}
)
QUANTIFIER_FIRST = frozenset(phrase[0] for phrase, _ in QUANTIFIER_PHRASES)
# Skipped between a quantifier and the noun it counts: "most of those Israeli airstrikes".
QUANTIFIER_GAP = frozenset(
    ["of", "the", "those", "these", "a", "an", "its", "their", "his", "her", "our", "this"]
)
# "No one" and "nobody" count people: they meet "four people" and "six persons".
PERSON = "<person>"
PERSON_NOUNS = frozenset({"peopl", "person", "individu", "man", "men", "women", "woman"})
PERSON_PHRASES = frozenset({("no", "1"), ("no", "one"), ("nobody",), ("noone",)})
# A share stated as a percentage: "80 % of the respondents" is most of them.
PERCENT_WORDS = frozenset({"%", "percent"})


def inflect(lemma: str) -> set[str]:
    """A verb or noun with its regular endings; a few wrong forms ("planed") do no harm."""
    forms = {lemma, lemma + "s", lemma + "es"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        forms |= {lemma + "ed", lemma + "ing", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def forms(spec: str) -> set[str]:
    """Words of a spec: "rise* rose risen" inflects the starred lemmas and keeps the rest as is."""
    out: set[str] = set()
    for item in spec.split():
        out |= inflect(item[:-1]) if item.endswith("*") else {item}
    return out


# Opposite predicates: per axis, the words of one side and of the other, with their inflections.
AXES: dict[str, tuple[str, str]] = {
    "amount": (
        (
            "rise* rose risen climb* increase* grow* grew grown surge* soar* jump* expand* expansion"
            " double* raise* hike* boost* higher highest high"
        ),
        (
            "fall* fell fallen drop* decrease* decline* shrink* shrank shrunk shrunken plunge*"
            " slump* tumble* sink* sank sunk contracted contracting contraction halve* cut cuts"
            " cutting reduce* reduction lower* lowest low"
        ),
    ),
    "outcome": (
        "win* won victory victorious triumph* clinch* beat beats beaten beating gain* defeat*",
        "lose* lost losing",
    ),
    "assent": (
        (
            "approve* approval authorize* authorise* authorization endorse* endorsement ratify*"
            " ratification accept* acceptance grant* uphold* upheld allow* permit* permitted"
            " recommend* greenlight*"
        ),
        (
            "reject* rejection blocked blocking veto* vetoes deny* denies denial refuse* refusal overturn*"
            " quash* disapprove* disapproval disallow* banned banning forbid* forbade forbidden"
            " prohibit*"
        ),
    ),
    "stance": ("support* favour* favor*", "oppose* opposed"),
    "verdict": ("convict* conviction guilty", "acquit* acquitted acquittal innocent"),
    "success": ("pass passed passes succeed* success successful", "fail* failure"),
    "open": ("open* reopen*", "closed closing closes closure shut shuts shutting"),
    "hiring": ("hire* recruit*", "fired sacked"),
    "quality": ("improve* improvement", "worsen* deteriorate* deterioration"),
    "strength": ("strengthen*", "weaken*"),
    "width": ("widen* wider", "narrow* narrower"),
    "welcome": ("welcome*", "condemn* criticise* criticize* denounce*"),
    "restriction": ("lift lifted lifting lifts", "impose* imposition"),
    "truth": ("confirm* confirmation", "deny* denies denial"),
    "profit": ("profit* profitable surplus", "loss deficit"),
    "pace": ("resume* resumption", "suspend* suspension halt*"),
    "presence": ("attend* attendance", "skip* skipped boycott*"),
    "length": ("extend* extension lengthen* prolong*", "shorten* curtail*"),
    "travel": ("arrive* arrival", "depart* departure"),
    "position": ("ahead", "behind"),
    "rules": ("relax* loosen* ease eased eases easing", "tighten*"),
    "front": ("advance* advancing", "retreat*"),
    # how far a thing reaches: a share of places, judged a quantifier change
    "extent": ("widespread", "isolated localised localized sporadic"),
    "speed": ("accelerate* acceleration quicken*", "slow* slowdown decelerate*"),
}
# Two-word predicates: (first word's forms, second word, axis, side).
PHRASES: tuple[tuple[frozenset[str], str, str, int], ...] = (
    (frozenset(forms("vote*")), "down", "assent", 1),
    (frozenset(forms("turn*")), "down", "assent", 1),
    (frozenset(forms("strike* struck")), "down", "assent", 1),
    (frozenset(forms("advise* recommend* warn*")), "against", "assent", 1),
    (frozenset(forms("vote*")), "against", "stance", 1),
    (frozenset(forms("go* went gone")), "up", "amount", 0),
    (frozenset(forms("go* went gone")), "down", "amount", 1),
    (frozenset(forms("lay* laid")), "off", "hiring", 1),
    (frozenset(forms("clear*")), "of", "verdict", 1),
    (frozenset(forms("find* found")), "guilty", "verdict", 0),
    (frozenset(forms("speed* sped")), "up", "speed", 0),
    *(
        (frozenset({side_word}), level, "level", side)
        for side, side_word in enumerate(("above", "below"))
        for level in ("average", "expectations", "forecasts", "normal", "target", "par", "trend")
    ),
)
WORD_SIDES: dict[str, tuple[tuple[str, int], ...]] = {}
for _axis, _pair in AXES.items():
    for _side, _spec in enumerate(_pair):
        for _word in forms(_spec):
            WORD_SIDES[_word] = (*WORD_SIDES.get(_word, ()), (_axis, _side))
EXTENT_WORDS = frozenset(forms(" ".join(AXES["extent"])))
PHRASE_FIRST = frozenset(w for first, *_ in PHRASES for w in first)
BE = frozenset({"was", "were", "is", "are", "be", "been", "being", "got", "get", "gets"})
# "close" is also an adjective ("close to the base"): a verb only after these words.
CLOSE_BEFORE = frozenset(
    {"to", "will", "would", "could", "can", "may", "might", "must", "should", "not", "did"}
)
# "declined to comment", "refused to pay", "failed to attend": a negation, not a predicate.
NEGATING_BEFORE_TO = frozenset(forms("decline* refuse* fail*"))

MODALS = frozenset(
    ["will", "would", "can", "could", "shall", "should", "may", "might", "must", "need"]
)
# Words a negation turns into a statement of likelihood or ability: "not likely", "not expected".
MODAL_WORDS = frozenset(
    ["likely", "probable", "possible", "able", "expected", "certain", "set", "going", "due"]
)
NEGATORS = frozenset({"not", "never"})
# Prefixes that negate the word they start: "unsafe", "impossible", "illegal"; "dis" turns a verb.
NEGATING_PREFIXES = ("non", "un", "in", "im", "il", "ir")
PREFIX_MIN_BASE = 4

# Auxiliaries in one form, so "has ratified" / "have ratified" align.
AUXILIARY = {
    **dict.fromkeys(("have", "has", "had"), "have"),
    **dict.fromkeys(("be", "is", "are", "was", "were", "am"), "be"),
}

# Words that make a negation beside them one of modality: a modal, likelihood, plan or intent.
MODAL_CONTEXT = (
    MODALS
    | MODAL_WORDS
    | frozenset(forms("plan* intend* expect* aim*"))
    | frozenset({"planned", "planning", "intention", "intentions", "likelihood"})
)
HAVE = frozenset({"have", "has", "had", "need", "needs", "needed"})
# Skipped when looking for the modal beside a negation: "will probably not meet".
MODAL_GAP = frozenset(
    {"probably", "likely", "still", "yet", "now", "be", "been", "longer", "do", "does", "did"}
)

ALL_PREFIXES = (*NEGATING_PREFIXES, "dis")
PREFIX_WORD_MIN = PREFIX_MIN_BASE + 2


# Every word a reversal can turn on: the screen `may_turn` looks for one among the words that
# two sentences do not share.
TURN_WORDS = (
    TURNING_WORDS
    | frozenset(w for phrase, _ in QUANTIFIER_PHRASES for w in phrase)
    | frozenset(w for phrase in PERSON_PHRASES for w in phrase)
    | PERCENT_WORDS
    | WORD_SIDES.keys()
    | frozenset(w for first, second, _, _ in PHRASES for w in (*first, second))
    | MODALS
    | MODAL_CONTEXT
    | HAVE
    | frozenset({"both", "either", "longer", "yet", "non"})
    | DENOMINATORS.keys()
)
