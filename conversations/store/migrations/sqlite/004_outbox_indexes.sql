-- Start-up and the retry loop look for undelivered messages across all chats, and pruning
-- looks for old rows: neither may scan a large outbox.
CREATE INDEX outbox_unsent_any ON outbox (id) WHERE sent_at IS NULL AND failure IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);
