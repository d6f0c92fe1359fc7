-- What instances sharing one database hold (the same tables as PostgreSQL's, so one suite
-- tests both): updates announced before they are handled, so a user's later update waits for
-- an earlier one; claims on due reminders. (Each chat's one sender holds a session-level
-- advisory lock, which PostgreSQL releases the moment its instance dies.)
CREATE TABLE arrivals (
    update_id  INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    arrived_at INTEGER NOT NULL
);
CREATE INDEX arrivals_user ON arrivals (user_id, update_id);
CREATE INDEX arrivals_at ON arrivals (arrived_at);


ALTER TABLE reminders ADD COLUMN claimed_until INTEGER;
CREATE INDEX reminders_claimed ON reminders (claimed_until)
    WHERE status = 'pending' AND claimed_until IS NOT NULL;
