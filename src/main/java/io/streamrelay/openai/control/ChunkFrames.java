package io.streamrelay.openai.control;

import io.streamrelay.completions.entity.JsonText;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.upstream.entity.Usage;

/**
 * Turns one generation's events into OpenAI's stream: {@code data: <chat.completion.chunk>} events, the usage chunk
 * ({@code choices: []}) when asked, {@code data: [DONE]} after a whole answer only, {@code event: error} with
 * {@code data: {"error":{...}}} after a failure (never {@code [DONE]}, which would read as success), and a
 * heartbeat as the comment line {@code : ping} with no blank line after it (docs/resume.md, "Heartbeats").
 * Written by hand: the hot path.
 * One instance per stream, called from one thread at a time.
 */
public final class ChunkFrames {

    private final boolean includeUsage;
    private final long created;
    private String id = "chatcmpl-";
    private String model = "";

    public ChunkFrames(boolean includeUsage, long createdEpochSeconds) {
        this.includeUsage = includeUsage;
        this.created = createdEpochSeconds;
    }

    public void bind(String generation) {
        id = "chatcmpl-" + generation;
    }

    public void append(StringBuilder out, StreamEvent event) {
        if (event instanceof StreamEvent.Token token) {
            text(out, "content", token.text());
        } else if (event instanceof StreamEvent.Reasoning reasoning) {
            text(out, "reasoning_content", reasoning.text());
        } else if (event instanceof StreamEvent.ToolCall call) {
            toolCall(out, call);
        } else if (event instanceof StreamEvent.Start start) {
            model = start.model() == null ? "" : start.model();
            head(out).append("{\"role\":\"assistant\",\"content\":\"\"}");
            tail(out, null);
        } else if (event instanceof StreamEvent.Refusal refusal) {
            text(out, "refusal", refusal.text());
        } else if (event instanceof StreamEvent.Logprobs logprobs) {
            head(out).append("{}");
            out.append(",\"logprobs\":").append(logprobs.json()).append(",\"finish_reason\":null}]}\n\n");
        } else if (event instanceof StreamEvent.Done done) {
            done(out, done);
        } else if (event instanceof StreamEvent.Failure failure) {
            // The event name is more than OpenAI sends: LangChain4j fails a stream only on an error event, while
            // the OpenAI SDKs (Java, Node, Python) raise on the error object whatever the event is called.
            out.append("event: error\ndata: ").append(OpenAiErrors.body(failure.code(), failure.message()))
                    .append("\n\n");
        } else {
            out.append(": ping\n");
        }
    }

    private void toolCall(StringBuilder out, StreamEvent.ToolCall call) {
        head(out).append("{\"tool_calls\":[{\"index\":").append(call.index());
        if (call.id() != null) {
            out.append(",\"id\":");
            JsonText.quote(out, call.id()).append(",\"type\":\"function\"");
        }
        out.append(",\"function\":{");
        if (call.name() != null) {
            out.append("\"name\":");
            JsonText.quote(out, call.name()).append(',');
        }
        out.append("\"arguments\":");
        JsonText.quote(out, call.arguments() == null ? "" : call.arguments()).append("}}]}");
        tail(out, null);
    }

    private void done(StringBuilder out, StreamEvent.Done done) {
        if (done.model() != null) {
            model = done.model();
        }
        head(out).append("{}");
        tail(out, done.finishReason());
        if (includeUsage) {
            Usage usage = done.usage();
            prefix(out).append("[],\"usage\":{\"prompt_tokens\":").append(usage.promptTokens())
                    .append(",\"completion_tokens\":").append(usage.completionTokens())
                    .append(",\"total_tokens\":").append(usage.totalTokens()).append("}}\n\n");
        }
        out.append("data: [DONE]\n\n");
    }

    private void text(StringBuilder out, String field, String text) {
        head(out).append("{\"").append(field).append("\":");
        JsonText.quote(out, text).append('}');
        tail(out, null);
    }

    private StringBuilder prefix(StringBuilder out) {
        out.append("data: {\"id\":\"").append(id).append("\",\"object\":\"chat.completion.chunk\",\"created\":")
                .append(created).append(",\"model\":");
        return JsonText.quote(out, model).append(",\"choices\":");
    }

    private StringBuilder head(StringBuilder out) {
        return prefix(out).append("[{\"index\":0,\"delta\":");
    }

    private static void tail(StringBuilder out, String finishReason) {
        out.append(",\"logprobs\":null,\"finish_reason\":");
        JsonText.quote(out, finishReason).append("}]}\n\n");
    }
}
