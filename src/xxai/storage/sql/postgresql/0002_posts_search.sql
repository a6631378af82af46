-- The post collection and its search index: the same pre-tokenised words and character
-- bigrams as SQLite's FTS5 table (a tsvector built by xxai, so the server needs no Chinese
-- parser), and embeddings in pgvector with an HNSW index for cosine distance.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE posts (
    pk BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'und',
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    words TEXT NOT NULL DEFAULT '',
    grams TEXT NOT NULL DEFAULT '',
    document TSVECTOR NOT NULL DEFAULT ''::tsvector,
    updated_at DOUBLE PRECISION NOT NULL,
    UNIQUE (source, id)
);
CREATE INDEX posts_document ON posts USING gin (document);
CREATE TABLE embeddings (
    post BIGINT PRIMARY KEY REFERENCES posts (pk) ON DELETE CASCADE,
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector vector(384) NOT NULL
);
CREATE INDEX embeddings_hnsw ON embeddings USING hnsw (vector vector_cosine_ops)
    WITH (m = 16, ef_construction = 128);
