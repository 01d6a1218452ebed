-- Core tables, one per arrow of the pipeline: feeds → articles → stories → claims → alerts.
-- Every TIMESTAMP holds UTC. Relations are documented here rather than declared as foreign keys,
-- because DuckDB forbids updating a row that a foreign key points at.

CREATE SEQUENCE IF NOT EXISTS feed_ids START 1;
CREATE SEQUENCE IF NOT EXISTS entry_ids START 1;
CREATE SEQUENCE IF NOT EXISTS article_ids START 1;
CREATE SEQUENCE IF NOT EXISTS version_ids START 1;
CREATE SEQUENCE IF NOT EXISTS story_ids START 1;
CREATE SEQUENCE IF NOT EXISTS story_link_ids START 1;
CREATE SEQUENCE IF NOT EXISTS claim_ids START 1;
CREATE SEQUENCE IF NOT EXISTS mention_ids START 1;
CREATE SEQUENCE IF NOT EXISTS alert_ids START 1;
CREATE SEQUENCE IF NOT EXISTS run_ids START 1;

-- Polled feeds and their polling state (Miniflux-style).
CREATE TABLE feeds (
    id               BIGINT PRIMARY KEY DEFAULT nextval('feed_ids'),
    url              VARCHAR NOT NULL UNIQUE,
    name             VARCHAR,                 -- from config, optional
    title            VARCHAR,                 -- from the feed itself
    site_url         VARCHAR,
    interval_minutes INTEGER NOT NULL,
    ttl_minutes      INTEGER,                 -- the feed's <ttl>
    etag             VARCHAR,
    last_modified    VARCHAR,
    next_check_at    TIMESTAMP NOT NULL,
    last_checked_at  TIMESTAMP,
    last_success_at  TIMESTAMP,
    last_status      INTEGER,                 -- HTTP status of the last poll
    error_count      INTEGER NOT NULL DEFAULT 0,  -- consecutive failures
    last_error       VARCHAR,
    parked           BOOLEAN NOT NULL DEFAULT false,  -- past the error limit; not polled
    entries_total    BIGINT NOT NULL DEFAULT 0,
    bad_entries      BIGINT NOT NULL DEFAULT 0,      -- no link, duplicate GUID, ...
    created_at       TIMESTAMP NOT NULL
);

-- Feed entries: the work queue of pages to fetch. An entry is done only once its article is stored.
CREATE TABLE entries (
    id              BIGINT PRIMARY KEY DEFAULT nextval('entry_ids'),
    feed_id         BIGINT NOT NULL,          -- feeds.id
    guid            VARCHAR NOT NULL,
    url             VARCHAR NOT NULL,         -- canonical article URL
    title           VARCHAR,
    published_at    TIMESTAMP,
    updated_at      TIMESTAMP,                -- the entry's own updated date; a change re-fetches
    discovered_at   TIMESTAMP NOT NULL,
    state           VARCHAR NOT NULL DEFAULT 'pending',  -- pending | stored | skipped | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_error      VARCHAR,
    article_id      BIGINT,                   -- articles.id once stored
    processed_at    TIMESTAMP,
    UNIQUE (feed_id, guid)
);

-- One row per canonical URL.
CREATE TABLE articles (
    id            BIGINT PRIMARY KEY DEFAULT nextval('article_ids'),
    url           VARCHAR NOT NULL UNIQUE,   -- canonical: no fragment, no tracking parameters
    outlet        VARCHAR NOT NULL,          -- site name, or host when the page names none
    first_seen_at TIMESTAMP NOT NULL,
    story_id      BIGINT                     -- current story (stories.id); history in story_links
);

-- Each distinct content of an article. A re-fetch with a new content hash adds a version.
CREATE TABLE article_versions (
    id           BIGINT PRIMARY KEY DEFAULT nextval('version_ids'),
    article_id   BIGINT NOT NULL,            -- articles.id
    version      INTEGER NOT NULL,           -- 1, 2, ... per article
    content_hash VARCHAR NOT NULL,           -- sha256 of the normalised extracted text
    title        VARCHAR,
    author       VARCHAR,
    published_at TIMESTAMP,
    site_name    VARCHAR,
    text         VARCHAR NOT NULL,
    raw_html     VARCHAR,                    -- pruned after [database] raw_html_retention_days
    fetched_at   TIMESTAMP NOT NULL,
    linked_at    TIMESTAMP,                  -- stage marker: story linking done
    claims_at    TIMESTAMP,                  -- stage marker: claim detection done
    UNIQUE (article_id, content_hash)
);

-- Story clusters. Tracked stories come from config and exist before any article.
CREATE TABLE stories (
    id              BIGINT PRIMARY KEY DEFAULT nextval('story_ids'),
    name            VARCHAR NOT NULL,
    tracked         BOOLEAN NOT NULL DEFAULT false,
    keywords        VARCHAR[] NOT NULL DEFAULT [],
    created_at      TIMESTAMP NOT NULL,
    last_article_at TIMESTAMP,
    merged_into     BIGINT,                  -- stories.id when merged away; then inactive
    announced_at    TIMESTAMP                -- when "new story detected" was queued for alerts
);

-- Every article→story decision, kept as history so merges and splits can be replayed.
CREATE TABLE story_links (
    id         BIGINT PRIMARY KEY DEFAULT nextval('story_link_ids'),
    article_id BIGINT NOT NULL,
    story_id   BIGINT NOT NULL,
    score      DOUBLE,
    reason     VARCHAR NOT NULL,             -- linked | new_story | tracked | merge | split | manual
    linked_at  TIMESTAMP NOT NULL,
    is_current BOOLEAN NOT NULL DEFAULT true
);

-- The claim ledger: one row per distinct claim of a story.
CREATE TABLE claims (
    id               BIGINT PRIMARY KEY DEFAULT nextval('claim_ids'),
    story_id         BIGINT NOT NULL,
    text             VARCHAR NOT NULL,       -- the sentence as first seen
    normalized       VARCHAR NOT NULL,       -- the form used for matching
    kind             VARCHAR NOT NULL,       -- new | changed
    changed_from     BIGINT,                 -- claims.id this one changes (kind = changed)
    first_version_id BIGINT NOT NULL,
    first_article_id BIGINT NOT NULL,
    first_outlet     VARCHAR NOT NULL,
    first_seen_at    TIMESTAMP NOT NULL,
    UNIQUE (story_id, normalized)
);

-- Each sentence of each article version that was judged, linked to the claim it carries.
CREATE TABLE claim_mentions (
    id             BIGINT PRIMARY KEY DEFAULT nextval('mention_ids'),
    claim_id       BIGINT NOT NULL,
    story_id       BIGINT NOT NULL,
    version_id     BIGINT NOT NULL,
    article_id     BIGINT NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence       VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,         -- new | seen | changed
    score          DOUBLE,
    outlet         VARCHAR NOT NULL,
    mentioned_at   TIMESTAMP NOT NULL,
    UNIQUE (version_id, sentence_index)
);

-- The alert outbox: one row per claim (or new story) per channel.
CREATE TABLE alerts (
    id              BIGINT PRIMARY KEY DEFAULT nextval('alert_ids'),
    kind            VARCHAR NOT NULL,        -- new_claim | changed_claim | new_story
    claim_id        BIGINT NOT NULL,         -- claims.id; 0 for new_story (UNIQUE ignores NULLs)
    story_id        BIGINT NOT NULL,
    channel         VARCHAR NOT NULL,        -- channel key; never the secret URL
    status          VARCHAR NOT NULL DEFAULT 'pending',  -- pending | sending | sent | failed | filtered
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      VARCHAR,
    next_attempt_at TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    UNIQUE (kind, story_id, claim_id, channel)
);

-- One row per pipeline cycle, with what it did.
CREATE TABLE runs (
    id          BIGINT PRIMARY KEY DEFAULT nextval('run_ids'),
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL DEFAULT 'running',  -- running | completed | failed
    summary     JSON
);
