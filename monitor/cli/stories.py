"""Story commands: `monitor cluster` (offline linking of a JSONL file) and `monitor stories`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monitor import db
from monitor.cli import common
from monitor.errors import ConfigError
from monitor.stories import Doc, cluster_documents, list_stories, merge_stories, split_story


def add_cluster(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor cluster`."""
    common.add_config(parser)
    parser.add_argument(
        "articles", help='JSONL lines {"id", "title", "text", "published"?}, in order'
    )
    common.add_format(parser, ("json",), help_text="one JSON line per article")
    parser.set_defaults(handler=cmd_cluster)


def add_stories(parser: argparse.ArgumentParser) -> None:
    """Options and actions of `monitor stories`."""
    common.add_config(parser)
    common.add_format(parser)
    parser.set_defaults(handler=cmd_list)
    actions = parser.add_subparsers(dest="stories_command", metavar="ACTION")
    merge = common.add_command(
        actions, "merge", cmd_merge, "merge story B into story A (history kept)", config=False
    )
    common.add_config(merge, inherited=True)
    merge.add_argument("keep", type=int, metavar="A", help="story that stays")
    merge.add_argument("merge", type=int, metavar="B", help="story merged into A")
    split = common.add_command(
        actions, "split", cmd_split, "move some articles of a story into a new story", config=False
    )
    common.add_config(split, inherited=True)
    split.add_argument("story", type=int, metavar="STORY")
    split.add_argument(
        "--articles", type=int, nargs="+", required=True, metavar="ID", help="article ids to move"
    )


def read_cluster_docs(path: str) -> list[Doc]:
    """The articles of a JSONL file, dates as naive UTC."""
    docs = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read articles: {e}") from e
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            published = item.get("published")
            when = dt.datetime.fromisoformat(published) if published else None
        except (ValueError, TypeError) as e:
            raise ConfigError(f"{path}:{number}: not a JSON article with an ISO date: {e}") from e
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(dt.UTC).replace(tzinfo=None)
        docs.append(
            Doc(
                id=item.get("id", number),
                title=item.get("title") or "",
                text=item.get("text") or "",
                published=when,
            )
        )
    return docs


def cmd_cluster(args: argparse.Namespace) -> int:
    """One JSON line per article: its final story and whether it started that story."""
    linking = common.optional_settings(args).linking
    docs = read_cluster_docs(args.articles)
    # Final assignments: a later split may move an earlier article, so lines are printed at the
    # end, and `new_story` marks the first article (in file order) of each final story.
    started: set[Any] = set()
    for doc, decision in zip(docs, cluster_documents(docs, linking), strict=True):
        new_story = decision.story_id not in started
        started.add(decision.story_id)
        line = {
            "id": doc.id,
            "story_id": decision.story_id,
            "new_story": new_story,
            "score": decision.score,
        }
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Every story with its article count, tracking and merge state."""
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        rows = list_stories(con)
    if common.wants_json(args):
        common.print_json(rows)
        return 0
    print(
        f"{'id':>6} {'articles':>8} {'tracked':>7} {'merged_into':>11}  last article         name"
    )
    for row in rows:
        merged = "" if row["merged_into"] is None else str(row["merged_into"])
        last = "" if row["last_article_at"] is None else str(row["last_article_at"])[:19]
        tracked = "yes" if row["tracked"] else ""
        print(
            f"{row['id']:>6} {row['articles']:>8} {tracked:>7} {merged:>11}  "
            f"{last:19}  {row['name'][:70]}"
        )
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """Merge story B into story A."""
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        moved = merge_stories(con, args.keep, args.merge, db.utcnow())
    print(f"merged story {args.merge} into {args.keep}: {moved} article(s) moved")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    """Move articles of a story into a new story."""
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        new_id = split_story(con, args.story, args.articles, db.utcnow(), settings.linking)
    print(
        f"split {len(set(args.articles))} article(s) of story {args.story} into new story {new_id}"
    )
    return 0


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "cluster": add_cluster,
    "stories": add_stories,
}
