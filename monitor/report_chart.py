"""The story page's coverage chart: one row per outlet, one mark per article, in inline SVG."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

from monitor.html_text import esc, minute, shorten

TIME_BASIS = {"published_at": "publication time", "seen_at": "when the monitor stored it"}
CHART_WIDTH_PX = 960
CHART_LABEL_PX = 190
CHART_RIGHT_PX = 70
CHART_PAD_PX = 36  # keeps the first mark clear of the outlet names
CHART_ROW_PX = 64
CHART_TOP_PX = 34
CHART_AXIS_PX = 44
MARK_MAX_RADIUS_PX = 24
LABEL_SPACING_PX = 120


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


def coverage_chart(timeline: list[dict[str, Any]], opener: int | None) -> str:
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
            f'text-anchor="end">{esc(shorten(outlet, 24))}</text>'
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
            f"{esc(label)}</text>"
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
        f"published {minute(entry.get('published_at'))} · stored {minute(entry['seen_at'])} UTC · "
        f"{new} new, {changed} changed, "
        + (f"{restated} possibly restated, " if restated else "")
        + f"{entry['seen_claims']} seen"
    )
    text = (
        f'<text class="mark-label mark-label-{kind}" x="{x:.1f}" '
        f'y="{(y + radius + 15) if label_below else (y - radius - 7):.1f}" '
        f'text-anchor="middle">{esc(label)}</text>'
        if label
        else ""
    )
    return (
        f'<a href="#v-{entry["version_id"]}" class="mark mark-{kind}" '
        f'data-version-id="{entry["version_id"]}" data-article-url="{esc(entry["url"])}" '
        f'data-outlet="{esc(entry["outlet"])}" data-new-claims="{new}" data-changed-claims="{changed}" '
        f'data-restated-claims="{restated}">'
        f"<title>{esc(tooltip)}</title>"
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
