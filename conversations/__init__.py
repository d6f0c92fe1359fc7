"""The conversation engine and case model; free of Telegram."""
