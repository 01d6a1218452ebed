"""Reversals: the same claim with its quantifier, polarity, predicate or modality turned around."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Indel

from monitor.claims.negation import TURNING_WORDS, negation_positions, negations, passive_denial
from monitor.claims.normalize import STOPWORDS, content_stem, normalize
from monitor.claims.prepare import Prepared
from monitor.claims.restate import LIGHT_CONCEPTS, concept, strip_reporting_frame

# Quantifier scale: 5 all, 4 most, 3 many, 2 some, 1 few, 0 none; -1 an absolute amount ("three",
# "dozens"). Longest phrases first; words as the normaliser leaves them ("not one" is "not 1").
_QUANTIFIER_PHRASES: tuple[tuple[tuple[str, ...], int], ...] = tuple(
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
_DENOMINATORS = {
    **dict.fromkeys(("third", "thirds", "3rd", "3rds"), 3),
    **dict.fromkeys(("quarter", "quarters", "fourth", "fourths", "4th", "4ths"), 4),
    **dict.fromkeys(("fifth", "fifths", "5th", "5ths"), 5),
    **dict.fromkeys(("tenth", "tenths", "10th", "10ths"), 10),
}
_ONE = frozenset({"a", "an", "one", "1"})
_QUANTIFIER_STEMS = (
    frozenset(content_stem(w) for phrase, _ in _QUANTIFIER_PHRASES for w in phrase)
    | frozenset(content_stem(w) for w in _DENOMINATORS)
    | {"onli", "%", "percent"}
)
_QUANTIFIER_FIRST = frozenset(phrase[0] for phrase, _ in _QUANTIFIER_PHRASES)
# Skipped between a quantifier and the noun it counts: "most of those Israeli airstrikes".
_QUANTIFIER_GAP = frozenset(
    ["of", "the", "those", "these", "a", "an", "its", "their", "his", "her", "our", "this"]
)
# "No one" and "nobody" count people: they meet "four people" and "six persons".
_PERSON = "<person>"
_PERSON_NOUNS = frozenset({"peopl", "person", "individu", "man", "men", "women", "woman"})
_PERSON_PHRASES = frozenset({("no", "1"), ("no", "one"), ("nobody",), ("noone",)})
# A share stated as a percentage: "80 % of the respondents" is most of them.
_PERCENT_WORDS = frozenset({"%", "percent"})


def _inflect(lemma: str) -> set[str]:
    """A verb or noun with its regular endings; a few wrong forms ("planed") do no harm."""
    forms = {lemma, lemma + "s", lemma + "es"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        forms |= {lemma + "ed", lemma + "ing", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _forms(spec: str) -> set[str]:
    """Words of a spec: "rise* rose risen" inflects the starred lemmas and keeps the rest as is."""
    out: set[str] = set()
    for item in spec.split():
        out |= _inflect(item[:-1]) if item.endswith("*") else {item}
    return out


# Opposite predicates: per axis, the words of one side and of the other, with their inflections.
_AXES: dict[str, tuple[str, str]] = {
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
_PHRASES: tuple[tuple[frozenset[str], str, str, int], ...] = (
    (frozenset(_forms("vote*")), "down", "assent", 1),
    (frozenset(_forms("turn*")), "down", "assent", 1),
    (frozenset(_forms("strike* struck")), "down", "assent", 1),
    (frozenset(_forms("advise* recommend* warn*")), "against", "assent", 1),
    (frozenset(_forms("vote*")), "against", "stance", 1),
    (frozenset(_forms("go* went gone")), "up", "amount", 0),
    (frozenset(_forms("go* went gone")), "down", "amount", 1),
    (frozenset(_forms("lay* laid")), "off", "hiring", 1),
    (frozenset(_forms("clear*")), "of", "verdict", 1),
    (frozenset(_forms("find* found")), "guilty", "verdict", 0),
    (frozenset(_forms("speed* sped")), "up", "speed", 0),
    *(
        (frozenset({side_word}), level, "level", side)
        for side, side_word in enumerate(("above", "below"))
        for level in ("average", "expectations", "forecasts", "normal", "target", "par", "trend")
    ),
)
_WORD_SIDES: dict[str, tuple[tuple[str, int], ...]] = {}
for _axis, _pair in _AXES.items():
    for _side, _spec in enumerate(_pair):
        for _word in _forms(_spec):
            _WORD_SIDES[_word] = (*_WORD_SIDES.get(_word, ()), (_axis, _side))
_EXTENT_WORDS = frozenset(_forms(" ".join(_AXES["extent"])))
_PHRASE_FIRST = frozenset(w for first, *_ in _PHRASES for w in first)
_BE = frozenset({"was", "were", "is", "are", "be", "been", "being", "got", "get", "gets"})
# "close" is also an adjective ("close to the base"): a verb only after these words.
_CLOSE_BEFORE = frozenset(
    {"to", "will", "would", "could", "can", "may", "might", "must", "should", "not", "did"}
)
# "declined to comment", "refused to pay", "failed to attend": a negation, not a predicate.
_NEGATING_BEFORE_TO = frozenset(_forms("decline* refuse* fail*"))

_MODALS = frozenset(
    ["will", "would", "can", "could", "shall", "should", "may", "might", "must", "need"]
)
# Words a negation turns into a statement of likelihood or ability: "not likely", "not expected".
_MODAL_WORDS = frozenset(
    ["likely", "probable", "possible", "able", "expected", "certain", "set", "going", "due"]
)
_NEGATORS = frozenset({"not", "never"})
# Prefixes that negate the word they start: "unsafe", "impossible", "illegal"; "dis" turns a verb.
_NEGATING_PREFIXES = ("non", "un", "in", "im", "il", "ir")
_PREFIX_MIN_BASE = 4

# Share (%) of the later sentence's other role words the earlier one must carry: a reversal keeps
# the rest of the claim.
REVERSAL_FRAME_MIN_PCT = 80.0

_Quantity = tuple[int, frozenset[str], str]  # scale, nouns it counts, the noun's content stem


@lru_cache(maxsize=16384)
def _quantifiers(words: tuple[str, ...]) -> tuple[_Quantity, ...]:
    """(scale, nouns, noun stem) for each quantifier, share or count in a sentence."""
    found: list[_Quantity] = []
    i, n = 0, len(words)
    while i < n:
        scale, width, phrase = _quantifier_at(words, i)
        if scale is None:
            i += 1
            continue
        j = i + width
        if phrase in _PERSON_PHRASES:
            found.append((scale, frozenset({_PERSON}), "one"))
            i = j
            continue
        while j < n and (
            words[j] in _QUANTIFIER_GAP or _is_modifier(words[j]) or words[j][0].isdigit()
        ):
            j += 1
        if j < n and words[j] not in STOPWORDS:
            stem = content_stem(words[j])
            nouns = {concept(stem)} | ({_PERSON} if stem in _PERSON_NOUNS else set())
            found.append((scale, frozenset(nouns), stem))
        i = j
    return tuple(found)


def _is_modifier(word: str) -> bool:
    # "those Israeli airstrikes": a demonstrative then adjectives; nationality words end -i/-ian.
    return word.endswith(("i", "ian", "ish")) and len(word) > 4


def _share_scale(share: float) -> int:
    """A share (0 to 1) on the quantifier scale; exactly half is neither side."""
    return 5 if share >= 1 else 4 if share > 0.5 else 1 if share > 0 else 0


def _fraction_at(words: tuple[str, ...], i: int) -> int | None:
    """The scale of "2 thirds of", "a quarter of" starting at words[i], or None."""
    denominator = _DENOMINATORS.get(words[i + 1]) if i + 2 < len(words) else None
    if denominator is None or words[i + 2] != "of":
        return None
    word = words[i]
    if word in _ONE:
        return _share_scale(1 / denominator)
    if word.isdigit() and 0 < int(word) <= denominator:
        share = int(word) / denominator
        return None if share == 0.5 else _share_scale(share)
    return None


def _quantifier_at(words: tuple[str, ...], i: int) -> tuple[int | None, int, tuple[str, ...]]:
    word = words[i]
    if word in _ONE or word[0].isdigit():
        fraction = _fraction_at(words, i)
        if fraction is not None:
            return fraction, 2, ()
    if word[0].isdigit():
        return _amount_at(words, i)
    if word not in _QUANTIFIER_FIRST:
        return None, 1, ()
    for phrase, scale in _QUANTIFIER_PHRASES:
        if words[i : i + len(phrase)] == phrase:
            if phrase == ("no",) and i + 1 < len(words) and words[i + 1] in ("longer", "doubt"):
                return None, 1, ()
            if phrase == ("each",) and i + 1 < len(words) and words[i + 1] == "other":
                return None, 1, ()
            return scale, len(phrase), phrase
    return None, 1, ()


def _amount_at(words: tuple[str, ...], i: int) -> tuple[int | None, int, tuple[str, ...]]:
    try:
        amount = float(words[i].rstrip("%"))
    except ValueError:
        return None, 1, ()
    following = words[i + 1] if i + 1 < len(words) else ""
    if following in _PERCENT_WORDS or words[i].endswith("%"):
        width = 1 if words[i].endswith("%") else 2
        if words[i + width : i + width + 1] != ("of",) or amount == 50:
            return None, 1, ()  # "rose 5 %" is a change, not a share; half is neither side
        return _share_scale(amount / 100), width, ()
    # A count of something; "0 deaths" is none. Years are not counts.
    return (0 if amount == 0 else -1) if amount < 1800 else None, 1, ()


def _flipped(a: int, b: int) -> bool:
    """Two shares on opposite sides: all/most against some/few/none, many against few/none."""
    low, high = min(a, b), max(a, b)
    if low < 0:
        return False
    return (high >= 4 and low <= 2) or (high == 3 and low <= 1) or (low == 0 and high >= 2)


def _rest_agrees(earlier: Prepared, later: Prepared, masked: frozenset[str]) -> bool:
    """The other role words of the later sentence are carried by the earlier one."""
    rest = {concept(w) for w in later.core} - masked - LIGHT_CONCEPTS
    rest = {w for w in rest if not w[0].isdigit()}
    if len(rest) < 2:
        return False
    theirs = {concept(w) for w in earlier.core}
    return len(rest & theirs) * 100 >= REVERSAL_FRAME_MIN_PCT * len(rest)


def agreement(earlier: Prepared, later: Prepared) -> float:
    """Share of the later sentence's role words the earlier one carries (a reversal's score)."""
    mine = {concept(w) for w in later.core}
    return len(mine & {concept(w) for w in earlier.core}) / max(len(mine), 1)


def quantifier_change(earlier: Prepared, later: Prepared) -> str | None:
    """A share turned around ("most" / "few"), or none against a count ("no one" / "four people")."""
    before, after = _quantifiers(earlier.words), _quantifiers(later.words)
    if not before or not after:
        return None
    for scale_a, nouns_a, stem_a in before:
        for scale_b, nouns_b, stem_b in after:
            if nouns_a.isdisjoint(nouns_b) or scale_a == scale_b:
                continue
            masked = _QUANTIFIER_STEMS | nouns_a | nouns_b | {concept(stem_a), concept(stem_b)}
            if -1 in (scale_a, scale_b):
                if 0 in (scale_a, scale_b) and _rest_agrees(earlier, later, masked):
                    return "negation"  # "no Americans were injured" / "three Americans were"
                continue
            if _flipped(scale_a, scale_b) and _rest_agrees(earlier, later, masked):
                return "quantifier"
    return None


def _none_against_some(earlier: Prepared, later: Prepared) -> bool:
    """ "found no evidence" / "found evidence": none of a noun the other side simply names."""
    if earlier.negated == later.negated:
        return False
    for this, other in ((earlier, later), (later, earlier)):
        theirs = {concept(w) for w in other.core}
        counted = {n for _, nouns, _ in _quantifiers(other.words) for n in nouns}
        for scale, nouns, stem in _quantifiers(this.words):
            if scale != 0 or not (nouns & theirs) or nouns & counted:
                continue
            masked = _QUANTIFIER_STEMS | nouns | {stem}
            if _rest_agrees(earlier, later, masked) and _rest_agrees(later, earlier, masked):
                return True
    return False


@lru_cache(maxsize=16384)
def _sides(words: tuple[str, ...]) -> dict[tuple[str, int], frozenset[str]]:
    """(axis, side) of each opposite-predicate word or phrase, with the words that carry it."""
    found: dict[tuple[str, int], set[str]] = {}
    n = len(words)
    skip = -1
    for i, word in enumerate(words):
        if i <= skip:
            continue
        following = words[i + 1] if i + 1 < n else ""
        if word in _PHRASE_FIRST:
            phrase = next(
                (p for p in _PHRASES if word in p[0] and following == p[1]),
                None,
            )
            if phrase is not None:
                found.setdefault((phrase[2], phrase[3]), set()).update((word, following))
                skip = i + 1
                continue
        if word == "close" and (i == 0 or words[i - 1] not in _CLOSE_BEFORE):
            continue
        sides = _WORD_SIDES.get(word, ())
        if word == "close":
            sides = (("open", 1),)
        if not sides:
            continue
        if (word in _NEGATING_BEFORE_TO and following == "to") or passive_denial(words, i):
            continue  # "declined to comment", "was denied bail": negation.py counts it as "not"
        if word in ("defeated", "beaten") and i and words[i - 1] in _BE:
            # "was defeated in the vote" lost it; "the bill was defeated" did not pass
            sides = (("outcome", 1), ("success", 1))
        for side in sides:
            found.setdefault(side, set()).add(word)
    return {k: frozenset(v) for k, v in found.items()}


def antonym_flip(earlier: Prepared, later: Prepared) -> frozenset[str] | None:
    """The words of a predicate one sentence has and the other turns to its opposite, or None."""
    before, after = _sides(earlier.words), _sides(later.words)
    if not before or not after:
        return None
    words: set[str] = set()
    for (axis, side), carried in before.items():
        other = (axis, 1 - side)
        if other in after and other not in before and (axis, side) not in after:
            words |= carried | after[other]
    if words:
        return frozenset(words)
    # Both sides keep a word of the axis ("upheld the veto" / "overturned the veto"): compare
    # only the words that differ.
    removed, added = set(), set()
    for a_start, a_end, b_start, b_end in _regions(earlier.words, later.words):
        removed |= set(earlier.words[a_start:a_end])
        added |= set(later.words[b_start:b_end])
    for (axis, side), carried in before.items():
        other = (axis, 1 - side)
        gone, come = carried & removed, after.get(other, frozenset()) & added
        if gone and come and not (before.get(other, frozenset()) & removed):
            words |= gone | come
    return frozenset(words) if words else None


# Auxiliaries in one form, so "has ratified" / "have ratified" align.
_AUXILIARY = {
    **dict.fromkeys(("have", "has", "had"), "have"),
    **dict.fromkeys(("be", "is", "are", "was", "were", "am"), "be"),
}


def _diff_key(word: str) -> str:
    return _AUXILIARY.get(word) or content_stem(word)


@lru_cache(maxsize=16384)
def _diff_keys(words: tuple[str, ...]) -> tuple[str, ...]:
    # A ledger claim meets many sentences: its keys are computed once.
    return tuple(_diff_key(w) for w in words)


def _regions(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """(a start, a end, b start, b end) of each stretch where two sentences' words differ.

    Words are compared by stem: "countries" / "country" is no difference.
    """
    regions: list[tuple[int, int, int, int]] = []
    current: list[int] | None = None
    for op in Indel.opcodes(_diff_keys(a), _diff_keys(b)):
        if op.tag == "equal":
            if current is not None:
                regions.append((current[0], current[1], current[2], current[3]))
                current = None
            continue
        if current is None:
            current = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            current[1], current[3] = op.src_end, op.dest_end
    if current is not None:
        regions.append((current[0], current[1], current[2], current[3]))
    return regions


@lru_cache(maxsize=16384)
def _claim_words(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """A sentence's words without its reporting frame ("X said", "according to Y")."""
    stripped = strip_reporting_frame(text)
    return words if stripped is None else tuple(normalize(stripped).split())


# Words that make a negation beside them one of modality: a modal, likelihood, plan or intent.
_MODAL_CONTEXT = (
    _MODALS
    | _MODAL_WORDS
    | frozenset(_forms("plan* intend* expect* aim*"))
    | frozenset({"planned", "planning", "intention", "intentions", "likelihood"})
)
_HAVE = frozenset({"have", "has", "had", "need", "needs", "needed"})
# Skipped when looking for the modal beside a negation: "will probably not meet".
_MODAL_GAP = frozenset(
    {"probably", "likely", "still", "yet", "now", "be", "been", "longer", "do", "does", "did"}
)
# A flip is local: at most this many words on a side differ around the negation ...
LOCAL_FLIP_MAX_WORDS = 5
# ... and a negation put in or taken out with no word in its place ("no longer", "has dropped")
# has at most this many words: more is a clause of its own.
LOCAL_FLIP_INSERT_MAX_WORDS = 3
# ... and the words both share, frame aside, are at least this share (%) of the shorter one.
LOCAL_FLIP_SHARED_MIN_PCT = 70.0


def _prefix_negated(region: tuple[str, ...], other: tuple[str, ...]) -> int:
    """How many words of `region` negate by a prefix a word of `other` states.

    "unlikely" / "likely", "unpenalised" / "penalty" (the same first letters); a prefix split
    off as a word ("non operative") counts as well.
    """
    count = 0
    for word in region:
        if word == "non":
            count += 1
            continue
        if not word.startswith(_NEGATING_PREFIXES):
            continue
        for prefix in _NEGATING_PREFIXES:
            base = word[len(prefix) :]
            if (
                word.startswith(prefix)
                and len(base) >= _PREFIX_MIN_BASE
                and (
                    base in _MODAL_WORDS  # "impossible" / "not able" are both negative
                    or any(w == base or w[:_PREFIX_STEM] == base[:_PREFIX_STEM] for w in other)
                )
            ):
                count += 1
                break
    return count


_PREFIX_STEM = 5


def _is_modal_at(words: tuple[str, ...], i: int) -> bool:
    word = words[i] if 0 <= i < len(words) else ""
    following = words[i + 1] if i + 1 < len(words) else ""
    return word in _MODAL_CONTEXT or (word in _HAVE and following == "to")


def _modal_beside(words: tuple[str, ...], start: int, end: int) -> bool:
    """A modal in words[start:end] or next to it, past adverbs ("will probably | not")."""
    if any(_is_modal_at(words, i) for i in range(start, end)):
        return True
    for step, i in ((-1, start - 1), (1, end)):
        while 0 <= i < len(words):
            if _is_modal_at(words, i):
                return True
            if words[i] not in _MODAL_GAP:
                break
            i += step
    return False


# The last pair `local_flip` judged and its answer: the ledger asks `change_kind` and then
# `reversal_kind` about one pair, and both start from the same per-stretch comparison.
_last_flip: tuple[Prepared | None, Prepared | None, str | None] = (None, None, None)


def local_flip(earlier: Prepared, later: Prepared) -> str | None:
    """`_local_flip`, remembered for the pair asked last."""
    global _last_flip
    last = _last_flip
    if last[0] is earlier and last[1] is later:
        return last[2]
    answer = _local_flip(earlier, later)
    _last_flip = (earlier, later, answer)
    return answer


@lru_cache(maxsize=16384)
def _negation_indices(words: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(i for i, _ in negation_positions(words))


def _local_flip(earlier: Prepared, later: Prepared) -> str | None:
    """ "negation" or "modality" when one stretch of the claim turns polarity, "agree" when it is
    negated against its antonym ("did not approve" / "withheld approval"), "same" when no stretch
    turns ("impossible" / "not able"), None when the two do not align well enough to tell.

    Polarity is compared stretch by stretch, with the reporting frame set aside, so another
    negating word both sides keep ("breathe without help") does not hide the flip.
    """
    a = _claim_words(earlier.text, earlier.words)
    b = _claim_words(later.text, later.words)
    if not a or not b:
        return None
    regions = _regions(a, b)
    shared = len(a) - sum(end - start for start, end, _, _ in regions)
    if shared * 100 < LOCAL_FLIP_SHARED_MIN_PCT * min(len(a), len(b)):
        return None
    neg_a = _negation_indices(a)
    neg_b = _negation_indices(b)
    flips = []
    for a_start, a_end, b_start, b_end in regions:
        part_a, part_b = a[a_start:a_end], b[b_start:b_end]
        count_a = sum(a_start <= i < a_end for i in neg_a) + _prefix_negated(part_a, b)
        count_b = sum(b_start <= i < b_end for i in neg_b) + _prefix_negated(part_b, a)
        if (count_a - count_b) % 2:
            flips.append((a_start, a_end, b_start, b_end))
    if not flips:
        return "same"
    if len(flips) != 1:
        return None
    a_start, a_end, b_start, b_end = flips[0]
    if a_end - a_start > LOCAL_FLIP_MAX_WORDS or b_end - b_start > LOCAL_FLIP_MAX_WORDS:
        return None
    if min(a_end - a_start, b_end - b_start) == 0 and (
        max(a_end - a_start, b_end - b_start) > LOCAL_FLIP_INSERT_MAX_WORDS
        or (a_start == len(a) and b_start == len(b))
        or (a_end == len(a) and b_end == len(b))
    ):
        return None  # a clause added or dropped at the end (", none seriously"), not a flip
    if not _QUANTIFIER_FIRST.isdisjoint(a[a_start:a_end]) and not _QUANTIFIER_FIRST.isdisjoint(
        b[b_start:b_end]
    ):
        return None  # "hardly any" / "almost no": a share on both sides, for quantifier_change
    # "did not win" / "lost": the negation and the antonym cancel, wherever the antonym moved
    removed = tuple(w for start, end, _, _ in regions for w in a[start:end])
    added = tuple(w for _, _, start, end in regions for w in b[start:end])
    sides_a, sides_b = _sides(removed), _sides(added)
    if any((axis, 1 - side) in sides_b and (axis, side) not in sides_b for axis, side in sides_a):
        return "agree"
    # The rest of the claim is the same: "the bridge was closed" / "the tunnel was not closed"
    # turns nothing around.
    turned = a[a_start:a_end] + b[b_start:b_end]
    masked = frozenset(concept(content_stem(w)) for w in turned) | _QUANTIFIER_STEMS
    if not (_rest_agrees(earlier, later, masked) and _rest_agrees(later, earlier, masked)):
        return None
    if _modal_beside(a, a_start, a_end) or _modal_beside(b, b_start, b_end):
        return "modality"
    return "negation"


_FLIP_PREFIXES = (*_NEGATING_PREFIXES, "dis")


def _prefix_flips(this: Prepared, other: Prepared) -> list[tuple[str, str]]:
    """(word, base) for each word `this` negates by a prefix that `other` states plainly."""
    return list(_prefix_flips_of(this.words, other.words))


def _prefix_flips_of(
    these: tuple[str, ...], others: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    theirs = set(others)
    flips = []
    for word in set(these) - theirs:
        if not word.startswith(_FLIP_PREFIXES):
            continue
        for prefix in _FLIP_PREFIXES:
            base = word[len(prefix) :]
            if word.startswith(prefix) and len(base) >= _PREFIX_MIN_BASE and base in theirs:
                if base not in these and not _split_prefix(others, base):
                    flips.append((word, base))
                break
    return tuple(flips)


def _split_prefix(words: tuple[str, ...], base: str) -> bool:
    # "non- operative" / "inoperative", "non binding" / "nonbinding": the prefix as a word
    return any(
        w == base and i and words[i - 1] in (*_NEGATING_PREFIXES, "dis")
        for i, w in enumerate(words)
    )


def polarity_differs(earlier: Prepared, later: Prepared) -> bool:
    """Whether the two sentences differ in polarity, counting "not" and "un-"/"im-" words alike.

    "It is not impossible" says what "It is possible" does; "not unsafe" is "safe".
    """
    first = earlier.negated ^ (len(_prefix_flips(earlier, later)) % 2 == 1)
    second = later.negated ^ (len(_prefix_flips(later, earlier)) % 2 == 1)
    return first != second


def _prefix_kind(earlier: Prepared, later: Prepared) -> str | None:
    """ "probable"/"improbable" is modality, "safe"/"unsafe" negation, "allow"/"disallow" antonym."""
    if earlier.negated != later.negated or not polarity_differs(earlier, later):
        return None
    flips = _prefix_flips(earlier, later) + _prefix_flips(later, earlier)
    masked = frozenset(concept(content_stem(w)) for pair in flips for w in pair)
    if not _rest_agrees(earlier, later, masked):
        return None
    if any(base in _MODAL_WORDS for _, base in flips):
        return "modality"
    return "antonym" if any(word.startswith("dis") for word, _ in flips) else "negation"


def _modal_flip(earlier: Prepared, later: Prepared) -> bool:
    """ "will" / "will no longer", which negation's strong-word rule leaves out."""
    if earlier.negated == later.negated:
        return False
    negated = later if later.negated else earlier
    if not modal_negation(earlier, later, negated):
        return False
    masked = frozenset({"longer", "not", "never", "no"})
    return _rest_agrees(earlier, later, masked) and _rest_agrees(later, earlier, masked)


def reversal_kind(earlier: Prepared, later: Prepared) -> str | None:
    """How the later sentence turns the earlier claim around: quantifier, negation, antonym, modality."""
    kind = quantifier_change(earlier, later)
    if kind is not None:
        return kind
    if _none_against_some(earlier, later):
        return "negation"
    flip = antonym_flip(earlier, later)
    if flip and not polarity_differs(earlier, later):
        masked = frozenset(concept(content_stem(w)) for w in flip)
        if _rest_agrees(earlier, later, masked):
            return "quantifier" if flip <= _EXTENT_WORDS else "antonym"
    local = local_flip(earlier, later) if may_flip(earlier, later) else None
    if local in ("negation", "modality"):
        return local
    kind = _prefix_kind(earlier, later)
    if local is not None:
        # the stretches agree in polarity; "allowed" / "disallowed" still turns the predicate
        return "antonym" if kind == "antonym" else None
    if kind is not None:
        return kind
    if _modal_flip(earlier, later):
        return "modality"
    return None


def modal_negation(earlier: Prepared, later: Prepared, negated: Prepared | None = None) -> bool:
    """A negation flip that sits on a modal: "will" / "will not", "likely" / "not likely"."""
    if negated is None:
        negated = later if later.negation == 2 else earlier
    words = negated.words
    for i, word in enumerate(words):
        if word in _NEGATORS or (word == "no" and words[i + 1 : i + 2] == ("longer",)):
            if i > 0 and words[i - 1] in _MODALS:
                return True
            after = words[i + 1 : i + 4]
            if word == "no":
                after = after[1:]
            nxt = next((w for w in after if w not in ("be", "been", "yet", "very")), "")
            if nxt in _MODAL_WORDS:
                return True
    return False


def may_be_reversed(normalized: str, content: frozenset[str]) -> bool:
    """Whether a stored claim has a word a later sentence could turn around (a cheap screen)."""
    words = normalized.split()
    return not _QUANTIFIER_FIRST.isdisjoint(words) or not _WORD_SIDES.keys().isdisjoint(words)


def may_reverse(prepared: Prepared) -> bool:
    """Whether a sentence has any word a reversal turns on (a cheap screen before the checks)."""
    words = prepared.words
    return bool(
        _quantifiers(words)
        or _sides(words)
        or negations(words)
        or any(w.startswith(_ALL_PREFIXES) and len(w) >= _PREFIX_WORD_MIN for w in words)
    )


_ALL_PREFIXES = (*_NEGATING_PREFIXES, "dis")
_PREFIX_WORD_MIN = _PREFIX_MIN_BASE + 2


# Every word a reversal can turn on: the screen `may_turn` looks for one among the words that
# two sentences do not share.
_TURN_WORDS = (
    TURNING_WORDS
    | frozenset(w for phrase, _ in _QUANTIFIER_PHRASES for w in phrase)
    | frozenset(w for phrase in _PERSON_PHRASES for w in phrase)
    | _PERCENT_WORDS
    | _WORD_SIDES.keys()
    | frozenset(w for first, second, _, _ in _PHRASES for w in (*first, second))
    | _MODALS
    | _MODAL_CONTEXT
    | _HAVE
    | frozenset({"both", "either", "longer", "yet", "non"})
    | _DENOMINATORS.keys()
)


def may_turn(earlier: Prepared, later: Prepared) -> bool:
    """Whether the words the two sentences do not share could carry a reversal (a cheap screen).

    A reversal changes a negation, a quantity, a modal or an opposite word; when the words one
    sentence has and the other lacks include none of them, `reversal_kind` finds nothing.
    """
    differing = set(earlier.words).symmetric_difference(later.words)
    return any(
        w in _TURN_WORDS
        or w[:1].isdigit()
        or (w.startswith(_ALL_PREFIXES) and len(w) >= _PREFIX_WORD_MIN)
        for w in differing
    )


@lru_cache(maxsize=16384)
def _has_polarity_word(words: tuple[str, ...]) -> bool:
    return any(w in TURNING_WORDS or w.startswith(_ALL_PREFIXES) for w in words)


def may_flip(earlier: Prepared, later: Prepared) -> bool:
    """Whether either sentence has a word that can turn polarity: a screen before `local_flip`.

    Without a negating word or a negating prefix on either side no stretch can flip, and the
    callers reach the same verdict as with `local_flip`'s answer.
    """
    return _has_polarity_word(earlier.words) or _has_polarity_word(later.words)
