"""Settings for the bot, read once at the entry point from the environment or `.env`."""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from bot.logs import LOG_FORMATS, LogFormat
from briefings.loading import DEFAULT_SEEDS_DIR
from briefings.storage import CONNECT_TIMEOUT_SECONDS, STATEMENT_TIMEOUT_SECONDS
from briefings.watching.harvest import PollLimits

__all__ = ["InvalidSettingsError", "Settings", "load_settings"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Discord's own limit on the shards of one bot; a range is refused past it before it
# is spelled out, so SHARD_IDS=0-999999999 is one line, not a list of a billion ints.
MAX_SHARDS = 4096


class Settings(BaseSettings):
    """Configuration: `DISCORD_TOKEN`, `DEV_GUILD_ID`, `OWNER_IDS`, `COMMAND_PREFIX`, ..."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(
        default=None,
        description=(
            "The bot token, required to connect (without it `briefbot run` opens the "
            "console); never logged, never shown in a repr"
        ),
    )
    dev_guild_id: int | None = Field(
        default=None, description="A test guild that gets the slash commands synced at start"
    )
    owner_ids: frozenset[int] = Field(
        default=frozenset(),
        description="Users allowed to run owner commands (JSON list); empty: the app's owner",
    )
    curating_guild_ids: frozenset[int] = Field(
        default=frozenset(),
        description=(
            "Servers whose curators decide what goes on record (JSON list); empty: the "
            "bot's only server, and none (the owners alone) once it is in several"
        ),
    )
    command_prefix: str = Field(
        default="!",
        min_length=1,
        max_length=5,
        description="The prefix of prefix commands, as in `!quote kono`",
    )
    seeds_dir: Path = Field(
        default=DEFAULT_SEEDS_DIR,
        description="The seeds folder: the seed pages and their annotations",
    )
    log_level: str = Field(
        default="INFO", description="How much to log: DEBUG, INFO, WARNING or ERROR"
    )
    log_format: LogFormat = Field(
        default="text",
        description=(
            "text (coloured only at a terminal, never with NO_COLOR set), or json: one "
            "JSON object a line, for log shippers"
        ),
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db; "
            "unset: a SQLite file in DATA_DIR"
        ),
    )
    data_dir: Path = Field(
        default=Path("var"),
        description="Where the SQLite file and the heartbeat file live (relative: to the cwd)",
    )
    database_connect_timeout_seconds: float = Field(
        default=CONNECT_TIMEOUT_SECONDS,
        ge=1,
        le=300,
        description="PostgreSQL: how long a connection may take before it is an error",
    )
    database_statement_timeout_seconds: float = Field(
        default=STATEMENT_TIMEOUT_SECONDS,
        ge=1,
        le=3600,
        description="PostgreSQL: how long one statement may run before it is an error",
    )
    grace_hours: float = Field(
        default=6.0,
        ge=0,
        le=48,
        description="How late a missed briefing may still be posted, with a note; later: skipped",
    )
    scheduler_enabled: bool = Field(
        default=True, description="Post scheduled briefings; false: this process posts none"
    )
    post_concurrency: int = Field(
        default=8, ge=1, le=64, description="Channels a briefing is sent to at once"
    )
    briefing_sends_per_second: float = Field(
        default=45,
        gt=0,
        le=50,
        description=(
            "Requests a second a briefing's fan-out may make, below Discord's global 50 "
            "per bot (split it between processes); the rest is left for replies"
        ),
    )
    chart_workers: int = Field(
        default=1,
        ge=1,
        le=8,
        description=(
            "Processes that draw !timeline's charts, apart from the bot's (about 60 MB "
            "each; one draws a chart in 0.1-0.3 s)"
        ),
    )
    resend_window_seconds: float = Field(
        default=120,
        ge=0,
        le=300,
        description="How soon after a crash a post left mid-send is resumed with the same nonces",
    )
    shard_count: int | None = Field(
        default=None,
        ge=1,
        le=MAX_SHARDS,
        description="Shards of the whole bot; set it to run several processes (AutoShardedBot)",
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None,
        description="The shards this process runs: '0-3', '4,5' or a JSON list; all when unset",
    )
    heartbeat_seconds: float = Field(
        default=15,
        ge=0,
        le=300,
        description="How often the bot writes its heartbeat for `briefbot health`; 0: never",
    )
    allow_private_urls: bool = Field(
        default=False,
        description=(
            "Fetch pages on loopback, private and link-local addresses too (for tests and "
            "an intranet); never by default"
        ),
    )
    facts_sync_at_start: bool = Field(
        default=True,
        description=(
            "Sync the curated files into the database at start; false on all but one "
            "process of a fleet, so that a rolling deploy's old processes cannot write "
            "their older files back"
        ),
    )
    facts_poll_seconds: float = Field(
        default=5,
        ge=0,
        le=300,
        description="How often to look for a new version of the facts in the database; 0: never",
    )
    watch_poll_seconds: float = Field(
        default=60,
        ge=0,
        le=3600,
        description=(
            "How often the watcher looks for watched sources that are due (each has its "
            "own interval) and posts new drafts for review; 0: never"
        ),
    )
    fetch_deadline_seconds: float = Field(
        default=60,
        ge=1,
        le=120,
        description="How long one fetch of a watched page may take in all, however it trickles",
    )
    read_seconds: float = Field(
        default=20,
        ge=1,
        le=60,
        description="How long reading one fetched page or feed may take before it is given up",
    )
    watch_new_items: int = Field(
        default=20,
        ge=1,
        le=200,
        description="New items of a feed drafted in one poll; the rest wait for later polls",
    )
    health_max_age_seconds: float = Field(
        default=60,
        ge=20,
        le=3600,
        description="How old the gateway heartbeat may be for `briefbot health` to pass",
    )

    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve Prometheus metrics at METRICS_ADDRESS on this port; off when unset",
    )
    metrics_address: str = Field(
        default="127.0.0.1",
        description="The address the metrics listen on: 127.0.0.1 (this host only), or"
        " 0.0.0.0 in a container whose network Prometheus shares",
    )

    @field_validator("metrics_address")
    @classmethod
    def _an_address(cls, value: str) -> str:
        """An IP address to bind, not a name: a typo must not bind somewhere unmeant."""
        try:
            return str(ipaddress.ip_address(value.strip().strip("[]")))
        except ValueError:
            raise ValueError(f"not an IP address: {value!r} (e.g. 127.0.0.1 or 0.0.0.0)") from None

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_range(cls, value: Any) -> Any:
        """'0-3' and '0,2' as well as a JSON list: operators write ranges."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        if text.startswith("["):
            return json.loads(text)
        ids: list[int] = []
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            if not all(number.isascii() and number.isdigit() for number in (first, last or first)):
                raise ValueError(f"{part.strip()!r} is not a shard number or a range like 0-3")
            if int(last or first) >= MAX_SHARDS:
                raise ValueError(f"{part.strip()!r}: shard numbers lie from 0 to {MAX_SHARDS - 1}")
            ids.extend(range(int(first), int(last or first) + 1))
        return ids

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: Any) -> Any:
        """text or json, in any case, in one line otherwise."""
        chosen = str(value).strip().lower()
        if chosen not in LOG_FORMATS:
            raise ValueError(f"{value!r} is not text or json")
        return chosen

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: Any) -> Any:
        """A level's name, in any case; logging would take "10" or "Level 10" and fail later."""
        level = str(value).strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def start_seeds(self) -> Path | None:
        """The seeds folder to sync at start, or None to start on what the database holds."""
        return self.seeds_dir if self.facts_sync_at_start else None

    @model_validator(mode="after")
    def _beats_fit(self) -> Self:
        # One late beat must not fail the check: allow two intervals at least.
        if self.health_max_age_seconds < 2 * self.heartbeat_seconds:
            raise ValueError("HEALTH_MAX_AGE_SECONDS must be at least twice HEARTBEAT_SECONDS")
        return self

    @model_validator(mode="after")
    def _shards_fit(self) -> Self:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT, the number of shards of the whole bot")
        if not self.shard_ids or len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError("SHARD_IDS must name each shard once")
        if not all(0 <= shard < self.shard_count for shard in self.shard_ids):
            raise ValueError(f"SHARD_IDS must lie from 0 to {self.shard_count - 1}")
        return self

    @property
    def poll_limits(self) -> PollLimits:
        """How much one poll of a watched address may take, by these settings."""
        return PollLimits(new_items=self.watch_new_items, fetch_seconds=self.fetch_deadline_seconds)

    @property
    def has_token(self) -> bool:
        """True when a non-empty token is configured."""
        return bool(self.discord_token and self.discord_token.get_secret_value().strip())


class InvalidSettingsError(Exception):
    """A setting that cannot be used; the message is the one line an operator reads."""


# Where secrets arrive as files, one a setting (`discord_token`, `database_url`):
# systemd's credentials (`LoadCredential=`) and Docker's or compose's secrets. When
# both hold a setting, systemd's wins: a unit's credential is the operator's choice
# for this one service, a /run/secrets file may be left from a container set-up.
SECRET_FOLDERS = ("${CREDENTIALS_DIRECTORY}", "/run/secrets")


def secret_folders(
    environ: Mapping[str, str], candidates: Sequence[str] = SECRET_FOLDERS
) -> list[Path]:
    """The secret folders that exist here, in the order pydantic-settings reads them:
    the weakest first, since of two folders holding a setting the last one wins (so
    systemd's credentials come last)."""
    folders = []
    for folder in candidates:
        if folder.startswith("$"):
            folder = environ.get(folder.strip("${}"), "")
        if folder and Path(folder).is_dir():
            folders.append(Path(folder))
    return folders[::-1]


def load_settings() -> Settings:
    """The settings from the environment, `.env` and the secret folders (in that order
    of precedence); `InvalidSettingsError` naming each bad variable, never a validation
    traceback."""
    try:
        return Settings(_secrets_dir=secret_folders(os.environ) or None)
    except PermissionError as error:  # a secret folder or file the bot may not read
        raise InvalidSettingsError(f"cannot read {error.filename}: permission denied") from None
    except UnicodeDecodeError as error:  # from reading `.env`, the one file read here
        raise InvalidSettingsError(
            f".env is not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset "
            f"{error.start})"
        ) from None
    except SettingsError as error:  # a value that should be JSON and is not
        raise InvalidSettingsError(str(error).replace('"', "")) from None
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = "_".join(str(part) for part in item["loc"]).upper()
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{name}: {message}" if name else message)
        raise InvalidSettingsError("; ".join(problems)) from None
