"""Evidence files from Telegram: getFile, then the file URL under TELEGRAM_API_URL."""

from __future__ import annotations

from pathlib import Path

from telegram import Bot


class TelegramFiles:
    """The coach's file fetcher for Telegram."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def fetch(self, file_id: str, dest: Path) -> None:
        """Download one file; written beside `dest` first so a crash leaves no half file."""
        partial = dest.with_name(dest.name + ".part")
        file = await self._bot.get_file(file_id)
        await file.download_to_drive(partial)
        partial.replace(dest)
