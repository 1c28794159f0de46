package io.streamrelay.cluster.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.Usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of events as the grid stores it: a JSON array of the events' own wire objects (NDJSON's), so that only
 * strings cross into the grid (its threads cannot load the WAR's classes).
 */
final class EventJson {

    private EventJson() {
    }

    static String encode(List<StreamEvent> events) {
        StringBuilder out = new StringBuilder(64 * events.size()).append('[');
        for (StreamEvent event : events) {
            if (out.length() > 1) {
                out.append(',');
            }
            event.appendJson(out);
        }
        return out.append(']').toString();
    }

    static List<StreamEvent> decode(String batch) {
        try {
            List<StreamEvent> events = new ArrayList<>();
            for (JsonNode node : RelayJson.MAPPER.readTree(batch)) {
                events.add(event(node));
            }
            return events;
        } catch (IOException broken) {
            throw new UncheckedIOException(broken);
        }
    }

    static StreamEvent event(JsonNode e) {
        long seq = e.path("seq").asLong();
        return switch (e.path("type").asText()) {
            case "start" -> new StreamEvent.Start(seq, text(e, "generation"), text(e, "model"));
            case "token" -> new StreamEvent.Token(seq, text(e, "text"));
            case "reasoning" -> new StreamEvent.Reasoning(seq, text(e, "text"));
            case "refusal" -> new StreamEvent.Refusal(seq, text(e, "text"));
            case "tool_call" -> new StreamEvent.ToolCall(seq, e.path("index").asInt(), text(e, "id"), text(e, "name"),
                    text(e, "arguments"));
            case "logprobs" -> new StreamEvent.Logprobs(seq, e.get("logprobs").toString());
            case "done" -> {
                JsonNode u = e.path("usage");
                yield new StreamEvent.Done(seq, text(e, "finish_reason"), new Usage(u.path("prompt_tokens").asInt(),
                        u.path("completion_tokens").asInt(), u.path("total_tokens").asInt(),
                        u.path("estimated").asBoolean()), text(e, "model"));
            }
            case "error" -> new StreamEvent.Failure(seq, ErrorCode.of(text(e, "code")), text(e, "message"),
                    e.path("retryable").asBoolean(), ErrorCode.of(text(e, "cause")),
                    e.has("retry_after_ms") ? e.get("retry_after_ms").asLong() : -1);
            default -> throw new IllegalArgumentException("not a stored event: " + e.path("type").asText());
        };
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
