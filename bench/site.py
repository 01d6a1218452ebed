"""A generated news site for the benchmark: N article pages of 20-80 KB and the feeds listing them.

Article text comes from the ECB+ documents in ../shared/data (real news, 66 events) when they
are there, else from a built-in generator; each page wraps it in the boilerplate real news pages
carry (navigation, inline CSS and scripts, share bars, related links, comments, footer) so that
extraction does the work it does on the web. The site is served from a child process, one
`FixtureServer` per outlet host on loopback addresses (127.0.0.1, 127.0.0.2, ...), so serving
never competes with the measured code for the GIL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import multiprocessing
import random
import re
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Self

REPO_DIR = Path(__file__).resolve().parent.parent
ECB_DOCS = REPO_DIR.parent / "shared" / "data" / "ecbplus-traindev" / "docs.jsonl"

MIN_PAGE_BYTES = 20_000
MAX_PAGE_BYTES = 80_000

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_NUMBER = re.compile(r"\b\d{1,4}\b")

OUTLETS = [
    "Daily Ledger",
    "Metro Courier",
    "Northern Tribune",
    "Harbor Post",
    "Capital Observer",
    "Evening Standard Wire",
    "Valley Chronicle",
    "Coastal Herald",
    "Union Gazette",
    "Globe Dispatch",
    "Riverside Times",
    "Plains Record",
    "Summit Journal",
    "Bay Reporter",
    "Frontier News",
    "Central Bulletin",
]
SECTIONS = [
    "world",
    "us",
    "politics",
    "business",
    "tech",
    "science",
    "health",
    "sports",
    "entertainment",
    "local",
]
FIRST_NAMES = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jon",
    "Kemal",
    "Lucia",
    "Mark",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Novak",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
]
COMMENT_LINES = [
    "This is exactly what I expected would happen.",
    "Does anyone have a link to the full report?",
    "Great reporting, thank you.",
    "I'll believe it when I see it.",
    "Why is nobody talking about the cost of this?",
    "Same thing happened in my town last year.",
    "Please fix the typo in the third paragraph.",
    "Who is going to pay for all this?",
    "The headline is misleading, read the whole piece.",
    "Finally some good news.",
]


@dataclasses.dataclass(frozen=True)
class StoryDoc:
    """One source document: the event (story) it reports, its title and its sentences."""

    story: str
    title: str
    sentences: tuple[str, ...]


@dataclasses.dataclass
class Article:
    """One generated article page."""

    index: int
    story: str
    host: int  # index of the outlet host
    path: str
    title: str
    outlet: str
    author: str
    published: dt.datetime
    paragraphs: list[str]


@dataclasses.dataclass
class SiteSpec:
    """What to generate: articles, feeds, outlet hosts, and a seed for reproducibility."""

    articles: int
    feeds: int = 100
    hosts: int = 8
    seed: int = 1
    prefix: str = ""  # path prefix, so several sites can share hosts
    min_page_bytes: int = MIN_PAGE_BYTES
    max_page_bytes: int = MAX_PAGE_BYTES


@dataclasses.dataclass
class Site:
    """Generated pages and feeds, keyed by (host index, path)."""

    spec: SiteSpec
    articles: list[Article]
    pages: dict[tuple[int, str], str]
    feeds: list[tuple[int, str]]
    feed_bodies: dict[tuple[int, str], str]


def split_sentences(text: str) -> list[str]:
    """Rough sentence split, good enough to build paragraphs."""
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 2]


def load_corpus(path: Path = ECB_DOCS) -> list[StoryDoc]:
    """Real news documents grouped by event (ECB+), or generated ones when the file is absent."""
    if not path.exists():
        return synthetic_corpus()
    docs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            text = (row["title"] + " " + (row.get("text") or "")).strip()
            sentences = split_sentences(re.sub(r"\s+", " ", text))
            if len(sentences) >= 2:
                docs.append(StoryDoc(str(row["subtopic"]), sentences[0], tuple(sentences)))
    return docs


def synthetic_corpus(stories: int = 60, docs_per_story: int = 10, seed: int = 7) -> list[StoryDoc]:
    """Generated event reports: each story has its own actors, place and numbers."""
    rng = random.Random(seed)
    places = [
        "Lisbon",
        "Nairobi",
        "Osaka",
        "Quito",
        "Tbilisi",
        "Dakar",
        "Hanoi",
        "Perth",
        "Bergen",
        "Cusco",
        "Tunis",
        "Izmir",
        "Leeds",
        "Manaus",
        "Pune",
        "Graz",
    ]
    events = [
        ("fire", "burned through"),
        ("strike", "shut down"),
        ("flood", "swamped"),
        ("earthquake", "shook"),
        ("merger", "reshaped"),
        ("protest", "filled"),
        ("election", "divided"),
        ("outbreak", "hit"),
        ("recall", "affected"),
        ("blackout", "darkened"),
    ]
    docs = []
    for story_index in range(stories):
        place = rng.choice(places)
        event, verb = rng.choice(events)
        official = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        count = rng.randint(3, 900)
        facts = [
            f"A {event} {verb} parts of {place} on {rng.choice(['Monday', 'Tuesday', 'Friday'])}.",
            f"Officials said at least {count} people were affected by the {event} in {place}.",
            f"{official}, a spokesperson for the city, said crews were working through the night.",
            f"Residents described scenes of confusion as the {event} spread.",
            f"The {event} is the worst in {place} in {rng.randint(5, 60)} years, according to records.",
            f"Authorities in {place} have opened an inquiry into the response to the {event}.",
            f"{official} said the {event} would cost the region about {rng.randint(2, 90)} million dollars.",
            f"Neighbouring towns sent {rng.randint(2, 40)} teams to help with the {event}.",
        ]
        for doc_index in range(docs_per_story):
            picked = rng.sample(facts, k=rng.randint(4, len(facts)))
            title = f"{event.title()} in {place}: {picked[0]}"
            docs.append(StoryDoc(f"s{story_index}", title, tuple(picked)))
    return docs


def build_site(spec: SiteSpec, corpus: list[StoryDoc] | None = None) -> Site:
    """Generate spec.articles pages over many stories, and spec.feeds feeds listing them."""
    rng = random.Random(spec.seed)
    corpus = corpus if corpus is not None else load_corpus()
    by_story: dict[str, list[StoryDoc]] = {}
    for doc in corpus:
        by_story.setdefault(doc.story, []).append(doc)
    story_names = sorted(by_story)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    headlines = [doc.title for doc in corpus]
    articles: list[Article] = []
    for index in range(spec.articles):
        story = story_names[index % len(story_names)]
        docs = by_story[story]
        base = docs[(index // len(story_names)) % len(docs)]
        sentences = list(base.sentences)
        # Rewrites carry sentences from sibling reports: earlier claims seen again, and
        # sometimes a number changed, as when a toll or a count is updated.
        for sibling in rng.sample(docs, k=min(len(docs), rng.randint(1, 2))):
            if sibling is not base:
                extra = list(sibling.sentences[1:])
                rng.shuffle(extra)
                sentences.extend(extra[: rng.randint(2, 6)])
        if rng.random() < 0.3:
            at = rng.randrange(len(sentences))
            sentences[at] = _NUMBER.sub(
                lambda m: str(int(m.group()) + rng.randint(1, 9)), sentences[at], count=1
            )
        host = index % spec.hosts
        outlet = OUTLETS[host % len(OUTLETS)]
        section = SECTIONS[index % len(SECTIONS)]
        published = now - dt.timedelta(minutes=rng.randint(5, 36 * 60))
        slug = re.sub(r"[^a-z0-9]+", "-", base.title.lower())[:60].strip("-") or "story"
        path = f"{spec.prefix}/{section}/{published:%Y/%m/%d}/{slug}-{index}.html"
        title = base.title if len(base.title) < 140 else base.title[:137] + "..."
        author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        paragraphs = [
            " ".join(sentences[i : i + rng.randint(2, 3)]) for i in range(1, len(sentences), 3)
        ]
        articles.append(
            Article(
                index,
                story,
                host,
                path,
                title,
                outlet,
                author,
                published,
                [p for p in paragraphs if p],
            )
        )
    pages = {
        (a.host, a.path): render_page(
            a,
            headlines,
            random.Random(spec.seed * 100_003 + a.index),
            spec.min_page_bytes,
            spec.max_page_bytes,
        )
        for a in articles
    }
    feed_count = max(1, spec.feeds)
    feeds: list[tuple[int, str]] = []
    feed_bodies: dict[tuple[int, str], str] = {}
    for feed_index in range(feed_count):
        host = feed_index % spec.hosts
        listed = [a for a in articles if a.index % feed_count == feed_index]
        key = (host, f"{spec.prefix}/feeds/{SECTIONS[feed_index % len(SECTIONS)]}-{feed_index}.xml")
        feeds.append(key)
        feed_bodies[key] = render_feed(feed_index, listed)
    return Site(spec, articles, pages, feeds, feed_bodies)


HOST_PLACEHOLDER = "{{host}}"


def render_feed(feed_index: int, articles: list[Article]) -> str:
    """RSS 2.0 listing articles, newest first; links carry tracking parameters like real feeds."""
    items = []
    for article in sorted(articles, key=lambda a: a.published, reverse=True):
        link = f"http://{{{{host{article.host}}}}}{article.path}"
        items.append(
            "  <item>\n"
            f"    <title>{html.escape(article.title)}</title>\n"
            f"    <link>{html.escape(link)}?utm_source=rss&amp;utm_medium=feed</link>\n"
            f'    <guid isPermaLink="false">bench-{article.index}</guid>\n'
            f"    <pubDate>{format_datetime(article.published.replace(tzinfo=dt.UTC), usegmt=True)}</pubDate>\n"
            f"    <description>{html.escape(article.paragraphs[0][:240] if article.paragraphs else '')}</description>\n"
            "  </item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">\n<channel>\n'
        f"  <title>Bench feed {feed_index}</title>\n  <link>http://example.invalid/</link>\n"
        "  <description>Generated by bench/site.py</description>\n  <ttl>15</ttl>\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def _css(rng: random.Random, rules: int) -> str:
    props = [
        "margin",
        "padding",
        "color",
        "font-size",
        "line-height",
        "border",
        "display",
        "background",
        "max-width",
        "letter-spacing",
        "grid-template-columns",
        "transition",
    ]
    values = [
        "0",
        "1rem",
        "#1a1a1a",
        "14px",
        "1.5",
        "1px solid #ddd",
        "flex",
        "#fafafa",
        "1200px",
        ".02em",
        "repeat(3,1fr)",
        "all .2s ease",
    ]
    out = []
    for i in range(rules):
        body = ";".join(
            f"{rng.choice(props)}:{rng.choice(values)}" for _ in range(rng.randint(2, 6))
        )
        out.append(f".c-{rng.randrange(10**6):x}-{i}{{{body}}}")
    return "\n".join(out)


def _script(rng: random.Random, statements: int) -> str:
    out = ["window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"]
    for i in range(statements):
        key = f"k{rng.randrange(10**8):x}"
        out.append(
            f"var {key}={{id:{i},slot:'ad-{rng.randrange(999)}',sizes:[[300,250],[728,90]],"
            f"targeting:{{section:'{rng.choice(SECTIONS)}',pos:{rng.randrange(9)}}}}};"
            f"if(window.googletag){{googletag.cmd.push(function(){{googletag.defineSlot('/123/{key}',{key}.sizes,'{key}');}});}}"
        )
    return "\n".join(out)


def _links(rng: random.Random, headlines: list[str], count: int, css: str) -> str:
    items = []
    for _ in range(count):
        headline = html.escape(rng.choice(headlines)[:110])
        items.append(
            f'<li class="{css}"><a href="/{rng.choice(SECTIONS)}/{rng.randrange(10**6)}.html">'
            f"{headline}</a></li>"
        )
    return "\n".join(items)


def render_page(
    article: Article,
    headlines: list[str],
    rng: random.Random,
    min_bytes: int = MIN_PAGE_BYTES,
    max_bytes: int = MAX_PAGE_BYTES,
) -> str:
    """A news article page of min_bytes..max_bytes with typical boilerplate around the text."""
    target = rng.randint(min_bytes, max_bytes)
    title = html.escape(article.title)
    outlet = html.escape(article.outlet)
    published = article.published.strftime("%Y-%m-%dT%H:%M:%SZ")
    nav = "".join(
        f'<li class="nav-item"><a href="/{s}">{s.title()}</a><ul class="sub">'
        + "".join(f'<li><a href="/{s}/{t}">{t.title()}</a></li>' for t in rng.sample(SECTIONS, 5))
        + "</ul></li>"
        for s in SECTIONS
    )
    body_parts = []
    for number, paragraph in enumerate(article.paragraphs):
        body_parts.append(f"<p>{html.escape(paragraph)}</p>")
        if number == 1:
            body_parts.append(
                '<div class="ad-slot" id="ad-inline-1"><script>googletag.display("ad-inline-1");</script></div>'
            )
        if number == 2:
            body_parts.append(
                '<aside class="related-inline"><h4>Read more</h4><ul>'
                + _links(rng, headlines, 3, "related-inline-item")
                + "</ul></aside>"
            )
    comments = "".join(
        f'<li class="comment"><div class="comment-author">{rng.choice(FIRST_NAMES)}{rng.randrange(99)}</div>'
        f'<div class="comment-body"><p>{rng.choice(COMMENT_LINES)}</p></div>'
        f'<div class="comment-actions"><a href="#">Reply</a> <a href="#">Report</a></div></li>'
        for _ in range(rng.randint(3, 20))
    )
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": published,
            "author": {"@type": "Person", "name": article.author},
            "publisher": {"@type": "Organization", "name": article.outlet},
        }
    )
    head = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {outlet}</title>
<meta name="description" content="{html.escape(article.paragraphs[0][:200] if article.paragraphs else "")}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="og:type" content="article">
<meta name="author" content="{html.escape(article.author)}">
<meta property="article:published_time" content="{published}">
<link rel="stylesheet" href="/static/main.{rng.randrange(10**8):x}.css">
<script type="application/ld+json">{json_ld}</script>
"""
    top = f"""</head>
<body class="article-page">
<div id="cookie-banner" class="cookie-banner"><p>We use cookies to improve your experience.</p><button>Accept all</button><button>Settings</button></div>
<header class="site-header"><a class="logo" href="/">{outlet}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form>
</header>
<div class="ad-slot leaderboard" id="ad-top"></div>
<main id="content">
<nav class="breadcrumb"><a href="/">Home</a> &gt; <a href="/{SECTIONS[article.index % len(SECTIONS)]}">Section</a></nav>
<article class="story">
<h1 class="headline">{title}</h1>
<div class="byline">By <a rel="author" href="/authors/{article.index % 50}">{html.escape(article.author)}</a> · <time datetime="{published}">{article.published:%d %b %Y %H:%M}</time></div>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">WhatsApp</a> <a href="#">Email</a> <a href="#">Copy link</a></div>
<figure class="lead-image"><img src="/img/{article.index}.jpg" alt=""><figcaption>File photo. Credit: agency</figcaption></figure>
<div class="article-body">
{chr(10).join(body_parts)}
</div>
<div class="tags">Topics: <a href="/t/1">News</a> <a href="/t/2">{article.story}</a></div>
<div class="author-bio"><p>{html.escape(article.author)} covers breaking news for {outlet}.</p></div>
</article>
<aside class="newsletter"><h3>Sign up for our newsletter</h3><p>The day's top stories, every morning.</p><form><input type="email"><button>Subscribe</button></form></aside>
<section id="comments" class="comments"><h3>Comments</h3><ul class="comment-list">{comments}</ul></section>
"""
    bottom = f"""</main>
<footer class="site-footer"><ul>{_links(rng, headlines, 12, "footer-link")}</ul>
<p>© {article.published.year} {outlet}. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a> <a href="/terms">Terms</a></footer>
<script src="/static/vendor.{rng.randrange(10**8):x}.js" defer></script>
</body>
</html>
"""
    related = (
        '<aside class="related"><h3>Most read</h3><ul>'
        + _links(rng, headlines, rng.randint(8, 20), "most-read")
        + "</ul></aside>\n"
    )
    size = len(head) + len(top) + len(related) + len(bottom)
    # Fill up to the target size the way real pages do: inline CSS and ad/analytics scripts.
    remaining = max(0, target - size)
    css = _css(rng, max(1, remaining // 2 // 70))
    script = _script(rng, max(1, (remaining - len(css)) // 230))
    page = (
        head + f"<style>{css}</style>\n" + top + related + f"<script>{script}</script>\n" + bottom
    )
    return page


def fill_hosts(text: str, host_urls: list[str]) -> str:
    """Put the served base URLs into links written as {{hostN}}."""
    for index, base in enumerate(host_urls):
        text = text.replace(f"http://{{{{host{index}}}}}", base)
    return text


def _serve(specs: list[SiteSpec], hosts: int, conn: Any) -> None:
    from monitor.localserver import FixtureServer, WebhookReceiver

    servers = [FixtureServer(host=f"127.0.0.{index + 1}").start() for index in range(hosts)]
    receiver = WebhookReceiver().start()
    try:
        # FixtureServer.base_url always names 127.0.0.1; each outlet has its own address.
        bases = [
            f"http://127.0.0.{index + 1}:{server.port}" for index, server in enumerate(servers)
        ]
        corpus = load_corpus()
        answer: list[dict[str, Any]] = []
        for spec in specs:
            site = build_site(spec, corpus)
            for (host, path), body in site.pages.items():
                servers[host].add(path, body)
            for (host, path), body in site.feed_bodies.items():
                servers[host].add(
                    path, fill_hosts(body, bases), "application/rss+xml; charset=utf-8"
                )
            answer.append(
                {
                    "feed_urls": [bases[h] + p for h, p in site.feeds],
                    "page_urls": [bases[a.host] + a.path for a in site.articles],
                    "page_bytes": [
                        len(site.pages[(a.host, a.path)].encode("utf-8")) for a in site.articles
                    ],
                    "stories": len({a.story for a in site.articles}),
                }
            )
        conn.send({"sites": answer, "channel_url": receiver.apprise_url("/bench-hook")})
        while True:
            message = conn.recv()
            if message == "stop":
                break
            if message == "counts":
                conn.send(
                    {
                        "requests": sum(len(server.requests) for server in servers),
                        "alerts_received": len(receiver.messages),
                    }
                )
    finally:
        receiver.stop()
        for server in servers:
            server.stop()


class SiteServer:
    """Serves generated sites from a child process; `.sites[i]` holds feed and page URLs."""

    def __init__(self, specs: list[SiteSpec]) -> None:
        self.specs = specs
        self.hosts = max(spec.hosts for spec in specs)
        self.sites: list[dict[str, Any]] = []
        self.channel_url = ""
        self._process: multiprocessing.Process | None = None
        self._conn: Any = None

    def start(self) -> SiteServer:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(self.specs, self.hosts, child), daemon=True
        )
        self._process.start()
        self._conn = parent
        if not parent.poll(600):
            raise RuntimeError("bench site server did not start within 600 s")
        answer = parent.recv()
        self.sites = answer["sites"]
        self.channel_url = answer["channel_url"]
        return self

    def counts(self) -> dict[str, int]:
        """Requests the site has answered and alert messages the channel has received so far."""
        self._conn.send("counts")
        return dict(self._conn.recv())

    def stop(self) -> None:
        if self._process is None:
            return
        try:
            self._conn.send("stop")
        except (BrokenPipeError, OSError):
            pass
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
        self._process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
