-- The article versions a cycle stored, with their story, outlet, headline and what they added.
SELECT story_id, story_name, outlet, title, url, new_claims, changed_claims
FROM story_timeline
WHERE list_contains($version_ids, version_id)
ORDER BY story_id, seen_at, version_id
