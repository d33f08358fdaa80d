"""`/brief` and `!brief`: subscribe channels to the daily briefing and look at what will post.

Changing subscriptions (and posting on demand) needs the Manage Server permission;
every command is for servers only. The cog parses, calls the service, renders and
sends; the decisions live in `briefings.subscriptions`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import re
import zoneinfo
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.arguments import BadSettingError, argument, missing_permissions
from bot.markdown import moment
from bot.responding import Responder
from briefings import errors, local_time
from briefings.dates import iso_day
from briefings.rendering import Renderer
from briefings.replies import Reply
from briefings.storage import Subscription
from briefings.subscriptions import BriefingService, ChannelOverview, NowStatus, PastPost

__all__ = ["SubscriptionsCog", "parse_time"]

log = logging.getLogger(__name__)

Choices = list[app_commands.Choice[str]]
# A word made of digits and clock punctuation was meant as a time, not a channel.
_TIME_SHAPED = re.compile(r"[-+\d:.]+")


def parse_time(text: str) -> dt.time:
    """A 24-hour local time, as a command argument."""
    return argument(local_time.parse_time, text)


def parse_zone(text: str) -> str:
    """An IANA time zone name, as a command argument."""
    return argument(local_time.parse_zone, text)


def _when(timezone: str, moment: dt.datetime) -> str:
    """A moment as Discord timestamps, which each member's client shows in their own
    time zone (and how far off it is), with the subscription's own local time."""
    local = moment.astimezone(zoneinfo.ZoneInfo(timezone))
    absolute, relative = discord.utils.format_dt(moment, "F"), discord.utils.format_dt(moment, "R")
    return f"{absolute} ({relative}; {local:%H:%M} {timezone})"


def _last_post(overview: ChannelOverview) -> str | None:
    """The last briefing's day, and when it went out as a Discord timestamp."""
    if overview.last_sent is None:
        return None
    if overview.last_sent_at is None:
        return overview.last_sent.isoformat()
    return f"{overview.last_sent.isoformat()}'s, posted {moment(overview.last_sent_at)}"


def _past_row(post: PastPost) -> dict[str, object]:
    """One post of `/brief history`, its moments as Discord timestamps."""
    return {
        "day": post.local_date.isoformat(),
        "development": post.development,
        "outcome": post.outcome.value,
        "at": moment(post.at) if post.at else "",
        "late_minutes": int(post.late_by.total_seconds() // 60),
        "reason": post.reason,
        "next_try": moment(post.next_try_at) if post.next_try_at else "shortly",
        "pages_sent": post.pages_sent,
        "page_count": post.page_count,
    }


def _channel_name(guild: discord.Guild, channel_id: int) -> str:
    channel = guild.get_channel(channel_id)
    return channel.name if channel else str(channel_id)


def _role_name(guild: discord.Guild, role_id: int | None) -> str | None:
    if role_id is None:
        return None
    role = guild.get_role(role_id)
    return role.name if role else f"a deleted role ({role_id})"


def _zones_with(typed: str) -> list[str]:
    """The IANA zones whose names hold `typed`, in order."""
    return sorted(zone for zone in zoneinfo.available_timezones() if typed in zone.lower())


CALENDAR_FILE = "gsomia-briefings.ics"

# What `/brief now` says for each result: a title and a line (None: the error's text).
NOW_WORDING: dict[NowStatus, tuple[str, str | None]] = {
    NowStatus.POSTED: ("Posted", "Today's briefing is above."),
    NowStatus.ALREADY: ("Already posted", "Today's briefing was already posted in this channel."),
    NowStatus.NOTHING: ("Nothing to post today", "Today has no anniversary or countdown."),
    NowStatus.RETRY: ("Not posted yet", "Discord failed just now; the bot tries again shortly."),
    NowStatus.FAILED: ("Could not post", None),
}


class SubscriptionsCog(commands.Cog, name="Subscriptions"):
    """Scheduled briefings in this server's channels."""

    def __init__(
        self,
        service: BriefingService,
        responder: Responder,
        on_change: Callable[[int], Awaitable[None]],
    ) -> None:
        self.service = service
        self.responder = responder
        # The calendar file is read outside Discord: its text is not Markdown-escaped.
        self._plain = Renderer()
        # Called with a subscription's id after it changed, so that its job follows.
        self.on_change = on_change

    async def _send(
        self,
        ctx: commands.Context[commands.Bot],
        reply: Reply,
        file: discord.File | None = None,
        ephemeral: bool = False,
    ) -> None:
        await self.responder.send(ctx, lambda: reply, file=file, ephemeral=ephemeral)

    def _channel(
        self, ctx: commands.Context[commands.Bot], channel: discord.TextChannel | None
    ) -> discord.TextChannel:
        target = channel or ctx.channel
        if not isinstance(target, discord.TextChannel):
            raise BadSettingError("Briefings go to text channels; name one, e.g. #briefings.")
        return target

    @commands.hybrid_group(
        name="brief", invoke_without_command=True, description="Scheduled GSOMIA briefings."
    )
    @commands.guild_only()
    async def brief(self, ctx: commands.Context[commands.Bot]) -> None:
        """List the subscriptions when `!brief` is typed alone."""
        await self.list(ctx)

    @brief.command(
        name="subscribe",
        description="Post the daily briefing in a channel at a local time.",
        extras={
            "examples": (
                "!brief subscribe #briefings 09:00 Asia/Seoul",
                "/brief subscribe time:07:30 timezone:Europe/London developments:true ping:@desk",
            ),
            "note": "servers only; changing needs Manage Server",
        },
    )
    @app_commands.describe(
        channel="Where to post (default: this channel)",
        time="Local time, 24-hour, e.g. 09:00",
        timezone="IANA time zone, e.g. Asia/Seoul",
        template="Template set for the wording",
        developments="Also post “New on record” when an accepted article adds an event",
        ping="One role to mention in these posts (nothing else is ever pinged)",
    )
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    async def subscribe(
        self,
        ctx: commands.Context[commands.Bot],
        channel: discord.TextChannel | None = None,
        time: str = "09:00",
        timezone: str = "UTC",
        template: str = "default",
        developments: bool = False,
        ping: discord.Role | None = None,
    ) -> None:
        """Subscribe a channel (or change its time, zone, template, developments or
        ping role)."""
        target = self._channel(ctx, channel)
        try:
            at = parse_time(time)
        except BadSettingError:
            if channel is not None or ctx.interaction is not None or _TIME_SHAPED.fullmatch(time):
                raise
            # discord.py skips an optional channel it cannot resolve and hands the word
            # to `time`: `#newz` must not subscribe this channel.
            raise BadSettingError(
                f"{errors.shown(time)!r} is neither a channel of this server nor a time like 09:00."
            ) from None
        zone = parse_zone(timezone)
        if template not in self.service.renderer.template_sets():
            raise BadSettingError(
                f"No template set {errors.shown(template)!r}; try default or terse."
            )
        assert ctx.guild is not None
        if ping is not None and (ping.is_default() or ping.is_premium_subscriber()):
            # @everyone (and the booster role, everyone who boosts) is not one role's ping.
            name = ping.name if ping.name.startswith("@") else f"@{ping.name}"
            raise BadSettingError(f"{name} cannot be pinged; name a role of its own.")
        subscription = await asyncio.to_thread(
            self.service.subscribe,
            ctx.guild.id,
            target.id,
            at,
            zone,
            ctx.author.id,
            template,
            developments=developments,
            ping_role_id=ping.id if ping else None,
        )
        await self.on_change(subscription.id)
        upcoming = await asyncio.to_thread(self.service.next_post, subscription)
        warnings = missing_permissions(target)
        reply = self.service.renderer.notice(
            "subscribed",
            channel=target.name,
            time=at.strftime("%H:%M"),
            timezone=zone,
            next_post=_when(zone, upcoming.at) if upcoming else None,
            warnings=warnings,
            developments=developments,
            ping=ping.name if ping else None,
        )
        log.info("channel %s subscribed by %s at %s %s", target.id, ctx.author.id, at, zone)
        await self._send(ctx, reply)

    @brief.command(
        name="unsubscribe",
        description="Stop the daily briefing in a channel.",
        extras={
            "examples": ("!brief unsubscribe", "!brief unsubscribe #briefings"),
            "note": "servers only; changing needs Manage Server",
        },
    )
    @app_commands.describe(channel="Which channel (default: this channel)")
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    async def unsubscribe(
        self,
        ctx: commands.Context[commands.Bot],
        # Not optional: a channel that does not resolve is an error naming what was
        # typed (an optional one would fall back to this channel and remove it).
        channel: discord.TextChannel = commands.CurrentChannel,
    ) -> None:
        """Remove a channel's subscription."""
        target = self._channel(ctx, channel)
        removed = await asyncio.to_thread(self.service.unsubscribe, target.id)
        if removed is not None:
            await self.on_change(removed)
        await self._send(
            ctx,
            self.service.renderer.notice(
                "unsubscribed", channel=target.name, removed=removed is not None
            ),
        )

    @brief.command(
        name="list",
        description="This server's subscriptions and how their posts went.",
        extras={"examples": ("!brief list", "/brief list"), "note": "servers only"},
    )
    @commands.guild_only()
    async def list(self, ctx: commands.Context[commands.Bot]) -> None:
        """Each subscription, its state, and any post that failed or may have been lost."""
        guild = ctx.guild
        assert guild is not None
        rows = [
            {
                "channel": _channel_name(guild, overview.channel_id),
                "time": overview.post_time,
                "timezone": overview.timezone,
                "template": overview.template_set,
                "active": overview.active,
                "reason": overview.disabled_reason,
                "last": _last_post(overview),
                "problems": list(overview.problems),
                "developments": overview.developments,
                "ping": _role_name(guild, overview.ping_role_id),
            }
            for overview in await asyncio.to_thread(self.service.overview, guild.id)
        ]
        await self._send(ctx, self.service.renderer.notice("subscriptions", rows=rows))

    @brief.command(
        name="history",
        description="A channel's last posts and how each went: sent, late, skipped or why not.",
        extras={
            "examples": ("!brief history", "/brief history channel:#briefings"),
            "note": "servers only; a channel you can read",
        },
    )
    @app_commands.describe(channel="Which channel (default: this channel)")
    @commands.guild_only()
    async def history(
        self,
        ctx: commands.Context[commands.Bot],
        # Not optional, as in `unsubscribe`: a channel that does not resolve is an
        # error naming what was typed, not this channel's history.
        channel: discord.TextChannel = commands.CurrentChannel,
    ) -> None:
        """Why nothing was posted: the channel's newest posts, newest first, paged."""
        target = self._channel(ctx, channel)
        if (
            isinstance(ctx.author, discord.Member)
            and not target.permissions_for(ctx.author).read_messages
        ):
            # The history tells what a channel was sent: not to one who cannot read it.
            raise BadSettingError(f"You cannot read #{target.name}; name a channel you can.")
        # A channel closed to some is told to the asker alone, never to the channel
        # asked in, whose readers may not be the same people.
        private = (
            target != ctx.channel
            and not target.permissions_for(target.guild.default_role).read_messages
        )
        if private and ctx.interaction is None:
            raise BadSettingError(
                f"#{target.name} is not open to everyone: ask there, or with"
                f" `/brief history channel:#{target.name}` (only you will see it)."
            )
        history = await asyncio.to_thread(self.service.history, target.id)
        reply = self.service.renderer.notice(
            "post-history",
            channel=target.name,
            subscribed=history.subscribed,
            active=history.active,
            reason=history.disabled_reason,
            next_post=moment(history.first_due) if history.first_due else None,
            posts=[_past_row(post) for post in history.posts],
        )
        await self._send(ctx, reply, ephemeral=private)

    @brief.command(
        name="next",
        description="What will be posted in the coming days, and when.",
        extras={"examples": ("!brief next", "!brief next 90"), "note": "servers only"},
    )
    @app_commands.describe(days="How many days ahead (1 to 366)")
    @commands.guild_only()
    async def next(
        self, ctx: commands.Context[commands.Bot], days: commands.Range[int, 1, 366] = 30
    ) -> None:
        """The coming posts of this server's subscriptions."""
        guild = ctx.guild
        assert guild is not None
        upcoming = await asyncio.to_thread(self.service.upcoming, guild.id, days)
        rows = [
            {
                "when": _when(post.timezone, post.at),
                "channel": _channel_name(guild, post.channel_id),
                "summary": "; ".join(post.occasions),
            }
            for post in upcoming.posts
        ]
        await self._send(
            ctx,
            self.service.renderer.notice(
                "upcoming", rows=rows, days=days, subscribed=upcoming.subscribed
            ),
        )

    @brief.command(
        name="calendar",
        description="This channel's coming briefings as a calendar file (.ics) to import.",
        extras={
            "examples": ("!brief calendar", "/brief calendar days:90"),
            "note": "servers only",
        },
    )
    @app_commands.describe(days="How many days ahead (1 to 366)")
    @commands.guild_only()
    async def calendar(
        self, ctx: commands.Context[commands.Bot], days: commands.Range[int, 1, 366] = 365
    ) -> None:
        """Attach the channel's briefings of the coming days, one all-day event each."""
        made = await asyncio.to_thread(self.service.calendar, ctx.channel.id, days, self._plain)
        reply = self.service.renderer.notice(
            "calendar",
            events=made.file.events,
            first=made.file.first.isoformat(),
            days=made.file.days,
            subscribed=made.subscribed,
        )
        file = discord.File(io.BytesIO(made.file.data), filename=CALENDAR_FILE)
        await self._send(ctx, reply, file=file)

    @brief.command(
        name="preview",
        description="Show the briefing of a given day.",
        extras={
            "examples": ("!brief preview 2026-11-23", "/brief preview date:2026-08-22"),
            "note": "servers only",
        },
    )
    @app_commands.describe(date="The day, YYYY-MM-DD")
    @commands.guild_only()
    async def preview(self, ctx: commands.Context[commands.Bot], date: str) -> None:
        """Render a day's briefing here, without posting it anywhere."""
        try:
            day = iso_day(date)
        except ValueError as error:
            raise BadSettingError(f"{error}.") from None
        preview = await asyncio.to_thread(self.service.preview, day, ctx.channel.id)
        reply = preview or self.service.renderer.notice(
            "posted",
            title=f"No briefing on {day.isoformat()}",
            text="That day has no anniversary or countdown.",
        )
        await self._send(ctx, reply)

    @brief.command(
        name="now",
        description="Post today's briefing in this channel, once.",
        extras={
            "examples": ("!brief now", "/brief now"),
            "note": "servers only; changing needs Manage Server",
        },
    )
    @commands.guild_only()
    @commands.has_guild_permissions(manage_guild=True)
    async def now(self, ctx: commands.Context[commands.Bot]) -> None:
        """Post today's digest here; the scheduled post will not repeat it."""
        target = self._channel(ctx, None)
        assert ctx.guild is not None
        subscription = await asyncio.to_thread(self.service.subscription, target.id)
        subscription = subscription or Subscription(
            id=None,
            guild_id=ctx.guild.id,
            channel_id=target.id,
            post_time="00:00",
            timezone="UTC",
            template_set="default",
        )
        result = await self.service.post_now(subscription)
        title, text = NOW_WORDING[result.status]
        # A prefix command that posted needs no word after the briefing itself; a slash
        # command must answer its interaction.
        if ctx.interaction is not None or result.status is not NowStatus.POSTED:
            notice = self.service.renderer.notice(
                "posted", title=title, text=text or result.error or "The post failed."
            )
            await self._send(ctx, notice)

    # --- autocomplete -----------------------------------------------------------------

    @subscribe.autocomplete("timezone")
    async def _zones(self, _: discord.Interaction, current: str) -> Choices:
        # The zones are read from the tz database's files: 10-50 ms a keystroke.
        zones = await asyncio.to_thread(_zones_with, current.strip().lower())
        return [app_commands.Choice(name=z, value=z) for z in zones[:25]]

    @subscribe.autocomplete("template")
    async def _templates(self, _: discord.Interaction, current: str) -> Choices:
        sets = [s for s in self.service.renderer.template_sets() if s.startswith(current.strip())]
        return [app_commands.Choice(name=s, value=s) for s in sets[:25]]

    @subscribe.autocomplete("time")
    async def _times(self, _: discord.Interaction, current: str) -> Choices:
        times = [f"{hour:02d}:00" for hour in range(24)]
        return [
            app_commands.Choice(name=t, value=t) for t in times if t.startswith(current.strip())
        ][:25]
