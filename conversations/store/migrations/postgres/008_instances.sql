-- What instances sharing one database hold: updates announced before they are handled, so a
-- user's later update waits for an earlier one; claims on due reminders (each chat's one
-- sender holds a session-level advisory lock instead, released the moment its instance dies); and the bot token's sends of the last second, counted across instances.
CREATE TABLE arrivals (
    update_id  BIGINT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    arrived_at BIGINT NOT NULL
);
CREATE INDEX arrivals_user ON arrivals (user_id, update_id);
CREATE INDEX arrivals_at ON arrivals (arrived_at);


ALTER TABLE reminders ADD COLUMN claimed_until BIGINT;
CREATE INDEX reminders_claimed ON reminders (claimed_until)
    WHERE status = 'pending' AND claimed_until IS NOT NULL;

-- One row a send: in flight until `done`; a row whose instance died stops counting when
-- `started` is a minute old.
CREATE TABLE sends (
    id      BIGSERIAL PRIMARY KEY,
    started DOUBLE PRECISION NOT NULL,
    done    DOUBLE PRECISION
);
