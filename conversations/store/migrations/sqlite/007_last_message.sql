-- The user's last text and when it came: the same text sent again within a minute (a flaky
-- connection, a double tap) changes the case once.
ALTER TABLE sessions ADD COLUMN last_text TEXT;
ALTER TABLE sessions ADD COLUMN last_at TEXT;
