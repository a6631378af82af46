-- The whole post store behind `xxai import` and `xxai search` (database_url set): every
-- column SQLite's posts table has, the posts' stored result translations, and a flag for
-- posts whose keyword document is still to be (re)built by xxai (rows of 0002 start so).
ALTER TABLE posts
    ADD COLUMN url TEXT NOT NULL DEFAULT '',
    ADD COLUMN author TEXT NOT NULL DEFAULT '',
    ADD COLUMN created_at TEXT NOT NULL DEFAULT '',
    ADD COLUMN created_epoch DOUBLE PRECISION,
    ADD COLUMN tags TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN metrics TEXT NOT NULL DEFAULT '{}',
    ADD COLUMN raw TEXT NOT NULL DEFAULT '{}',
    ADD COLUMN record_hash TEXT NOT NULL DEFAULT '',
    ADD COLUMN imported_at DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN indexed BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX posts_lang ON posts (lang);
CREATE INDEX posts_recent ON posts (created_epoch DESC NULLS LAST, pk DESC);
CREATE INDEX posts_unindexed ON posts (pk) WHERE NOT indexed;
CREATE TABLE post_translations (
    post BIGINT NOT NULL REFERENCES posts (pk) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    engine TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (post, lang)
);
