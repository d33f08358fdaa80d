"""Build the bot: `create_bot(settings)` returns a configured, unconnected `commands.Bot`."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import time

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.briefing_sender import DiscordClock, DiscordSender
from bot.chart_workers import ChartWorkers
from bot.cogs.admin import AdminCog
from bot.cogs.briefings import BriefingsCog
from bot.cogs.errors import ErrorsCog
from bot.cogs.facts import FactsCog, follow_facts
from bot.cogs.health import HealthCog
from bot.cogs.sources import SourcesCog
from bot.cogs.subscriptions import SubscriptionsCog
from bot.health import heartbeat_path
from bot.help_catalog import help_groups
from bot.markdown import escape_markdown
from bot.metrics import Live, Metrics, shards_of
from bot.ratelimit import TokenBucket
from bot.responding import Responder
from bot.review_views import ReviewButton, ReviewEditSelect, ReviewSelect
from bot.settings import Settings
from briefings.answers import Answerer, CurrentAnswerer
from briefings.factbase import DatabaseFactStore, open_fact_store, sync_facts
from briefings.ingest.readers import Readers
from briefings.loading import load_store
from briefings.rendering import Renderer
from briefings.review.desk import ReviewDesk
from briefings.review.drafts import ReviewSettings
from briefings.review.trust import Trust
from briefings.scheduling import create_scheduler, schedule_retry, sync_job, sync_jobs
from briefings.storage import Database, open_database
from briefings.store import FactStore
from briefings.subscriptions import BriefingService, Clock, PostingPolicy
from briefings.watching import Watcher, Watchlist

__all__ = ["BriefBot", "ShardedBriefBot", "create_bot"]

log = logging.getLogger(__name__)


class BriefBot(commands.Bot):
    """The briefing bot; its dependencies arrive as arguments, its set-up runs once."""

    def __init__(
        self,
        settings: Settings,
        store: FactStore | None = None,
        clock: Clock | None = None,
        database: Database | None = None,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # prefix commands read message text (privileged)
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.command_prefix),
            intents=intents,
            # No reply may ping anyone, whatever a quote or an argument contains.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            owner_ids=set(settings.owner_ids) or None,
            case_insensitive=True,
            shard_count=settings.shard_count,
        )
        self.settings = settings
        self._store = store
        self._database = database
        self.clock: Clock = clock or DiscordClock()
        self.answers: CurrentAnswerer  # set in setup_hook, once the store is loaded
        self.briefings: BriefingService | None = None
        self.desk: ReviewDesk  # set in setup_hook, with the database
        self.scheduler: AsyncIOScheduler | None = None
        self.metrics = Metrics()
        self.charts = ChartWorkers(settings.chart_workers)  # no process until the first chart
        self._started: dict[commands.Context[commands.Bot], float] = {}
        self.before_invoke(self._command_started)
        self.after_invoke(self._command_finished)

    async def setup_hook(self) -> None:
        """Load the fact store and the cogs once (on_ready fires again after resumes)."""
        settings = self.settings
        database = self._database or open_database(
            settings.database_url,
            settings.data_dir,
            settings.database_connect_timeout_seconds,
            settings.database_statement_timeout_seconds,
        )
        self._database = database
        self.metrics.count_database_errors(database.engine)
        store = self._store or open_fact_store(database, settings.start_seeds, by="briefbot start")
        renderer = Renderer(escape=escape_markdown)
        # "today" typed as a date is the bot's UTC day, which the reply states.
        today = lambda: self.clock.now().date()  # noqa: E731
        self.answers = CurrentAnswerer(Answerer(store, renderer, today=today))
        self.metrics.store_in_use(store, self.clock.now())
        self.answers.on_new_store(lambda new: self.metrics.store_in_use(new, self.clock.now()))
        responder = Responder(self.answers.answerer.renderer)
        await asyncio.to_thread(self.charts.start)
        self.answers.on_new_store(lambda _: self.charts.forget())
        self._answer_cog = BriefingsCog(self.answers, responder, self.charts)
        await self.add_cog(self._answer_cog)
        await self.add_cog(AdminCog(self.tree, self.reload_store))
        await self.add_cog(ErrorsCog(self.tree, self.answers, responder))
        self.desk = ReviewDesk(database, settings.seeds_dir, self._trust())
        await self._setup_briefings(database, store, responder)
        await self._setup_sources(database, responder)
        if settings.facts_poll_seconds and isinstance(store, DatabaseFactStore):
            await self.add_cog(FactsCog(self.answers, settings.facts_poll_seconds))
        # Every cog is in: `!help` lists their commands after the answers.
        self.answers.add_help(help_groups(self, self.settings.command_prefix))
        self._start_metrics(database)
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), guild.id)

    def _start_metrics(self, database: Database) -> None:
        """Give every series its zero, and serve them if `METRICS_PORT` asks."""
        self.metrics.know_commands(command.qualified_name for command in self.walk_commands())
        health = self.get_cog("Health")
        self.metrics.watch(
            Live(
                now=self.clock.now,
                started=time.monotonic(),
                gateway=lambda: shards_of(self),
                last_beat=(lambda: health.last_beat) if isinstance(health, HealthCog) else None,
                backlog=ReviewSettings(database).backlog,
            )
        )
        if self.settings.metrics_port is not None:
            self.metrics.serve(self.settings.metrics_address, self.settings.metrics_port)

    def _trust(self) -> Trust:
        """Who may change the shared record: `CURATING_GUILD_IDS`, else the bot's only
        server, when this process sees every server (it runs every shard)."""
        curating = self.settings.curating_guild_ids
        if curating or self.settings.shard_ids is not None:
            if not curating:
                log.warning(
                    "CURATING_GUILD_IDS is unset and this process runs some shards only: "
                    "no server curates the record, only the bot's owners decide drafts"
                )
            return Trust(curating)
        return Trust(servers=lambda: [guild.id for guild in self.guilds])

    async def _command_started(self, ctx: commands.Context[commands.Bot]) -> None:
        self._started[ctx] = time.perf_counter()

    async def _command_finished(self, ctx: commands.Context[commands.Bot]) -> None:
        """Time every command, prefix or slash, whether it succeeded or not."""
        started = self._started.pop(ctx, None)
        if started is not None and ctx.command is not None:
            elapsed = time.perf_counter() - started
            self.metrics.command_seconds.labels(ctx.command.qualified_name).observe(elapsed)

    async def reload_store(self, by: str) -> FactStore:
        """Read the curated files again and answer from them from now on: synced into
        the database (as a new version every process follows) when the store lives
        there, else loaded into memory. The files are read and checked, and the
        database written (under the sync lock another process may hold), in a worker
        thread: the loop goes on meanwhile.

        Raises `AnnotationError` or `StorageError` (and keeps the current store) if the
        files do not check or the database fails.
        """
        store = await asyncio.to_thread(self._reloaded, self.answers.store, by)
        self.answers.use_store(store)  # reaches the cogs and the briefing service
        log.info("fact store reloaded: %s", store.counts().summary())
        return store

    def _reloaded(self, store: FactStore, by: str) -> FactStore:
        """The store of the files as they are now (see `reload_store`), its counts read."""
        if isinstance(store, DatabaseFactStore):
            sync_facts(store.database, self.settings.seeds_dir, by=by)
            store.refresh()
        else:
            store = load_store(self.settings.seeds_dir)
        store.counts()  # kept per version: asked for as the new store is announced
        return store

    async def _accepted(self) -> None:
        """After an accept here: answer from the new version now, not at the next poll,
        and post the developments it made (the ledger keeps each to one post per
        channel; any process's next sweep posts them if this one stops first)."""
        await follow_facts(self.answers)
        if self.briefings is not None:
            await self.briefings.run_due()

    async def _show_sources(self, ctx: commands.Context[commands.Bot]) -> None:
        """`!sources` and `/sources show`: the answer command, with its per-user limit."""
        await self._answer_cog.cog_check(ctx)
        await self._answer_cog.run(ctx, "sources", {})

    async def _setup_sources(self, database: Database, responder: Responder) -> None:
        settings = self.settings
        watchlist = Watchlist(database)
        watcher = Watcher(
            watchlist,
            self.desk,
            lambda: self.answers.store,
            holder=f"{socket.gethostname()}:{os.getpid()}"[:64],
            allow_private=settings.allow_private_urls,
            limits=settings.poll_limits,
            readers=Readers(time_limit=settings.read_seconds),
        )
        cog = SourcesCog(
            self,
            watchlist=watchlist,
            review=ReviewSettings(database),
            desk=self.desk,
            watcher=watcher,
            responder=responder,
            clock=self.clock,
            show_sources=self._show_sources,
            on_accepted=self._accepted,
            poll_seconds=settings.watch_poll_seconds,
            trust=self.desk.trust,
            is_owner=self.is_owner,
            on_round=self.metrics.count_round,
        )
        await self.add_cog(cog)
        # The review buttons of any message, posted before a restart or by another
        # process, reach the cog: their custom ids name the draft.
        self.add_dynamic_items(ReviewButton, ReviewSelect, ReviewEditSelect)

    async def _setup_briefings(
        self, database: Database, store: FactStore, responder: Responder
    ) -> None:
        settings = self.settings
        policy = posting_policy(settings)
        self.briefings = BriefingService(
            database,
            store,
            DiscordSender(self, responder, TokenBucket(settings.briefing_sends_per_second)),
            self.clock,
            responder.renderer,
            policy,
            developments=self.desk,
        )
        self.answers.on_new_store(self.briefings.use_store)
        self.briefings.on_outcomes(self.metrics.count_posts)
        await self.add_cog(SubscriptionsCog(self.briefings, responder, self.resync_job))
        if settings.heartbeat_seconds:
            beat_path = heartbeat_path(settings.data_dir, settings.shard_ids)
            every = dt.timedelta(seconds=settings.heartbeat_seconds)
            await self.add_cog(HealthCog(self, database, self.clock, beat_path, every))
        if settings.scheduler_enabled:
            self.scheduler = create_scheduler(policy.grace)
            self.briefings.on_retry(self._retry_at)
            await self.resync_jobs()
            self.scheduler.start()
            self._catch_up_task = asyncio.create_task(self._catch_up())

    async def resync_jobs(self) -> None:
        """Rebuild the scheduler's jobs from the subscriptions in the database (read
        in a worker thread)."""
        if self.scheduler is None or self.briefings is None:
            return
        service = self.briefings
        # Each process wakes for its own servers at their times; the sweep posts
        # anything due whoever owns it, so a process that is down delays nobody's
        # briefing by more than the sweep interval.
        active = await asyncio.to_thread(service.active_subscriptions)
        subscriptions = [s for s in active if self.owns(s.guild_id)]
        ids = sync_jobs(self.scheduler, subscriptions, self._wake, service.run_due)
        log.info("scheduled %d subscriptions", len(ids))

    async def resync_job(self, subscription_id: int) -> None:
        """Make one subscription's job match the database, after it changed."""
        if self.scheduler is None or self.briefings is None:
            return
        active = await asyncio.to_thread(self.briefings.active_subscriptions, subscription_id)
        mine = next((s for s in active if self.owns(s.guild_id)), None)
        sync_job(self.scheduler, subscription_id, mine, self._wake)

    def owns(self, guild_id: int) -> bool:
        """Whether this process's shards carry the server (always, unsharded): Discord
        sends a server's events to shard (id >> 22) % shard count."""
        shard_ids, shard_count = self.settings.shard_ids, self.settings.shard_count
        return (
            shard_ids is None or shard_count is None or (guild_id >> 22) % shard_count in shard_ids
        )

    def _retry_at(self, at: dt.datetime) -> None:
        """Wake the sweep when a post left for a retry falls due."""
        if self.scheduler is not None and self.briefings is not None:
            schedule_retry(self.scheduler, at, self.briefings.run_due)

    async def _wake(self, subscription_id: int) -> None:
        assert self.briefings is not None
        active = await asyncio.to_thread(self.briefings.active_subscriptions, subscription_id)
        for subscription in active:
            await self.briefings.run_subscription(subscription)

    async def _catch_up(self) -> None:
        """Once connected, post what fell due while the bot was down (within the grace)."""
        await self.wait_until_ready()
        assert self.briefings is not None
        outcomes = await self.briefings.run_due()
        if outcomes:
            log.info("caught up on %d briefings after start", len(outcomes))

    async def close(self) -> None:
        """Stop the scheduler and the database along with the connection."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await super().close()
        await self.charts.close()
        self.metrics.close()
        if self.briefings is not None:
            self.briefings.database.dispose()

    async def on_ready(self) -> None:
        """Log who we are (this can fire many times; it sets nothing up)."""
        log.info("connected as %s to %d guilds", self.user, len(self.guilds))


class ShardedBriefBot(BriefBot, commands.AutoShardedBot):
    """The bot over a range of shards (`SHARD_COUNT`, `SHARD_IDS`): several processes,
    each running some shards, share one database, and the ledger decides who posts."""


def posting_policy(settings: Settings) -> PostingPolicy:
    """How the briefing service posts, from the settings."""
    return PostingPolicy(
        grace=dt.timedelta(hours=settings.grace_hours),
        concurrency=settings.post_concurrency,
        resend_window=dt.timedelta(seconds=settings.resend_window_seconds),
    )


def create_bot(
    settings: Settings | None = None,
    store: FactStore | None = None,
    clock: Clock | None = None,
    database: Database | None = None,
) -> BriefBot:
    """The configured bot, not connected. Tests and tools drive it; `run_bot` connects it.

    A store or database not given is loaded or opened in `setup_hook`.
    """
    settings = settings or Settings()
    if settings.shard_count is None:
        return BriefBot(settings, store, clock, database)
    bot = ShardedBriefBot(settings, store, clock, database)
    bot.shard_ids = settings.shard_ids  # None: every shard of `shard_count`
    return bot
