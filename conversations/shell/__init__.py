"""The running coach: service, outbox, reminder scheduler, per-user locks, exported files."""
