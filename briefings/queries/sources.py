"""The source documents and what each contributed to the store."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from briefings.queries.items import DateItem, date_item
from briefings.store import FactStore

__all__ = ["ArticleSummary", "DocumentSummary", "SourcesResult", "sources"]


class ArticleSummary(BaseModel):
    """One article and how many facts of each kind cite it."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    author: str | None
    date: DateItem
    contributed: dict[str, int] = Field(description="Facts citing it, by kind")


class DocumentSummary(BaseModel):
    """One seed file."""

    model_config = ConfigDict(frozen=True)

    seed: str
    publisher: str | None
    publisher_how: str
    publisher_reason: str
    articles: list[ArticleSummary]
    off_topic: list[str] = Field(description="What each off-topic paragraph is about")
    fetched_from: str | None = Field(default=None, description="The address it was fetched from")
    accepted_by: str | None = Field(default=None, description="Who accepted its draft in review")
    accepted_at: dt.datetime | None = None


class SourcesResult(BaseModel):
    """Every document in the store."""

    model_config = ConfigDict(frozen=True)

    documents: list[DocumentSummary]
    horizon: str


def sources(store: FactStore) -> SourcesResult:
    """Summarise each seed document, its articles and its off-topic parts."""
    counts = store.contributions()
    documents = [
        DocumentSummary(
            seed=source.seed,
            publisher=source.publisher.name,
            publisher_how=source.publisher.how,
            publisher_reason=source.publisher.reason,
            articles=[
                ArticleSummary(
                    id=article.id,
                    title=article.title,
                    author=article.author,
                    date=date_item(article.date),
                    contributed=dict(counts[article.id]),
                )
                for article in source.articles
            ],
            off_topic=[segment.what for segment in source.off_topic],
            fetched_from=source.review.url if source.review else None,
            accepted_by=source.review.accepted_by if source.review else None,
            accepted_at=source.review.accepted_at if source.review else None,
        )
        for source in store.sources
    ]
    return SourcesResult(documents=documents, horizon=store.horizon.isoformat())
