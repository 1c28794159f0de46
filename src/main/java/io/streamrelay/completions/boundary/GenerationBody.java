package io.streamrelay.completions.boundary;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.upstream.entity.Usage;

/**
 * The JSON entity of {@code POST /api/generations} and {@code GET /api/generations/{id}}, written by the
 * registered Jackson provider: {@code {"id","status","model","text","usage":null|{"prompt_tokens",
 * "completion_tokens","total_tokens"[,"estimated":true]},"events","ndjson"}}; the last two are the URLs to follow
 * it by SSE and NDJSON.
 */
@JsonPropertyOrder({"id", "status", "model", "text", "usage", "events", "ndjson"})
public record GenerationBody(String id, String status, String model, String text, UsageBody usage, String events,
                             String ndjson) {

    @JsonPropertyOrder({"prompt_tokens", "completion_tokens", "total_tokens", "estimated"})
    public record UsageBody(int promptTokens, int completionTokens, int totalTokens,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean estimated) {
    }

    static GenerationBody of(GenerationView view, String contextPath) {
        Usage usage = view.usage();
        return new GenerationBody(view.id(), view.status(), view.model(), view.text(), usage == null ? null
                : new UsageBody(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), usage.estimated()),
                contextPath + "/api/generations/" + view.id() + "/events", contextPath + "/ndjson/generations/" + view.id());
    }
}
