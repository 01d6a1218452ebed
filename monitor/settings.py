"""One typed settings object, read from one TOML file and validated at start-up."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor import __version__
from monitor.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("monitor.toml")
CONFIG_ENV_VAR = "MONITOR_CONFIG"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DatabaseSettings(_Section):
    path: Path = Path("data/monitor.duckdb")
    backend: Literal["duckdb", "ducklake"] = "duckdb"
    # DuckLake only: catalog connection string (e.g. "sqlite:catalog.sqlite" or
    # "postgres:dbname=monitor host=127.0.0.1") and where data files go.
    ducklake_catalog: str | None = None
    ducklake_data_path: Path | None = None
    raw_html_retention_days: int = Field(default=30, ge=0)


class FetchSettings(_Section):
    allow_private_networks: bool = False
    # Networks exempt from the guard even when private, e.g. ["10.20.0.0/16"] for an intranet feed.
    allowed_networks: list[str] = Field(default_factory=list)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    read_timeout_s: float = Field(default=30.0, gt=0)
    # Hard deadline for a whole exchange: DNS, connect, TLS, headers, redirects and body.
    total_timeout_s: float = Field(default=120.0, gt=0)
    # A feed larger than 64 KB is parsed in a worker process, stopped after this long.
    parse_timeout_s: float = Field(default=30.0, gt=0)
    max_feed_bytes: int = Field(default=10_000_000, gt=0)
    max_page_bytes: int = Field(default=5_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    per_host_limit: int = Field(default=2, ge=1)
    global_limit: int = Field(default=16, ge=1)
    user_agent: str = f"story-monitor/{__version__} (+https://github.com/story-monitor/story-monitor)"
    # An entry whose page keeps failing is retried on later cycles until this many attempts.
    max_page_attempts: int = Field(default=5, ge=1)

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as e:
                raise ValueError(f"IP networks in CIDR form like '10.0.0.0/8' ({e})") from e
        return value


class PollingSettings(_Section):
    default_interval_minutes: int = Field(default=15, ge=1)
    min_interval_minutes: int = Field(default=5, ge=0)
    max_interval_minutes: int = Field(default=24 * 60, ge=1)
    error_limit: int = Field(default=10, ge=1)
    backoff_base_minutes: float = Field(default=5.0, gt=0)


class FeedConfig(_Section):
    url: str
    interval_minutes: int | None = Field(default=None, ge=1)
    name: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// URL")
        return value


class StoryConfig(_Section):
    name: str
    keywords: list[str] = Field(default_factory=list)
    seed_urls: list[str] = Field(default_factory=list)


class ChannelConfig(_Section):
    """One alert destination: an Apprise URL or a Prefect notification block, with its filters."""

    # Any Apprise URL. "${VAR}" is read from the environment and "${prefect-secret:NAME}" from a
    # Prefect Secret block, both at send time; the expanded value is never stored or logged.
    url: str | None = None
    block: str | None = None  # a Prefect notification block, "block-type-slug/name"
    name: str | None = None  # the channel key in the alerts table; default: a hash of the URL template
    stories: list[str] = Field(default_factory=list)  # story names (case-insensitive); empty = all
    tracked_only: bool = False  # only stories configured under [[stories]]
    # Severity rises new_claim < changed_claim < new_story; lower kinds are not queued.
    min_severity: Literal["new_claim", "changed_claim", "new_story"] = "new_claim"
    mode: Literal["immediate", "digest"] = "immediate"
    format: Literal["auto", "markdown", "text"] = "auto"  # auto: by service (email is text)
    max_message_chars: int | None = Field(default=None, ge=200)  # default: the service's limit
    quiet_hours: bool = True  # hold immediate alerts during [alerts] quiet hours

    @field_validator("name")
    @classmethod
    def _key_like(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", value):
            raise ValueError("letters, digits, '_', '.', ':' or '-' (at most 64)")
        return value

    @field_validator("block")
    @classmethod
    def _block_ref(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9-]+/[A-Za-z0-9_-]+", value):
            raise ValueError('"block-type-slug/block-name", e.g. "slack-webhook/newsroom"')
        return value

    @model_validator(mode="after")
    def _one_destination(self) -> ChannelConfig:
        if (self.url is None) == (self.block is None):
            raise ValueError("exactly one of url or block")
        return self


class LinkingSettings(_Section):
    """Story-linking thresholds; see README "Tuning story linking"."""

    # An article joins its best story when the combined score reaches this (0..1); else it starts one.
    link_threshold_score: float = Field(default=0.18, gt=0, le=1)
    # Share of the combined score given to rapidfuzz title similarity (the rest is TF-IDF cosine).
    title_fuzz_weight_frac: float = Field(default=0.0, ge=0, le=1)
    # Stories idle longer than this (article time minus story's last article) are not candidates:
    # a sequel weeks later starts a new story unless it is tracked.
    time_window_hours: float = Field(default=14 * 24, gt=0)
    # The score is scaled down linearly by up to this share as the gap approaches the window.
    time_penalty_max_frac: float = Field(default=0.2, ge=0, le=1)
    # Term weights by kind (names/places, numbers, other words); a title term counts title_boost times.
    entity_weight: float = Field(default=1.0, ge=0)
    number_weight: float = Field(default=2.0, ge=0)
    word_weight: float = Field(default=0.15, ge=0)
    title_boost: float = Field(default=2.0, ge=0)
    # Terms among the first lead_words words of the text count lead_boost times: the lead names
    # the event (who, where, how many), the body adds background two events of one kind share.
    lead_words: int = Field(default=60, ge=0)
    lead_boost: float = Field(default=2.0, ge=0)
    # Weight of adjacent capitalised pairs ("Tara Reid"), which tell namesakes apart.
    entity_pair_weight: float = Field(default=0.0, ge=0)
    # Story representation: the strongest terms of the summed article vectors that are kept.
    story_terms_max: int = Field(default=64, ge=4)
    # Blocking: an article's strongest terms looked up in the inverted index, and how many of the
    # most recently active stories each term's posting list keeps.
    query_terms_max: int = Field(default=16, ge=1)
    postings_per_term_max: int = Field(default=64, ge=1)
    # Candidates scored in full per article: the stories sharing the most top-term weight.
    candidates_max: int = Field(default=16, ge=1)
    # Tracked stories: an article joins one when it names at least this many of its keywords
    # (or all of them, when the story has fewer).
    tracked_keyword_hits_min: int = Field(default=2, ge=1)
    # Revisable decisions: after linking, an untracked story whose members fall into two groups
    # (average-linkage on member vectors) is split when the mean similarity across the groups is
    # below this share of the mean similarity within the looser group (0 turns splitting off).
    split_cross_within_ratio: float = Field(default=0.65, ge=0, le=1)
    # Each group must hold at least this many articles; stories larger than the cap are not re-checked.
    split_group_articles_min: int = Field(default=3, ge=1)
    split_check_articles_max: int = Field(default=60, ge=2)
    # A story is re-checked when its article count reaches 2 x split_group_articles_min and then
    # each time it has grown by this share since the previous check point (6, 7, 8, 10, 12, 14,
    # 17, ... articles at 3 and 0.15), not after every article it gains (0 = after every article).
    split_recheck_growth_frac: float = Field(default=0.15, ge=0)
    # Revisable decisions, the other way: after linking, an untracked story of at most
    # merge_small_articles_max articles merges into its closest untracked story when the cosine of
    # their vectors (times the time factor) reaches merge_story_score_min (0 articles = off).
    merge_small_articles_max: int = Field(default=5, ge=0)
    merge_story_score_min: float = Field(default=0.45, gt=0, le=1)
    # Upkeep of the document frequencies (`monitor maintenance`): the per-batch log in
    # story_term_df is folded to one row per term; once more than term_df_terms_max distinct terms
    # are kept, terms counted in fewer than term_df_min_docs documents are dropped (they then
    # weigh as unseen terms do, with the highest IDF, which a once-seen term nearly has anyway).
    term_df_terms_max: int = Field(default=1_000_000, ge=1)
    term_df_min_docs: int = Field(default=2, ge=1)
    # Linking also folds the log when it holds more rows than this (reading the DF sums the log).
    term_df_rows_max: int = Field(default=2_000_000, ge=1)


class ClaimSettings(_Section):
    """Claim-novelty thresholds; see README "How a claim is judged"."""

    # A later sentence is `seen` when the paraphrase model gives at least this probability (%).
    seen_threshold_pct: float = Field(default=50.0, ge=0, le=100)
    # ... or when at least this share (%) of its content words is carried by one earlier claim.
    contained_threshold_pct: float = Field(default=85.0, ge=0, le=100)
    # Same frame (numbers, negation, attribution masked) at least this similar (%) + a differing
    # number, negation, actor or attribution => `changed`.
    changed_frame_threshold_pct: float = Field(default=80.0, ge=0, le=100)
    # Actor changes need a closer frame, since paraphrases often rename the same actor.
    changed_actor_frame_threshold_pct: float = Field(default=90.0, ge=0, le=100)
    # Two figures are one when they round to each other ("$12.6 billion" = "$13 billion"), or when
    # one is hedged ("about", "some", "nearly") and they are at most this far apart (%) ...
    hedged_figure_tolerance_pct: float = Field(default=6.0, ge=0, le=100)
    # ... or, in different units of one measure ("5 km" = "about three miles"), this far apart (%).
    unit_conversion_tolerance_pct: float = Field(default=10.0, ge=0, le=100)
    # A sentence that states a figure its closest earlier claim lacks is `new`, not `seen`.
    new_number_is_new: bool = True
    # ... and so is one that adds a negated clause of its own (", which are not yet approved").
    new_negated_clause_is_new: bool = True
    # A sentence that is not seen whole is split at clause boundaries; seen if every clause is.
    split_clauses: bool = True
    # ... tried only when the candidate claims together carry this share (%) of its content words.
    clause_split_min_coverage_pct: float = Field(default=70.0, ge=0, le=100)
    # Blocking: earlier claims sharing the most rare words are the candidates; at most this many
    # get the cheap rapidfuzz pre-score, and the best few of those the full model.
    candidate_limit: int = Field(default=40, ge=1)
    scored_candidate_limit: int = Field(default=3, ge=1)
    # A candidate must share at least this share (%) of the sentence's content words to be scored.
    candidate_min_overlap_pct: float = Field(default=30.0, ge=0, le=100)
    # Words carried by more than this share (%) of a story's claims are too common to block on.
    common_word_max_share_pct: float = Field(default=2.0, gt=0, le=100)
    # Blocking looks up at most this many of a sentence's rarest words.
    blocking_words: int = Field(default=8, ge=1)
    # Segmentation: fewer content words than this is a fragment, not a claim.
    min_claim_content_words: int = Field(default=3, ge=1)
    # A line without final punctuation and at most this many words is a heading.
    max_heading_words: int = Field(default=16, ge=1)
    # A line this short with no verb (or with a photo credit) is a caption.
    max_caption_words: int = Field(default=12, ge=1)
    # Headlines are summaries of the body; judged as claims only when this is true.
    judge_titles: bool = False


def _clock_time(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError('a time of day "HH:MM"')
    return value


class AlertSettings(_Section):
    """Alert delivery and digest settings; see README "Alerts"."""

    report_base_url: str | None = None  # where "see more" links point; a CLI command is used if unset
    timezone: str = "UTC"  # for quiet hours and the digest schedule
    quiet_hours_start: str | None = None  # "22:00": immediate alerts wait until quiet_hours_end
    quiet_hours_end: str | None = None  # "07:00"
    digest_cron: str = "0 8 * * *"  # when the digest deployment runs, in `timezone`
    digest_period_hours: float = Field(default=24.0, gt=0)  # at most one digest per channel per period
    max_claims_per_story: int = Field(default=15, ge=1)  # more are summed up as "and N more"
    max_parts_per_message: int = Field(default=3, ge=1)  # a long message is split at most this often
    send_timeout_s: float = Field(default=10.0, gt=0)  # connect and read timeout, unless the URL sets cto/rto
    retry_backoff_min_s: float = Field(default=60.0, gt=0)  # first retry delay; doubles per failure
    retry_backoff_max_s: float = Field(default=6 * 3600.0, gt=0)
    max_attempts: int = Field(default=20, ge=1)  # then only `monitor alerts retry` tries again
    max_backlog_hours: float = Field(default=48.0, gt=0)  # older claims are never queued
    # A row left in "sending" by a crash may or may not have reached the channel:
    # "resend" delivers it again (at-least-once), "hold" parks it as "unknown" for a human.
    interrupted_send: Literal["resend", "hold"] = "resend"
    sending_stale_after_s: float = Field(default=300.0, gt=0)  # "sending" older than this = interrupted

    @field_validator("quiet_hours_start", "quiet_hours_end")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        return _clock_time(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError("an IANA time zone such as \"Europe/Berlin\" or \"UTC\"") from e
        return value

    @model_validator(mode="after")
    def _paired_quiet_hours(self) -> AlertSettings:
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValueError("quiet_hours_start and quiet_hours_end go together")
        if self.retry_backoff_max_s < self.retry_backoff_min_s:
            raise ValueError("retry_backoff_max_s at least retry_backoff_min_s")
        return self


class ScaleSettings(_Section):
    """Scale-out: where fetching and extracting run; see docs/scaling.md."""

    # A running Dask scheduler, e.g. "tcp://10.0.0.5:8786". None: everything runs in the flow process.
    dask_address: str | None = None
    # Due feeds and pending pages are split into this many shards, one Dask task each.
    feed_shards: int = Field(default=4, ge=1)
    # Worker processes that run trafilatura while pages download; 0 = one per CPU, 1 = in-process.
    extraction_processes: int = Field(default=0, ge=0)
    # Pages per batch. The next batch downloads and extracts while the last one is linked and judged.
    page_batch_size: int = Field(default=200, ge=1)


class SearchSettings(_Section):
    """When the cycle rebuilds the full-text indexes (a rebuild re-reads the whole table)."""

    rebuild_min_interval_minutes: float = Field(default=0.0, ge=0)
    # A rebuild waits until the time since the last one is at least its duration / this share,
    # so slow rebuilds of a large database cost at most this share of wall time. 0 = off.
    rebuild_time_share_max: float = Field(default=0.05, ge=0, le=1)
    rebuild_always_below_s: float = Field(default=2.0, ge=0)  # builds faster than this always run


class Settings(_Section):
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    polling: PollingSettings = Field(default_factory=PollingSettings)
    linking: LinkingSettings = Field(default_factory=LinkingSettings)
    claims: ClaimSettings = Field(default_factory=ClaimSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    scale: ScaleSettings = Field(default_factory=ScaleSettings)
    feeds: list[FeedConfig] = Field(default_factory=list)
    stories: list[StoryConfig] = Field(default_factory=list)
    channels: list[ChannelConfig] = Field(default_factory=list)

    source: Path | None = Field(default=None, exclude=True)


def resolve_config_path(explicit: str | Path | None = None) -> Path:
    """Pick the config file: --config, then $MONITOR_CONFIG, then ./monitor.toml."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV_VAR):
        return Path(os.environ[CONFIG_ENV_VAR])
    return DEFAULT_CONFIG_PATH


def parse_settings(data: dict[str, Any], source: Path | str = "<config>") -> Settings:
    """Validate a config mapping; errors name the file, the key and what was expected."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_describe_validation_error(e, source)) from e
    settings.source = Path(source)
    return settings


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the TOML config file."""
    config_path = resolve_config_path(path)
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(
            f"{config_path}: config file not found (run `monitor init` to write one, "
            f"or pass --config / set {CONFIG_ENV_VAR})"
        ) from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{config_path}: not valid TOML: {e}") from e
    settings = parse_settings(data, config_path)
    if not settings.database.path.is_absolute():
        # Relative database paths are relative to the config file, not the working directory.
        settings.database.path = (config_path.parent / settings.database.path).resolve()
    return settings


def _describe_validation_error(error: ValidationError, source: Path | str) -> str:
    lines = []
    for item in error.errors():
        key = _format_location(item["loc"])
        got = item.get("input")
        message = item["msg"]
        if message.startswith("Value error, "):
            message = "expected " + message.removeprefix("Value error, ")
        elif item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        elif item["type"] == "missing":
            message = "required key is missing"
        else:
            message = message[0].lower() + message[1:]
        got_text = "" if item["type"] in ("missing", "extra_forbidden") else f", got {got!r}"
        lines.append(f"{source}: {key}: {message}{got_text}")
    return "\n".join(lines)


def _format_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(str(part))
    if len(parts) > 1:
        return f"[{'.'.join(parts[:-1])}] {parts[-1]}"
    return parts[0] if parts else "<root>"
