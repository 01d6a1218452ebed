SELECT count(*) FROM claims;
