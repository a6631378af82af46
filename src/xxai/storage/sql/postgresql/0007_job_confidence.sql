-- How far to trust each row's translation, as every other result says: "high" or "low",
-- and why (a JSON list of reasons).
ALTER TABLE job_rows ADD COLUMN confidence TEXT, ADD COLUMN confidence_reasons JSONB;
