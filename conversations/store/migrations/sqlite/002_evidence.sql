-- Evidence: the item being described, evidence waiting for the user to name its case, and
-- replies that replace an earlier one (an album is acknowledged by one message, kept current).
ALTER TABLE sessions ADD COLUMN focus INTEGER;
ALTER TABLE sessions ADD COLUMN inbox TEXT;
ALTER TABLE outbox ADD COLUMN coalesce_key TEXT;
CREATE INDEX outbox_coalesce ON outbox (chat_id, coalesce_key) WHERE coalesce_key IS NOT NULL;
