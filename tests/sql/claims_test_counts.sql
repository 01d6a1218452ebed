-- Test helper: rows in the ledger tables and versions still waiting for claim detection.
SELECT (SELECT count(*) FROM claims),
       (SELECT count(*) FROM claim_mentions),
       (SELECT count(*) FROM article_versions WHERE claims_at IS NULL);
