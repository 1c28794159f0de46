package io.streamrelay.usage.entity;

import java.time.LocalDate;

/**
 * Totals of one key, model and UTC day, as {@code GET /api/usage} answers them; {@code estimatedTokens} is the part
 * of the prompt and completion tokens the relay estimated because the upstream reported none.
 */
public record UsageGroup(String key, String model, LocalDate day, long requests, long promptTokens,
                         long completionTokens, long reasoningTokens, double costUsd, long estimatedTokens) {
}
