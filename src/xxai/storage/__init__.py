"""Shared state past one machine: PostgreSQL back ends and their schema migrations.

Modules:
    migrations  versioned SQL files applied in order, each in one transaction
    memory      the translation memory in PostgreSQL (``database_url`` set)
    sql/        the migration files, one folder per back end

With ``database_url`` empty nothing here is used: the SQLite files in ``XXAI_HOME`` stay
the default. Importing this package loads none of them.
"""

__all__: list[str] = []
