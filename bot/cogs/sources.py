"""`/sources`: what the store was built from (`/sources show`, `!sources`), and keeping
it current: watching feeds and pages, and reviewing the drafts they bring.

Changing the watch list or the review channel needs Manage Server; every command but
`show` is for servers only. Every `WATCH_POLL_SECONDS` the cog runs one round: the
watcher fetches what is due and stages new articles (`briefings.watching`), then each
pending draft is posted once in the review channel of each server that watches its
address and of each curating server, with the buttons of `bot.review_views`. A
curator's click lands in `decide` or `drop`; the desk decides only for a curator of a
curating server or an owner (`briefings.review.trust`), and only the draft the post
shows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.arguments import BadSettingError, argument, missing_permissions
from bot.cogs.briefings import REGISTRY_KEY
from bot.markdown import moment, who
from bot.pages import shorten
from bot.responding import Responder
from bot.review_views import FORM_WORDING, EditForm, review_view
from briefings.errors import BriefingError, StorageError
from briefings.fetching import check_url
from briefings.replies import Reply
from briefings.review.desk import DecisionError, ReviewDesk, read_draft
from briefings.review.drafts import Draft, ReviewChannel, ReviewSettings
from briefings.review.edits import edit_of_form
from briefings.review.trust import Reviewer, Trust
from briefings.storage import database_failures
from briefings.subscriptions import Clock
from briefings.watching import (
    PollReport,
    Watched,
    Watcher,
    Watchlist,
    describe_every,
    parse_every,
)
from briefings.watching.records import Skips
from briefings.watching.relevance import Keywords, Which, parse_keywords, sort_typed

__all__ = ["MAX_WATCHED", "SourcesCog"]

log = logging.getLogger(__name__)

Choices = list[app_commands.Choice[str]]
MAX_WATCHED = 50  # per server: enough for a news desk, and a bound on each round's work
MANAGE_NOTE = "servers only; changing needs Manage Server"
# A draft is one embed: its first items, each cut short, fit in one (a long page's
# draft says how many more it holds).
MAX_LISTED, LABEL_LENGTH = 15, 180
SKIPPED_SHOWN, SKIPPED_LENGTH = 3, 80  # the latest skipped articles' titles, in the list
UNBOUND = (
    "Not done: this post's buttons are not bound to what it shows (it predates that "
    "check); use the draft's newer post in this channel."
)


def _keywords(typed: str | None, which: Which) -> tuple[str, ...] | None:
    """The keywords typed for one list; None when that list was not given."""
    if typed is None:
        return None
    return argument(lambda text: parse_keywords(text, which), typed)


class SourcesCog(commands.Cog, name="Sources"):
    """Watching feeds and pages, and reviewing the facts they add."""

    def __init__(
        self,
        client: discord.Client,
        *,
        watchlist: Watchlist,
        review: ReviewSettings,
        desk: ReviewDesk,
        watcher: Watcher,
        responder: Responder,
        clock: Clock,
        show_sources: Callable[[commands.Context[commands.Bot]], Awaitable[None]],
        on_accepted: Callable[[], Awaitable[None]],
        poll_seconds: float,
        trust: Trust,
        is_owner: Callable[[discord.abc.User], Awaitable[bool]],
        on_round: Callable[[Sequence[PollReport] | None], None],
    ) -> None:
        self.client = client
        self.watchlist = watchlist
        self.review = review
        self.desk = desk
        self.watcher = watcher
        self.responder = responder
        self.renderer = responder.renderer
        self.clock = clock
        self.show_sources = show_sources
        # Answers from the new version at once, and posts the developments.
        self.on_accepted = on_accepted
        self.poll_seconds = poll_seconds
        self.trust = trust
        self.is_owner = is_owner
        self.on_round = on_round  # each round's reports (None: it failed), for metrics
        if poll_seconds:
            self.watching.change_interval(seconds=poll_seconds)

    async def cog_load(self) -> None:
        if self.poll_seconds:
            self.watching.start()

    async def cog_unload(self) -> None:
        self.watching.cancel()

    async def _send(self, ctx: commands.Context[commands.Bot], reply: Reply) -> None:
        await self.responder.send(ctx, lambda: reply)

    # --- commands ---------------------------------------------------------------------

    @commands.hybrid_group(
        name="sources",
        invoke_without_command=True,
        fallback="show",
        description="The source documents and what each contributed.",
        extras={REGISTRY_KEY: "sources"},
    )
    async def sources(self, ctx: commands.Context[commands.Bot]) -> None:
        """The answer command `sources`: the same reply as in the console."""
        await self.show_sources(ctx)

    @sources.command(
        name="watch",
        description="Watch a feed or a page: new articles are drafted for review.",
        extras={
            "examples": (
                "!sources watch https://news.example/rss.xml 2h include:GSOMIA,지소미아",
                "/sources watch url:https://news.example/rss.xml exclude:baseball,야구",
            ),
            "note": MANAGE_NOTE,
        },
    )
    @app_commands.describe(
        url="An RSS or Atom feed, or one article's page (http or https)",
        every="How often to look: 30m, 2h, 1d … (default 1h, at least 15m)",
        include="Comma-separated keywords: only articles naming one are drafted (none clears)",
        exclude="Comma-separated keywords: articles naming one are skipped (none clears)",
    )
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    async def watch(
        self,
        ctx: commands.Context[commands.Bot],
        url: str,
        every: str | None = None,
        include: str | None = None,
        exclude: str | None = None,
    ) -> None:
        """Add an address to the server's watch list (or change its interval or its
        keywords: what is not given is kept)."""
        assert ctx.guild is not None
        address = argument(check_url, url)
        prefix = ctx.interaction is None
        every, include, exclude = argument(
            lambda _: sort_typed(every, include, exclude, prefix=prefix), ""
        )
        interval = argument(parse_every, every) if every is not None else None
        included = _keywords(include, "include")
        excluded = _keywords(exclude, "exclude")
        listed = await asyncio.to_thread(self.watchlist.listed, ctx.guild.id)
        known = {watched.url: watched for watched in listed}
        if address not in known and len(known) >= MAX_WATCHED:
            raise BadSettingError(
                f"This server watches {MAX_WATCHED} addresses already; unwatch one first."
            )
        # A keyword both included and excluded: refused in one line, before any write.
        before = known[address].keywords if address in known else Keywords()
        argument(lambda _: before.changed(included, excluded), "")
        watched, created = await asyncio.to_thread(
            self.watchlist.add,
            ctx.guild.id,
            address,
            interval,
            ctx.author.id,
            self.clock.now(),
            included,
            excluded,
        )
        channel, _ = await self._review_place(ctx.guild)
        log.info(
            "%s watched in %s by %s every %s", address, ctx.guild.id, ctx.author.id, watched.every
        )
        reply = self.renderer.notice(
            "watching",
            url=address,
            every=describe_every(watched.every),
            created=created,
            review_channel=channel.name if channel else None,
            include=list(watched.keywords.include),
            exclude=list(watched.keywords.exclude),
        )
        await self._send(ctx, reply)

    @sources.command(
        name="unwatch",
        description="Stop watching a feed or a page.",
        extras={
            "examples": (
                "!sources unwatch https://news.example/rss.xml",
                "/sources unwatch url:https://news.example/rss.xml",
            ),
            "note": MANAGE_NOTE,
        },
    )
    @app_commands.describe(url="A watched address (see /sources list)")
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    async def unwatch(self, ctx: commands.Context[commands.Bot], url: str) -> None:
        """Remove an address from the server's watch list."""
        assert ctx.guild is not None
        address = argument(check_url, url)
        removed = await asyncio.to_thread(self.watchlist.remove, ctx.guild.id, address)
        await self._send(ctx, self.renderer.notice("unwatched", url=address, removed=removed))

    @unwatch.autocomplete("url")
    async def _watched_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        if interaction.guild_id is None:
            return []
        typed = current.lower()
        listed = await asyncio.to_thread(self.watchlist.listed, interaction.guild_id)
        return [
            app_commands.Choice(name=watched.url[:100], value=watched.url[:100])
            for watched in listed
            if typed in watched.url.lower() and len(watched.url) <= 100
        ][:25]

    @sources.command(
        name="list",
        description="What this server watches, and how the last fetches went.",
        extras={"examples": ("!sources list", "/sources list"), "note": "servers only"},
    )
    @commands.guild_only()
    async def list(self, ctx: commands.Context[commands.Bot]) -> None:
        """Each watched address, its interval, its last fetch and any back-off."""
        assert ctx.guild is not None
        listed = await asyncio.to_thread(self.watchlist.listed, ctx.guild.id)
        skips = await asyncio.to_thread(self.watchlist.skips, ctx.guild.id, SKIPPED_SHOWN)
        rows = [self._row(watched, skips.get(watched.id, Skips())) for watched in listed]
        channel, role = await self._review_place(ctx.guild)
        pending = await asyncio.to_thread(self.review.waiting, ctx.guild.id, self.trust.curating())
        reply = self.renderer.notice(
            "watchlist",
            rows=rows,
            review_channel=channel.name if channel else None,
            curator_role=role.name if role else None,
            pending=pending,
            curating=self.trust.curates(ctx.guild.id),
        )
        await self._send(ctx, reply)

    @staticmethod
    def _row(watched: Watched, skips: Skips) -> dict[str, Any]:
        return {
            "url": watched.url,
            "every": describe_every(watched.every),
            "last": moment(watched.last_fetch_at) if watched.last_fetch_at else None,
            "outcome": watched.last_outcome,
            "failures": watched.failures,
            "next": moment(watched.next_try_at),
            "include": list(watched.keywords.include),
            "exclude": list(watched.keywords.exclude),
            "skipped": skips.count,
            "latest_skipped": [
                {"title": shorten(item.title, SKIPPED_LENGTH), "excluded_by": item.excluded_by}
                for item in skips.latest
            ],
        }

    @sources.command(
        name="review-channel",
        description="Where drafts are posted for review, and which role may review them.",
        extras={
            "examples": (
                "!sources review-channel #drafts @curators",
                "/sources review-channel channel:#drafts",
            ),
            "note": MANAGE_NOTE,
        },
    )
    @app_commands.describe(
        channel="The channel drafts are posted in",
        curator="A role whose members may review (Manage Server always may)",
    )
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    async def review_channel(
        self,
        ctx: commands.Context[commands.Bot],
        channel: discord.TextChannel,
        curator: discord.Role | None = None,
    ) -> None:
        """Set the review channel (and the curator role)."""
        guild = ctx.guild
        assert guild is not None
        if curator is not None and curator.is_default():
            raise BadSettingError("@everyone cannot be the curator role; name a role.")
        role_id = curator.id if curator else None
        # Another process's sync may hold the write lock: waited for in a thread.
        set_channel = self.review.set_channel
        await asyncio.to_thread(
            set_channel, guild.id, channel.id, role_id, ctx.author.id, self.clock.now()
        )
        warnings = missing_permissions(channel)
        reply = self.renderer.notice(
            "review-channel",
            channel=channel.name,
            curator_role=curator.name if curator else None,
            warnings=warnings,
            curating=self.trust.curates(guild.id),
        )
        await self._send(ctx, reply)

    async def _review_place(
        self, guild: discord.Guild
    ) -> tuple[discord.abc.GuildChannel | None, discord.Role | None]:
        """The server's review channel and curator role, if it has them."""
        where = await asyncio.to_thread(self.review.channel, guild.id)
        if where is None:
            return None, None
        role = guild.get_role(where.curator_role_id) if where.curator_role_id else None
        return guild.get_channel(where.channel_id), role

    # --- the watcher's rounds ---------------------------------------------------------

    @tasks.loop(seconds=60)
    async def watching(self) -> None:
        # A round that fails is logged, and the next one tries again: a database that
        # is down in one line each time, anything else (a defect) with its traceback.
        try:
            reports = await self.run_round()
        except StorageError as error:
            log.warning("the watcher's round stopped: %s", error)
        except Exception:
            log.exception("the watcher's round failed")
        else:
            self.on_round(reports)
            return
        self.on_round(None)

    @watching.before_loop
    async def _connected(self) -> None:
        await self.client.wait_until_ready()

    async def run_round(self) -> Sequence[PollReport]:
        """Fetch what is due, then post the drafts no review channel has shown yet;
        what each address's poll did."""
        reports = await self.watcher.poll(self.clock.now())
        with database_failures("post the drafts for review"):
            await self.post_drafts()
        return reports

    async def post_drafts(self) -> int:
        """Post each pending draft once in each review channel of this process's
        servers; how many were posted."""
        guilds = [guild.id for guild in self.client.guilds]
        posted = 0
        unposted = await asyncio.to_thread(self.review.unposted, guilds, self.trust.curating())
        for where, draft in unposted:
            claim = self.review.claim_post
            if await asyncio.to_thread(claim, draft.id, where.guild_id, where.channel_id):
                posted += await self._post(where, draft)
        return posted

    async def _post(self, where: ReviewChannel, draft: Draft) -> int:
        channel = self.client.get_channel(where.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            await asyncio.to_thread(self.review.unclaim_post, draft.id, where.guild_id)
            log.warning("review channel %s of %s is gone", where.channel_id, where.guild_id)
            return 0
        embed, view = self._message(draft, suggestion=not self.trust.curates(where.guild_id))
        try:
            message = await channel.send(embed=embed, view=view)
        except discord.HTTPException as error:
            # The next round tries again.
            await asyncio.to_thread(self.review.unclaim_post, draft.id, where.guild_id)
            log.warning("could not post draft %s for review: %s", draft.id, error)
            return 0
        await asyncio.to_thread(self.review.posted, draft.id, where.guild_id, message.id)
        return 1

    def _message(
        self, draft: Draft, decision: dict[str, Any] | None = None, suggestion: bool = False
    ) -> tuple[discord.Embed, discord.ui.View | None]:
        """The draft as one embed (its article, each proposed item with what the
        extractor was unsure of, and the decision once there is one), and the
        components under it while it is undecided; the draft is read once for both.
        `suggestion`: posted in a server that does not curate, which is told so."""
        contents = read_draft(draft)
        every = contents.items
        items = [
            {
                "kind": item.kind,
                "label": shorten(item.label, LABEL_LENGTH),
                "unsure": [shorten(doubt, LABEL_LENGTH) for doubt in item.unsure],
                "edited": [shorten(change, LABEL_LENGTH) for change in item.edited],
                "dropped": item.id in draft.dropped,
            }
            for item in every[:MAX_LISTED]
        ]
        reply = self.renderer.notice(
            "draft",
            title=draft.title,
            url=draft.url,
            articles=contents.articles,
            change_note=draft.change_note,
            items=items,
            unsure=[shorten(doubt, LABEL_LENGTH) for doubt in draft.unsure.get("", [])[:5]],
            page_name=draft.page_name,
            decision=decision,
            suggestion=suggestion,
            unlisted=len(every) - len(items),
            undated=draft.undated,
        )
        view = None if decision else review_view(draft, every, contents.articles, self._words)
        return self.responder.pages(reply)[0], view

    def _words(self, part: str) -> str:
        return self.renderer.fragment(FORM_WORDING, part=part, kind="")

    # --- reviewing --------------------------------------------------------------------

    async def reviewer(self, interaction: discord.Interaction) -> Reviewer | None:
        """The person clicking, if they are a curator of this server (Manage Server,
        or its curator role) or one of the bot's owners. Whether this server's
        curators may change the shared record is the desk's to say."""
        member = interaction.user
        if interaction.guild_id is None or not isinstance(member, discord.Member):
            return None
        try:
            owner = await self.is_owner(member)
        except discord.HTTPException as error:  # the application's owner, not read
            log.warning("could not tell whether %s owns the bot: %s", member.id, error)
            owner = False
        where = await asyncio.to_thread(self.review.channel, interaction.guild_id)
        role = where.curator_role_id if where else None
        curator = member.guild_permissions.manage_guild or (
            role is not None and any(r.id == role for r in member.roles)
        )
        return Reviewer(who(member), interaction.guild_id, owner) if curator or owner else None

    async def decide(
        self,
        interaction: discord.Interaction,
        action: str,
        draft_id: int,
        shown: str | None,
        reviewer: Reviewer,
    ) -> None:
        """Accept or reject the draft the post shows (`shown`: its digest, None on a
        post older than digests), and show the decision on it."""
        if shown is None:
            await interaction.response.send_message(UNBOUND, ephemeral=True)
            return
        await interaction.response.defer()  # an accept checks the whole store
        now = self.clock.now()
        decision: dict[str, Any] = {"action": action, "by": reviewer.name, "at": moment(now)}
        try:
            if action == "accept":
                accept = self.desk.accept
                result = await asyncio.to_thread(accept, draft_id, reviewer, now, shown)
                decision["version"] = result.version
            else:
                # A reject waits on another process's sync lock: never on the loop.
                await asyncio.to_thread(self.desk.reject, draft_id, reviewer, now, shown)
            draft = await asyncio.to_thread(self.desk.get, draft_id)
        except BriefingError as error:  # decided already, does not check, database down
            await interaction.followup.send(self._refusal(error), ephemeral=True)
            return
        assert draft is not None
        log.info("draft %s %sed by %s", draft_id, action, reviewer.name)
        decided, _ = self._message(draft, decision)
        await interaction.edit_original_response(embed=decided, view=None)
        await self._show_decision_elsewhere(draft_id, interaction.message, decided)
        if action == "accept":
            await self.on_accepted()

    async def _show_decision_elsewhere(
        self, draft_id: int, clicked: discord.Message | None, decided: discord.Embed
    ) -> None:
        """The same draft posted in other servers' review channels: show the decision
        there too, and take the buttons away (a click there would only be told the
        draft was decided already). A post this process cannot reach keeps its buttons."""
        for channel_id, message_id in await asyncio.to_thread(self.review.posts_of, draft_id):
            channel = self.client.get_channel(channel_id)
            if (clicked and message_id == clicked.id) or not isinstance(
                channel, discord.TextChannel
            ):
                continue
            try:
                await channel.get_partial_message(message_id).edit(embed=decided, view=None)
            except discord.HTTPException as error:
                log.warning(
                    "could not show the decision on draft %s in %s: %s", draft_id, channel_id, error
                )

    @staticmethod
    def _refusal(error: BriefingError) -> str:
        """Why a click did nothing: one line, then the store's first problems, if any."""
        found = error.problems if isinstance(error, DecisionError) else []
        problems = [f"• {problem}" for problem in found[:5]]
        more = len(found) - len(problems)
        lines = [f"Not done: {error}.", *problems, *([f"… and {more} more"] if more > 0 else [])]
        return "\n".join(lines)[:2000]

    async def drop(
        self,
        interaction: discord.Interaction,
        draft_id: int,
        shown: str | None,
        ids: Sequence[str],
        reviewer: Reviewer,
    ) -> None:
        """Record which items to leave out, and show them struck through."""
        drop = self.desk.drop
        await self._redraw(interaction, shown, lambda: drop(draft_id, ids, reviewer, shown))

    async def open_form(
        self,
        interaction: discord.Interaction,
        draft_id: int,
        shown: str | None,
        item: str,
        reviewer: Reviewer,
    ) -> None:
        """Open the form of one item of the draft the post shows, filled from the draft."""
        if shown is None:
            await interaction.response.send_message(UNBOUND, ephemeral=True)
            return
        try:
            kind, values = await asyncio.to_thread(self.desk.form, draft_id, item)
        except BriefingError as error:
            await interaction.response.send_message(self._refusal(error), ephemeral=True)
            return
        form = EditForm(draft_id, shown, item, kind, values, reviewer, self.renderer)
        await interaction.response.send_modal(form)

    async def edit(
        self, interaction: discord.Interaction, form: EditForm, after: dict[str, str]
    ) -> None:
        """Make the edit a filled form asks for, and show the edited draft on the post."""
        now = self.clock.now()

        def edited() -> Draft:
            edit = edit_of_form(form.item, form.kind, form.before, after)
            draft, changes = self.desk.edit(form.draft_id, edit, form.reviewer, now, form.digest)
            log.info("draft %s edited by %s: %s", draft.id, form.reviewer.name, changes)
            return draft

        await self._redraw(interaction, form.digest, edited)

    async def _redraw(
        self, interaction: discord.Interaction, shown: str | None, change: Callable[[], Draft]
    ) -> None:
        """Change the draft the post shows (in a thread: it waits on the database), and
        show it changed; why not, privately, in one line."""
        if shown is None:
            await interaction.response.send_message(UNBOUND, ephemeral=True)
            return
        try:
            draft = await asyncio.to_thread(change)
        except BriefingError as error:
            await interaction.response.send_message(self._refusal(error), ephemeral=True)
            return
        suggestion = not self.trust.curates(interaction.guild_id)
        embed, view = self._message(draft, suggestion=suggestion)
        await interaction.response.edit_message(embed=embed, view=view)
