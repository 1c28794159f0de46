-- Cached prompt tokens (prompt_tokens_details.cached_tokens, DeepSeek's prompt_cache_hit_tokens), 0 for the rows
-- written before; and the index GET /api/usage and the budgets' restart read by (a day range, one key).
ALTER TABLE usage_record ADD COLUMN cached_tokens INTEGER DEFAULT 0 NOT NULL;
CREATE INDEX usage_record_day_key ON usage_record (usage_day, key_id);
