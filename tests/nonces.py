"""Teach SimCord Discord's nonce rule, and let a test lose a response after the fact.

Discord, sent a message with `nonce` and `enforce_nonce: true`, returns the message
it already made from that nonce within the last few minutes instead of a second
one. SimCord accepts both fields and ignores them, so on its own it cannot show
whether a re-sent page would appear twice.

How: SimCord routes each REST call through a table in `simcord.http.router`
(`_ROUTES`, method -> [(path template, handler)]). `honour_nonces` swaps the handler
of `POST /channels/{channel_id}/messages` for one that looks the nonce up first and
calls SimCord's own handler only for a nonce it has not seen within the window (on
SimCord's clock); pytest's `monkeypatch` puts the original table back after the test.
The table is SimCord's private detail: if a SimCord upgrade moves it, the lookup
below fails loudly rather than passing without the rule.

A nonce is forgotten once its window has passed, as Discord forgets it: a send
after that makes a second message, the case a late retry must avoid;
`remembers` tells a test whether a nonce is still known.

`lose_responses(n)` makes the next n sends succeed at "Discord" (the message is
stored) and then fail with a 503 on the way back, the case that makes a retry
risky without nonces. `failing` holds channels whose every send gets a 503: a set
looked up once per send, where SimCord's `inject_error` would match each send
against every pattern injected (10,000 sends against 500 patterns in the fan-out
benchmark).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
import simcord
from simcord.backend.errors import BackendError
from simcord.http import router
from simcord.http._helpers import message_response

__all__ = ["NonceRule", "honour_nonces"]

SEND_PATH = ["channels", "{channel_id}", "messages"]
DISCORD_NONCE_WINDOW = dt.timedelta(minutes=5)  # "a few minutes", by Discord's account


@dataclass
class NonceRule:
    """The state of the rule in one test: what was made from which nonce, and when."""

    env: simcord.Env
    window: dt.timedelta = DISCORD_NONCE_WINDOW
    seen: dict[tuple[int, str], tuple[int, dt.datetime]] = field(default_factory=dict)
    deduplicated: int = 0  # sends answered with an existing message
    lost: int = 0  # responses still to lose
    failing: set[int] = field(default_factory=set)  # channels whose sends all get a 503

    def lose_responses(self, count: int) -> None:
        """The next `count` messages are made, and their responses lost (a 503)."""
        self.lost += count

    def remembers(self, channel_id: int, nonce: str) -> bool:
        """Whether Discord would still answer `nonce` with the message it made."""
        made = self.seen.get((channel_id, nonce))
        if made is not None and self.env.now() - made[1] > self.window:
            del self.seen[(channel_id, nonce)]  # forgotten, as Discord forgets it
            made = None
        return made is not None

    def handle(self, original: router.Handler, ctx: router.RequestContext) -> Any:
        """SimCord's handler, behind Discord's nonce check."""
        body = ctx.body()
        channel_id, nonce = ctx.int_arg("channel_id"), body.get("nonce")
        if channel_id in self.failing:
            raise BackendError(503, 0, "Service Unavailable (injected by test)")
        now = self.env.now()
        if (
            nonce is not None
            and body.get("enforce_nonce")
            and self.remembers(channel_id, str(nonce))
        ):
            made = self.seen[(channel_id, str(nonce))]
            self.deduplicated += 1
            return message_response(ctx, ctx.backend.get_message(channel_id, made[0]))
        response = original(ctx)
        if nonce is not None:
            self.seen[(channel_id, str(nonce))] = (int(response["id"]), now)
        if self.lost:
            self.lost -= 1
            raise BackendError(503, 0, "Service Unavailable (response lost, injected by test)")
        return response


def honour_nonces(env: simcord.Env, monkeypatch: pytest.MonkeyPatch) -> NonceRule:
    """Make SimCord honour nonces on message sends until `monkeypatch` is undone (by
    pytest, after the test)."""
    rule = NonceRule(env)
    posts = list(router._ROUTES["POST"])
    (index,) = [i for i, (template, _) in enumerate(posts) if template == SEND_PATH]
    template, original = posts[index]

    def send_message(ctx: router.RequestContext) -> Any:
        return rule.handle(original, ctx)

    posts[index] = (template, send_message)
    monkeypatch.setattr(router, "_ROUTES", {**router._ROUTES, "POST": posts})
    return rule
