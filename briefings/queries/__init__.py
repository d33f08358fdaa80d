"""Pure queries over the fact store; each result carries its citations."""

from briefings.queries.agreement import HistoryResult, history
from briefings.queries.quotes import QuotesResult, quotes
from briefings.queries.sources import SourcesResult, sources
from briefings.queries.status import StatusResult, status
from briefings.queries.timeline import TimelineResult, timeline
from briefings.queries.who import WhoResult, who

__all__ = [
    "HistoryResult",
    "QuotesResult",
    "SourcesResult",
    "StatusResult",
    "TimelineResult",
    "WhoResult",
    "history",
    "quotes",
    "sources",
    "status",
    "timeline",
    "who",
]
