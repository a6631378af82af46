"""Versioned SQL migrations for both back ends: ``sql/<backend>/NNNN_name.sql``, in order.

One mechanism for SQLite (the search store in ``XXAI_HOME``) and PostgreSQL (``database_url``):
each file runs in its own transaction together with its row in ``schema_migrations``, so a
failed migration leaves the database at the previous version. Processes that start at once
serialise on the database's own write lock first (PostgreSQL: a transaction-level advisory
lock; SQLite: ``BEGIN IMMEDIATE``): one applies, the others find it applied.

SQLite files made before this mechanism recorded their version in ``PRAGMA user_version``
only; the first migration run adopts them (versions 1..N recorded as applied, nothing run
again). ``user_version`` is still kept equal to the newest version, so an older xxai refuses a
newer file instead of misreading it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

from xxai.errors import StoreError

__all__ = [
    "Migration", "MigrationStatus", "backend_of", "connect", "migrate", "migrations", "status",
]  # fmt: skip

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant shared by all xxai processes: "xxai" in ASCII.
_LOCK_ID = 0x78786169
_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at {time} NOT NULL DEFAULT {now})"
)


@dataclass(frozen=True)
class Migration:
    """One versioned SQL file."""

    version: int
    name: str
    sql: str


@dataclass(frozen=True)
class MigrationStatus:
    """Which migrations a database has and which it lacks."""

    backend: str
    applied: list[tuple[int, str]]
    pending: list[tuple[int, str]]

    def to_json(self) -> dict[str, Any]:
        """Return the shape ``xxai db status --json`` prints."""
        return {
            "backend": self.backend,
            "version": self.applied[-1][0] if self.applied else 0,
            "applied": [{"version": v, "name": n} for v, n in self.applied],
            "pending": [{"version": v, "name": n} for v, n in self.pending],
        }


def backend_of(conn: Any) -> str:
    """Return ``sqlite`` for a sqlite3 connection, ``postgresql`` for anything else (psycopg)."""
    return "sqlite" if isinstance(conn, sqlite3.Connection) else "postgresql"


def migrations(backend: str = "postgresql") -> list[Migration]:
    """Return the migration files the package ships for ``backend``, in order."""
    folder = resources.files("xxai.storage").joinpath("sql", backend)
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    if backend == "postgresql":
        found.append(_queue_schema())
    return sorted(found, key=lambda m: m.version)


def _queue_schema() -> Migration:
    """Return procrastinate's own schema (the job queue) as migration 4.

    The procrastinate version is pinned, so this text does not change under a database; a
    new procrastinate version will come with its own migration files as a new version here.
    """
    sql = resources.files("procrastinate").joinpath("sql", "schema.sql").read_text("utf-8")
    return Migration(4, "job_queue", sql)


@contextmanager
def _transaction(conn: Any, backend: str) -> Iterator[None]:
    """Hold the database's write lock for one transaction (``conn`` is in autocommit mode)."""
    if backend == "postgresql":
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
            yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _statements(sql: str) -> Iterator[str]:
    """Split an SQLite script into statements (``executescript`` would commit on its own)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if any(line.strip() and not line.strip().startswith("--") for line in buffer.splitlines()):
        yield buffer  # an unfinished statement: let SQLite say what is wrong with it


def _exists(conn: Any, backend: str) -> bool:
    if backend == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        return conn.execute(sql).fetchone() is not None
    return bool(conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0])


def _applied(conn: Any, backend: str, create: bool = True) -> list[tuple[int, str]]:
    """Return the applied migrations; inside a transaction, create the table (and adopt)."""
    if not _exists(conn, backend):
        adopted = _adoptable(conn, backend)
        if not create:
            return adopted
        lite = backend == "sqlite"
        conn.execute(_TABLE.format(time="TEXT" if lite else "TIMESTAMPTZ",
                                   now="CURRENT_TIMESTAMP" if lite else "now()"))  # fmt: skip
        mark = "?" if backend == "sqlite" else "%s"
        for version, name in adopted:
            conn.execute(
                f"INSERT INTO schema_migrations (version, name) VALUES ({mark}, {mark})",
                (version, name),
            )
    rows = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
    return [(int(v), str(n)) for v, n in rows.fetchall()]


def _adoptable(conn: Any, backend: str) -> list[tuple[int, str]]:
    """Return the versions an SQLite file of the older mechanism has (its user_version)."""
    if backend != "sqlite":
        return []
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    known = {m.version: m.name for m in migrations("sqlite")}
    _check_not_newer(version, max(known, default=0), backend)
    return [(v, known[v]) for v in range(1, version + 1)]


def _check_not_newer(version: int, newest: int, backend: str) -> None:
    if version > newest:
        raise StoreError(
            f"the {backend} database has schema version {version}, newer than this xxai "
            f"understands ({newest}); upgrade xxai"
        )


def status(conn: Any) -> MigrationStatus:
    """Return the applied and pending migrations of a database; change nothing in SQLite."""
    backend = backend_of(conn)
    if backend == "postgresql":
        with _transaction(conn, backend):
            applied = _applied(conn, backend)
    else:
        applied = _applied(conn, backend, create=False)
    known = migrations(backend)
    _check_not_newer(applied[-1][0] if applied else 0, known[-1].version if known else 0, backend)
    done = {v for v, _ in applied}
    pending = [(m.version, m.name) for m in known if m.version not in done]
    return MigrationStatus(backend, applied, pending)


def migrate(conn: Any) -> list[tuple[int, str]]:
    """Apply the pending migrations, each in one transaction; return those applied."""
    backend = backend_of(conn)
    known = migrations(backend)
    done: list[tuple[int, str]] = []
    for migration in known:
        with _transaction(conn, backend):
            applied = _applied(conn, backend)
            _check_not_newer(applied[-1][0] if applied else 0, known[-1].version, backend)
            if migration.version in {v for v, _ in applied}:
                continue
            _apply(conn, backend, migration)
            done.append((migration.version, migration.name))
    return done


def _apply(conn: Any, backend: str, migration: Migration) -> None:
    """Run one migration's SQL and record it, inside the caller's transaction."""
    try:
        if backend == "sqlite":
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                         (migration.version, migration.name))  # fmt: skip
            # Read by xxai versions before this mechanism: they refuse a newer file.
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            return
        conn.execute(migration.sql)
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                     (migration.version, migration.name))  # fmt: skip
    except StoreError:
        raise
    except Exception as exc:  # sqlite3's or psycopg's errors; the transaction rolls back
        raise StoreError(
            f"migration {migration.version:04d}_{migration.name} failed: {exc}"
        ) from None


def connect(url: str) -> Any:
    """Open one autocommit connection to a PostgreSQL URL (transactions are explicit)."""
    import psycopg

    from xxai.storage.memory import redact

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"database {redact(url)}: {exc}") from None
