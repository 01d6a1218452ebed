"""The offline demo: a fixture news site on loopback, a webhook channel, and two cycles."""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from monitor import db
from monitor.localserver import FixtureServer, WebhookReceiver

# A wheel ships tests/data/seeds as monitor/demo_seeds (see pyproject); the tree keeps them in tests/.
_SHIPPED_SEEDS = Path(__file__).resolve().parent / "demo_seeds"
SEED_DIR = (
    _SHIPPED_SEEDS
    if _SHIPPED_SEEDS.is_dir()
    else _SHIPPED_SEEDS.parent.parent / "tests" / "data" / "seeds"
)
EARLIER_SEED = "000_d6164f0e30076554.txt"
LATER_SEED = "003_430f1404d43e94c3.txt"
DEMO_STORY = "US review of Israeli strikes in Syria"
DEMO_KEYWORDS = ["Israel", "Syria", "airstrikes", "al-Tanf"]


@dataclass(frozen=True)
class DemoArticle:
    """One fixture article: where it is served and how its page looks."""

    path: str
    seed: str
    title: str
    outlet: str
    author: str
    published: dt.datetime


EARLIER = DemoArticle(
    path="/world/2022/06/16/washington-eye-on-israel-plans.html",
    seed=EARLIER_SEED,
    title="Washington eye on Israel's plans against Iran's militia",
    outlet="Levant Wire",
    author="Staff writer",
    published=dt.datetime(2022, 6, 16, 8, 30),
)
LATER = DemoArticle(
    path="/news/2022/06/16/us-pre-screens-israeli-raids-on-syria.html",
    seed=LATER_SEED,
    title="WSJ: US pre-screens Israeli raids on Syria",
    outlet="Al Mayadeen English",
    author="Al Mayadeen English",
    published=dt.datetime(2022, 6, 16, 15, 10),
)


def _paragraph_html(paragraph: str) -> str:
    text = html.escape(paragraph.strip())
    words = paragraph.split()
    if paragraph.rstrip().endswith("?") and len(words) <= 12:
        return f"<h2>{text}</h2>"
    if len(words) <= 4 and not paragraph.rstrip().endswith("."):
        return f"<h2>{text}</h2>"
    if paragraph.startswith("Read next:"):
        return f'<p class="read-next"><a href="/related">{text}</a></p>'
    return f"<p>{text}</p>"


def render_article_page(article: DemoArticle, body_text: str) -> str:
    """A realistic article page: navigation, share bar, article body, newsletter box, footer."""
    paragraphs = [p for p in body_text.split("\n\n") if p.strip()]
    if paragraphs and paragraphs[0].strip() == article.title:
        paragraphs = paragraphs[1:]
    while paragraphs and paragraphs[0].strip() == article.title.split(":")[-1].strip():
        paragraphs = paragraphs[1:]
    body = "\n".join(_paragraph_html(p) for p in paragraphs)
    published = article.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    title = html.escape(article.title)
    outlet = html.escape(article.outlet)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="og:type" content="article">
<meta name="author" content="{html.escape(article.author)}">
<meta property="article:published_time" content="{published}">
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">{outlet}</a>
  <nav><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
  <li><a href="/opinion">Opinion</a></li><li><a href="/video">Video</a></li></ul></nav>
</header>
<main>
<article>
  <h1>{title}</h1>
  <div class="byline">By {html.escape(article.author)} · <time datetime="{published}">{article.published:%d %b %Y}</time></div>
  <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
  <div class="article-body">
{body}
  </div>
</article>
<aside class="newsletter"><h3>Sign up for our newsletter</h3>
  <p>Get the day's top stories in your inbox every morning.</p><form><input type="email"><button>Subscribe</button></form></aside>
<aside class="related"><h3>Most read</h3><ul>
  <li><a href="/a">Markets rally as central bank holds rates</a></li>
  <li><a href="/b">Heatwave grips southern Europe</a></li></ul></aside>
</main>
<footer><p>© 2022 {outlet}. All rights reserved.</p><a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></footer>
</body>
</html>
"""


def render_feed(base_url: str, articles: list[DemoArticle]) -> str:
    """An RSS 2.0 feed listing the given articles, newest first."""
    items = []
    for article in sorted(articles, key=lambda a: a.published, reverse=True):
        link = base_url + article.path
        items.append(
            f"""  <item>
    <title>{html.escape(article.title)}</title>
    <link>{html.escape(link)}?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">demo-{html.escape(article.path)}</guid>
    <pubDate>{format_datetime(article.published.replace(tzinfo=dt.UTC), usegmt=True)}</pubDate>
  </item>"""
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
  <title>Middle East desk (demo)</title>
  <link>{base_url}/</link>
  <description>Fixture feed served on loopback by `monitor demo`.</description>
  <ttl>15</ttl>
{chr(10).join(items)}
</channel>
</rss>
"""


def demo_config(
    database_path: Path, feed_url: str, channel_url: str, site_dir: Path | None = None
) -> str:
    """The TOML config the demo runs with; with SITE_DIR, cycles write the site and alerts link it."""
    keywords = ", ".join(f'"{k}"' for k in DEMO_KEYWORDS)
    return f"""# Written by `monitor demo`: a temporary database, a loopback feed and a loopback channel.
[database]
path = "{database_path}"

[fetch]
allow_private_networks = true   # the fixture site and the channel live on 127.0.0.1

[[feeds]]
url = "{feed_url}"
interval_minutes = 15

[[stories]]
name = "{DEMO_STORY}"
keywords = [{keywords}]

[[channels]]
name = "demo-webhook"
url = "{channel_url}"
""" + (
        ""
        if site_dir is None
        else f"""
[site]
dir = "{site_dir.resolve()}"

[alerts]
report_base_url = "{site_dir.resolve().as_uri()}"   # alerts end with a link to the story page
"""
    )


@dataclass
class DemoSite:
    """The running fixture site and channel of the demo."""

    server: FixtureServer
    receiver: WebhookReceiver
    feed_url: str
    config_path: Path
    database_path: Path
    site_dir: Path

    def publish(self, articles: list[DemoArticle]) -> None:
        """Make the feed list exactly these articles."""
        self.server.add(
            "/feeds/middle-east.xml",
            render_feed(self.server.base_url, articles),
            "application/rss+xml; charset=utf-8",
        )


def start_demo_site(workdir: Path) -> DemoSite:
    """Start the fixture site and webhook receiver and write the demo config into workdir."""
    server = FixtureServer().start()
    receiver = WebhookReceiver().start()
    for article in (EARLIER, LATER):
        text = (SEED_DIR / article.seed).read_text(encoding="utf-8")
        server.add(article.path, render_article_page(article, text))
    feed_url = server.url("/feeds/middle-east.xml")
    database_path = workdir / "demo.duckdb"
    config_path = workdir / "monitor.toml"
    site_dir = workdir / "site"
    config_path.write_text(
        demo_config(database_path, feed_url, receiver.apprise_url("/demo-hook"), site_dir)
    )
    site = DemoSite(server, receiver, feed_url, config_path, database_path, site_dir)
    site.publish([EARLIER])
    return site


@dataclass
class DemoResult:
    """What the demo found: each cycle's summary, the flagged claims and the alerts received."""

    workdir: Path
    database_path: Path
    site_dir: Path
    cycles: list[dict[str, Any]] = field(default_factory=list)
    row_counts: list[dict[str, int]] = field(default_factory=list)  # after each cycle
    output: list[str] = field(default_factory=list)
    claims: list[tuple[Any, ...]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)


def run_demo(
    workdir: Path | None = None,
    run_cycle: Callable[..., dict[str, Any]] | None = None,
    out: Callable[[str], None] = print,
    extra_cycle: bool = False,
) -> DemoResult:
    """Run the demo: cycle 1 sees the earlier article, cycle 2 the later one as well."""
    if run_cycle is None:
        from flows.cycle import run_cycle as run_cycle_flow

        run_cycle = run_cycle_flow
    workdir = Path(workdir or tempfile.mkdtemp(prefix="story-monitor-demo-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    site = start_demo_site(workdir)
    result = DemoResult(workdir=workdir, database_path=site.database_path, site_dir=site.site_dir)

    def emit(line: str) -> None:
        result.output.append(line)
        out(line)

    def cycle() -> None:
        result.cycles.append(run_cycle(site.config_path, poll_all_now=True))
        with db.open_db(site.database_path, read_only=True) as con:
            result.row_counts.append(table_row_counts(con))
        emit(_cycle_line(result.cycles[-1]))

    try:
        emit(f"Fixture site on {site.server.base_url}, channel on {site.receiver.base_url}")
        emit(f"Config: {site.config_path}\n")
        emit("Cycle 1: the feed lists the earlier article.")
        cycle()
        site.publish([EARLIER, LATER])
        emit("\nCycle 2: the feed now lists a later article of the same story.")
        cycle()
        if extra_cycle:
            emit("\nCycle 3: nothing new.")
            cycle()
        result.messages = list(site.receiver.messages)
    finally:
        site.server.stop()
        site.receiver.stop()
    with db.open_db(site.database_path, read_only=True) as con:
        result.claims = db.query(con, "demo_claims_by_story")
    _print_findings(result, emit)
    return result


PIPELINE_TABLES = (
    "feeds",
    "entries",
    "articles",
    "article_versions",
    "stories",
    "story_links",
    "claims",
    "claim_mentions",
    "alerts",
)


def table_row_counts(con: Any) -> dict[str, int]:
    """Row count of every pipeline table (the runs log excluded)."""
    return {name: int(db.query(con, f"count_{name}")[0][0]) for name in PIPELINE_TABLES}


def _cycle_line(summary: dict[str, Any]) -> str:
    if summary.get("skipped"):
        return f"  skipped: {summary['skipped']}"
    articles = summary.get("articles", {})
    claims = summary.get("claims", {})
    alerts = summary.get("alerts", {})
    return (
        f"  feeds polled {summary.get('feeds', {}).get('feeds_polled', 0)}, "
        f"new articles {articles.get('stored_new_articles', 0)}, "
        f"claims new {claims.get('new', 0)} / changed {claims.get('changed', 0)} / "
        f"seen {claims.get('seen', 0)} / skipped {claims.get('skipped', 0)}, "
        f"alert messages sent {alerts.get('sent_messages', 0)}"
    )


def _print_findings(result: DemoResult, out: Callable[[str], None]) -> None:
    stories: dict[str, list[tuple[Any, ...]]] = {}
    for row in result.claims:
        stories.setdefault(row[0], []).append(row)
    for story, rows in stories.items():
        out(f"\nStory: {story}")
        for _story, kind, text, outlet, first_seen, version in rows:
            if version == "later":
                marker = "NEW" if kind == "new" else "CHANGED"
                out(f"  [{marker}] {text}  ({outlet})")
        earlier_count = sum(1 for r in rows if r[5] == "earlier")
        out(f"  ... plus {earlier_count} claims first reported by the earlier article")
    out(f"\nAlerts received by the channel: {len(result.messages)}")
    for message in result.messages[:-1]:
        out(
            f"  earlier: {message.get('title', '')} ({len(str(message.get('message', '')))} characters)"
        )
    if result.messages:
        out("The latest one, in full:")
        out("-" * 72)
        out(str(result.messages[-1].get("title", "")))
        out(str(result.messages[-1].get("message", "")))
        out("-" * 72)
    config = result.workdir / "monitor.toml"
    out(f"\nStory site: {result.site_dir / 'index.html'} (open it in a browser)")
    out(f"Database kept at {result.database_path}; try:")
    out(f'  monitor query --config {config} "SELECT outlet, text FROM new_claims"')
    out(f'  monitor report --config {config} "{DEMO_STORY}" --out story.html')
