"""Reviewing drafted facts: drafts kept in the database and where each server reviews
them (`drafts`), and the desk that accepts them into the store, in one transaction
with the new version, or rejects them (`desk`).

Nothing is re-exported here: the fact store's sync reads the accepted drafts
(`drafts`), and the desk runs that sync, so importing the package must not import both.
"""
