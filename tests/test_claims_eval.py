"""`monitor eval claims` beyond MRPC (STS, seed pair, ECB+ references, project pairs) and the
training script that produces the shipped paraphrase model."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from monitor.claims import DEFAULT_MODEL, FEATURE_NAMES
from monitor.errors import ParseError
from monitor.evals import claims as claims_eval
from monitor.evals import train_claims
from monitor.settings import ClaimSettings

DATA = Path(__file__).parent / "data"
STS = DATA / "claims-eval"
SEEDS = DATA / "seeds"


def _args(**options: object) -> argparse.Namespace:
    return argparse.Namespace(format="json", **options)


def test_sts_cuts_scores_into_seen_and_new_and_leaves_the_middle_out() -> None:
    pairs = claims_eval.read_sts(STS / "sts.tsv")
    assert [p.label for p in pairs] == [1, 0, 0]  # the 3.0 pair is left out


def test_sts_eval_scores_each_file_and_overall(capsys: pytest.CaptureFixture[str]) -> None:
    assert claims_eval.main(_args(sts=str(STS))) == 0
    out = json.loads(capsys.readouterr().out)["sts"]
    assert set(out["files"]) == {"sts.tsv"}
    overall = out["overall"]
    assert overall["pairs"] == 3 and overall["balanced_accuracy"] == 1.0
    assert overall["seen_share"] == pytest.approx(1 / 3)


def test_balanced_accuracy_weighs_both_classes_equally() -> None:
    labels = [1, 1, 1, 0]
    assert claims_eval.balanced_accuracy(labels, ["seen", "seen", "seen", "seen"]) == 0.5
    assert claims_eval.balanced_accuracy(labels, ["seen", "new", "new", "new"]) == pytest.approx(
        (1 / 3 + 1) / 2
    )


def test_seed_pair_verdicts_and_the_pause_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert claims_eval.main(argparse.Namespace(seed=str(SEEDS), format="table")) == 0
    out = capsys.readouterr().out
    assert "'urged Israel to pause its strikes at least twice' is new: yes" in out
    pause = [line for line in out.splitlines() if "pause its strikes at least twice" in line]
    assert pause and pause[0].startswith("  new")
    counts = claims_eval.eval_seed(SEEDS, ClaimSettings(), DEFAULT_MODEL)["counts"]
    assert isinstance(counts, dict) and counts["new"] >= 5 and counts["seen"] >= 5


def test_eval_needs_something_to_score() -> None:
    with pytest.raises(ParseError, match="nothing to score"):
        claims_eval.main(_args())


def _ecb_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A docs.jsonl of two invented documents and labels pointing into them."""
    earlier = {
        "doc_id": "1_1",
        "title": "Fire destroys a bakery in the old town.",
        "text": "The fire started in the oven room at dawn. Nobody was hurt.",
    }
    later = {
        "doc_id": "1_2",
        "title": "Bakery burns down.",
        "text": "A fire that began in the oven room destroyed the bakery. Police suspect arson.",
    }
    folder = tmp_path / "ecb"
    folder.mkdir()
    (folder / "docs.jsonl").write_text(
        "\n".join(json.dumps(d) for d in (earlier, later)) + "\n", encoding="utf-8"
    )
    texts = {d["doc_id"]: claims_eval.ecb_document_text(d) for d in (earlier, later)}
    rows = []
    for earlier_sentence, later_sentence, label in (
        (
            "The fire started in the oven room at dawn.",
            "A fire that began in the oven room destroyed the bakery.",
            "restated",
        ),
        ("Nobody was hurt.", "Police suspect arson.", "new"),
    ):
        e = texts["1_1"].index(earlier_sentence)
        lo = texts["1_2"].index(later_sentence)
        check = claims_eval.span_checksum(earlier_sentence, later_sentence)
        rows.append(
            f"1_1\t{e}\t{e + len(earlier_sentence)}\t1_2\t{lo}\t{lo + len(later_sentence)}\t{check}\t{label}\tnote"
        )
    labels = tmp_path / "labels.tsv"
    labels.write_text(
        "\t".join(claims_eval.RESTATEMENT_COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return folder, labels


def test_restatements_resolve_spans_and_score(tmp_path: Path) -> None:
    folder, labels = _ecb_folder(tmp_path)
    rows, pairs, documents = claims_eval.restatement_pairs(folder, labels)
    assert [r.label for r in rows] == [1, 0]
    assert [p.later for p in pairs] == [
        "A fire that began in the oven room destroyed the bakery.",
        "Police suspect arson.",
    ]
    assert documents[0].startswith("Fire destroys a bakery")
    out = claims_eval.eval_restatements(folder, ClaimSettings(), DEFAULT_MODEL, labels)
    assert out["pairs"] == 2 and out["restated_share"] == 0.5
    against_document = out["against_document"]
    assert isinstance(against_document, dict)
    # "began in the oven room" restates the earlier document; "arson" is in no form there.
    assert against_document["balanced_accuracy"] == 1.0
    assert against_document["restated_judged_new_share"] == 0.0


def test_restatements_fail_clearly_without_the_shared_data(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="shared data folder"):
        claims_eval.main(_args(restatements=str(tmp_path / "missing")))


def test_restatements_fail_when_the_text_is_not_the_labelled_copy(tmp_path: Path) -> None:
    folder, labels = _ecb_folder(tmp_path)
    docs = folder / "docs.jsonl"
    docs.write_text(docs.read_text(encoding="utf-8").replace("oven", "stove"), encoding="utf-8")
    with pytest.raises(ParseError, match="checksum"):
        claims_eval.restatement_pairs(folder, labels)


def test_the_shipped_labels_file_holds_references_only() -> None:
    rows = claims_eval.read_restatements()
    assert 150 <= len(rows) <= 320
    restated = sum(r.label for r in rows)
    assert 0.35 <= restated / len(rows) <= 0.65  # balanced-ish
    assert all(r.earlier_doc != r.later_doc for r in rows)
    # Notes are the labeller's short reasons, never sentences of the corpus.
    assert max(len(r.note) for r in rows) <= 120
    assert all(r.later_span[1] - r.later_span[0] > 10 for r in rows)


def test_training_pairs_cover_every_kind_the_issue_lists() -> None:
    pairs = train_claims.read_train_pairs()
    assert len(pairs) >= 400
    kinds = {(p.label, p.kind) for p in pairs}
    for wanted in (
        ("seen", "reworded"),
        ("seen", "reordered"),
        ("seen", "frame"),
        ("seen", "split"),
        ("new", "added_detail"),
        ("new", "different_claim"),
        ("changed", "number"),
        ("changed", "negation"),
        ("changed", "quantifier"),
        ("changed", "antonym"),
        ("changed", "modality"),
    ):
        assert wanted in kinds
    assert any(" " in p.earlier and p.kind == "split" for p in pairs)


def test_training_file_rejects_bad_rows(tmp_path: Path) -> None:
    bad = tmp_path / "pairs.tsv"
    bad.write_text("label\tkind\tearlier\tlater\nmaybe\tx\tA.\tB.\n", encoding="utf-8")
    with pytest.raises(ParseError, match="pairs.tsv:2"):
        train_claims.read_train_pairs(bad)


def test_augmentations_make_frames_reversals_and_unrelated_pairs() -> None:
    pairs = train_claims.read_train_pairs()
    made = train_claims.augment(pairs)
    kinds = {p.kind for p in made}
    assert {"frame+made", "unrelated+made", "reworded+reversed"} <= kinds
    frame = next(p for p in made if p.kind == "frame+made")
    assert frame.label == "seen" and frame.earlier.rstrip(".")[1:] in frame.later
    assert all(p.label == "new" for p in made if p.kind == "unrelated+made")


def test_independent_reports_are_held_out_of_the_fit_and_its_augmentations() -> None:
    pairs = train_claims.read_train_pairs()
    held = [p for p in pairs if p.kind in train_claims.HELD_OUT_KINDS]
    assert {p.kind for p in held} == {"independent", "independent_extra", "same_event"}
    fitted = train_claims.fitted_pairs(pairs)
    held_earliers = {p.earlier for p in held}
    assert not any(p.kind in train_claims.HELD_OUT_KINDS for p in fitted)
    assert not any(p.earlier in held_earliers or p.later in held_earliers for p in fitted)
    everything = train_claims.fitted_pairs(pairs, held_out=frozenset())
    assert any(p.kind == "independent+reversed" for p in everything)


def test_an_experimental_fit_cannot_overwrite_the_shipped_constants() -> None:
    with pytest.raises(SystemExit):
        train_claims.main(["--fit-held-out", "--write"])
    with pytest.raises(SystemExit):
        train_claims.main(["--c", "100", "--check"])


def test_shipped_coefficients_are_reproduced_by_the_training_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert train_claims.main(["--check"]) == 0
    out = capsys.readouterr().out
    assert f"PARAPHRASE_INTERCEPT = {DEFAULT_MODEL.intercept}" in out


def test_model_file_round_trip_and_eval_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.json"
    train_claims.write_model_file(DEFAULT_MODEL, path, train_claims.TRAIN_PAIRS, 10)
    assert train_claims.read_model_file(path) == DEFAULT_MODEL
    body = json.loads(path.read_text(encoding="utf-8"))
    assert list(body["coefficients"]) == list(FEATURE_NAMES)
    assert claims_eval.main(_args(sts=str(STS), model=str(path))) == 0
    assert json.loads(capsys.readouterr().out)["model_file"] == str(path)
    del body["coefficients"]["ratio"]
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ParseError, match="exactly the features"):
        train_claims.read_model_file(path)


def test_write_module_replaces_only_the_constants(tmp_path: Path) -> None:
    module = tmp_path / "features.py"
    source = train_claims.MODEL_MODULE.read_text(encoding="utf-8")
    module.write_text(source, encoding="utf-8")
    train_claims.write_module(DEFAULT_MODEL, module)
    assert module.read_text(encoding="utf-8") == source  # the shipped model is this fit already
    module.write_text("x = 1\n", encoding="utf-8")
    with pytest.raises(ParseError, match="cannot find"):
        train_claims.write_module(DEFAULT_MODEL, module)
