-- The slang each row's text holds and how it was rendered (a JSON list of {term, start, end,
-- meaning, rendering}), as every other result gives it.
ALTER TABLE job_rows ADD COLUMN terms JSONB;
