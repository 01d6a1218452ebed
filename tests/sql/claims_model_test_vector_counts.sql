-- Test helper: claims, their $model vectors, and the claims that have none.
SELECT (SELECT count(*) FROM claims),
       (SELECT count(*) FROM claim_embeddings WHERE model = $model),
       (SELECT count(*) FROM claims c
        WHERE NOT EXISTS (SELECT 1 FROM claim_embeddings e
                          WHERE e.claim_id = c.id AND e.model = $model));
