-- Evidence: the tallies of the latest albums, so one album gets one reply that counts every
-- item (added, already there, refused), even across a restart.
ALTER TABLE sessions ADD COLUMN albums TEXT;
