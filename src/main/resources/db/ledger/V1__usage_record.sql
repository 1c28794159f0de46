-- The usage ledger's first schema: one row per generation (usage/entity/UsageRecord.java). Portable SQL: the same
-- file runs on the embedded H2 default and on PostgreSQL.
CREATE TABLE usage_record (
    generation_id     VARCHAR(64)      NOT NULL PRIMARY KEY,
    key_id            VARCHAR(200)     NOT NULL,
    model_requested   VARCHAR(200),
    model_answered    VARCHAR(200),
    upstream          VARCHAR(16)      NOT NULL,
    endpoint          VARCHAR(32)      NOT NULL,
    transport         VARCHAR(16)      NOT NULL,
    prompt_tokens     INTEGER          NOT NULL,
    completion_tokens INTEGER          NOT NULL,
    reasoning_tokens  INTEGER          NOT NULL,
    estimated         BOOLEAN          NOT NULL,
    cost_usd          DOUBLE PRECISION NOT NULL,
    first_token_ms    BIGINT           NOT NULL,
    duration_ms       BIGINT           NOT NULL,
    code              VARCHAR(40)      NOT NULL,
    ended_at          TIMESTAMP        NOT NULL,
    usage_day         DATE             NOT NULL
);
