"""Alert messages: what a story's new and changed claims look like in Slack, Discord/Teams, e-mail and plain text.

A message is about one story. Under each article that added claims (named once: outlet, headline,
publication time, link) come its claims; a changed claim reads "before" (earlier outlet) → "after".
The story's name is the message title and is not repeated in the body, which ends with a link to
the story page (``{report_base_url}/stories/<id>.html``, the static site's layout).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import duckdb

from monitor import db
from monitor.settings import AlertSettings

if TYPE_CHECKING:
    from monitor.alerts import Channel

# "slack" is Slack's mrkdwn (*bold*, <url|text>); "markdown" suits Discord, Teams and most chats;
# "html" is for e-mail; "text" for everything else (SMS, ntfy, generic webhooks).
MessageFormat = Literal["markdown", "slack", "html", "text"]
MESSAGE_FORMATS: tuple[MessageFormat, ...] = ("slack", "markdown", "html", "text")
_ELLIPSIS = "…"
# Prefect drops the event of an artifact over PREFECT_EVENTS_MAXIMUM_SIZE_BYTES (1.5 MB by
# default), and a page that long is no summary: a cold cycle over 1,000 articles wrote 2.4 MB.
SUMMARY_ARTIFACT_CHARS_MAX = 100_000
MAX_TITLE_CHARS = 200


# --- what a message is made of -------------------------------------------------------------------


@dataclass
class ClaimItem:
    """One claim as a message shows it, with the article version that first carried it."""

    claim_id: int
    kind: str  # new | changed
    text: str
    before: str | None
    outlet: str
    url: str | None
    version: int
    outlets: int  # corroboration: distinct outlets carrying the claim
    before_outlet: str | None = None  # where the earlier form of a changed claim appeared
    version_id: int = 0
    headline: str | None = None
    published_at: dt.datetime | None = None  # the article's publication time
    stored_at: dt.datetime | None = None  # when the monitor stored that version
    # claims judge: a new claim in the uncertain band, and the earlier claim it may restate
    possibly_restated: bool = False
    nearest: str | None = None


@dataclass
class StoryDigest:
    """What one story contributes to a message, and the outbox rows that message settles."""

    story_id: int
    name: str
    tracked: bool = False
    is_new: bool = False
    articles: int = 0
    outlets: int = 0
    first_url: str | None = None
    first_outlet: str | None = None
    first_title: str | None = None
    claims: list[ClaimItem] = field(default_factory=list)
    alert_ids_by_claim: dict[int, list[int]] = field(default_factory=dict)
    story_alert_ids: list[int] = field(default_factory=list)


@dataclass
class Message:
    """A message ready to send and the outbox rows it carries."""

    title: str
    body: str
    alert_ids: list[int]


@dataclass
class _Item:
    headings: tuple[str, ...]  # e.g. (article,) or (story, article) in a digest; printed on change
    text: str
    alert_ids: list[int]


def load_story_digests(
    con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[int, str, int, int]]
) -> list[StoryDigest]:
    """Group outbox rows (id, kind, story_id, claim_id) by story, with claim and story details."""
    story_ids = sorted({row[2] for row in rows})
    claim_ids = sorted({row[3] for row in rows if row[1] != "new_story"})
    stories: dict[int, StoryDigest] = {}
    for sid, name, tracked, articles, outlets, url, outlet, title in db.query(
        con, "alerts_story_details", {"ids": story_ids}
    ):
        stories[sid] = StoryDigest(
            sid, name, bool(tracked), False, int(articles), int(outlets), url, outlet, title
        )
    claims: dict[int, ClaimItem] = {}
    for (
        cid,
        _sid,
        kind,
        text,
        before,
        outlet,
        url,
        version,
        n_outlets,
        before_outlet,
        version_id,
        headline,
        published_at,
        stored_at,
        possibly_restated,
        nearest,
    ) in db.query(con, "alerts_claim_details", {"ids": claim_ids}):
        claims[cid] = ClaimItem(
            cid,
            kind,
            text,
            before,
            outlet,
            url,
            int(version),
            int(n_outlets),
            before_outlet,
            int(version_id),
            headline,
            published_at,
            stored_at,
            bool(possibly_restated) and kind == "new",
            nearest,
        )
    for alert_id, kind, story_id, claim_id in rows:
        story = stories.setdefault(story_id, StoryDigest(story_id, f"story {story_id}"))
        if kind == "new_story":
            story.is_new = True
            story.story_alert_ids.append(alert_id)
            continue
        if claim_id not in story.alert_ids_by_claim and claim_id in claims:
            story.claims.append(claims[claim_id])
        story.alert_ids_by_claim.setdefault(claim_id, []).append(alert_id)
    return [stories[sid] for sid in story_ids if sid in stories]


def story_url(story: StoryDigest, policy: AlertSettings) -> str | None:
    """The story's page on the static site (`monitor site`), when [alerts] report_base_url is set."""
    if not policy.report_base_url:
        return None
    return f"{policy.report_base_url.rstrip('/')}/stories/{story.story_id}.html"


def see_more(story: StoryDigest, policy: AlertSettings) -> str:
    """Where to read the whole story: its page URL when configured, else the CLI command."""
    return story_url(story, policy) or f'monitor report "{story.name}"'


# --- formatting primitives ------------------------------------------------------------------------


def _esc(text: str, fmt: MessageFormat) -> str:
    if fmt == "html":
        return html.escape(text, quote=False)
    if fmt == "slack":
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _link(text: str, url: str | None, fmt: MessageFormat) -> str:
    """A link in the format's own syntax; TEXT is escaped here, URL is used as given."""
    if not url:
        return _esc(text, fmt)
    if fmt == "slack":
        return f"<{url}|{_esc(text, fmt).replace('|', '/')}>"
    if fmt == "markdown":
        return f"[{text.replace('[', '(').replace(']', ')')}]({url.replace(')', '%29')})"
    if fmt == "html":
        return f'<a href="{html.escape(url)}">{_esc(text, fmt)}</a>'
    return f"{text} {url}"


def _bold(text: str, fmt: MessageFormat) -> str:
    """Bold TEXT (already escaped for the format)."""
    if fmt == "slack":
        return f"*{text}*"
    if fmt == "markdown":
        return f"**{text}**"
    return f"<b>{text}</b>" if fmt == "html" else text


def _quiet(text: str, fmt: MessageFormat) -> str:
    """De-emphasised TEXT (already escaped): the dateline under a headline."""
    if fmt in ("slack", "markdown"):
        return f"_{text}_"
    return f"<small>{text}</small>" if fmt == "html" else text


def _paragraph(lines: Sequence[str], fmt: MessageFormat) -> str:
    return f"<p>{'<br>'.join(lines)}</p>" if fmt == "html" else "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "time unknown"


# --- one story -----------------------------------------------------------------------------------


def article_heading(claim: ClaimItem, fmt: MessageFormat) -> str:
    """The article a group of claims came from, once: outlet, headline, publication time, link."""
    outlet = _bold(_esc(claim.outlet, fmt), fmt)
    if claim.version > 1:
        outlet += _esc(f" (updated article, version {claim.version})", fmt)
    headline = claim.headline or claim.url or "article"
    when = (
        f"published {_when(claim.published_at)}"
        if claim.published_at
        else f"no publication date; stored {_when(claim.stored_at)}"
    )
    dateline = _quiet(_esc(when, fmt), fmt)
    if fmt == "text":
        first = f"{claim.outlet}{outlet[len(claim.outlet) :]}: {headline}"
        return "\n".join([first, f"{dateline}" + (f" · {claim.url}" if claim.url else "")])
    return _paragraph([f"{outlet} · {_link(headline, claim.url, fmt)}", dateline], fmt)


def render_claim(claim: ClaimItem, fmt: MessageFormat) -> str:
    """One claim under its article: “text”, or for a changed claim “before” (earlier outlet) → “after”."""
    carried = f" · carried by {claim.outlets} outlets" if claim.outlets > 1 else ""
    bullet = {"text": "  • ", "markdown": "- ", "slack": "• ", "html": "• "}[fmt]
    indent = {"text": "      ", "markdown": "  ", "slack": "    ", "html": ""}[fmt]
    if claim.kind == "changed" and claim.before:
        earlier = f" ({claim.before_outlet})" if claim.before_outlet else ""
        lines = [
            f"{bullet}Changed: “{_esc(claim.before, fmt)}”{_esc(earlier, fmt)}",
            f"{indent}→ “{_esc(claim.text, fmt)}”{_esc(carried, fmt)}",
        ]
    elif claim.possibly_restated:  # claims judge: the editor decides beside the closest claim
        lines = [f"{bullet}Possibly restated: “{_esc(claim.text, fmt)}”{_esc(carried, fmt)}"]
        if claim.nearest:
            lines.append(f"{indent}closest earlier: “{_esc(claim.nearest, fmt)}”")
    else:
        lines = [f"{bullet}“{_esc(claim.text, fmt)}”{_esc(carried, fmt)}"]
    return _paragraph(lines, fmt) if fmt == "html" else "\n".join(lines)


def story_summary(
    story: StoryDigest, fmt: MessageFormat, claims: Sequence[ClaimItem] | None = None
) -> str:
    """The body's first line: counts of new and changed claims and of the articles that added them."""
    claims = story.claims if claims is None else claims
    restated = sum(1 for c in claims if c.kind != "changed" and c.possibly_restated)
    changed = sum(1 for c in claims if c.kind == "changed")
    new = len(claims) - changed - restated
    parts = [_plural(new, "new claim")] if new else []
    if changed:
        parts.append(_plural(changed, "changed claim"))
    if restated:  # counted apart, as the story site does: the editor decides on these
        parts.append(f"{restated} possibly restated")
    articles = len({c.version_id for c in claims})
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
    line = listed + (f" from {_plural(articles, 'article')}" if articles else "")
    if story.is_new:
        by = f", first reported by {story.first_outlet}" if story.first_outlet else ""
        line = f"New story{by}." + (f" {line[0].upper()}{line[1:]}." if line else "")
    return _paragraph([_esc(line, fmt)], fmt)


def _founding_heading(story: StoryDigest, fmt: MessageFormat) -> str:
    claim = ClaimItem(
        0,
        "new",
        "",
        None,
        story.first_outlet or "first article",
        story.first_url,
        1,
        0,
        headline=story.first_title,
    )
    return article_heading(claim, fmt)


def _priority(claims: Sequence[ClaimItem]) -> list[ClaimItem]:
    """Changed figures first: they are the higher severity and must survive "and N more"."""
    return sorted(claims, key=lambda c: (c.kind != "changed", _time_of(c), c.claim_id))


def _time_of(claim: ClaimItem) -> tuple[dt.datetime, int]:
    return (claim.published_at or claim.stored_at or dt.datetime.max, claim.version_id)


def story_items(
    story: StoryDigest, fmt: MessageFormat, cap: int, prefix: tuple[str, ...] = ()
) -> tuple[list[_Item], list[_Item]]:
    """(shown, hidden) claim items of a story, the shown ones grouped under their articles in time order."""
    ranked = _priority(story.claims)
    shown_ids = {c.claim_id for c in ranked[:cap]}

    def item(claim: ClaimItem) -> _Item:
        return _Item(
            prefix + (article_heading(claim, fmt),),
            render_claim(claim, fmt),
            list(story.alert_ids_by_claim.get(claim.claim_id, [])),
        )

    shown = [c for c in story.claims if c.claim_id in shown_ids]
    # Confident claims before "possibly restated" ones within an article (claims judge).
    shown.sort(key=lambda c: (_time_of(c), c.kind != "changed", c.possibly_restated, c.claim_id))
    hidden = [c for c in ranked if c.claim_id not in shown_ids]
    return [item(c) for c in shown], [item(c) for c in hidden]


def _story_link(story: StoryDigest, policy: AlertSettings, fmt: MessageFormat) -> str:
    url = story_url(story, policy)
    if url is None:
        return _paragraph([_esc(f'Story report: monitor report "{story.name}"', fmt)], fmt)
    if fmt == "text":
        return f"Story page: {url}"
    return _paragraph([_link("Open the story page", url, fmt)], fmt)


def compose_story_messages(story: StoryDigest, channel: Channel) -> list[Message]:
    """One message for one story (split into parts only when it exceeds the channel's limit)."""
    fmt = channel.format
    shown, hidden = story_items(story, fmt, channel.policy.max_claims_per_story)
    if not shown:
        shown = [_Item((), _founding_heading(story, fmt), [])]
    return _pack(
        title=f"New story: {story.name}" if story.is_new else story.name,
        header=story_summary(story, fmt),
        items=shown,
        hidden=hidden,
        footer=_story_link(story, channel.policy, fmt),
        base_alert_ids=list(story.story_alert_ids),
        channel=channel,
    )


def compose_digest_messages(
    stories: list[StoryDigest], channel: Channel, since: dt.datetime | None, now: dt.datetime
) -> list[Message]:
    """One digest for a channel: every story with its articles and claims, split only when too long."""
    fmt = channel.format
    items: list[_Item] = []
    cap = channel.policy.max_claims_per_story
    for story in stories:
        url = story_url(story, channel.policy)
        head = _bold(_esc(story.name, fmt), fmt) + (
            " · " + _link("story page", url, fmt) if url else ""
        )
        summary = story_summary(story, fmt)
        story_line = f"<p>{head}</p>{summary}" if fmt == "html" else f"{head}\n{summary}"
        shown, hidden = story_items(story, fmt, cap, prefix=(story_line,))
        if not shown:
            items.append(
                _Item((story_line,), _founding_heading(story, fmt), list(story.story_alert_ids))
            )
            continue
        shown[0].alert_ids += story.story_alert_ids
        if hidden:
            shown[-1].text += "\n" + _paragraph(
                [_esc(f"…and {len(hidden)} more claims of this story", fmt)], fmt
            )
            shown[-1].alert_ids += [i for h in hidden for i in h.alert_ids]
        items.extend(shown)
    n_claims = sum(len(s.claims) for s in stories)
    period = f"since {since:%Y-%m-%d %H:%M} UTC" if since else f"until {now:%Y-%m-%d %H:%M} UTC"
    header = _paragraph(
        [
            _esc(
                f"{_plural(len(stories), 'story').replace('storys', 'stories')}, "
                f"{_plural(n_claims, 'new or changed claim')} {period}",
                fmt,
            )
        ],
        fmt,
    )
    return _pack(
        title="story-monitor digest",
        header=header,
        items=items,
        hidden=[],
        footer="",
        base_alert_ids=[],
        channel=channel,
    )


def _pack(
    title: str,
    header: str,
    items: list[_Item],
    hidden: list[_Item],
    footer: str,
    base_alert_ids: list[int],
    channel: Channel,
) -> list[Message]:
    """Fit header, items and footer into parts of at most the channel's size; sum up the rest.

    Headings (the story, the article) are printed when they change, and again at the top of a
    continued part, so each article is named once per part.
    """
    fmt = channel.format
    title = _truncate(title, MAX_TITLE_CHARS)
    # Some services (Telegram) merge the title into the body, so it counts against the limit too.
    budget = max(channel.max_chars - len(title) - len(" (9/9)") - 2, 160)
    parts: list[tuple[list[str], list[int]]] = []
    lines: list[str] = [_truncate(header, budget // 2)] if header else []
    ids: list[int] = list(base_alert_ids)
    printed: tuple[str, ...] = ()
    has_items = False

    def size(chunk: list[str]) -> int:
        return len("\n\n".join(chunk))

    def tail(count: int) -> str:
        more = _paragraph([_esc(f"…and {count} more", fmt)], fmt)
        return more + ("\n\n" + footer if footer else "")

    index = 0
    while index < len(items):
        item = items[index]
        level = next(
            (n for n, (a, b) in enumerate(zip(item.headings, printed)) if a != b),
            min(len(item.headings), len(printed)),
        )
        block = "\n\n".join([*item.headings[level:], *([item.text] if item.text else [])])
        left_after = len(items) - index - 1 + len(hidden)
        reserve = len(tail(left_after) if left_after else footer) + 2
        if block and size(lines + [block]) + reserve > budget:
            if has_items and len(parts) + 1 < channel.policy.max_parts_per_message:
                parts.append((lines, ids))
                lines, ids, printed, has_items = [], [], (), False
                continue
            if has_items:
                break
            block = _truncate(block, max(budget - size(lines) - reserve - 2, 40))
        if block and has_items and level == len(item.headings) and fmt != "html":
            lines[-1] += "\n" + block  # the next claim under the same article: no blank line
        elif block:
            lines.append(block)
        ids += item.alert_ids
        printed, has_items = item.headings, True
        index += 1
    left = items[index:] + hidden
    if left:
        lines.append(tail(len(left)))
        # Rows summed up as "and N more" count as delivered: the message points to the rest.
        ids += [i for item in left for i in item.alert_ids]
    elif footer:
        lines.append(footer)
    parts.append((lines, ids))
    total = len(parts)
    return [
        Message(
            title=title + (f" ({n}/{total})" if total > 1 else ""),
            body=_truncate("\n\n".join(body_lines), budget),
            alert_ids=part_ids,
        )
        for n, (body_lines, part_ids) in enumerate(parts, 1)
    ]


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + _ELLIPSIS


# --- the run summary (Prefect artifact) ----------------------------------------------------------


def render_summary_markdown(
    con: duckdb.DuckDBPyConnection,
    run_started_at: dt.datetime,
    policy: AlertSettings | None = None,
    chars_max: int = SUMMARY_ARTIFACT_CHARS_MAX,
) -> str:
    """Markdown of the run's new and changed claims per story (the Prefect artifact), kept short.

    Each story shows at most `max_claims_per_story` claims, and stories stop once the page
    reaches CHARS_MAX characters; what is left out is counted, with where to read it.
    """
    rows = db.query(con, "alerts_run_items", {"since": run_started_at})
    if not rows:
        return ""
    fake_rows = [
        (
            -(index + 1),
            "new_story" if what == "story" else "new_claim",
            story_id,
            0 if what == "story" else item_id,
        )
        for index, (what, item_id, story_id) in enumerate(rows)
    ]
    stories = load_story_digests(con, fake_rows)
    policy = policy or AlertSettings()
    total = sum(len(s.claims) for s in stories)
    lines = [f"# story-monitor: {total} new or changed claims in {len(stories)} stories", ""]
    size = len(lines[0])
    for shown_count, story in enumerate(stories):
        block = ["## " + story.name, story_summary(story, "markdown"), ""]
        shown, hidden = story_items(story, "markdown", policy.max_claims_per_story)
        printed: tuple[str, ...] = ()
        for item in shown:
            if item.headings != printed:
                block += [*item.headings, ""]
                printed = item.headings
            block += [item.text, ""]
        if hidden:
            block += [f"…and {len(hidden)} more claims of this story", ""]
        url = story_url(story, policy)
        block += [f"Story page: {url}" if url else f"Story report: `{see_more(story, policy)}`", ""]
        block_size = sum(len(line) + 1 for line in block)
        if shown_count and size + block_size > chars_max:
            left = stories[shown_count:]
            claims_left = sum(len(s.claims) for s in left)
            lines.append(
                f"…and {len(left)} more stor{'ies' if len(left) != 1 else 'y'} with {claims_left}"
                f" claim{'s' if claims_left != 1 else ''}: `monitor stories` lists them,"
                " `monitor report STORY` shows one."
            )
            break
        lines += block
        size += block_size
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
