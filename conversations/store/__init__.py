"""Storage behind one interface: SQLite or PostgreSQL, each with its numbered migrations."""
