package io.streamrelay.usage.entity;

import java.time.LocalDateTime;

/**
 * One generation's usage as the ledger records it. {@code key} is the gateway key's id (never its secret), or
 * {@code anonymous} when keys are off; {@code upstream} is {@code primary}, {@code fallback} or {@code offline};
 * {@code endpoint} the path family ({@code /api/chat}, {@code /ndjson/chat}, {@code /v1/chat/completions},
 * {@code /api/generations}) and {@code transport} the first client's ({@code sse}, {@code ndjson}, {@code openai},
 * {@code none}); {@code estimated} when the upstream reported no counts and the relay counted pieces of output
 * instead. Times UTC, durations in milliseconds ({@code firstTokenMs} -1 when nothing came), cost in USD.
 */
public record LedgerEntry(String generation, String key, String modelRequested, String modelAnswered,
                          String upstream, String endpoint, String transport, int promptTokens, int completionTokens,
                          int reasoningTokens, int cachedTokens, boolean estimated, double costUsd,
                          long firstTokenMs, long durationMs, String code, LocalDateTime endedAt) {
}
