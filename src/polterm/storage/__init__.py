"""Storage: opening the database, its migrations, its transactions. No Textual here."""

from polterm.storage.db import open_database, pragma_while, transaction

__all__ = ["open_database", "pragma_while", "transaction"]
