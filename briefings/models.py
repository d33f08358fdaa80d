"""Every table the migrations make, in one metadata: the posting tables live in
`storage`, the others beside the code that uses them, and each registers itself when
its module is imported. Whatever compares the schema to the models reads this one."""

from sqlalchemy import MetaData

from briefings.factbase import tables as _fact_tables  # noqa: F401 - the fact store
from briefings.ingest import seen as _seen  # noqa: F401 - the fetched articles
from briefings.review import drafts as _drafts  # noqa: F401 - drafts under review
from briefings.storage import Base
from briefings.watching import records as _records  # noqa: F401 - the watch list

__all__ = ["METADATA"]

METADATA: MetaData = Base.metadata
