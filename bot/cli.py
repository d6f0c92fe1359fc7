"""The `complaint-coach` command: run the bot, or the terminal demo."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.settings import SettingsError, load_settings
from conversations.core.model import Lang


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit code 2 for a configuration error, with one line and no traceback."""
    parser = argparse.ArgumentParser(
        prog="complaint-coach",
        description="A Telegram bot that coaches a complaint against a virtual-goods platform. "
        "With no command: the bot when TELEGRAM_BOT_TOKEN is set, the terminal demo otherwise.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the Telegram bot (long polling); needs TELEGRAM_BOT_TOKEN")
    demo = sub.add_parser("demo", help="the same conversation in the terminal, no token needed")
    demo.add_argument("--lang", choices=[lang.value for lang in Lang], default=Lang.ZH.value)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        command = args.command or ("run" if settings.token else "demo")
        if command == "run":
            settings.require_token()
            from bot.app import run  # imported late: the demo needs no Telegram stack

            run(settings)
            return 0
        from conversations.demo import run_demo

        lang = Lang(getattr(args, "lang", Lang.ZH.value))
        asyncio.run(run_demo(settings.demo_database_path, settings.default_timezone, lang))
        return 0
    except SettingsError as exc:
        print(f"complaint-coach: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
