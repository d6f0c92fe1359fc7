"""The Telegram adapter: application, handlers, keyboards, delivery."""
