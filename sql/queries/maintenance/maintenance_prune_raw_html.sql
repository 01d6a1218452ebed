-- Drop raw HTML older than the retention cut-off; the extracted text and metadata stay.
UPDATE article_versions SET raw_html = NULL
WHERE raw_html IS NOT NULL AND fetched_at < ?;
