SELECT DISTINCT status FROM alerts;
