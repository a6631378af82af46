-- Each embedding records the vectors generation that wrote it, so the ANN index can catch
-- up with only the newer rows; the store gets an id, so an index file of another database
-- is never taken for this one's.
ALTER TABLE embeddings ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
CREATE INDEX embeddings_generation ON embeddings (model, generation);
INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(8))));
