-- Whole-database counts for the index's heading.
SELECT (SELECT count(*) FROM stories WHERE merged_into IS NULL) AS stories,
       (SELECT count(*) FROM articles)                          AS articles,
       (SELECT count(DISTINCT outlet) FROM articles)            AS outlets,
       (SELECT count(*) FROM claims)                            AS claims,
       (SELECT max(fetched_at) FROM article_versions)           AS last_stored_at
