"""Fixtures for the API tests: the app in-process on a fake engine, or on a real socket."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from xxai.api.app import create_app
from xxai.service import Service

from api_support import LiveServer, settings_for, wait_ready
from fakes import FakeEngine

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path, fake_engine: FakeEngine) -> Iterator[MakeClient]:
    """Build an app with some settings overridden and return a started client."""
    opened: list[tuple[TestClient, Service]] = []

    def make(wait: bool = True, **overrides: Any) -> TestClient:
        service = Service(settings_for(tmp_path / "home", **overrides), {"fake": fake_engine})
        client = TestClient(create_app(service), raise_server_exceptions=False)
        client.__enter__()
        opened.append((client, service))
        if wait:
            wait_ready(client)
        return client

    yield make
    for client, service in opened:
        client.__exit__(None, None, None)
        service.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


@pytest.fixture
def live_server(tmp_path: Path, fake_engine: FakeEngine) -> Iterator[LiveServer]:
    service = Service(settings_for(tmp_path / "home"), {"fake": fake_engine})
    with LiveServer(create_app(service)) as server:
        yield server
    service.close()
