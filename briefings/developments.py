"""Developments: what an accepted article added to the record, as a "New on record"
post for the channels that asked for them.

A development is known by its page (`development:<page>`), and dated by when its
draft was accepted: the post ledger's key (channel, occasion, day) then holds each
(channel, article) once, whichever process posts it and however often it looks.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

__all__ = ["DEVELOPMENT_PREFIX", "Development", "NewEvent"]

DEVELOPMENT_PREFIX = "development:"


class NewEvent(BaseModel):
    """An event an article added: what, when, and whether it happened or is expected."""

    model_config = ConfigDict(frozen=True)

    title: str
    date: str  # as the answers write it: "3 March 2021", "March 2021"
    status: str


class Development(BaseModel):
    """The events one accepted article added, and where they come from."""

    model_config = ConfigDict(frozen=True)

    page_name: str
    title: str  # the article's
    url: str
    accepted_by: str
    at: dt.datetime  # when it was accepted
    events: tuple[NewEvent, ...]

    @property
    def key(self) -> str:
        """The ledger's occasion key: one post per channel and article."""
        return f"{DEVELOPMENT_PREFIX}{self.page_name}"

    @property
    def day(self) -> dt.date:
        """The ledger's day: the day it was accepted (UTC), the same for every channel."""
        return self.at.astimezone(dt.UTC).date()
