"""Developments: what an accepted article added to the record, as a "New on record"
post for the channels that asked for them.

When the article changes the agreement's state (its step becomes the state the fold of
every step ends in), the post says so first: `state_change`.

A development is known by its page (`development:<page>`), and dated by when its
draft was accepted: the post ledger's key (channel, occasion, day) then holds each
(channel, article) once, whichever process posts it and however often it looks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from pydantic import BaseModel, ConfigDict

from briefings.queries.agreement_state import fold
from briefings.queries.items import StepItem

__all__ = ["DEVELOPMENT_PREFIX", "Development", "NewEvent", "StateChange", "state_change"]

DEVELOPMENT_PREFIX = "development:"


class NewEvent(BaseModel):
    """An event an article added: what, when, and whether it happened or is expected."""

    model_config = ConfigDict(frozen=True)

    title: str
    date: str  # as the answers write it: "3 March 2021", "March 2021"
    status: str


class StateChange(BaseModel):
    """The agreement's state before an article and after it."""

    model_config = ConfigDict(frozen=True)

    before: StepItem | None  # the step the state stood on; None: no state on record
    after: StepItem  # the article's step that is the state now


def state_change(
    steps: Sequence[StepItem], articles: Collection[str], day: dt.date
) -> StateChange | None:
    """How the state on `day` changed by the steps that `articles` state (the steps of
    the whole store, the article's included); None when it did not change."""
    after = fold(steps, day).current
    if after is None or not any(c.article in articles for c in after.step.citations):
        return None
    others = [s for s in steps if any(c.article not in articles for c in s.citations)]
    before = fold(others, day).current
    if before is not None and before.step.event == after.step.event:
        return None
    return StateChange(before=before.step if before else None, after=after.step)


class Development(BaseModel):
    """The events one accepted article added, and where they come from."""

    model_config = ConfigDict(frozen=True)

    page_name: str
    title: str  # the article's
    url: str
    accepted_by: str
    at: dt.datetime  # when it was accepted
    events: tuple[NewEvent, ...]
    state_change: StateChange | None = None
    # The servers told of it: None, every one (a curating server or an owner accepted
    # it); else only the server whose own curators did (`briefings.review.trust`).
    audience: frozenset[int] | None = None

    def reaches(self, guild_id: int) -> bool:
        """Whether a subscription in this server is told of it."""
        return self.audience is None or guild_id in self.audience

    @property
    def key(self) -> str:
        """The ledger's occasion key: one post per channel and article."""
        return f"{DEVELOPMENT_PREFIX}{self.page_name}"

    @property
    def day(self) -> dt.date:
        """The ledger's day: the day it was accepted (UTC), the same for every channel."""
        return self.at.astimezone(dt.UTC).date()
