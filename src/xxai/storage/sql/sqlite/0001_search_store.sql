-- The search store (search.sqlite): posts, their result translations, the FTS5 keyword
-- rows, embeddings and a key/value table. Databases made before the versioned files
-- carry PRAGMA user_version 1 or 2 instead of schema_migrations rows: they are adopted.
CREATE TABLE posts (
    pk INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'und',
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    metrics TEXT NOT NULL DEFAULT '{}',
    raw TEXT NOT NULL DEFAULT '{}',
    record_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    imported_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (source, id)
);
CREATE INDEX posts_lang ON posts (lang);
CREATE TABLE translations (
    post INTEGER NOT NULL REFERENCES posts (pk) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    engine TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (post, lang)
);
CREATE TABLE embeddings (
    post INTEGER PRIMARY KEY REFERENCES posts (pk) ON DELETE CASCADE,
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL
);
CREATE VIRTUAL TABLE posts_fts USING fts5 (
    words, grams, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
