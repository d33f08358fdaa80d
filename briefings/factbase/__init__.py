"""The fact store in the database: its tables, `facts sync`, and the store that reads it.

The curated YAML in `seeds/annotations/` stays the reviewable source, versioned in
git. `sync_facts` checks it with every check `facts check` runs and writes it to the
database in one transaction, with a new store version; `DatabaseFactStore` answers
the queries from the tables' indexes and follows the version, so every process on
the database sees a sync or an accept without a restart.
"""

from pathlib import Path

from briefings.factbase.database_store import DatabaseFactStore
from briefings.factbase.sync import SyncResult, sync_facts
from briefings.storage import Database

__all__ = ["DatabaseFactStore", "SyncResult", "open_fact_store", "sync_facts"]


def open_fact_store(database: Database, seeds_dir: Path | None, *, by: str) -> DatabaseFactStore:
    """Sync the curated files in `seeds_dir` into the database (nothing is read when
    they are unchanged), then read the store from there;
    with no `seeds_dir`, read what the database holds (`StorageError` if it holds no
    facts yet)."""
    if seeds_dir is not None:
        sync_facts(database, seeds_dir, by=by)
    return DatabaseFactStore(database)
