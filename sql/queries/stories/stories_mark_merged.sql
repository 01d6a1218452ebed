UPDATE stories SET merged_into = $1 WHERE id = $2
