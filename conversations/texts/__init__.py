"""Words: the one Jinja environment, Telegram-safe HTML and the rendered message types."""
