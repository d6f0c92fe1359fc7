-- Pushes withdrawn with their case, and catch-ups held through quiet hours.
-- A reminder push names its case, so resolving or deleting the case withdraws a push that
-- is still waiting to go out.
ALTER TABLE outbox ADD COLUMN case_no INTEGER;

-- A reminder that fell due while the bot was down and came back during quiet hours waits
-- for the morning; it keeps the time it could first have gone out, to say how late it is.
ALTER TABLE reminders ADD COLUMN held_from INTEGER;
