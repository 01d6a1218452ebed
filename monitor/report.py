"""One self-contained HTML page per story: coverage over time and what each article added."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import html
import itertools
import math
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from monitor import __version__, db
from monitor.errors import MonitorError

CHART_WIDTH_PX = 960
CHART_LABEL_PX = 190
CHART_RIGHT_PX = 70
CHART_PAD_PX = 36  # keeps the first mark clear of the outlet names
CHART_ROW_PX = 64
CHART_TOP_PX = 34
CHART_AXIS_PX = 44
MARK_MAX_RADIUS_PX = 24
LABEL_SPACING_PX = 120
TEXT_FRAGMENT_WORDS = 8
LIST_STORIES = '`monitor query "SELECT story_id, name FROM story_overview"`'
TIME_BASIS = {"published_at": "publication time", "seen_at": "when the monitor stored it"}


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
            _chart(data.timeline, opener),
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
        f'<meta name="generator" content="story-monitor {_e(__version__)}">\n'
        # On a served site, an inline icon saves a /favicon.ico request that would 404.
        + ('<link rel="icon" href="data:,">\n' if nav else "")
        + f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f'<body data-story-id="{story["story_id"]}">\n{_nav(nav)}<main>\n{body}\n</main>\n</body>\n</html>\n'
    )


def _nav(links: Sequence[tuple[str, str]]) -> str:
    if not links:
        return ""
    items = "".join(f'<a href="{_e(href)}">{_e(label)}</a>' for href, label in links)
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
    first, last = _when(story["first_seen_at"]), _when(story["last_seen_at"])
    span = f"first seen {first} · last seen {last} UTC"
    return (
        '<header class="page-head">\n'
        f'<div class="eyebrow">story-monitor · story report {" ".join(badges)}</div>\n'
        f"<h1>{_e(story['name'])}</h1>\n"
        f'<p class="meta">{_e(span)}'
        + (f" · keywords: {_e(keywords)}" if keywords else "")
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
            f'<a href="#v-{entry["version_id"]}"><b>{_e(entry["outlet"])}</b></a> '
            f'<span class="muted">{_when(entry[time_key])}</span> added {phrase}</div>'
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
        else _e(m["sentence"])
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


def coverage_time_key(timeline: list[dict[str, Any]]) -> str:
    """The timeline column the page places articles by: the outlets' own publication times when
    every article has one and they follow the order the monitor saw them in, else the time the
    monitor stored each version."""
    published = [entry.get("published_at") for entry in timeline]
    if (
        timeline
        and all(published)
        and all(entry["version"] == 1 for entry in timeline)
        and all(a <= b for a, b in itertools.pairwise(published))  # type: ignore[operator]
    ):
        return "published_at"
    return "seen_at"


def _chart(timeline: list[dict[str, Any]], opener: int | None) -> str:
    """Outlets down the side, time across, one mark per article version."""
    if not timeline:
        return '<section class="chart"><h2>Coverage over time</h2><p>No articles yet.</p></section>'
    outlets: list[str] = []
    for entry in timeline:
        if entry["outlet"] not in outlets:
            outlets.append(entry["outlet"])
    plot_left = CHART_LABEL_PX + CHART_PAD_PX
    plot_right = CHART_WIDTH_PX - CHART_RIGHT_PX
    height = CHART_TOP_PX + CHART_ROW_PX * len(outlets) + CHART_AXIS_PX
    key = coverage_time_key(timeline)
    times = [entry[key] for entry in timeline]
    start, end = min(times), max(times)
    span_s = (end - start).total_seconds()

    def x_of(when: dt.datetime) -> float:
        if span_s <= 0:
            return (plot_left + plot_right) / 2
        return float(plot_left + (when - start).total_seconds() / span_s * (plot_right - plot_left))

    def y_of(outlet: str) -> float:
        return CHART_TOP_PX + CHART_ROW_PX * outlets.index(outlet) + CHART_ROW_PX / 2

    parts = [
        (
            f'<svg class="coverage" viewBox="0 0 {CHART_WIDTH_PX} {height}" role="img" '
            f'aria-label="Coverage over time: {len(timeline)} article versions from {len(outlets)} outlets">'
        )
    ]
    for i, outlet in enumerate(outlets):
        y = y_of(outlet)
        if i % 2 == 0:
            parts.append(
                f'<rect class="band" x="0" y="{y - CHART_ROW_PX / 2:.1f}" '
                f'width="{CHART_WIDTH_PX}" height="{CHART_ROW_PX}"/>'
            )
        parts.append(
            f'<line class="lane" x1="{CHART_LABEL_PX}" x2="{plot_right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="outlet-label" x="{CHART_LABEL_PX - 8}" y="{y + 4:.1f}" '
            f'text-anchor="end">{_e(_shorten(outlet, 24))}</text>'
        )
    axis_y = CHART_TOP_PX + CHART_ROW_PX * len(outlets) + 6
    parts.append(
        f'<line class="axis" x1="{CHART_LABEL_PX}" x2="{plot_right}" y1="{axis_y}" y2="{axis_y}"/>'
    )
    for number, tick in enumerate(_ticks(start, end)):
        x = x_of(tick)
        label = _tick_label(tick, span_s)
        if number == 0 and 120 <= span_s < 36 * 3600:
            label = f"{tick:%d %b} {label}"  # the day, once, where the labels only give clock times
        parts.append(
            f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{CHART_TOP_PX - 8}" y2="{axis_y + 5}"/>'
            f'<text class="tick-label" x="{x:.1f}" y="{axis_y + 22}" text-anchor="middle">'
            f"{_e(label)}</text>"
        )
    last_label: dict[str, tuple[float, bool]] = {}  # outlet -> (x, below) of its latest label
    for entry in timeline:
        x, outlet = x_of(entry[key]), entry["outlet"]
        previous = last_label.get(outlet)
        # Labels of marks close together on one lane alternate above and below.
        below = bool(previous and abs(x - previous[0]) < LABEL_SPACING_PX and not previous[1])
        if entry["version_id"] == opener or entry["new_claims"] or entry["changed_claims"]:
            last_label[outlet] = (x, below)
        parts.append(_mark(entry, x, y_of(outlet), entry["version_id"] == opener, below))
    parts.append("</svg>")
    legend = (
        '<div class="legend">'
        '<span><i class="dot dot-opener"></i>first report</span>'
        '<span><i class="dot dot-new"></i>added new claims</span>'
        '<span><i class="dot dot-changed"></i>changed a claim</span>'
        '<span><i class="dot dot-seen"></i>repeated earlier claims</span>'
        f'<span class="muted">mark size = claims added · time = {TIME_BASIS[key]} (UTC)</span>'
        "</div>"
    )
    return (
        '<section class="chart"><h2>Coverage over time</h2>\n'
        + "".join(parts)
        + "\n"
        + legend
        + "\n</section>"
    )


def _mark(entry: dict[str, Any], x: float, y: float, is_opener: bool, label_below: bool) -> str:
    new, changed = entry["new_claims"], entry["changed_claims"]
    if is_opener:
        kind = "opener"
    elif new:
        kind = "new"
    elif changed:
        kind = "changed"
    else:
        kind = "seen"
    radius = min(10 + 3.2 * math.sqrt(new + changed), MARK_MAX_RADIUS_PX)
    restated = entry.get("restated_claims", 0)
    label = ""
    if is_opener:
        label = f"first report · {new + restated} claims"
    elif new or changed:
        label = " · ".join(
            p for p in (f"+{new} new" if new else "", f"{changed} changed" if changed else "") if p
        )
    tooltip = (
        f"{entry['outlet']} — {entry['title'] or entry['url']}\n"
        f"published {_when(entry.get('published_at'))} · stored {_when(entry['seen_at'])} UTC · "
        f"{new} new, {changed} changed, "
        + (f"{restated} possibly restated, " if restated else "")
        + f"{entry['seen_claims']} seen"
    )
    text = (
        f'<text class="mark-label mark-label-{kind}" x="{x:.1f}" '
        f'y="{(y + radius + 15) if label_below else (y - radius - 7):.1f}" '
        f'text-anchor="middle">{_e(label)}</text>'
        if label
        else ""
    )
    return (
        f'<a href="#v-{entry["version_id"]}" class="mark mark-{kind}" '
        f'data-version-id="{entry["version_id"]}" data-article-url="{_e(entry["url"])}" '
        f'data-outlet="{_e(entry["outlet"])}" data-new-claims="{new}" data-changed-claims="{changed}" '
        f'data-restated-claims="{restated}">'
        f"<title>{_e(tooltip)}</title>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
        f'<text class="mark-pos" x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">'
        f"{entry['position']}</text>{text}</a>"
    )


TICK_STEPS_S = [
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
    30 * 86400,
    91 * 86400,
    365 * 86400,
]


def _ticks(start: dt.datetime, end: dt.datetime, most: int = 6) -> list[dt.datetime]:
    """Round times (whole minutes, hours, days) across the span, at most MOST of them."""
    span_s = (end - start).total_seconds()
    if span_s <= 0:
        return [start]
    step_s = next((s for s in TICK_STEPS_S if span_s / s <= most - 1), TICK_STEPS_S[-1])
    epoch = dt.datetime(2000, 1, 1)
    first_s = math.ceil((start - epoch).total_seconds() / step_s) * step_s
    ticks = []
    at = epoch + dt.timedelta(seconds=first_s)
    while at <= end:
        ticks.append(at)
        at += dt.timedelta(seconds=step_s)
    return ticks or [start]


def _tick_label(when: dt.datetime, span_s: float) -> str:
    if span_s < 120:
        return when.strftime("%H:%M:%S")
    if span_s < 36 * 3600:
        return when.strftime("%H:%M")
    if span_s < 60 * 86400:
        return when.strftime("%d %b" if (when.hour, when.minute) == (0, 0) else "%d %b %H:%M")
    return when.strftime("%d %b %Y")


# --- articles ---------------------------------------------------------------------------------


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
        meta.append(f"published {_when(entry['published_at'])}{_date_source(entry)}")
    elif entry.get("published_source") == "fetched":
        meta.append("no publication date found")
    meta.append(f"stored by the monitor {_when(entry['seen_at'])} UTC")
    if entry.get("author"):
        meta.append(f"by {_e(entry['author'])}")
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
        f'data-article-url="{_e(url)}">\n'
        f'<div class="card-head"><span class="pos">{entry["position"]}</span><div>'
        f'<div class="outlet">{_e(entry["outlet"])}</div>'
        f'<h3><a href="{_e(url)}" rel="noopener noreferrer">{_e(entry["title"] or url)}</a></h3>'
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
        f'data-version-id="{m["version_id"]}" data-article-url="{_e(url)}"'
    )


def _claim_item(m: dict[str, Any], url: str, kind: str) -> str:
    return (
        f'<li class="claim claim-{kind}" {_claim_attrs(m, url, True)}>'
        f'{_claim_tag("new") if kind == "new" else ""}<span class="text">{_e(m["sentence"])}</span>'
        f"{_source_link(url, m['sentence'])}</li>"
    )


def _changed_item(m: dict[str, Any], url: str) -> str:
    before_html, after_html = word_diff_html(m.get("before_text") or "", m["sentence"])
    earlier = (
        f' <a class="was" href="#claim-{m["changed_from"]}">first in {_e(m["before_outlet"] or "earlier coverage")}</a>'
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
    nearest_text = _e(claim.get("nearest_text") or "")
    if nearest_id in anchors:
        nearest_text = f'<a href="#claim-{nearest_id}">{nearest_text}</a>'
    elif nearest_id is not None:
        nearest_text = f'<a href="#ledger-{nearest_id}">{nearest_text}</a>'
    seen_at = claim.get("nearest_seen_at")
    where = " · ".join(
        p for p in (_e(claim.get("nearest_outlet") or ""), _when(seen_at) if seen_at else "") if p
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
        f'<span class="text">{_e(m["sentence"])}</span>{_source_link(url, m["sentence"])}</div>'
        f"{closest}</div>{sure}</li>"
    )


def _seen_item(m: dict[str, Any], url: str, claim_by_id: dict[int, dict[str, Any]]) -> str:
    claim = claim_by_id.get(m["claim_id"], {})
    score = f" · match {m['score']:.2f}" if m.get("score") is not None else ""
    return (
        f'<li class="claim claim-seen" {_claim_attrs(m, url, False)}>'
        f'<span class="text">{_e(m["sentence"])}</span>'
        f'<div class="matched">≈ <a href="#claim-{m["claim_id"]}">{_e(_shorten(claim.get("text") or m["claim_text"] or "", 110))}</a>'
        f' <span class="muted">first in {_e(m["claim_outlet"] or "?")}{score}</span></div></li>'
    )


def _source_link(url: str, sentence: str) -> str:
    return (
        f' <a class="src" href="{_e(text_fragment_url(url, sentence))}" rel="noopener noreferrer" '
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
            out.append(_e(" ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(f"<del>{_e(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{_e(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


def word_diff_html(before: str, after: str) -> tuple[str, str]:
    """Both sentences as HTML, removed words in <del> and added words in <ins>."""
    a, b = before.split(), after.split()
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        left, right = _e(" ".join(a[i1:i2])), _e(" ".join(b[j1:j2]))
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
            f'<span class="hs hs-{_e(step["status"])}" title="{_e(step["outlet"])} · {_when(step["at"])}">'
            f"{_e(step['status'])}</span>"
            for step in (c.get("status_history") or [])
        )
        before = (
            f'<div class="muted small">was: <a href="#claim-{c["changed_from"]}">'
            f"{_e(_shorten(c['changed_from_text'] or '', 120))}</a></div>"
            if c.get("changed_from")
            else ""
        )
        rows.append(
            f'<tr id="ledger-{c["claim_id"]}" data-claim-id="{c["claim_id"]}" '
            f'data-article-url="{_e(c["first_url"] or "")}">'
            f'<td class="num">{c["claim_id"]}</td>'
            f'<td><a href="#claim-{c["claim_id"]}">{_e(c["text"])}</a>{before}</td>'
            f"<td>{_kind_label(c)}</td>"
            f'<td class="first"><a href="{_e(c["first_url"] or "#")}" rel="noopener noreferrer">'
            f"{_e(c['first_outlet'])}</a>"
            f'<div class="muted small">{_when(c["first_seen_at"])}</div></td>'
            f'<td class="num" title="{_e(", ".join(c.get("outlets") or []))}">{c["corroboration"]}</td>'
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
    return f'<span class="kind kind-{_e(claim["kind"])}">{_e(claim["kind"])}</span>'


def _footer() -> str:
    return (
        f"<footer>Generated by story-monitor {_e(__version__)} on {_when(db.utcnow())} UTC. "
        "Claims count as new in the order the monitor read the articles. "
        "“source ↗” opens the article at the sentence.</footer>"
    )


# --- helpers ----------------------------------------------------------------------------------


def _claim_tag(status: str) -> str:
    label = "possibly restated" if status == "restated" else status
    return f'<span class="tag tag-{status}">{label.upper()}</span>'


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _shorten(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


CSS = """
:root{--ink:#1f2430;--muted:#6b7280;--line:#e5e7eb;--bg:#f7f7f5;--card:#fff;
--new:#d97706;--new-bg:#fff4dc;--changed:#7c3aed;--changed-bg:#f1eaff;--opener:#475569;--seen:#9ca3af;
--restated:#0f766e;--restated-bg:#eef6f5}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1040px;margin:0 auto;padding:28px 24px 48px}
a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:28px;line-height:1.2;margin:6px 0 4px}
h2{font-size:18px;margin:0 0 12px}
h3{font-size:16px;margin:2px 0}
h4{font-size:13px;text-transform:uppercase;letter-spacing:.04em;margin:14px 0 6px}
.eyebrow{font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
.badge{display:inline-block;margin-left:6px;padding:1px 8px;border-radius:999px;background:#e8eaf0;color:#374151;font-size:11px;letter-spacing:.03em}
.badge-tracked{background:#dcfce7;color:#166534}
.meta{color:var(--muted);font-size:13px;margin:0}
.muted{color:var(--muted)}.small{font-size:12px}
.stats{display:flex;gap:10px;flex-wrap:wrap;margin:14px 0 4px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:8px 14px;min-width:86px}
.stat b{display:block;font-size:20px}.stat span{font-size:12px;color:var(--muted)}
.stat-restated{background:transparent}.stat-restated b{font-size:16px;line-height:30px;color:var(--restated)}
section{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:18px 20px;margin-top:18px}
.glance{border-left:5px solid var(--new)}
.glance-item+.glance-item{margin-top:12px}
.glance ul{margin:6px 0 0;padding-left:0;list-style:none}
.glance-claim{margin:4px 0;padding:6px 10px;border-radius:8px;background:var(--new-bg)}
.glance-claim a{color:var(--ink)}
.glance-changed{background:var(--changed-bg)}
.glance-restated{background:#f8fafc;border:1px dashed #cbd5e1}.glance-restated a{color:#4b5563}
.c-new{color:var(--new)}.c-changed{color:var(--changed)}.c-restated{color:var(--restated);font-weight:600}
.tag{display:inline-block;font-size:10px;font-weight:700;letter-spacing:.06em;padding:1px 6px;border-radius:4px;margin-right:8px;vertical-align:1px;color:#fff}
.tag-new{background:var(--new)}.tag-changed{background:var(--changed)}.tag-restated{background:var(--restated)}
svg.coverage{width:100%;height:auto;display:block}
.band{fill:#fafafa}.lane{stroke:var(--line);stroke-width:1}
.axis{stroke:#9ca3af}.tick{stroke:#eef0f3}.tick-label{font-size:11px;fill:var(--muted)}
.outlet-label{font-size:13px;fill:var(--ink);font-weight:600}
.mark circle{stroke:#fff;stroke-width:2}
.mark-opener circle{fill:var(--opener)}.mark-new circle{fill:var(--new)}
.mark-changed circle{fill:var(--changed)}.mark-seen circle{fill:#fff;stroke:var(--seen);stroke-width:2}
.mark-pos{font-size:12px;font-weight:700;fill:#fff;pointer-events:none}.mark-seen .mark-pos{fill:var(--seen)}
.mark-label{font-size:12px;font-weight:700}.mark-label-new{fill:var(--new)}.mark-label-changed{fill:var(--changed)}.mark-label-opener{fill:var(--opener);font-weight:600}
.mark:hover circle{stroke:#111}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:12px;margin-top:8px;color:var(--ink)}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}
.dot-opener{background:var(--opener)}.dot-new{background:var(--new)}.dot-changed{background:var(--changed)}.dot-seen{border:2px solid var(--seen)}
.card{border:1px solid var(--line);border-radius:12px;padding:14px 16px;margin-top:12px;border-left:5px solid var(--seen)}
.card-opener{border-left-color:var(--opener)}.card-new{border-left-color:var(--new)}.card-changed{border-left-color:var(--changed)}.card-restated{border-left-color:var(--restated)}
.card:target,.claim:target{box-shadow:0 0 0 3px #93c5fd}
.card-head{display:flex;gap:12px;align-items:flex-start}
.card-head>div:nth-child(2){flex:1}
.pos{flex:none;width:28px;height:28px;border-radius:50%;background:#eef0f3;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:13px}
.outlet{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
.chips{display:flex;gap:6px;flex:none}
.chip{font-size:11px;padding:2px 8px;border-radius:999px;background:#f3f4f6;color:#374151}
.chip-new{background:var(--new-bg);color:#92400e}.chip-changed{background:var(--changed-bg);color:#5b21b6}.chip-restated{background:var(--restated-bg);color:var(--restated)}
ol.claims{margin:0;padding-left:22px}
.claim{margin:6px 0;padding:6px 10px;border-radius:8px}
.claim-new{background:var(--new-bg)}
.claim-opener{background:#f8fafc}
.claim-changed{background:var(--changed-bg)}
.claim-seen{color:#4b5563}
.restated-legend{font-size:13px;color:#374151;background:var(--restated-bg);border-radius:8px;padding:8px 12px;margin:0 0 4px}
.restated-legend b,.h-restated{color:var(--restated)}
.restated{margin-top:4px}
.claim-restated{background:var(--restated-bg)}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;align-items:start}
.pair .this,.pair .closest{background:#fff;border-radius:6px;padding:6px 8px;font-size:14px}
.pair .closest{color:#4b5563}.pair .closest a{color:#374151}
.sure{font-size:12px;color:var(--restated);margin-top:4px}
.src{font-size:12px;white-space:nowrap;margin-left:4px}
.h-new{color:var(--new)}.h-changed{color:var(--changed)}.h-opener{color:var(--opener)}
.diff{display:grid;grid-template-columns:1fr auto 1fr;gap:10px;align-items:start;margin-top:4px}
.diff .arrow{font-size:20px;color:var(--changed);padding-top:8px}
.diff .before,.diff .after{background:#fff;border-radius:6px;padding:6px 8px;font-size:14px}
.lbl{display:block;font-size:10px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
del{background:#fee2e2;color:#991b1b;text-decoration:line-through}
ins{background:#dcfce7;color:#166534;text-decoration:none;font-weight:600}
details.seen{margin-top:10px}details.seen summary{cursor:pointer;color:var(--muted);font-size:13px}
.matched{font-size:12px;margin-top:2px}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line);padding:6px}
td{border-bottom:1px solid #f0f1f3;padding:7px 6px;vertical-align:top}
td a{color:var(--ink)}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kind{font-size:11px;padding:1px 6px;border-radius:4px;background:#f3f4f6}
.kind-new{background:var(--new-bg);color:#92400e}.kind-changed{background:var(--changed-bg);color:#5b21b6}.kind-restated{background:var(--restated-bg);color:var(--restated)}
.hist,td.first{white-space:nowrap}
.hs{display:inline-block;font-size:10px;padding:1px 5px;margin:1px;border-radius:3px;background:#f3f4f6;color:#374151}
.hs-new{background:var(--new-bg);color:#92400e}.hs-changed{background:var(--changed-bg);color:#5b21b6}
footer{color:var(--muted);font-size:12px;margin-top:22px;text-align:center}
.site-nav{display:flex;gap:20px;padding:12px 24px;background:#1f2430;font-size:14px}
.site-nav a{color:#e2e8f0}.site-nav a:first-child{font-weight:600;color:#fff}
@media (max-width:640px){.pair{grid-template-columns:1fr}}
@media print{body{background:#fff}section{break-inside:avoid}.site-nav{display:none}}
"""
