"""`monitor eval claims --reversals`: recall of `changed` on reversed claims, and false `changed`
on controls that only look like reversals."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from monitor.claims import ParaphraseModel, prepare
from monitor.errors import ParseError
from monitor.evals.claims import document_ledger
from monitor.evals.train_claims import TrainPair, read_train_pairs
from monitor.settings import ClaimSettings

# The project's own held-out set (docs/claims-eval.md, "Reversals"); never used to write the rules.
REVERSAL_PAIRS = Path(__file__).parent / "data" / "reversal_pairs.tsv"


# One labelled pair: `changed` with its change kind, or a `seen`/`new` control; the same file
# format as the training pairs.
ReversalPair = TrainPair


@dataclass(frozen=True)
class Judged:
    """The judge's verdict on one pair."""

    pair: ReversalPair
    status: str
    change: str | None


def read_reversal_pairs(path: str | Path = REVERSAL_PAIRS) -> list[ReversalPair]:
    """The labelled pairs of a TSV with the header label, kind, earlier, later."""
    rows = read_train_pairs(path)
    if not rows:
        raise ParseError(f"{path}: no pairs")
    return rows


def judge_reversals(
    rows: list[ReversalPair], settings: ClaimSettings, model: ParaphraseModel
) -> list[Judged]:
    """Each later sentence judged against a ledger of its earlier sentence, as the pipeline would."""
    judged: list[Judged] = []
    for row in rows:
        verdict = document_ledger(row.earlier, settings, model).judge(prepare(row.later))
        judged.append(Judged(row, verdict.status, verdict.change))
    return judged


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def reversal_figures(judged: list[Judged]) -> dict[str, object]:
    """Recall of `changed` per kind, the share with the right kind, precision, false `changed`."""
    changed = [j for j in judged if j.pair.label == "changed"]
    controls = [j for j in judged if j.pair.label != "changed"]
    called = [j for j in judged if j.status == "changed"]
    by_kind: dict[str, dict[str, object]] = {}
    for kind in sorted({j.pair.kind for j in changed}):
        rows = [j for j in changed if j.pair.kind == kind]
        found = [j for j in rows if j.status == "changed"]
        by_kind[kind] = {
            "pairs": len(rows),
            "recall": _share(len(found), len(rows)),
            "right_kind": _share(sum(j.change == kind for j in found), len(rows)),
            "judged": {s: sum(j.status == s for j in rows) for s in ("changed", "seen", "new")},
        }
    by_control: dict[str, dict[str, object]] = {}
    for label in ("seen", "new"):
        rows = [j for j in controls if j.pair.label == label]
        by_control[label] = {
            "pairs": len(rows),
            "false_changed": _share(sum(j.status == "changed" for j in rows), len(rows)),
            "right": _share(sum(j.status == label for j in rows), len(rows)),
        }
    found = [j for j in changed if j.status == "changed"]
    return {
        "pairs": len(judged),
        "changed_pairs": len(changed),
        "control_pairs": len(controls),
        "recall": _share(len(found), len(changed)),
        "right_kind": _share(sum(j.change == j.pair.kind for j in found), len(changed)),
        "precision": _share(sum(j.pair.label == "changed" for j in called), len(called)),
        "controls_false_changed": _share(
            sum(j.status == "changed" for j in controls), len(controls)
        ),
        "by_kind": by_kind,
        "controls": by_control,
        "misses": [
            {
                "label": j.pair.label,
                "kind": j.pair.kind,
                "status": j.status,
                "change": j.change,
                "earlier": j.pair.earlier,
                "later": j.pair.later,
            }
            for j in judged
            if (j.status != "changed" or j.change != j.pair.kind)
            if j.pair.label == "changed" or j.status == "changed"
        ],
    }


def eval_reversals(
    path: str | Path, settings: ClaimSettings, model: ParaphraseModel
) -> dict[str, object]:
    """Judge every pair of a reversal file and report the figures (see reversal_figures)."""
    rows = read_reversal_pairs(path)
    started = time.process_time()
    judged = judge_reversals(rows, settings, model)
    out = reversal_figures(judged)
    out["file"] = Path(path).name
    out["cpu_seconds"] = round(time.process_time() - started, 3)
    return out


def print_reversals(r: object) -> None:
    """The figures as a small table."""
    assert isinstance(r, dict)
    print(f"reversals ({r['file']}: {r['changed_pairs']} changed, {r['control_pairs']} controls):")
    print(
        f"  recall of changed {r['recall']:.3f}  with the right kind {r['right_kind']:.3f}  "
        f"precision of changed {r['precision']:.3f}  controls called changed "
        f"{r['controls_false_changed']:.3f}"
    )
    for kind, k in r["by_kind"].items():
        judged = k["judged"]
        print(
            f"    changed/{kind}: recall {k['recall']:.2f}, right kind {k['right_kind']:.2f} "
            f"of {k['pairs']} (judged {judged['changed']} changed, {judged['seen']} seen, "
            f"{judged['new']} new)"
        )
    for label, c in r["controls"].items():
        print(
            f"    control {label}: called changed {c['false_changed']:.2f}, "
            f"right {c['right']:.2f} of {c['pairs']}"
        )
