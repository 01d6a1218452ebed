"""Claims commands: `monitor claims diff`, `ledger`, `correct` and `retrain`."""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable

from monitor import db
from monitor.claims import diff_claims
from monitor.cli import common

LEDGER_KEYS = (
    "claim_id",
    "kind",
    "text",
    "changed_from_text",
    "first_outlet",
    "first_seen_at",
    "corroboration",
    "mentions",
    "first_url",
)


def add_claims(parser: argparse.ArgumentParser) -> None:
    """Actions of `monitor claims`."""
    actions = parser.add_subparsers(dest="claims_command", required=True, metavar="ACTION")
    diff = common.add_command(
        actions,
        "diff",
        cmd_diff,
        "mark each sentence of LATER new, seen, changed or skipped against the EARLIER documents",
    )
    diff.add_argument(
        "documents", nargs="+", metavar="DOC", help="EARLIER... LATER: .txt/.html paths or URLs"
    )
    common.add_format(diff)
    diff.add_argument("--all", action="store_true", help="table: also list skipped sentences")
    ledger = common.add_command(
        actions, "ledger", cmd_ledger, "list a story's distinct claims with corroboration"
    )
    ledger.add_argument("story", metavar="STORY", help="story id, or a unique part of its name")
    common.add_format(ledger)
    correct = common.add_command(
        actions, "correct", cmd_correct, "correct a claim's verdict: a restatement, or new"
    )
    correct.add_argument("claim_id", type=int, metavar="CLAIM_ID", help="claims.id")
    verdict = correct.add_mutually_exclusive_group(required=True)
    verdict.add_argument(
        "--seen-as", type=int, metavar="OTHER_CLAIM_ID", help="it restates this earlier claim"
    )
    verdict.add_argument("--new", action="store_true", help="it is a new claim: alert it")
    correct.add_argument("--by", default=None, help="who corrects (default: $USER)")
    common.add_format(correct)
    retrain = common.add_command(
        actions,
        "retrain",
        cmd_retrain,
        "refit the claim judge on base pairs plus the corrections; writes the database's model",
    )
    retrain.add_argument(
        "--pairs",
        default=None,
        help="base training pairs, TSV in MRPC layout: pass the project's training set "
        "(default: the corrections alone)",
    )
    retrain.add_argument("--folds", type=int, default=5, help="folds of held-out corrections")
    retrain.add_argument(
        "--output",
        default=None,
        help="model file (default: [claims] model_path or <database>.claims-model.json)",
    )


def cmd_diff(args: argparse.Namespace) -> int:
    """Judge the last document's sentences against the earlier ones."""
    if len(args.documents) < 2:
        common.print_error("claims diff needs at least one EARLIER and one LATER document")
        return 2
    # Reading documents loads trafilatura (about half a second): `claims ledger` does without it.
    from monitor.cli.documents import load_document

    settings = common.optional_settings(args)
    texts = [load_document(source, settings) for source in args.documents]
    results = diff_claims(texts[:-1], texts[-1], settings.claims, labels=args.documents[:-1])
    if common.wants_json(args):
        common.print_json([r.to_dict() for r in results])
        return 0
    for result in results:
        if result.status == "skipped" and not args.all:
            continue
        if result.status == "skipped":
            detail = result.reason or ""
        else:
            detail = f"{result.match.score:.2f}" if result.match else ""
        if result.status == "changed" and result.change:
            detail = f"{detail} {result.change}"
        print(f"{result.status:8} {detail:16} {result.sentence}")
        if result.match is not None:
            print(f"{'':8} {'':16} <- {result.match.sentence}  [{result.match.document}]")
    counts = {s: sum(r.status == s for r in results) for s in ("new", "changed", "seen", "skipped")}
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    """A story's distinct claims, oldest first, with corroboration."""
    from monitor.report import find_story  # raises StoryNotFoundError (exit 2) for an unknown story

    settings = common.settings(args)
    with db.open_db(settings.database, read_only=True) as con:
        story = find_story(con, args.story)
        rows = db.query(con, "claims_story_claims", {"story_id": story["story_id"]})
    items = [dict(zip(LEDGER_KEYS, row, strict=True)) for row in rows]
    if common.wants_json(args):
        common.print_json(items)
        return 0
    print(f"story {story['story_id']}: {story['name']}")
    common.print_table(
        ["claim", "kind", "outlets", "first seen", "first outlet", "text"],
        [
            [
                f"#{item['claim_id']}",
                item["kind"],
                str(item["corroboration"]),
                common.when(item["first_seen_at"]),
                str(item["first_outlet"]),
                str(item["text"])
                + (f"  (was: {item['changed_from_text']})" if item["changed_from_text"] else ""),
            ]
            for item in items
        ],
    )
    print(f"{len(rows)} claim{'' if len(rows) == 1 else 's'}")
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    """Store an editor's correction; the ledger and later alerts follow it at once."""
    from monitor.claims.corrections import correct

    settings = common.settings(args)
    by = args.by or os.environ.get("USER") or getpass.getuser()
    with db.open_db(settings.database) as con:
        done = correct(con, args.claim_id, seen_as=args.seen_as, by=by, now=db.utcnow())
    if common.wants_json(args):
        common.print_json(
            {
                "correction_id": done.id,
                "claim_id": done.claim_id,
                "verdict": done.verdict,
                "seen_as": done.seen_as,
                "previous_kind": done.previous_kind,
                "by": done.by,
                "at": done.at.isoformat(),
            }
        )
        return 0
    what = f"a restatement of claim {done.seen_as}" if done.seen_as else "new (queued for alerts)"
    print(f"claim {done.claim_id} ({done.previous_kind}) is now {what}; by {done.by}")
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    """Refit the judge on base pairs and the corrections; print held-out before/after."""
    from monitor.claims.corrections import read_base_pairs, retrain
    from monitor.claims.judge_model import model_file, model_for

    settings = common.settings(args)
    base = read_base_pairs(args.pairs) if args.pairs else []
    database = str(settings.database.path)
    path = model_file(database, args.output or settings.claims.model_path)
    with db.open_db(settings.database) as con:
        report = retrain(
            con, base, path, args.folds, model_for(database, settings.claims.model_path)
        )
    print(f"fitted on {report.base_pairs} base pairs and {report.corrections} corrections")
    if report.before_accuracy is not None and report.after_accuracy is not None:
        print(
            f"held-out corrections ({report.folds} folds): accuracy "
            f"{report.before_accuracy:.3f} before, {report.after_accuracy:.3f} after"
        )
    else:
        print("too few corrections to hold any out (2 needed)")
    print(f"model written to {report.path}; the claims stage uses it from its next run")
    return 0


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {"claims": add_claims}
