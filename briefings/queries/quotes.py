"""What a speaker said: every person the name may mean, each labelled."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, computed_field

from briefings.queries.items import ActorItem, QuoteItem, actor_item, quote_item
from briefings.queries.people import find_actors
from briefings.store import FactStore, Visibility

__all__ = ["QuotesResult", "SpeakerQuotes", "quotes"]


class SpeakerQuotes(BaseModel):
    """One speaker and their quotes (possibly none), and the quoted voices the sources
    name as part of it: a government's spokesman, its ministries, its officials."""

    model_config = ConfigDict(frozen=True)

    speaker: ActorItem
    quotes: list[QuoteItem]
    voices: list[SpeakerQuotes] = []

    @property
    def count(self) -> int:
        """Its quotes and its voices'."""
        return len(self.quotes) + sum(voice.count for voice in self.voices)


class QuotesResult(BaseModel):
    """The quotes of everyone a name matched."""

    model_config = ConfigDict(frozen=True)

    query: str
    speakers: list[SpeakerQuotes]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def quote_count(self) -> int:
        """How many quotes in all."""
        return sum(speaker.count for speaker in self.speakers)


def _quotes_of(store: FactStore, actor: str, visibility: Visibility) -> list[QuoteItem]:
    return [quote_item(store, quote, visibility) for quote in store.quotes_by(actor)]


def quotes(store: FactStore, speaker: str) -> QuotesResult:
    """Quotes of the actors matching `speaker`, each in date order, with the quoted
    voices of each (a voice that was matched itself is listed once, as itself)."""
    visibility = store.visibility()
    matched = [match.key for match in find_actors(store, speaker)]
    speakers = []
    for actor in matched:
        voices = [
            SpeakerQuotes(
                speaker=actor_item(store, part), quotes=_quotes_of(store, part, visibility)
            )
            for part in store.parts_of(actor)
            if part not in matched
        ]
        speakers.append(
            SpeakerQuotes(
                speaker=actor_item(store, actor),
                quotes=_quotes_of(store, actor, visibility),
                voices=[voice for voice in voices if voice.quotes],
            )
        )
    return QuotesResult(query=speaker, speakers=speakers)
