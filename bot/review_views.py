"""The buttons and the select under a draft posted for review.

They are `DynamicItem`s: each carries its draft in a fixed `custom_id`
(`briefbot:review:accept:12`), and the bot registers the classes in `setup_hook`, so
a click on a message posted before a restart, or by another process, still reaches a
handler. The handlers live in the Sources cog; these classes only parse the id,
check that the person clicking may review, and hand over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from briefings.review.desk import DraftItem

if TYPE_CHECKING:
    from bot.cogs.sources import SourcesCog

__all__ = ["MAX_OPTIONS", "ReviewButton", "ReviewSelect", "review_view"]

PREFIX = "briefbot:review"
MAX_OPTIONS = 25  # Discord's limit for a select's options
_LABELS = {"accept": "Accept all", "reject": "Reject"}
_STYLES = {"accept": discord.ButtonStyle.success, "reject": discord.ButtonStyle.danger}


def _cog(interaction: discord.Interaction) -> SourcesCog:
    cog = interaction.client.get_cog("Sources")  # type: ignore[attr-defined]
    assert cog is not None, "the Sources cog registers these items"
    return cog  # type: ignore[no-any-return]


async def _may_review(interaction: discord.Interaction) -> bool:
    """Curators pass; anyone else is told so, privately."""
    if _cog(interaction).may_review(interaction):
        return True
    await interaction.response.send_message(
        "Only curators (the review role, or Manage Server) can review drafts.", ephemeral=True
    )
    return False


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{PREFIX}:(?P<action>accept|reject):(?P<draft>\d+)",
):
    """Accept all, or Reject."""

    def __init__(self, action: str, draft_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_LABELS[action],
                style=_STYLES[action],
                custom_id=f"{PREFIX}:{action}:{draft_id}",
            )
        )
        self.action, self.draft_id = action, draft_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any
    ) -> ReviewButton:
        """Rebuild the button from a click on any message, before or after a restart."""
        del interaction, item
        return cls(match["action"], int(match["draft"]))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only curators may press it."""
        return await _may_review(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Decide the draft."""
        await _cog(interaction).decide(interaction, self.action, self.draft_id)


class ReviewSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"{PREFIX}:drop:(?P<draft>\d+)",
):
    """The items to leave out when the draft is accepted."""

    def __init__(self, draft_id: int, options: list[discord.SelectOption]) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"{PREFIX}:drop:{draft_id}",
                placeholder="Leave items out before accepting…",
                min_values=0,
                max_values=max(len(options), 1),
                options=options,
            )
        )
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: Any
    ) -> ReviewSelect:
        """Rebuild the select, with the options the message shows."""
        del interaction
        return cls(int(match["draft"]), list(item.options))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only curators may choose."""
        return await _may_review(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the choice."""
        await _cog(interaction).drop(interaction, self.draft_id, list(self.item.values))


def review_view(draft_id: int, items: list[DraftItem], dropped: list[str]) -> discord.ui.View:
    """The components under a pending draft: the select (when there is something to
    leave out) and the two buttons. No timeout: they work until the draft is decided."""
    view = discord.ui.View(timeout=None)
    options = [
        discord.SelectOption(
            label=item.label[:100],
            value=item.id[:100],
            description=item.kind,
            default=item.id in dropped,
        )
        for item in items
        if item.droppable
    ][:MAX_OPTIONS]
    if options:
        view.add_item(ReviewSelect(draft_id, options))
    view.add_item(ReviewButton("accept", draft_id))
    view.add_item(ReviewButton("reject", draft_id))
    return view
