-- One judged sentence of one article version, linked to the claim it carries.
INSERT INTO claim_mentions (claim_id, story_id, version_id, article_id, sentence_index, sentence,
                            status, score, outlet, mentioned_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (version_id, sentence_index) DO NOTHING;
