"""What a speaker said: every person the name may mean, each labelled."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, computed_field

from briefings.queries.items import ActorItem, QuoteItem, actor_item, quote_item
from briefings.queries.people import find_actors
from briefings.store import FactStore

__all__ = ["QuotesResult", "SpeakerQuotes", "quotes"]


class SpeakerQuotes(BaseModel):
    """One speaker and their quotes (possibly none)."""

    model_config = ConfigDict(frozen=True)

    speaker: ActorItem
    quotes: list[QuoteItem]


class QuotesResult(BaseModel):
    """The quotes of everyone a name matched."""

    model_config = ConfigDict(frozen=True)

    query: str
    speakers: list[SpeakerQuotes]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def quote_count(self) -> int:
        """How many quotes in all."""
        return sum(len(speaker.quotes) for speaker in self.speakers)


def quotes(store: FactStore, speaker: str) -> QuotesResult:
    """Quotes of the actors matching `speaker`, each in date order."""
    visibility = store.visibility()
    return QuotesResult(
        query=speaker,
        speakers=[
            SpeakerQuotes(
                speaker=actor_item(store, match.key),
                quotes=[quote_item(store, q, visibility) for q in store.quotes_by(match.key)],
            )
            for match in find_actors(store, speaker)
        ],
    )
