-- Index every article version's title and text (Porter stemmer, English stopwords, accents stripped).
PRAGMA create_fts_index('article_versions', 'id', 'title', 'text', overwrite = 1);
