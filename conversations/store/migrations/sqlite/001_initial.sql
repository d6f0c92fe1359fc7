-- Users, their conversation sessions, their cases, processed updates and the outbox.
CREATE TABLE users (
    user_id    INTEGER PRIMARY KEY,
    lang       TEXT NOT NULL,
    tz         TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    user_id INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    state   TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    case_no INTEGER,
    pending TEXT
);

CREATE TABLE cases (
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    no         INTEGER NOT NULL,
    status     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    facts      TEXT NOT NULL,
    PRIMARY KEY (user_id, no)
);

-- Telegram re-delivers unconfirmed updates after a restart; a seen update changes nothing twice.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    user_id      INTEGER,
    processed_at TEXT NOT NULL
);
CREATE INDEX processed_updates_at ON processed_updates (processed_at);

-- Replies are committed with the answer they follow and sent afterwards, so none is lost.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT,
    message_id INTEGER,
    failure    TEXT
);
CREATE INDEX outbox_unsent ON outbox (chat_id, id) WHERE sent_at IS NULL AND failure IS NULL;
