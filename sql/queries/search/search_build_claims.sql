-- Index every claim's text as first seen.
PRAGMA create_fts_index('claims', 'id', 'text', overwrite = 1);
