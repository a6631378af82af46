-- Keyword rows hold words stemmed by xxai (search.tokens), the tokens PostgreSQL indexes
-- too, so FTS5 must not stem them again. The rows are rebuilt from the posts by xxai when
-- it next opens the store (the meta flag), as `xxai index` would: no post is lost.
DROP TABLE posts_fts;
CREATE VIRTUAL TABLE posts_fts USING fts5 (
    words, grams, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT OR REPLACE INTO meta (key, value) VALUES ('keywords_stale', '1');
