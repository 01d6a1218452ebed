SELECT count(*) FROM story_links;
