package io.streamrelay.completions.entity;

import io.streamrelay.upstream.entity.Usage;

/** What {@code GET /api/generations/{id}} tells: the state, the text so far and, once known, the usage. */
public record GenerationView(String id, String status, String model, String text, Usage usage) {
}
