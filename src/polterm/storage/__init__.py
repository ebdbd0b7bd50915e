"""Storage: opening the database, its migrations, its transactions. No Textual here."""

from polterm.storage.db import open_database, transaction

__all__ = ["open_database", "transaction"]
