"""Settings for the bot, read once at the entry point from the environment or `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from briefings.loading import DEFAULT_SEEDS_DIR

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Configuration: `DISCORD_TOKEN`, `DEV_GUILD_ID`, `OWNER_IDS`, `COMMAND_PREFIX`, ..."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(
        default=None, description="The bot token; never logged, never shown in a repr"
    )
    dev_guild_id: int | None = Field(
        default=None, description="A test guild that gets the slash commands synced at start"
    )
    owner_ids: frozenset[int] = Field(
        default=frozenset(),
        description="Users allowed to run owner commands (JSON list); empty: the app's owner",
    )
    command_prefix: str = Field(default="!", min_length=1, max_length=5)
    seeds_dir: Path = Field(default=DEFAULT_SEEDS_DIR, description="Seeds and annotations")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; a SQLite file under data_dir when unset"
    )
    data_dir: Path = Field(
        default=Path("var"), description="Where the SQLite file lives (relative: to the cwd)"
    )
    grace_hours: float = Field(
        default=6.0, ge=0, le=48, description="How late a missed briefing may still be posted"
    )
    scheduler_enabled: bool = Field(default=True, description="Post scheduled briefings")
    post_concurrency: int = Field(
        default=8, ge=1, le=64, description="Channels a briefing is sent to at once"
    )
    resend_window_seconds: float = Field(
        default=120,
        ge=0,
        le=300,
        description="How soon after a crash a post left mid-send is resumed with the same nonces",
    )

    @property
    def has_token(self) -> bool:
        """True when a non-empty token is configured."""
        return bool(self.discord_token and self.discord_token.get_secret_value().strip())
