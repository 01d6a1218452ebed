-- The one definition of a "possibly restated" claim, used by new_claims, the alerts and the site:
-- a new claim in the judge's uncertain band whose closest claim in the ledger is from another
-- (so earlier) article. The closest claim may be a sentence of the claim's own article, judged a
-- moment before it; that says nothing about earlier coverage.
CREATE OR REPLACE MACRO possibly_restated(kind, uncertain, article_id, nearest_article_id) AS
    kind = 'new'
    AND coalesce(uncertain, false)
    AND nearest_article_id IS DISTINCT FROM article_id;
