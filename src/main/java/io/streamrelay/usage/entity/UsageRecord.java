package io.streamrelay.usage.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A {@link LedgerEntry} as a row of {@code usage_record} (schema in {@code db/ledger}, by Flyway), plus its UTC
 * {@code day} for grouping. The generation id is the primary key, so a batch written twice (a retry after a commit
 * whose answer was lost) leaves one row per generation.
 */
@Entity
@Table(name = "usage_record")
public class UsageRecord {

    @Id
    @Column(name = "generation_id")
    private String generationId;
    @Column(name = "key_id")
    private String keyId;
    @Column(name = "model_requested")
    private String modelRequested;
    @Column(name = "model_answered")
    private String modelAnswered;
    private String upstream;
    private String endpoint;
    private String transport;
    @Column(name = "prompt_tokens")
    private int promptTokens;
    @Column(name = "completion_tokens")
    private int completionTokens;
    @Column(name = "reasoning_tokens")
    private int reasoningTokens;
    @Column(name = "cached_tokens")
    private int cachedTokens;
    private boolean estimated;
    @Column(name = "cost_usd")
    private double costUsd;
    @Column(name = "first_token_ms")
    private long firstTokenMs;
    @Column(name = "duration_ms")
    private long durationMs;
    private String code;
    @Column(name = "ended_at")
    private LocalDateTime endedAt;
    @Column(name = "usage_day")
    private LocalDate day;

    protected UsageRecord() {
    }

    /** Its row, strings cut to their columns' widths ({@link #fit}). */
    public static UsageRecord of(LedgerEntry entry) {
        UsageRecord row = new UsageRecord();
        row.generationId = fit(entry.generation(), 64);
        row.keyId = fit(entry.key(), 200);
        row.modelRequested = fit(entry.modelRequested(), 200);
        row.modelAnswered = fit(entry.modelAnswered(), 200);
        row.upstream = fit(entry.upstream(), 16);
        row.endpoint = fit(entry.endpoint(), 32);
        row.transport = fit(entry.transport(), 16);
        row.promptTokens = entry.promptTokens();
        row.completionTokens = entry.completionTokens();
        row.reasoningTokens = entry.reasoningTokens();
        row.cachedTokens = entry.cachedTokens();
        row.estimated = entry.estimated();
        row.costUsd = entry.costUsd();
        row.firstTokenMs = entry.firstTokenMs();
        row.durationMs = entry.durationMs();
        row.code = fit(entry.code(), 40);
        row.endedAt = entry.endedAt();
        row.day = entry.endedAt().toLocalDate();
        return row;
    }

    /**
     * Cut to its column's width (VARCHAR(n) in db/ledger's migrations): a model name the upstream made up must not
     * make the database refuse the row, and with it the whole batch.
     */
    static String fit(String value, int width) {
        return value == null || value.length() <= width ? value : value.substring(0, width);
    }

    public LedgerEntry entry() {
        return new LedgerEntry(generationId, keyId, modelRequested, modelAnswered, upstream, endpoint, transport,
                promptTokens, completionTokens, reasoningTokens, cachedTokens, estimated, costUsd, firstTokenMs,
                durationMs, code, endedAt);
    }
}
