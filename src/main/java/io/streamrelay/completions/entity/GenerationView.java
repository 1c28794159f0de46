package io.streamrelay.completions.entity;

import io.streamrelay.upstream.entity.Usage;

import java.util.List;

/**
 * What {@code GET /api/generations/{id}} tells: the state, the text so far, the tool calls assembled from their
 * fragments (by index, in index order), the refusal text (null: none) and, once known, the usage.
 */
public record GenerationView(String id, String status, String model, String text, Usage usage,
                             List<ToolCall> toolCalls, String refusal) {

    public GenerationView {
        toolCalls = List.copyOf(toolCalls);
    }

    public GenerationView(String id, String status, String model, String text, Usage usage) {
        this(id, status, model, text, usage, List.of(), null);
    }

    /** One call: the first id and name its fragments gave (null: none did), its arguments concatenated. */
    public record ToolCall(int index, String id, String name, String arguments) {
    }
}
