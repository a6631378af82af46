"""A real PostgreSQL 16 with pgvector on 127.0.0.1, from the ``pgserver`` wheel's binaries.

pgserver itself listens on a Unix socket only; here it creates the data folder (and, as
root, the unprivileged system user PostgreSQL insists on), then the server is started on a
free TCP port of 127.0.0.1 as a client over the network would reach it.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["fresh_database", "postgres_or_skip", "postgres_server"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server(keep: Path | None = None) -> Iterator[str]:
    """Start a server; yield its URL (database ``postgres``, user ``postgres``).

    Throwaway by default; with ``keep``, the data folder is kept there and reused.
    """
    import pgserver  # type: ignore[import-untyped]
    from pgserver._commands import pg_ctl  # type: ignore[import-untyped]

    folder = keep or Path(tempfile.mkdtemp(prefix="xxai-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    data = folder / "data"
    server = pgserver.get_server(data, cleanup_mode=None)  # initdb, as pgserver does it
    user = server.system_user
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=user)
    port = _free_port()
    log = data / "tcp.log"
    pg_ctl(
        ["-w", "-o", f"-h 127.0.0.1 -p {port} -k {data}", "-l", str(log), "start"],
        pgdata=data,
        user=user,
        timeout=60,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        pg_ctl(["-w", "-m", "fast" if keep else "immediate", "stop"], pgdata=data, user=user)
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_or_skip() -> Iterator[str]:
    """A throwaway server for a test module, or a skip when it cannot start here."""
    import pytest

    try:
        manager = postgres_server()
        url = manager.__enter__()
    except Exception as exc:  # pgserver missing, or the server cannot start here
        pytest.skip(f"PostgreSQL (pgserver) could not start: {exc}")
    try:
        yield url
    finally:
        manager.__exit__(None, None, None)


def fresh_database(server: str) -> str:
    """Create a new, empty database on ``server``; return its URL."""
    import time

    import psycopg

    name = f"t{time.time_ns()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name
