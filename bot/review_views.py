"""The buttons and the selects under a draft posted for review, and the form that
edits one of its items.

They are `DynamicItem`s: each carries its draft in a fixed `custom_id`, the draft's
id and the digest of what it shows (`briefbot:review:accept:12:3f9a0c…`, well under
Discord's 100 characters), and the bot registers the classes in `setup_hook`, so a
click on a message posted before a restart, or by another process, still reaches a
handler, and decides the draft the message shows or nothing. An id without a digest
(a post made before the digest was added) is parsed too, so that its click is refused
in one line rather than left unanswered. The handlers live in the Sources cog; these
classes only parse the id, check that the person clicking may review, and hand over.

Choosing an item in the edit select opens a form (a modal) holding what the draft says
of it now; what the curator changes there is the edit (`briefings.review.edits`). The
form lives only while it is open, in the process that opened it (the server's shard).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord

from briefings.rendering import Renderer
from briefings.review.desk import UNDATED_ITEM, DraftArticle, DraftItem
from briefings.review.drafts import Draft
from briefings.review.edits import FORM_FIELDS
from briefings.review.trust import Reviewer

if TYPE_CHECKING:
    from bot.cogs.sources import SourcesCog

__all__ = [
    "MAX_OPTIONS",
    "EditForm",
    "ReviewButton",
    "ReviewEditSelect",
    "ReviewSelect",
    "review_view",
]

PREFIX = "briefbot:review"
BOUND = r":(?P<draft>\d+)(?::(?P<digest>[0-9a-f]{16}))?"  # the digest: `Draft.digest`
MAX_OPTIONS = 25  # Discord's limit for a select's options
FORM_WORDING = "discord/review-form.txt.j2"
# Discord's limits: a modal's title and an input's label 45 characters, a placeholder 100.
TITLE_LENGTH, LABEL_LENGTH, HINT_LENGTH, VALUE_LENGTH = 45, 45, 100, 300
_LABELS = {"accept": "Accept all", "reject": "Reject"}
_STYLES = {"accept": discord.ButtonStyle.success, "reject": discord.ButtonStyle.danger}


def _cog(interaction: discord.Interaction) -> SourcesCog:
    cog = interaction.client.get_cog("Sources")  # type: ignore[attr-defined]
    assert cog is not None, "the Sources cog registers these items"
    return cog  # type: ignore[no-any-return]


async def _reviewer(interaction: discord.Interaction) -> Reviewer | None:
    """Curators and the bot's owners pass; anyone else is told so, privately."""
    reviewer = await _cog(interaction).reviewer(interaction)
    if reviewer is None:
        await interaction.response.send_message(
            "Only curators (the review role, or Manage Server) can review drafts.", ephemeral=True
        )
    return reviewer


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{PREFIX}:(?P<action>accept|reject){BOUND}",
):
    """Accept all, or Reject."""

    def __init__(self, action: str, draft_id: int, digest: str | None) -> None:
        super().__init__(
            discord.ui.Button(
                label=_LABELS[action],
                style=_STYLES[action],
                custom_id=_bound(f"{PREFIX}:{action}", draft_id, digest),
            )
        )
        self.action, self.draft_id, self.digest = action, draft_id, digest
        self.reviewer: Reviewer | None = None  # set by the check, for this one click

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any
    ) -> ReviewButton:
        """Rebuild the button from a click on any message, before or after a restart."""
        del interaction, item
        return cls(match["action"], int(match["draft"]), match["digest"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only curators may press it."""
        self.reviewer = await _reviewer(interaction)
        return self.reviewer is not None

    async def callback(self, interaction: discord.Interaction) -> None:
        """Decide the draft."""
        assert self.reviewer is not None, "the check ran first"
        cog = _cog(interaction)
        await cog.decide(interaction, self.action, self.draft_id, self.digest, self.reviewer)


class ReviewSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"{PREFIX}:drop{BOUND}",
):
    """The items to leave out when the draft is accepted."""

    def __init__(
        self, draft_id: int, digest: str | None, options: list[discord.SelectOption]
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=_bound(f"{PREFIX}:drop", draft_id, digest),
                placeholder="Leave items out before accepting…",
                min_values=0,
                max_values=max(len(options), 1),
                options=options,
            )
        )
        self.draft_id, self.digest = draft_id, digest
        self.reviewer: Reviewer | None = None  # set by the check, for this one click

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: Any
    ) -> ReviewSelect:
        """Rebuild the select, with the options the message shows."""
        del interaction
        return cls(int(match["draft"]), match["digest"], list(item.options))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only curators may choose."""
        self.reviewer = await _reviewer(interaction)
        return self.reviewer is not None

    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the choice."""
        assert self.reviewer is not None, "the check ran first"
        values = list(self.item.values)
        await _cog(interaction).drop(interaction, self.draft_id, self.digest, values, self.reviewer)


class ReviewEditSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"{PREFIX}:edit{BOUND}",
):
    """The item to correct: choosing one opens its form."""

    def __init__(
        self,
        draft_id: int,
        digest: str | None,
        options: list[discord.SelectOption],
        placeholder: str | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=_bound(f"{PREFIX}:edit", draft_id, digest),
                placeholder=placeholder,
                min_values=1,
                max_values=1,
                options=options,
            )
        )
        self.draft_id, self.digest = draft_id, digest
        self.reviewer: Reviewer | None = None  # set by the check, for this one click

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: Any
    ) -> ReviewEditSelect:
        """Rebuild the select, with the options the message shows."""
        del interaction
        return cls(int(match["draft"]), match["digest"], list(item.options), item.placeholder)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only curators may edit."""
        self.reviewer = await _reviewer(interaction)
        return self.reviewer is not None

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the chosen item's form, filled with what the draft says now."""
        assert self.reviewer is not None, "the check ran first"
        [item] = self.item.values
        cog = _cog(interaction)
        await cog.open_form(interaction, self.draft_id, self.digest, item, self.reviewer)


class EditForm(discord.ui.Modal):
    """One item's fields, as the draft has them; submitted, the changed ones are the edit."""

    def __init__(
        self,
        draft_id: int,
        digest: str,
        item: str,
        kind: str,
        values: dict[str, str],
        reviewer: Reviewer,
        renderer: Renderer,
    ) -> None:
        def words(part: str) -> str:
            return renderer.fragment(FORM_WORDING, part=part, kind=kind)

        super().__init__(
            title=words("title")[:TITLE_LENGTH],
            custom_id=f"{PREFIX}:form:{draft_id}:{digest}"[:100],
            timeout=15 * 60,
        )
        self.draft_id, self.digest, self.item, self.kind = draft_id, digest, item, kind
        self.before, self.reviewer = values, reviewer
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {}
        for name in FORM_FIELDS[kind]:
            field: discord.ui.TextInput[Any] = discord.ui.TextInput(
                label=words(name)[:LABEL_LENGTH],
                placeholder=words(f"{name} hint")[:HINT_LENGTH],
                default=values.get(name) or None,
                required=False,
                max_length=VALUE_LENGTH,
                custom_id=name,
            )
            self.inputs[name] = field
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Hand the filled form over: the cog makes the edit it asks for."""
        after = {name: field.value for name, field in self.inputs.items()}
        await _cog(interaction).edit(interaction, self, after)


def _bound(action: str, draft_id: int, digest: str | None) -> str:
    return f"{action}:{draft_id}" if digest is None else f"{action}:{draft_id}:{digest}"


def review_view(
    draft: Draft, items: list[DraftItem], articles: list[DraftArticle], words: Callable[[str], str]
) -> discord.ui.View:
    """The components under a pending draft: the select of items to leave out (when
    there is something to), the select of items to edit, and the two buttons, bound to
    its id and digest (`words`: the wording of a part of the edit select). No timeout:
    they work until the draft is decided."""
    view = discord.ui.View(timeout=None)
    options = [
        discord.SelectOption(
            label=item.label[:100],
            value=item.id[:100],
            description=item.kind,
            default=item.id in draft.dropped,
        )
        for item in items
        if item.droppable
    ][:MAX_OPTIONS]
    if options:
        view.add_item(ReviewSelect(draft.id, draft.digest, options))
    editable = [
        discord.SelectOption(label=item.label[:100], value=item.id[:100], description=item.kind)
        for item in items
        if item.editable
    ]
    editable += [
        discord.SelectOption(label=a.title[:100], value=a.id[:100], description="article (date)")
        for a in articles
    ]
    if draft.undated:  # drafted once it has its date
        label = words("article")
        editable = [discord.SelectOption(label=label, value=UNDATED_ITEM, description="article")]
    view.add_item(ReviewEditSelect(draft.id, draft.digest, editable[:MAX_OPTIONS], words("select")))
    view.add_item(ReviewButton("accept", draft.id, draft.digest))
    view.add_item(ReviewButton("reject", draft.id, draft.digest))
    return view
