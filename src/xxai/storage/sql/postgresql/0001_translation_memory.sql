-- The translation memory, shared by every xxai process on this database.
CREATE TABLE translations (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    model TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    translation TEXT NOT NULL,
    created DOUBLE PRECISION NOT NULL,
    hits BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX translations_engine ON translations (engine, model);
