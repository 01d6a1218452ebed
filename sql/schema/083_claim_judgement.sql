-- How sure each verdict was, and the editor's corrections of verdicts (docs/claims.md).
-- confidence: probability that the verdict is right; nearest_claim_id/nearest_score: the closest
-- earlier claim compared and its paraphrase probability (also for `new`); uncertain: the verdict
-- fell in [claims] uncertain_low_pct..uncertain_high_pct ("possibly restated" when new).
ALTER TABLE claims ADD COLUMN confidence DOUBLE;
ALTER TABLE claims ADD COLUMN nearest_claim_id BIGINT;
ALTER TABLE claims ADD COLUMN nearest_score DOUBLE;
ALTER TABLE claims ADD COLUMN uncertain BOOLEAN;
ALTER TABLE claims ADD COLUMN change_kind VARCHAR;   -- for kind = changed: number | negation | ...
ALTER TABLE claims ADD COLUMN seen_as BIGINT;        -- corrected: a restatement of this claims.id
ALTER TABLE claim_mentions ADD COLUMN confidence DOUBLE;
ALTER TABLE claim_mentions ADD COLUMN nearest_claim_id BIGINT;
ALTER TABLE claim_mentions ADD COLUMN uncertain BOOLEAN;

CREATE SEQUENCE IF NOT EXISTS claim_correction_ids START 1;

-- One row per correction an editor made with `monitor claims correct`; the latest per claim holds.
CREATE TABLE claim_corrections (
    id            BIGINT PRIMARY KEY DEFAULT nextval('claim_correction_ids'),
    claim_id      BIGINT NOT NULL,
    story_id      BIGINT NOT NULL,
    verdict       VARCHAR NOT NULL,      -- seen | new
    seen_as       BIGINT,                -- for seen: the earlier claim it restates
    nearest_id    BIGINT,                -- for new: the nearest earlier claim it is not
    previous_kind VARCHAR NOT NULL,      -- the claim's kind before the correction
    corrected_by  VARCHAR NOT NULL,
    corrected_at  TIMESTAMP NOT NULL
);
