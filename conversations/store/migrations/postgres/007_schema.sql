-- The schema as SQLite's migrations 001 to 007 leave it, in one step: PostgreSQL came later.
-- Times keep SQLite's forms (ISO text, or whole seconds since the epoch) so one set of
-- statements serves both databases.
CREATE TABLE users (
    user_id     BIGINT PRIMARY KEY,
    lang        TEXT NOT NULL,
    tz          TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    quiet_hours INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    user_id   BIGINT PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    state     TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    case_no   INTEGER,
    pending   TEXT,
    focus     INTEGER,
    inbox     TEXT,
    albums    TEXT,
    last_text TEXT,
    last_at   TEXT
);

CREATE TABLE cases (
    user_id    BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    no         INTEGER NOT NULL,
    status     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    facts      TEXT NOT NULL,
    PRIMARY KEY (user_id, no)
);

CREATE TABLE processed_updates (
    update_id    BIGINT PRIMARY KEY,
    user_id      BIGINT,
    processed_at TEXT NOT NULL
);
CREATE INDEX processed_updates_at ON processed_updates (processed_at);

CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    chat_id      BIGINT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    message_id   BIGINT,
    failure      TEXT,
    coalesce_key TEXT,
    case_no      INTEGER
);
CREATE INDEX outbox_unsent ON outbox (chat_id, id) WHERE sent_at IS NULL AND failure IS NULL;
CREATE INDEX outbox_coalesce ON outbox (chat_id, coalesce_key) WHERE coalesce_key IS NOT NULL;
CREATE INDEX outbox_unsent_any ON outbox (id) WHERE sent_at IS NULL AND failure IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);

CREATE TABLE reminders (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    case_no    INTEGER NOT NULL,
    key        TEXT NOT NULL,
    due_at     BIGINT NOT NULL,
    deliver_at BIGINT NOT NULL,
    estimate   INTEGER NOT NULL DEFAULT 0,
    manual     INTEGER NOT NULL DEFAULT 0,
    status     TEXT NOT NULL,
    outbox_id  BIGINT,
    created_at BIGINT NOT NULL,
    sent_at    BIGINT,
    held_from  BIGINT,
    UNIQUE (user_id, case_no, key)
);
CREATE INDEX reminders_pending ON reminders (deliver_at) WHERE status = 'pending';
CREATE INDEX reminders_outbox ON reminders (outbox_id) WHERE outbox_id IS NOT NULL;
