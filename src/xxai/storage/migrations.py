"""Versioned SQL migrations: ``sql/<backend>/NNNN_name.sql``, applied in order.

Each file runs in its own transaction together with its row in ``schema_migrations``, so a
failed migration leaves the database at the previous version. Replicas that start at once
take a transaction-level advisory lock first: one applies, the others find it applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from xxai.errors import StoreError

__all__ = ["Migration", "MigrationStatus", "migrate", "migrations", "status"]

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant shared by all xxai processes: "xxai" in ASCII.
_LOCK_ID = 0x78786169


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


def migrations(backend: str = "postgresql") -> list[Migration]:
    """Return the migration files the package ships for ``backend``, in order."""
    folder = resources.files("xxai.storage").joinpath("sql", backend)
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.append(_queue_schema())
    return sorted(found, key=lambda m: m.version)


def _queue_schema() -> Migration:
    """Return procrastinate's own schema (the job queue) as migration 4.

    The procrastinate version is pinned, so this text does not change under a database; a
    new procrastinate version will come with its own migration files as a new version here.
    """
    sql = resources.files("procrastinate").joinpath("sql", "schema.sql").read_text("utf-8")
    return Migration(4, "job_queue", sql)


def _applied(conn: Any) -> list[tuple[int, str]]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    rows = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
    return [(int(v), str(n)) for v, n in rows.fetchall()]


def status(conn: Any) -> MigrationStatus:
    """Return the applied and pending migrations of a PostgreSQL database."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        applied = _applied(conn)
    done = {v for v, _ in applied}
    known = migrations()
    if applied and applied[-1][0] > (known[-1].version if known else 0):
        raise StoreError(
            f"the database has schema version {applied[-1][0]}, newer than this xxai "
            f"understands ({known[-1].version if known else 0}); upgrade xxai"
        )
    pending = [(m.version, m.name) for m in known if m.version not in done]
    return MigrationStatus("postgresql", applied, pending)


def migrate(conn: Any) -> list[tuple[int, str]]:
    """Apply the pending migrations, each in one transaction; return those applied."""
    done: list[tuple[int, str]] = []
    for migration in migrations():
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
            if migration.version in {v for v, _ in _applied(conn)}:
                continue
            try:
                conn.execute(migration.sql)
            except Exception as exc:  # psycopg's errors; the transaction rolls back
                raise StoreError(
                    f"migration {migration.version:04d}_{migration.name} failed: {exc}"
                ) from None
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
            done.append((migration.version, migration.name))
    return done


def connect(url: str) -> Any:
    """Open one autocommit connection to a PostgreSQL URL (transactions are explicit)."""
    import psycopg

    from xxai.storage.memory import redact

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"database {redact(url)}: {exc}") from None
