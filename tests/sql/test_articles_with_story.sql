SELECT a.url, s.name, s.tracked FROM articles a JOIN stories s ON s.id = a.story_id ORDER BY a.id;
