-- One sentence embedding per claim and model, written only when `[claims] model` is not "none"
-- (see docs/claims-model.md). vector is unit length, so its dot product with another is the cosine.
-- It is a FLOAT[] list rather than FLOAT[384] because DuckLake has no fixed-size ARRAY type; every
-- vector of one model has that model's width (384 for minilm-int8). Lookups join claims for the
-- story, so a vector follows its claim when stories merge; a deleted claim's vector is ignored.
CREATE TABLE claim_embeddings (
    claim_id   BIGINT NOT NULL,
    model      VARCHAR NOT NULL,
    vector     FLOAT[] NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (claim_id, model)
);
