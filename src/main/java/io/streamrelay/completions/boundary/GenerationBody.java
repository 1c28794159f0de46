package io.streamrelay.completions.boundary;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.upstream.entity.Usage;

import java.util.List;

/**
 * The JSON entity of {@code POST /api/generations} and {@code GET /api/generations/{id}}, written by the
 * registered Jackson provider: {@code {"id","status","model","text","usage":null|{"prompt_tokens",
 * "completion_tokens","total_tokens"[,"estimated":true]},"events","ndjson"}}; the last two are the URLs to follow
 * it by SSE and NDJSON. After {@code text}, only when there are any: {@code "tool_calls":[{"index","id","type":
 * "function","function":{"name","arguments"}}]} (assembled from the {@code tool_call} fragments) and
 * {@code "refusal"}.
 */
@JsonPropertyOrder({"id", "status", "model", "text", "tool_calls", "refusal", "usage", "events", "ndjson"})
public record GenerationBody(String id, String status, String model, String text,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCallBody> toolCalls,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String refusal, UsageBody usage,
                             String events, String ndjson) {

    /** OpenAI's shape of an assembled call. */
    @JsonPropertyOrder({"index", "id", "type", "function"})
    public record ToolCallBody(int index, String id, String type, FunctionBody function) {
    }

    @JsonPropertyOrder({"name", "arguments"})
    public record FunctionBody(String name, String arguments) {
    }

    @JsonPropertyOrder({"prompt_tokens", "completion_tokens", "total_tokens", "estimated"})
    public record UsageBody(int promptTokens, int completionTokens, int totalTokens,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean estimated) {
    }

    static GenerationBody of(GenerationView view, String contextPath) {
        Usage usage = view.usage();
        List<ToolCallBody> calls = view.toolCalls().stream().map(c -> new ToolCallBody(c.index(), c.id(), "function",
                new FunctionBody(c.name(), c.arguments()))).toList();
        return new GenerationBody(view.id(), view.status(), view.model(), view.text(), calls, view.refusal(),
                usage == null ? null
                : new UsageBody(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), usage.estimated()),
                contextPath + "/api/generations/" + view.id() + "/events", contextPath + "/ndjson/generations/" + view.id());
    }
}
