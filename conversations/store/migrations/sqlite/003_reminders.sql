-- Reminders: the single source of truth for every push the bot owes a user.
ALTER TABLE users ADD COLUMN quiet_hours INTEGER NOT NULL DEFAULT 1;

CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    case_no    INTEGER NOT NULL,
    key        TEXT NOT NULL,               -- "contact:<i>", "demand", or "snooze:<n>"
    due_at     INTEGER NOT NULL,            -- unix seconds: when the window closes
    deliver_at INTEGER NOT NULL,            -- unix seconds: due_at moved out of quiet hours
    estimate   INTEGER NOT NULL DEFAULT 0,  -- holiday data was missing for part of the window
    manual     INTEGER NOT NULL DEFAULT 0,  -- a snooze, not derived from the case
    status     TEXT NOT NULL,               -- pending, queued, sent, cancelled, undeliverable
    outbox_id  INTEGER,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER,
    UNIQUE (user_id, case_no, key)
);
-- The scheduler reads only the earliest pending reminder, and the due ones in order.
CREATE INDEX reminders_pending ON reminders (deliver_at) WHERE status = 'pending';
CREATE INDEX reminders_outbox ON reminders (outbox_id) WHERE outbox_id IS NOT NULL;
