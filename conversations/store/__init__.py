"""Storage behind a small interface: SQLite and its numbered migrations."""
