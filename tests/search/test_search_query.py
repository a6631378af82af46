"""Searching: cross-lingual matches, Chinese full text, glossary cards, translated results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from searchkit import CORPUS, write_jsonl

from xxai.errors import InputError
from xxai.search.importer import import_file
from xxai.search.index import Indexer
from xxai.search.query import Searcher
from xxai.search.store import Store
from xxai.search.tokens import match_expression, query_terms
from xxai.service import Service

from fakes import FakeEngine


def _ids(searcher: Searcher, query: str, **kwargs: object) -> list[str]:
    return [r.id for r in searcher.search(query, **kwargs).results]  # type: ignore[arg-type]


def _keyword(store: Store, query: str) -> list[int]:
    expression = match_expression(query_terms(query))
    assert expression is not None
    return [pk for pk, _ in store.fts_search(expression, 10)]


def test_an_english_query_finds_the_chinese_post(searcher: Searcher) -> None:
    assert _ids(searcher, "my cat wakes me up every morning", translate_query=False)[0] == "p3"


def test_a_chinese_query_finds_the_english_post(searcher: Searcher) -> None:
    assert _ids(searcher, "雪地里玩的狗", translate_query=False)[0] == "p9"


def test_chinese_keywords_match_whole_words_not_characters(
    searcher: Searcher, store: Store
) -> None:
    pk = {post.id: post.pk for batch in store.iter_posts() for post in batch}
    assert _keyword(store, "躺平") == [pk["p1"]]
    assert _keyword(store, "平安") == [pk["p5"]]
    # 平 alone is neither the 平 of 躺平 nor of 平安.
    assert _keyword(store, "平") == []


def test_simplified_query_finds_traditional_post(searcher: Searcher, store: Store) -> None:
    assert _keyword(store, "下雨天看书") == [store.get("generic", "p6").pk]  # type: ignore[union-attr]


def test_english_keywords_match_other_word_forms(searcher: Searcher, store: Store) -> None:
    assert _keyword(store, "dogs played") == [store.get("generic", "p9").pk]  # type: ignore[union-attr]


def test_the_query_translation_finds_posts_keywords_alone_would_miss(
    service: Service, store: Store, searcher: Searcher
) -> None:
    keyword_only = Searcher(
        service.translator(), service.settings, store, embedder=None, glossary=None
    )
    assert "p3" not in _ids(keyword_only, "cat", translate_query=False)
    response = keyword_only.search("cat")
    assert [r.id for r in response.results] == ["p3"]
    assert ("猫", "translation") in [(f.text, f.kind) for f in response.forms]


def test_slang_query_shows_the_glossary_card_first_and_finds_the_post(
    service: Service, store: Store, searcher: Searcher
) -> None:
    keyword_only = Searcher(service.translator(), service.settings, store, embedder=None)
    response = keyword_only.search("lying flat", translate_query=False)
    assert response.glossary and response.glossary[0]["term"] == "躺平"
    assert response.glossary[0]["meaning"]["en"]
    assert response.results[0].id == "p1"
    assert ("躺平", "glossary") in [(f.text, f.kind) for f in response.forms]


@dataclass
class _Entry:
    term: str
    lang: str
    pinyin: str
    meaning: dict[str, str]
    renderings: dict[str, list[str]]
    variants: tuple[str, ...] = ()
    register: str = "casual"
    kind: str = "initials"
    tags: list[str] = field(default_factory=list)


class _Glossary:
    def __init__(self) -> None:
        self.entries = [
            _Entry("yyds", "zh", "yǒng yuǎn de shén", {"en": "the greatest of all time"},
                   {"en": ["the GOAT"], "zh": ["永远的神"]}, variants=("永遠的神",))
        ]  # fmt: skip

    def lookup(self, query: str, limit: int = 5) -> list[_Entry]:
        return [e for e in self.entries if query.lower() in {e.term, *e.variants}][:limit]


def test_glossary_expansion_turns_initials_into_the_words_posts_use(
    service: Service, store: Store, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [
        {"id": "hotpot", "text": "这家火锅永远的神！", "lang": "zh"},
        {"id": "other", "text": "今天天气不错。", "lang": "zh"},
    ])  # fmt: skip
    import_file(path, Indexer(store, None), lambda t: "zh")
    searcher = Searcher(
        service.translator(), service.settings, store, embedder=None, glossary=_Glossary()
    )
    response = searcher.search("YYDS", translate_query=False)
    assert [r.id for r in response.results] == ["hotpot"]
    assert response.glossary[0]["term"] == "yyds"
    assert response.results[0].via == ["永远的神"]
    # The card's pinyin names the entry too.
    assert searcher.search("yongyuandeshen", translate_query=False).glossary[0]["term"] == "yyds"


def test_results_carry_a_cached_translation_with_highlights_in_both_languages(
    searcher: Searcher, store: Store, engine: FakeEngine
) -> None:
    response = searcher.search("coffee", lang="zh")
    top = response.results[0]
    assert top.id == "p8"
    assert top.translation == "柏林最好的咖啡在车站附近。"
    assert [top.text[s:e] for s, e in top.highlights] == ["coffee"]
    assert [top.translation_snippet[s:e] for s, e in top.translation_highlights] == ["咖啡"]

    asked = sum(1 for r in engine.requests if r.text == top.text)
    again = searcher.search("coffee", lang="zh").results[0]
    assert again.translation == top.translation
    assert sum(1 for r in engine.requests if r.text == top.text) == asked  # from the store
    # The stored translation is indexed: Chinese keywords now find the English post.
    assert store.get("generic", "p8").pk in _keyword(store, "车站")  # type: ignore[union-attr]


def test_posts_imported_later_are_found_without_a_rebuild(
    searcher: Searcher, store: Store, indexer: Indexer, tmp_path: Path
) -> None:
    before = searcher.search("我在学弹吉他", translate_query=False).results
    assert "new" not in [r.id for r in before]
    path = write_jsonl(tmp_path / "new.jsonl", [
        {"id": "new", "text": "I am learning to play the guitar.", "lang": "en"}
    ])  # fmt: skip
    import_file(path, indexer, lambda t: "en")
    assert searcher.search("我在学弹吉他", translate_query=False).results[0].id == "new"


def test_rebuild_restores_a_lost_index(searcher: Searcher, store: Store, indexer: Indexer) -> None:
    with store.write() as db:
        db.execute("DELETE FROM posts_fts")
        db.execute("DELETE FROM embeddings")
        store.bump_generation(db)
    lost = searcher.search("猫", translate_query=False)
    assert lost.results == [] and any("xxai index" in n for n in lost.notices)
    report = indexer.rebuild()
    assert report.posts == len(CORPUS) and report.embedded == len(CORPUS)
    assert searcher.search("猫", translate_query=False).results[0].id == "p3"


def test_an_empty_query_is_refused(searcher: Searcher) -> None:
    with pytest.raises(InputError, match="empty"):
        searcher.search("   ")


def test_limit_caps_the_results(searcher: Searcher) -> None:
    searcher.settings = searcher.settings.replace(search_min_similarity=0, search_min_coverage=0)
    assert len(searcher.search("cat", limit=2).results) == 2


def test_the_floor_keeps_only_relevant_posts_and_says_why(searcher: Searcher) -> None:
    # The trial: "lying flat" came back with 20 results, 1 relevant.
    response = searcher.search("lying flat", limit=20)
    assert [r.id for r in response.results] == ["p1"]
    why = response.results[0].why
    assert "has “躺平”, the query in Simplified Chinese" in why or any("躺平" in w for w in why)
    # Translated into the reader's language (the query's) without asking for it.
    assert response.results[0].translation_lang == "en"
    assert "lie flat" in (response.results[0].translation or "")


@pytest.mark.parametrize("query", ['"', "NEAR(", "a AND (b", "*", "😀", "-", "'; DROP TABLE posts"])
def test_odd_queries_do_not_break_the_search(searcher: Searcher, query: str) -> None:
    response = searcher.search(query, translate_query=False)
    # Nothing breaks; a query that means nothing finds (almost) nothing, each hit says why.
    assert len(response.results) <= 2 and all(r.why for r in response.results)


def test_an_empty_collection_says_how_to_fill_it(service: Service, store: Store) -> None:
    response = Searcher(service.translator(), service.settings, store).search("cat")
    assert response.results == []
    assert any("xxai import" in n for n in response.notices)


def test_comments_are_searchable_and_the_hit_shows_the_comment(
    searcher: Searcher, indexer: Indexer, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{
        "id": "c1", "text": "周末去了一家新店", "lang": "zh",
        "comments": [{"content": "求地址！", "replies": [{"content": "在静安寺旁边的小巷子里"}]}],
    }])  # fmt: skip
    import_file(path, indexer, lambda t: "zh")
    response = searcher.search("静安寺", translate_query=False, translate_results=False)
    top = response.results[0]
    assert top.id == "c1" and "in a comment" in top.why
    assert "静安寺" in top.snippet and top.snippet[slice(*top.highlights[0])] == "静安寺"
