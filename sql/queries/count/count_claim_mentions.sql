SELECT count(*) FROM claim_mentions;
