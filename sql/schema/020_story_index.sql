-- Story-linking state (issue 4): each story's strongest terms, and document frequencies for IDF.
-- The pipeline loads only active stories (within the time window, or tracked) per batch.

-- One row per live story: the summed TF-IDF vectors of its articles, strongest terms only.
CREATE TABLE story_vectors (
    story_id        BIGINT NOT NULL,          -- stories.id
    doc_count       INTEGER NOT NULL,         -- articles absorbed
    last_article_at TIMESTAMP,                -- newest article time seen by the linker
    terms           VARCHAR[] NOT NULL,       -- e:name | n:number | w:word
    weights         FLOAT[] NOT NULL,         -- same order as terms
    titles          VARCHAR[] NOT NULL,       -- latest few titles, for fuzzy title matching
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX story_vectors_story ON story_vectors (story_id);

-- Document frequency of every term the linker has seen (IDF is built from the monitored corpus).
CREATE TABLE story_term_df (
    term VARCHAR PRIMARY KEY,
    df   BIGINT NOT NULL
);

-- How many documents the document frequencies count (a single row, id = 1).
CREATE TABLE story_corpus (
    id   INTEGER PRIMARY KEY,
    docs BIGINT NOT NULL
);
