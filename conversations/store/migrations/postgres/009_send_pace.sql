-- The shared window also paces each chat (whichever instance sends to it) and lets a reply
-- go ahead of pushes: a send row names its chat and stays five seconds, long enough for a
-- chat's burst to refill; a reply that found the window full waits in a row of its own,
-- which pushes count as taken.
ALTER TABLE sends ADD COLUMN chat_id BIGINT;
ALTER TABLE sends ADD COLUMN waiting BOOLEAN NOT NULL DEFAULT false;
