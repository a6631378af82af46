"""Cross-lingual hybrid search: one query, run as typed, translated and glossary-expanded.

Every form of the query is looked up twice, by keywords (SQLite FTS5, bm25) and by meaning
(multilingual embeddings); web results (SearXNG) come in as more ranked lists. The lists are
merged by reciprocal rank fusion: a post scores the sum of 1 / (60 + rank) over every list
that found it, so one found by several forms of the query, and by both keywords and
meaning, rises to the top without having to compare bm25 scores with cosines.
"""

from __future__ import annotations

import functools
import logging
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from xxai.config import Settings
from xxai.errors import InputError, XxaiError
from xxai.languages import LANGUAGES, base_lang, normalize_lang
from xxai.pipeline import Translator
from xxai.search.embed import Embedder, load_embedder
from xxai.search.index import Indexer
from xxai.search.results import Key, QueryForm, SearchResponse, SearchResult, fuse, rrf
from xxai.search.store import PostStore, Store, StoredPost, default_db_path
from xxai.search.tokens import (
    Terms,
    coverage,
    highlight,
    query_terms,
    snippet,
)
from xxai.search.web import WebHit, WebSearchError, searxng_search
from xxai.text.langid import Detection, detect_language
from xxai.text.script import fold_key, strip_tones

__all__ = ["QueryForm", "SearchResponse", "SearchResult", "Searcher", "rrf"]

log = logging.getLogger(__name__)

# At most this many forms of a query are searched (as typed, translations, glossary).
MAX_FORMS = 6


@dataclass
class _Evidence:
    """How strongly one post matched: keyword coverage per form, and cosine by meaning."""

    coverage: dict[QueryForm, float] = field(default_factory=dict)
    cosine: float | None = None


@functools.cache
def _embedding_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="xxai-query-embedding")


_fold = fold_key


def _default_glossary() -> Any:
    try:
        from xxai.slang.glossary import default_glossary

        return default_glossary()
    except (ImportError, AttributeError, XxaiError) as exc:
        log.info("search runs without the glossary: %s", exc)
        return None


def _toneless(pinyin: str) -> str:
    return strip_tones(pinyin).casefold()


def _names(entry: Any, query: str) -> bool:
    """Return True when the query names the entry: a spelling, pinyin or rendering of it."""
    q = _fold(query)
    spellings = [entry.term, *getattr(entry, "variants", ())]
    renderings = [r for values in entry.renderings.values() for r in values]
    if q in {_fold(s) for s in (*spellings, *renderings)}:
        return True
    pinyin = _toneless(getattr(entry, "pinyin", "") or "")
    return bool(pinyin) and q.replace(" ", "") == pinyin.replace(" ", "")


def _card(entry: Any) -> dict[str, Any]:
    if hasattr(entry, "to_json"):
        data: dict[str, Any] = dict(entry.to_json())
    else:
        data = {
            "term": entry.term,
            "pinyin": getattr(entry, "pinyin", ""),
            "meaning": dict(entry.meaning),
            "renderings": {k: list(v) for k, v in entry.renderings.items()},
            "register": getattr(entry, "register", ""),
            "kind": getattr(entry, "kind", ""),
        }
    return data


class Searcher:
    """Search one store with a translator, an embedder and the glossary, as settings say.

    ``translator`` may be a function that builds one: it is called on the first search that
    needs it, so importing and indexing never load the translation model.
    """

    def __init__(
        self,
        translator: Translator | Callable[[], Translator],
        settings: Settings,
        store: PostStore | None = None,
        embedder: Embedder | Literal["setting"] | None = "setting",
        glossary: Any = "default",
    ) -> None:
        self._translator = translator
        self.settings = settings
        self.store: PostStore = store or Store(default_db_path(settings.home))
        self.embedder: Embedder | None = (
            load_embedder(settings.embed_model) if embedder == "setting" else embedder
        )
        self._glossary = _default_glossary() if glossary == "default" else glossary
        self._names: dict[str, list[tuple[int, Any]]] | None = None
        self.indexer = Indexer(self.store, self.embedder)

    @property
    def translator(self) -> Translator:
        """The translator, built on first use when a function was given."""
        if not isinstance(self._translator, Translator):
            self._translator = self._translator()
        return self._translator

    def detect(self, text: str) -> Detection:
        """Detect ``text``'s language as the pipeline does, without building the translator."""
        if isinstance(self._translator, Translator):
            return self._translator.detect(text)
        abbreviations = getattr(self._glossary, "abbreviations", None)
        return detect_language(text, abbreviations() if abbreviations else frozenset())

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    # -- the query and its forms -------------------------------------------------------

    def _names_index(self) -> dict[str, list[tuple[int, Any]]] | None:
        """Map each folded spelling, pinyin and rendering to (priority, entry), best first.

        Priority 0 is a spelling of the term, 1 its pinyin, 2 one of its renderings.
        """
        if self._names is None and self._glossary is not None:
            entries = getattr(self._glossary, "entries", None)
            if entries is None:
                return None
            ranked: dict[str, list[tuple[int, int, Any]]] = {}
            for order, entry in enumerate(entries):
                names = [(0, n) for n in (entry.term, *getattr(entry, "variants", ()))]
                pinyin = _toneless(getattr(entry, "pinyin", "") or "").replace(" ", "")
                if pinyin:
                    names.append((1, pinyin))
                names += [(2, r) for values in entry.renderings.values() for r in values]
                for priority, name in names:
                    ranked.setdefault(_fold(name), []).append((priority, order, entry))
            self._names = {}
            for key, items in ranked.items():
                unique: dict[str, tuple[int, Any]] = {}
                for priority, _order, entry in sorted(items, key=lambda t: t[:2]):
                    unique.setdefault(entry.term, (priority, entry))
                self._names[key] = list(unique.values())
        return self._names

    def glossary_entries(self, query: str, limit: int = 3) -> list[Any]:
        """Return the glossary entries the query names, or that occur in it.

        A query that spells a term ("躺平", "yyds") gets that term's card; one that only
        equals a rendering ("lying flat") gets the cards of the terms it renders.
        """
        if self._glossary is None:
            return []
        found: list[Any] = []
        try:
            names = self._names_index()
            if names is not None:
                q = _fold(query)
                hits = names.get(q) or names.get(q.replace(" ", ""), [])
                best = min((priority for priority, _ in hits), default=0)
                found = [entry for priority, entry in hits if priority < 2 or best == 2]
            else:
                found = [e for e in self._glossary.lookup(query, limit + 2) if _names(e, query)]
            finder = getattr(self._glossary, "matches", None)
            if callable(finder) and len(query) > 1:
                for _start, _end, entry in finder(query):
                    if all(entry.term != e.term for e in found):
                        found.append(entry)
        except (AttributeError, XxaiError) as exc:
            log.info("glossary lookup failed: %s", exc)
        return found[:limit]

    def _targets(self, query_lang: str, extra: Sequence[str]) -> list[str]:
        """Return the languages a query is translated into: the collection's other ones."""
        counts: dict[str, int] = {}
        for lang, n in self.store.languages().items():
            if lang != "und":
                counts[base_lang(lang)] = counts.get(base_lang(lang), 0) + n
        ordered = sorted(counts, key=lambda lang: -counts[lang])
        targets = [lang for lang in ordered if lang != base_lang(query_lang)][:3]
        for lang in extra:
            if lang and base_lang(lang) != base_lang(query_lang) and lang not in targets:
                targets.append(base_lang(lang))
        return targets

    def forms(
        self,
        query: str,
        query_lang: str,
        entries: Sequence[Any],
        targets: Sequence[str],
        translate: bool,
        notices: list[str],
    ) -> list[QueryForm]:
        """Return the query as typed, its translations and its glossary expansions."""
        forms = [QueryForm(query, query_lang, "query")]
        seen = {_fold(query)}

        def add(text: str, lang: str, kind: str) -> None:
            if text.strip() and _fold(text) not in seen and len(forms) < MAX_FORMS:
                seen.add(_fold(text))
                forms.append(QueryForm(text.strip(), lang, kind))

        if translate:
            for target in targets:
                try:
                    result = self.translator.translate_many([query], target, query_lang)[0]
                except XxaiError as exc:
                    notices.append(
                        f"the query was not translated into {target} ({exc}); searching "
                        "with it as typed"
                    )
                    break
                add(result.translation, target, "translation")
        languages = [base_lang(query_lang), *targets]
        for entry in entries:
            add(entry.term, getattr(entry, "lang", "") or "", "glossary")
            for lang in languages:
                renderings = entry.renderings.get(lang, [])
                if renderings:
                    add(renderings[0], lang, "glossary")
        return forms

    # -- ranking -----------------------------------------------------------------------

    def local_lists(
        self,
        forms: Sequence[QueryForm],
        depth: int,
        notices: list[str],
        early: Future[Any] | None = None,
        evidence: dict[int, _Evidence] | None = None,
    ) -> list[tuple[str, QueryForm, list[int], dict[int, float]]]:
        """Return ranked post keys, and their weights, per (kind of match, form of the query).

        A keyword hit weighs the square of the share of the query's terms the post holds, so
        a post that shares one name with a long query ("Tom") does not outrank what the
        query means. ``early``, when given, is the embedding of ``forms[0]`` under way.
        """
        lists: list[tuple[str, QueryForm, list[int], dict[int, float]]] = []
        for form in forms:
            terms = query_terms(form.text)
            if terms:
                pks = [pk for pk, _ in self.store.keyword_search(terms, depth)]
                texts = self.store.fts_texts(pks)
                # Squared: on Tatoeba, an English query sharing only "Tom" with a Chinese
                # post otherwise outranked the right post (recall@1 0.88 -> 0.90).
                shares = {pk: coverage(terms, *texts.get(pk, ("", ""))) for pk in pks}
                weights = {pk: share**2 for pk, share in shares.items()}
                lists.append(("keyword", form, pks, weights))
                if evidence is not None:
                    for pk, share in shares.items():
                        evidence.setdefault(pk, _Evidence()).coverage[form] = share
        semantic = [f for f in forms if f.kind in {"query", "translation"}]
        if self.embedder is not None and semantic:
            try:
                vectors = self.store.vectors(self.embedder.name)
                size = vectors.size()
                if size:
                    # One list from the mean of the query's and its translations' vectors:
                    # a language-neutral centre, so no one form's noise dominates.
                    wanted = [f.text for f in semantic]
                    if early is not None and semantic[0] is forms[0]:
                        encoded = early.result()
                        if len(wanted) > 1:
                            more = self.embedder.queries(wanted[1:])
                            encoded = np.concatenate([encoded, more])
                    else:
                        encoded = self.embedder.queries(wanted)
                    centre = encoded.mean(axis=0, keepdims=True)
                    centre /= max(float(np.linalg.norm(centre)), 1e-12)
                    hits = vectors.search(centre.astype(np.float32), depth)[0]
                    lists.append(("semantic", semantic[0], [pk for pk, _ in hits], {}))
                    if evidence is not None:
                        for pk, cosine in hits:
                            evidence.setdefault(pk, _Evidence()).cosine = float(cosine)
                missing = self.store.count() - size
                if missing > 0:
                    notices.append(
                        f"{missing} posts are not embedded yet, so they are found by keywords "
                        "only; run `xxai index` to embed them"
                    )
            except XxaiError as exc:
                notices.append(f"semantic search is off: {exc}")
        return lists

    # -- the whole search --------------------------------------------------------------

    def search(
        self,
        query: str,
        lang: str | None = None,
        limit: int | None = None,
        web: bool | None = None,
        translate_query: bool | None = None,
        translate_results: bool = True,
    ) -> SearchResponse:
        """Search posts, the glossary and (optionally) the web; translate results into ``lang``.

        Results are translated into ``lang``, by default the query's own language (the
        reader's); ``translate_results=False`` (with ``translate_query=False``) answers
        without any model call. Only posts above the relevance floor are returned.
        """
        settings = self.settings
        query, limit = self._checked(query, limit)
        lang = normalize_lang(lang) if lang else None
        web = bool(settings.searxng_url) if web is None else web
        translate = settings.search_translate if translate_query is None else translate_query
        notices: list[str] = []
        timings: dict[str, float] = {}
        started = time.perf_counter()

        # The query's embedding (C code, without the GIL) runs while we detect its language,
        # look up the glossary, translate it and search the full text.
        early = (
            _embedding_pool().submit(self.embedder.queries, [query])
            if self.embedder is not None
            else None
        )
        query_lang = self.detect(query).lang
        if query_lang == "und":
            query_lang = lang or "en"
        if lang is None and translate_results:
            lang = base_lang(query_lang)
        entries = self.glossary_entries(query)
        extra = ["zh" if base_lang(query_lang) != "zh" else "en"] if web else []
        targets = self._targets(query_lang, extra) if translate or web else []
        mark = time.perf_counter()
        forms = self.forms(query, query_lang, entries, targets, translate, notices)
        timings["translate_query"] = time.perf_counter() - mark

        evidence: dict[int, _Evidence] = {}
        lists, web_lists = self._gather(forms, limit, web, early, notices, timings, evidence)
        scores, found_by, hits = fuse(lists, web_lists)
        ranked = sorted(scores, key=lambda key: (-scores[key], str(key[1])))
        cosines = [e.cosine for e in evidence.values() if e.cosine is not None]
        floor = _Floor(
            settings.search_min_similarity,
            settings.search_min_coverage,
            max(cosines, default=1.0) - settings.search_similarity_margin,
        )
        kept = [key for key in ranked if key[0] == "web" or floor.passes(evidence.get(key[1]))]
        results = self._results(kept[:limit], scores, found_by, hits, forms, (floor, evidence))
        mark = time.perf_counter()
        wanted = translate_results and (lang is not None or any(r.kind == "web" for r in results))
        if wanted:
            self._translate_results(results, lang or base_lang(query_lang), forms, notices)
        timings["translate_results"] = time.perf_counter() - mark
        timings["total"] = time.perf_counter() - started
        return SearchResponse(
            query=query,
            query_lang=query_lang,
            forms=forms,
            results=results,
            glossary=[_card(e) for e in entries],
            notices=notices,
            timings=timings,
        )

    def _checked(self, query: str, limit: int | None) -> tuple[str, int]:
        """Return the normalized query and the result limit, or raise InputError."""
        query = unicodedata.normalize("NFC", query).strip()
        if not query:
            raise InputError("the search query is empty")
        limit = limit or self.settings.search_limit
        if limit < 1:
            raise InputError("the number of results must be at least 1")
        return query, limit

    def _gather(
        self,
        forms: Sequence[QueryForm],
        limit: int,
        web: bool,
        early: Future[Any] | None,
        notices: list[str],
        timings: dict[str, float],
        evidence: dict[int, _Evidence],
    ) -> tuple[list[tuple[str, QueryForm, list[int], dict[int, float]]], list[list[WebHit]]]:
        """Run the query's forms against the collection (and the web), timing each."""
        mark = time.perf_counter()
        lists = self.local_lists(forms, max(50, limit * 5), notices, early, evidence)
        timings["local"] = time.perf_counter() - mark
        mark = time.perf_counter()
        web_lists = self._web(forms, limit, notices) if web else []
        timings["web"] = time.perf_counter() - mark
        if self.store.count() == 0:
            notices.append(
                f"no posts imported yet in {self.store.location}; add some with `xxai import FILE`"
            )
        return lists, web_lists

    def _web(
        self, forms: Sequence[QueryForm], limit: int, notices: list[str]
    ) -> list[list[WebHit]]:
        settings = self.settings
        if not settings.searxng_url:
            notices.append(
                "web search needs a SearXNG instance: set searxng_url (XXAI_SEARXNG_URL)"
            )
            return []
        queries = [(f.text, None) for f in forms if f.kind in {"query", "translation"}]
        try:
            return searxng_search(
                settings.searxng_url, queries, timeout=settings.searxng_timeout, limit=limit
            )
        except WebSearchError as exc:
            notices.append(f"web search failed: {exc}; showing local results only")
            return []

    def _results(
        self,
        top: Sequence[Key],
        scores: dict[Key, float],
        found_by: dict[Key, tuple[set[str], list[str]]],
        hits: dict[str, WebHit],
        forms: Sequence[QueryForm],
        judged: tuple[_Floor, dict[int, _Evidence]] | None = None,
    ) -> list[SearchResult]:
        posts = self.store.posts([key for kind, key in top if kind == "post"])
        terms = [query_terms(f.text) for f in forms]
        results = []
        for key in top:
            kind, ident = key
            hows, via = found_by.get(key, (set(), []))
            matched: list[str] = [h for h in ("keyword", "semantic", "web") if h in hows]
            if kind == "post":
                post = posts.get(ident)
                if post is None:
                    continue
                result = self._post_result(post, scores[key], terms)
                if judged is not None:
                    floor, evidence = judged
                    result.why = floor.reasons(evidence.get(ident), result.why)
            else:
                hit = hits[ident]
                detected = self.detect(f"{hit.title}\n{hit.content}").lang
                result = SearchResult(
                    kind="web", id=hit.url, text=hit.content, lang=detected,
                    score=scores[key], title=hit.title, url=hit.url, source=hit.engine or "web",
                )  # fmt: skip
                spans = highlight(hit.content, terms)
                result.snippet, result.highlights = snippet(hit.content, spans)
                result.why = [f"found on the web ({result.source})"]
            result.matched, result.via = matched, list(via)
            results.append(result)
        return results

    @staticmethod
    def _post_result(post: StoredPost, score: float, terms: Sequence[Terms]) -> SearchResult:
        result = SearchResult(
            kind="post", id=post.id, text=post.text, lang=post.lang, score=score,
            title=post.title, url=post.url, source=post.source, author=post.author,
            created_at=post.created_at, tags=list(post.tags),
        )  # fmt: skip
        body = post.text or post.title
        spans = highlight(body, terms)
        if not spans and not highlight(post.title, terms):
            from xxai.search.feed import comment_texts

            for comment in comment_texts(post.raw):
                found = highlight(comment, terms)
                if found:  # the words are in a comment: show that comment
                    result.snippet, result.highlights = snippet(comment, found)
                    result.why = ["in a comment"]
                    return result
        result.snippet, result.highlights = snippet(body, spans)
        return result

    def _translate_results(
        self,
        results: list[SearchResult],
        lang: str,
        forms: Sequence[QueryForm],
        notices: list[str],
    ) -> None:
        """Give each result not in ``lang`` its translation; posts' translations are stored."""
        todo = [r for r in results if base_lang(r.lang) != base_lang(lang) and r.lang != "und"]
        if not todo:
            return
        stored: dict[tuple[str, str], Any] = {}
        post_keys = {(r.source, r.id) for r in todo if r.kind == "post"}
        known = self.store.existing(post_keys)
        pk_of = {key: value[0] for key, value in known.items()}
        if pk_of:
            cached = self.store.translations(list(pk_of.values()), lang)
            for key, pk in pk_of.items():
                if pk in cached:
                    stored[key] = cached[pk]
        missing = [r for r in todo if (r.source, r.id) not in stored]
        texts: list[str] = []
        for r in missing:
            texts.extend([r.text, r.title])
        outputs: list[str] = []
        if missing:
            try:
                translated = self.translator.translate_many(texts, lang)
                outputs = [t.translation for t in translated]
            except XxaiError as exc:
                notices.append(f"results were not translated into {lang}: {exc}")
                missing = []
        engine = self.translator.engine.name if missing else ""
        new: list[tuple[int, str, str, str, str]] = []
        for index, r in enumerate(missing):
            text, title = outputs[2 * index], outputs[2 * index + 1]
            stored[(r.source, r.id)] = _Translated(title, text)
            if r.kind == "post" and (r.source, r.id) in pk_of:
                new.append((pk_of[(r.source, r.id)], lang, title, text, engine))
        if new:
            self.indexer.add_translations(new)
        terms = [query_terms(f.text) for f in forms]
        for r in todo:
            found = stored.get((r.source, r.id))
            if found is None:
                continue
            r.translation, r.translation_lang, r.translation_title = found.text, lang, found.title
            spans = highlight(found.text, terms)
            r.translation_snippet, r.translation_highlights = snippet(found.text, spans)


_KIND_LABEL = {
    "query": "has the words of “{text}”",
    "translation": "has “{text}”, the query in {lang}",
    "glossary": "has “{text}”, slang the query names",
}


@dataclass(frozen=True)
class _Floor:
    """The relevance floor: enough of the query's words, or close enough in meaning.

    Cosines of a small multilingual model crowd together (unrelated sentences score 0.84
    against a query, the right one 0.89), so "close" means both over ``min_similarity``
    and near the best cosine of this search (``near_best``): on Tatoeba, precision went
    from 0.10 to 0.88-0.96 at recall@10 0.88-0.94 (benchmarks/search_floor.py).
    """

    min_similarity: float
    min_coverage: float
    near_best: float

    def _needed(self, form: QueryForm) -> float:
        if self.min_coverage <= 0:
            return 0.0
        terms = query_terms(form.text)
        count = len(terms.han) + len(terms.latin)
        return 1.0 if count <= 2 else self.min_coverage

    def keyword_forms(self, evidence: _Evidence) -> list[QueryForm]:
        """Return the forms of the query whose words the post holds enough of."""
        return [
            form
            for form, share in evidence.coverage.items()
            if share > 0 and share >= self._needed(form) - 1e-9
        ]

    def close_in_meaning(self, evidence: _Evidence) -> bool:
        if evidence.cosine is None:
            return False
        if self.min_similarity <= 0:
            return True  # the floor is off
        return evidence.cosine >= self.min_similarity and evidence.cosine >= self.near_best

    def passes(self, evidence: _Evidence | None) -> bool:
        """Return True when a post clears the floor."""
        if evidence is None:
            return False
        return bool(self.keyword_forms(evidence)) or self.close_in_meaning(evidence)

    def reasons(self, evidence: _Evidence | None, before: Sequence[str] = ()) -> list[str]:
        """Say, in words, why a post matched."""
        if evidence is None:
            return list(before)
        out: list[str] = []
        for form in self.keyword_forms(evidence)[:2]:
            name = LANGUAGES[form.lang].name if form.lang in LANGUAGES else form.lang
            out.append(_KIND_LABEL.get(form.kind, "has “{text}”").format(text=form.text, lang=name))
        out.extend(before)
        if self.close_in_meaning(evidence):
            out.append(f"close in meaning (similarity {evidence.cosine:.2f})")
        return out


@dataclass(frozen=True)
class _Translated:
    title: str
    text: str
