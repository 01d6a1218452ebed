"""Claims commands: `monitor claims diff` and `monitor claims ledger`."""

from __future__ import annotations

import argparse
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


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {"claims": add_claims}
