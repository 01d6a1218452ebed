SELECT count(*) FROM alerts;
