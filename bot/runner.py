"""Connect the bot to Discord and shut it down cleanly on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

import aiohttp
import discord

from bot.app import create_bot
from bot.logs import setup_logging
from bot.settings import Settings

__all__ = ["run_bot"]

log = logging.getLogger(__name__)


async def _serve(settings: Settings) -> None:
    assert settings.discord_token is not None
    bot = create_bot(settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.start(settings.discord_token.get_secret_value())


def run_bot(settings: Settings) -> int:
    """Run until closed; return the process exit status."""
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    setup_logging(settings.log_level, secrets=[token])
    try:
        asyncio.run(_serve(settings))
    except discord.LoginFailure:
        log.error("Discord refused the token (DISCORD_TOKEN); check it in the developer portal")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("enable the Message Content intent for the bot in the developer portal")
        return 1
    except (aiohttp.ClientError, OSError) as error:
        log.error("could not reach Discord: %s", error)
        return 1
    log.info("stopped")
    return 0
