"""Fixtures for the API tests: the app in-process on a fake engine, or on a real socket."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from xxai.api.app import create_app

from api_support import API_DEFAULTS, LiveServer, wait_ready
from fakes import FakeEngine, MakeService

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(make_service: MakeService, fake_engine: FakeEngine) -> Iterator[MakeClient]:
    """Build an app with some settings overridden and return a started client."""
    opened: list[TestClient] = []

    def make(wait: bool = True, **overrides: Any) -> TestClient:
        service = make_service(fake_engine, **{**API_DEFAULTS, **overrides})
        client = TestClient(
            create_app(service), raise_server_exceptions=False, base_url="http://127.0.0.1"
        )
        client.__enter__()
        opened.append(client)
        if wait:
            wait_ready(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


@pytest.fixture
def live_server(make_service: MakeService, fake_engine: FakeEngine) -> Iterator[LiveServer]:
    service = make_service(fake_engine, **API_DEFAULTS)
    with LiveServer(create_app(service)) as server:
        yield server
