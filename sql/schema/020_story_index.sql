-- Story-linking state (issue 4): each story's strongest terms, and document frequencies for IDF.
-- A linking batch loads only candidate stories: active within the time window (or tracked) and
-- sharing one of the batch's strongest terms.

-- One row per live story: the summed TF-IDF vectors of its articles, strongest terms only.
-- Rows are rewritten (delete + insert) when a story changes, so the table stays roughly ordered
-- by last_article_at and DuckDB's zone maps skip old stories.
CREATE TABLE story_vectors (
    story_id        BIGINT NOT NULL,          -- stories.id
    doc_count       INTEGER NOT NULL,         -- articles absorbed
    last_article_at TIMESTAMP,                -- newest article time seen by the linker
    terms           VARCHAR[] NOT NULL,       -- e:name | n:number | w:word
    weights         FLOAT[] NOT NULL,         -- same order as terms
    titles          VARCHAR[] NOT NULL,       -- latest few titles, for fuzzy title matching
    updated_at      TIMESTAMP NOT NULL
);

-- Document-frequency increments, appended once per linking batch (sum by term for the DF).
CREATE TABLE story_term_df (
    term VARCHAR NOT NULL,
    df   BIGINT NOT NULL
);

-- How many documents the document frequencies count (sum of rows).
CREATE TABLE story_corpus (
    docs BIGINT NOT NULL
);
