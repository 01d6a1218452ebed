-- Each judged sentence's normalised form, so a `seen` sentence can stay in its story's ledger as
-- another wording of the claim it restates (docs/claims.md, "Earlier wordings"). Rows written
-- before this migration have NULL here; the ledger normalises their sentence when it loads them.
ALTER TABLE claim_mentions ADD COLUMN normalized VARCHAR;
