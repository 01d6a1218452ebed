DELETE FROM view_state;
