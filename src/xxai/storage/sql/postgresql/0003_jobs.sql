-- Jobs: a file's rows to translate, split into chunks that workers take from the queue
-- (procrastinate's tables come with migration 0004). A row's output is written once.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    field TEXT NOT NULL,
    total INTEGER NOT NULL,
    created DOUBLE PRECISION NOT NULL
);
CREATE TABLE job_rows (
    job BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    row_no INTEGER NOT NULL,
    record JSONB NOT NULL,
    output TEXT,
    done_by TEXT,
    PRIMARY KEY (job, row_no)
);
CREATE INDEX job_rows_pending ON job_rows (job, row_no) WHERE output IS NULL;
