-- One sentence embedding per claim and model, written only when `[claims] model` is not "none"
-- (see docs/claims-model.md). vector is unit length, so its dot product with another is the cosine.
-- It is a FLOAT[] list rather than FLOAT[384] because DuckLake has no fixed-size ARRAY type; every
-- vector of one model has that model's width (384 for minilm-int8). story_id is copied from claims
-- so a story's vectors are read without scanning every story's.
CREATE TABLE claim_embeddings (
    claim_id   BIGINT NOT NULL,
    story_id   BIGINT NOT NULL,
    model      VARCHAR NOT NULL,
    vector     FLOAT[] NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (claim_id, model)
);
