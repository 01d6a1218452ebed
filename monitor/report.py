"""One self-contained HTML page per story: coverage over time and what each article added."""

from __future__ import annotations

import dataclasses
import difflib
import urllib.parse
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from monitor import __version__, db
from monitor.errors import MonitorError
from monitor.html_text import esc, minute, shorten
from monitor.report_chart import coverage_chart, coverage_time_key
from monitor.report_style import CSS

TEXT_FRAGMENT_WORDS = 8
LIST_STORIES = '`monitor query "SELECT story_id, name FROM story_overview"`'


class StoryNotFoundError(MonitorError):
    """No story, or more than one, matches the requested id or name."""


@dataclasses.dataclass
class StoryData:
    """Everything the page shows about one story, read from the analyst views."""

    story: dict[str, Any]
    timeline: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    mentions: dict[int, list[dict[str, Any]]]  # version_id -> judged sentences in order


def find_story(con: duckdb.DuckDBPyConnection, story: str | int) -> dict[str, Any]:
    """The story_overview row for an id, or for the one story whose name contains the text."""
    text = str(story).strip()
    if text.isdigit():
        rows = db.query_dicts(con, "report_story_by_id", [int(text)])
        if not rows:
            raise StoryNotFoundError(f"no story with id {text} (see {LIST_STORIES})")
        return rows[0]
    matches = db.query_dicts(con, "report_stories_by_name", [text])
    if not matches:
        raise StoryNotFoundError(f"no story name contains {text!r} (see {LIST_STORIES})")
    exact = [m for m in matches if m["name"].casefold() == text.casefold()]
    if len(matches) > 1 and len(exact) != 1:
        listed = "; ".join(f"{m['story_id']}: {m['name']}" for m in matches[:10])
        raise StoryNotFoundError(f"{len(matches)} stories match {text!r}, give an id: {listed}")
    chosen = exact[0] if exact else matches[0]
    return db.query_dicts(con, "report_story_by_id", [chosen["story_id"]])[0]


def load_story(con: duckdb.DuckDBPyConnection, story: str | int) -> StoryData:
    """Read the story, its timeline, its claims and every judged sentence."""
    row = find_story(con, story)
    story_id = row["story_id"]
    mentions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for mention in db.query_dicts(con, "report_story_mentions", [story_id]):
        mentions[mention["version_id"]].append(mention)
    data = StoryData(
        story=row,
        timeline=db.query_dicts(con, "report_story_timeline", [story_id]),
        claims=db.query_dicts(con, "report_story_claims", [story_id]),
        mentions=dict(mentions),
    )
    _count_restated_apart(data)
    return data


def _count_restated_apart(data: StoryData) -> None:
    """Count possibly restated claims in restated_claims, and only confident ones as new."""
    restated = {c["claim_id"] for c in data.claims if c.get("possibly_restated")}
    data.story["restated_claims"] = len(restated)
    data.story["new_claims"] -= len(restated)
    for entry in data.timeline:
        found = sum(
            1
            for m in data.mentions.get(entry["version_id"], [])
            if m["status"] == "new" and m["claim_id"] in restated
        )
        entry["restated_claims"] = found
        entry["new_claims"] -= found


def render_story_report(con: duckdb.DuckDBPyConnection, story: str | int) -> str:
    """The story's report as one self-contained HTML document."""
    return render_html(load_story(con, story))


def write_story_report(
    con: duckdb.DuckDBPyConnection, story: str | int, out: str | Path | None = None
) -> Path:
    """Write the report to OUT (default ./story-<id>.html) and return the path."""
    data = load_story(con, story)
    path = Path(out) if out else Path(f"story-{data.story['story_id']}.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")
    return path


# --- page -------------------------------------------------------------------------------------


def render_html(data: StoryData, nav: Sequence[tuple[str, str]] = ()) -> str:
    """The page for already-loaded story data; NAV adds a bar of (href, label) links above it."""
    story = data.story
    opener = data.timeline[0]["version_id"] if data.timeline else None
    claim_by_id = {c["claim_id"]: c for c in data.claims}
    body = "\n".join(
        [
            _header(story),
            coverage_chart(data.timeline, opener),
            _glance(data, opener, claim_by_id),
            _articles(data, opener, claim_by_id),
            _ledger(data.claims),
            _footer(),
        ]
    )
    title = f"{story['name']} · story-monitor"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="story-monitor {esc(__version__)}">\n'
        # On a served site, an inline icon saves a /favicon.ico request that would 404.
        + ('<link rel="icon" href="data:,">\n' if nav else "")
        + f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f'<body data-story-id="{story["story_id"]}">\n{_nav(nav)}<main>\n{body}\n</main>\n</body>\n</html>\n'
    )


def _nav(links: Sequence[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "".join(f'<a href="{esc(href)}">{esc(label)}</a>' for href, label in links)
    return f'<nav class="site-nav">{items}</nav>\n'


def _header(story: dict[str, Any]) -> str:
    badges = [f'<span class="badge">story #{story["story_id"]}</span>']
    if story.get("tracked"):
        badges.append('<span class="badge badge-tracked">tracked</span>')
    if story.get("merged_into"):
        badges.append(f'<span class="badge">merged into #{story["merged_into"]}</span>')
    keywords = ", ".join(story.get("keywords") or [])
    stats = [
        _stat(story["articles"], "article", "articles"),
        _stat(story["versions"], "version", "versions"),
        _stat(story["outlets"], "outlet", "outlets"),
        _stat(story["claims"], "claim", "claims"),
        _stat(story["new_claims"], "new", "new"),
        _stat(story["changed_claims"], "changed", "changed"),
    ]
    if story.get("restated_claims"):
        stats.append(
            _stat(
                story["restated_claims"], "possibly restated", "possibly restated", "stat-restated"
            )
        )
    first, last = minute(story["first_seen_at"]), minute(story["last_seen_at"])
    span = f"first seen {first} · last seen {last} UTC"
    return (
        '<header class="page-head">\n'
        f'<div class="eyebrow">story-monitor · story report {" ".join(badges)}</div>\n'
        f"<h1>{esc(story['name'])}</h1>\n"
        f'<p class="meta">{esc(span)}'
        + (f" · keywords: {esc(keywords)}" if keywords else "")
        + "</p>\n"
        f'<div class="stats">{"".join(stats)}</div>\n</header>'
    )


def _stat(value: int, one: str, many: str, extra_class: str = "") -> str:
    css = f"stat {extra_class}".strip()
    return f'<div class="{css}"><b>{value}</b><span>{one if value == 1 else many}</span></div>'


def _glance(data: StoryData, opener: int | None, claim_by_id: dict[int, dict[str, Any]]) -> str:
    """The answer to "what did later coverage add?", before any detail."""
    items = []
    time_key = coverage_time_key(data.timeline)
    for entry in data.timeline:
        if entry["version_id"] == opener:
            continue
        mentions = data.mentions.get(entry["version_id"], [])
        added = [m for m in mentions if m["status"] in ("new", "changed")]
        if not added:
            continue
        # Confident claims first; the possibly restated ones after them, quieter.
        added.sort(key=lambda m: _is_restated(m, claim_by_id))
        claims = "".join(_glance_claim(m, _is_restated(m, claim_by_id)) for m in added)
        phrase = _count_phrase(
            entry["new_claims"], entry["changed_claims"], entry.get("restated_claims", 0)
        )
        items.append(
            f'<div class="glance-item"><div class="glance-who">'
            f'<a href="#v-{entry["version_id"]}"><b>{esc(entry["outlet"])}</b></a> '
            f'<span class="muted">{minute(entry[time_key])}</span> added {phrase}</div>'
            f"<ul>{claims}</ul></div>"
        )
    if not items:
        text = (
            "Only one article so far: every claim below is from the first report."
            if len(data.timeline) <= 1
            else "Later coverage repeated the first report: no new or changed claims."
        )
        return f'<section class="glance"><h2>What later coverage added</h2><p>{text}</p></section>'
    return (
        '<section class="glance"><h2>What later coverage added</h2>\n'
        + "\n".join(items)
        + "\n</section>"
    )


def _glance_claim(m: dict[str, Any], restated: bool) -> str:
    status = "restated" if restated else m["status"]
    text = (
        inline_diff_html(m.get("before_text") or "", m["sentence"])
        if m["status"] == "changed"
        else esc(m["sentence"])
    )
    return (
        f'<li class="glance-claim glance-{status}" data-claim-id="{m["claim_id"]}">'
        f'<a href="#claim-{m["claim_id"]}">{_claim_tag(status)}{text}</a></li>'
    )


def _count_phrase(new: int, changed: int, restated: int = 0) -> str:
    parts = []
    if new:
        parts.append(f'<b class="c-new">{new} new claim{"s" if new != 1 else ""}</b>')
    if changed:
        parts.append(
            f'<b class="c-changed">{changed} changed claim{"s" if changed != 1 else ""}</b>'
        )
    if restated and not parts:
        return f'<b class="c-restated">{restated} possibly restated claim{"s" if restated != 1 else ""}</b>'
    phrase = " and ".join(parts) or "nothing new"
    if restated:
        phrase += f' <span class="c-restated">(+{restated} possibly restated)</span>'
    return phrase


# --- chart ------------------------------------------------------------------------------------


def _articles(data: StoryData, opener: int | None, claim_by_id: dict[int, dict[str, Any]]) -> str:
    anchors = _claim_anchors(data)
    cards = [
        _article_card(entry, data, entry["version_id"] == opener, claim_by_id, anchors)
        for entry in data.timeline
    ]
    legend = (
        '<p class="restated-legend"><b>Possibly restated</b>: the claims judge could not tell '
        "whether the claim is new or says again what earlier coverage said. Each is shown beside "
        "the closest earlier claim, with how sure the judge is that it is new (50 % is a coin "
        "toss). They are not counted as new.</p>"
        if data.story.get("restated_claims")
        else ""
    )
    return (
        f'<section class="articles"><h2>Article by article</h2>{legend}\n'
        + "\n".join(cards)
        + "\n</section>"
    )


def _claim_anchors(data: StoryData) -> set[int]:
    """Claims with an id="claim-N" on the page: listed where they first appeared."""
    return {
        m["claim_id"]
        for mentions in data.mentions.values()
        for m in mentions
        if m["status"] in ("new", "changed") and m["claim_first_version_id"] == m["version_id"]
    }


def _is_restated(m: dict[str, Any], claim_by_id: dict[int, dict[str, Any]]) -> bool:
    """A new mention of a claim that is possibly restated (report_story_claims says which)."""
    claim = claim_by_id.get(m["claim_id"]) or {}
    return m["status"] == "new" and bool(claim.get("possibly_restated"))


# How each article_versions.published_source reads next to "published ..." on an article card.
DATE_SOURCE_LABELS = {
    "feed": "feed date",
    "page-meta": "page metadata",
    "page-markup": "page markup",
    "page-guess": "guessed from the page text",
    "page": "page date",
}


def _date_source(entry: dict[str, Any]) -> str:
    label = DATE_SOURCE_LABELS.get(entry.get("published_source") or "")
    return (
        f' <span class="date-source" title="where this date came from">({label})</span>'
        if label
        else ""
    )


def _article_card(
    entry: dict[str, Any],
    data: StoryData,
    is_opener: bool,
    claim_by_id: dict[int, dict[str, Any]],
    anchors: set[int],
) -> str:
    mentions = data.mentions.get(entry["version_id"], [])
    url = entry["url"]
    restated = [m for m in mentions if _is_restated(m, claim_by_id)]
    new = [m for m in mentions if m["status"] == "new" and not _is_restated(m, claim_by_id)]
    changed = [m for m in mentions if m["status"] == "changed"]
    seen = [m for m in mentions if m["status"] == "seen"]
    meta = []
    if entry.get("published_at"):
        meta.append(f"published {minute(entry['published_at'])}{_date_source(entry)}")
    elif entry.get("published_source") == "fetched":
        meta.append("no publication date found")
    meta.append(f"stored by the monitor {minute(entry['seen_at'])} UTC")
    if entry.get("author"):
        meta.append(f"by {esc(entry['author'])}")
    if entry["version"] > 1:
        meta.append(f"version {entry['version']} of this article (its text changed)")
    sections = []
    if new:
        heading = "Claims in the first report" if is_opener else "New claims"
        sections.append(
            f'<h4 class="{"h-opener" if is_opener else "h-new"}">{heading} ({len(new)})</h4><ol class="claims">'
            + "".join(_claim_item(m, url, "opener" if is_opener else "new") for m in new)
            + "</ol>"
        )
    if changed:
        sections.append(
            f'<h4 class="h-changed">Changed claims ({len(changed)})</h4><ol class="claims">'
            + "".join(_changed_item(m, url) for m in changed)
            + "</ol>"
        )
    if restated:
        sections.append(
            f'<div class="restated" id="restated-{entry["version_id"]}">'
            f'<h4 class="h-restated">Possibly restated ({len(restated)})</h4><ol class="claims">'
            + "".join(_restated_item(m, url, claim_by_id[m["claim_id"]], anchors) for m in restated)
            + "</ol></div>"
        )
    if seen:
        sections.append(
            f'<details class="seen"><summary>{len(seen)} claim{"s" if len(seen) != 1 else ""} '
            'repeated from earlier coverage</summary><ol class="claims">'
            + "".join(_seen_item(m, url, claim_by_id) for m in seen)
            + "</ol></details>"
        )
    if not mentions:
        sections.append(
            '<p class="muted">'
            + ("Claims not checked yet." if not entry.get("claims_checked") else "No claims found.")
            + "</p>"
        )
    kind = (
        "opener"
        if is_opener
        else ("new" if new else "changed" if changed else "restated" if restated else "seen")
    )
    return (
        f'<article class="card card-{kind}" id="v-{entry["version_id"]}" '
        f'data-version-id="{entry["version_id"]}" data-article-id="{entry["article_id"]}" '
        f'data-article-url="{esc(url)}">\n'
        f'<div class="card-head"><span class="pos">{entry["position"]}</span><div>'
        f'<div class="outlet">{esc(entry["outlet"])}</div>'
        f'<h3><a href="{esc(url)}" rel="noopener noreferrer">{esc(entry["title"] or url)}</a></h3>'
        f'<div class="meta">{" · ".join(meta)}</div></div>'
        f'<div class="chips">{_chips(entry)}</div></div>\n' + "\n".join(sections) + "\n</article>"
    )


def _chips(entry: dict[str, Any]) -> str:
    restated = entry.get("restated_claims", 0)
    return (
        f'<span class="chip chip-new">{entry["new_claims"]} new</span>'
        f'<span class="chip chip-changed">{entry["changed_claims"]} changed</span>'
        + (
            f'<span class="chip chip-restated">{restated} possibly restated</span>'
            if restated
            else ""
        )
        + f'<span class="chip chip-seen">{entry["seen_claims"]} seen</span>'
    )


def _claim_attrs(m: dict[str, Any], url: str, anchor: bool) -> str:
    first_here = anchor and m["claim_first_version_id"] == m["version_id"]
    return (
        (f'id="claim-{m["claim_id"]}" ' if first_here else "")
        + f'data-claim-id="{m["claim_id"]}" data-status="{m["status"]}" '
        f'data-version-id="{m["version_id"]}" data-article-url="{esc(url)}"'
    )


def _claim_item(m: dict[str, Any], url: str, kind: str) -> str:
    return (
        f'<li class="claim claim-{kind}" {_claim_attrs(m, url, True)}>'
        f'{_claim_tag("new") if kind == "new" else ""}<span class="text">{esc(m["sentence"])}</span>'
        f"{_source_link(url, m['sentence'])}</li>"
    )


def _changed_item(m: dict[str, Any], url: str) -> str:
    before_html, after_html = word_diff_html(m.get("before_text") or "", m["sentence"])
    earlier = (
        f' <a class="was" href="#claim-{m["changed_from"]}">first in {esc(m["before_outlet"] or "earlier coverage")}</a>'
        if m.get("changed_from")
        else ""
    )
    return (
        f'<li class="claim claim-changed" {_claim_attrs(m, url, True)}>{_claim_tag("changed")}'
        f'<div class="diff"><div class="before"><span class="lbl">before</span>{before_html}{earlier}</div>'
        f'<div class="arrow">→</div>'
        f'<div class="after"><span class="lbl">after</span>{after_html}</div></div>'
        f"{_source_link(url, m['sentence'])}</li>"
    )


def _restated_item(m: dict[str, Any], url: str, claim: dict[str, Any], anchors: set[int]) -> str:
    """A possibly restated claim beside the closest earlier claim, and how sure the judge is."""
    nearest_id = claim.get("nearest_claim_id")
    nearest_text = esc(claim.get("nearest_text") or "")
    if nearest_id in anchors:
        nearest_text = f'<a href="#claim-{nearest_id}">{nearest_text}</a>'
    elif nearest_id is not None:
        nearest_text = f'<a href="#ledger-{nearest_id}">{nearest_text}</a>'
    seen_at = claim.get("nearest_seen_at")
    where = " · ".join(
        p for p in (esc(claim.get("nearest_outlet") or ""), minute(seen_at) if seen_at else "") if p
    )
    source = (
        _source_link(claim["nearest_url"], claim.get("nearest_text") or "")
        if claim.get("nearest_url")
        else ""
    )
    closest = (
        f'<div class="closest"><span class="lbl">closest earlier claim</span>{nearest_text}'
        f'<div class="muted small">{where}{source}</div></div>'
        if nearest_id is not None
        else '<div class="closest muted">no earlier claim to compare</div>'
    )
    confidence = claim.get("confidence")
    sure = (
        f'<div class="sure">the judge is <b>{round(confidence * 100)} % sure</b> it is new</div>'
        if confidence is not None
        else ""
    )
    return (
        f'<li class="claim claim-restated" {_claim_attrs(m, url, True)} '
        f'data-nearest-claim-id="{nearest_id if nearest_id is not None else ""}">'
        f'<div class="pair"><div class="this"><span class="lbl">this article</span>'
        f'<span class="text">{esc(m["sentence"])}</span>{_source_link(url, m["sentence"])}</div>'
        f"{closest}</div>{sure}</li>"
    )


def _seen_item(m: dict[str, Any], url: str, claim_by_id: dict[int, dict[str, Any]]) -> str:
    claim = claim_by_id.get(m["claim_id"], {})
    score = f" · match {m['score']:.2f}" if m.get("score") is not None else ""
    return (
        f'<li class="claim claim-seen" {_claim_attrs(m, url, False)}>'
        f'<span class="text">{esc(m["sentence"])}</span>'
        f'<div class="matched">≈ <a href="#claim-{m["claim_id"]}">{esc(shorten(claim.get("text") or m["claim_text"] or "", 110))}</a>'
        f' <span class="muted">first in {esc(m["claim_outlet"] or "?")}{score}</span></div></li>'
    )


def _source_link(url: str, sentence: str) -> str:
    return (
        f' <a class="src" href="{esc(text_fragment_url(url, sentence))}" rel="noopener noreferrer" '
        f'title="open the article at this sentence">source ↗</a>'
    )


def text_fragment_url(url: str, sentence: str) -> str:
    """URL that scrolls to the sentence in browsers that support text fragments."""
    words = sentence.split()
    if not words:
        return url

    def encode(part: list[str]) -> str:
        # "-" and "," delimit a text directive, so they are escaped inside it.
        return urllib.parse.quote(" ".join(part), safe="").replace("-", "%2D")

    if len(words) <= TEXT_FRAGMENT_WORDS + 3:
        directive = encode(words)
    else:
        directive = f"{encode(words[:TEXT_FRAGMENT_WORDS])},{encode(words[-3:])}"
    return f"{url.split('#', 1)[0]}#:~:text={directive}"


def inline_diff_html(before: str, after: str) -> str:
    """One sentence as HTML: shared words plain, removed words in <del>, added words in <ins>."""
    a, b = before.split(), after.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(esc(" ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{esc(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{esc(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


def word_diff_html(before: str, after: str) -> tuple[str, str]:
    """Both sentences as HTML, removed words in <del> and added words in <ins>."""
    a, b = before.split(), after.split()
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        left, right = esc(" ".join(a[i1:i2])), esc(" ".join(b[j1:j2]))
        if op == "equal":
            out_a.append(left)
            out_b.append(right)
            continue
        if left:
            out_a.append(f"<del>{left}</del>")
        if right:
            out_b.append(f"<ins>{right}</ins>")
    return " ".join(out_a), " ".join(out_b)


# --- ledger -----------------------------------------------------------------------------------


def _ledger(claims: list[dict[str, Any]]) -> str:
    rows = []
    for c in claims:
        history = "".join(
            f'<span class="hs hs-{esc(step["status"])}" title="{esc(step["outlet"])} · {minute(step["at"])}">'
            f"{esc(step['status'])}</span>"
            for step in (c.get("status_history") or [])
        )
        before = (
            f'<div class="muted small">was: <a href="#claim-{c["changed_from"]}">'
            f"{esc(shorten(c['changed_from_text'] or '', 120))}</a></div>"
            if c.get("changed_from")
            else ""
        )
        rows.append(
            f'<tr id="ledger-{c["claim_id"]}" data-claim-id="{c["claim_id"]}" '
            f'data-article-url="{esc(c["first_url"] or "")}">'
            f'<td class="num">{c["claim_id"]}</td>'
            f'<td><a href="#claim-{c["claim_id"]}">{esc(c["text"])}</a>{before}</td>'
            f"<td>{_kind_label(c)}</td>"
            f'<td class="first"><a href="{esc(c["first_url"] or "#")}" rel="noopener noreferrer">'
            f"{esc(c['first_outlet'])}</a>"
            f'<div class="muted small">{minute(c["first_seen_at"])}</div></td>'
            f'<td class="num" title="{esc(", ".join(c.get("outlets") or []))}">{c["corroboration"]}</td>'
            f'<td class="hist">{history}</td></tr>'
        )
    return (
        '<section class="ledger"><h2>Claim ledger</h2>'
        '<p class="muted">Every distinct claim, where it first appeared, and how many outlets carried it.</p>'
        "<table><thead><tr><th>#</th><th>claim</th><th>kind</th><th>first seen</th>"
        '<th title="distinct outlets carrying it">outlets</th><th>history</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _kind_label(claim: dict[str, Any]) -> str:
    if claim.get("possibly_restated"):
        return '<span class="kind kind-restated">possibly restated</span>'
    return f'<span class="kind kind-{esc(claim["kind"])}">{esc(claim["kind"])}</span>'


def _footer() -> str:
    return (
        f"<footer>Generated by story-monitor {esc(__version__)} on {minute(db.utcnow())} UTC. "
        "Claims count as new in the order the monitor read the articles. "
        "“source ↗” opens the article at the sentence.</footer>"
    )


# --- helpers ----------------------------------------------------------------------------------


def _claim_tag(status: str) -> str:
    label = "possibly restated" if status == "restated" else status
    return f'<span class="tag tag-{status}">{label.upper()}</span>'
