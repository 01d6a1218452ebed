SELECT url, error_count, last_error FROM feeds;
