"""Connect the bot to Discord and shut it down cleanly on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import aiohttp
import discord

from bot.app import create_bot
from bot.health import watchdog_problem
from bot.heap import import_heavy_parts, settle
from bot.logs import setup_logging
from bot.settings import Settings
from briefings.errors import AnnotationError, StorageError
from briefings.factbase import open_fact_store
from briefings.storage import Database, open_database
from briefings.store import FactStore

__all__ = ["run_bot"]

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start; the message is the one line an operator reads."""


def _preflight(settings: Settings) -> tuple[FactStore, Database]:
    """Open the database and sync the fact store into it before connecting, so that a
    start that cannot proceed fails at once with what is wrong, not later and as a
    traceback."""
    if (problem := watchdog_problem(settings.heartbeat_seconds, os.environ)) is not None:
        raise StartupError(problem)
    try:
        database = open_database(settings.database_url, settings.data_dir)
        store = open_fact_store(database, settings.start_seeds, by="briefbot start")
    except AnnotationError as error:
        count = len(error.problems)
        raise StartupError(
            f"the fact store does not check ({count} problem{'s' if count != 1 else ''} in "
            f"{settings.seeds_dir}); run `briefbot facts check` to list them"
        ) from None
    except StorageError as error:
        raise StartupError(str(error)) from None
    return store, database


async def _serve(settings: Settings) -> None:
    assert settings.discord_token is not None
    store, database = _preflight(settings)
    import_heavy_parts()
    bot = create_bot(settings, store, database=database)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.login(settings.discord_token.get_secret_value())  # runs setup_hook
        settle()  # the store, the cogs and the modules: made before the first reply
        bot.answers.on_new_store(lambda _: settle())
        await bot.connect()


def run_bot(settings: Settings) -> int:
    """Run until closed; return the process exit status."""
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    setup_logging(settings.log_level, secrets=[token], log_format=settings.log_format)
    try:
        asyncio.run(_serve(settings))
    except discord.LoginFailure:
        log.error("Discord refused the token (DISCORD_TOKEN); check it in the developer portal")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("enable the Message Content intent for the bot in the developer portal")
        return 1
    except StartupError as error:
        log.error("cannot start: %s", error)
        return 1
    except (aiohttp.ClientError, OSError) as error:
        log.error("could not reach Discord: %s", error)
        return 1
    except Exception:  # logged through the handler that redacts the token
        log.exception("stopped by an unexpected error")
        return 1
    log.info("stopped")
    return 0
