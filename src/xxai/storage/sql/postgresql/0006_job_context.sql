-- A job may name a field read as each row's context (what a comment replies to, e.g. the
-- note's title): read by the engine, never translated. NULL: no context.
ALTER TABLE jobs ADD COLUMN context_field TEXT;
