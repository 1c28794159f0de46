package io.streamrelay.completions.entity;

import io.streamrelay.problems.entity.ErrorCode;

import io.streamrelay.upstream.entity.Usage;

/**
 * The one event model both transports put on the wire. Each event knows its JSON: written by hand because this
 * is the hot path, and always on one line, so no raw newline can end an SSE data line or an NDJSON line early.
 */
public sealed interface StreamEvent {

    /** The SSE event name and the NDJSON {@code type}. */
    String type();

    /** Position in the generation; start is 0, a ping has none (-1). */
    long seq();

    void appendJson(StringBuilder out);

    default String json() {
        StringBuilder out = new StringBuilder(64);
        appendJson(out);
        return out.toString();
    }

    default boolean terminal() {
        return false;
    }

    record Start(long seq, String generation, String model) implements StreamEvent {
        public String type() {
            return "start";
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"generation\":");
            JsonText.quote(out, generation).append(",\"model\":");
            JsonText.quote(out, model).append('}');
        }
    }

    record Token(long seq, String text) implements StreamEvent {
        public String type() {
            return "token";
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"text\":");
            JsonText.quote(out, text).append('}');
        }
    }

    record Reasoning(long seq, String text) implements StreamEvent {
        public String type() {
            return "reasoning";
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"text\":");
            JsonText.quote(out, text).append('}');
        }
    }

    /**
     * A tool-call fragment, relayed like a token: {@code {"type":"tool_call","seq","index","id"?,"name"?,
     * "arguments"}}; {@code id} and {@code name} appear on the first fragment of each call (by {@code index}),
     * the {@code arguments} fragments concatenate to the call's arguments.
     */
    record ToolCall(long seq, int index, String id, String name, String arguments) implements StreamEvent {
        public String type() {
            return "tool_call";
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"index\":").append(index);
            if (id != null) {
                out.append(",\"id\":");
                JsonText.quote(out, id);
            }
            if (name != null) {
                out.append(",\"name\":");
                JsonText.quote(out, name);
            }
            out.append(",\"arguments\":");
            JsonText.quote(out, arguments == null ? "" : arguments).append('}');
        }
    }

    /** A piece of the model's refusal (OpenAI {@code delta.refusal}). */
    record Refusal(long seq, String text) implements StreamEvent {
        public String type() {
            return "refusal";
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"text\":");
            JsonText.quote(out, text).append('}');
        }
    }

    /**
     * The upstream's {@code choices[0].logprobs} for the pieces just before it, as its own JSON (validated by the
     * parser, one line): {@code {"type":"logprobs","seq","logprobs":{...}}}. Only when the request asked for them.
     */
    record Logprobs(long seq, String json) implements StreamEvent {
        public String type() {
            return "logprobs";
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"logprobs\":").append(json).append('}');
        }
    }

    /** {@code model} is set only when a fallback upstream answered with another model than {@code start} named. */
    record Done(long seq, String finishReason, Usage usage, String model) implements StreamEvent {
        public Done(long seq, String finishReason, Usage usage) {
            this(seq, finishReason, usage, null);
        }

        public String type() {
            return "done";
        }

        public boolean terminal() {
            return true;
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"finish_reason\":");
            JsonText.quote(out, finishReason)
                    .append(",\"usage\":{\"prompt_tokens\":").append(usage.promptTokens())
                    .append(",\"completion_tokens\":").append(usage.completionTokens())
                    .append(",\"total_tokens\":").append(usage.totalTokens());
            if (usage.estimated()) {
                out.append(",\"estimated\":true");
            }
            out.append('}');
            if (model != null) {
                out.append(",\"model\":");
                JsonText.quote(out, model);
            }
            out.append('}');
        }
    }

    /**
     * {@code cause} names what happened when {@code code} is a summary ({@code upstream_failed}: cut, stalled, an
     * in-band error); {@code retryAfterMs} is the wait a client should honour before retrying, -1 when unknown.
     */
    record Failure(long seq, ErrorCode code, String message, boolean retryable, ErrorCode cause,
                   long retryAfterMs) implements StreamEvent {
        public Failure(long seq, ErrorCode code, String message, boolean retryable) {
            this(seq, code, message, retryable, null, -1);
        }

        public String type() {
            return "error";
        }

        public boolean terminal() {
            return true;
        }

        public void appendJson(StringBuilder out) {
            head(out, this).append(",\"code\":\"").append(code.code()).append("\",\"message\":");
            JsonText.quote(out, message).append(",\"retryable\":").append(retryable);
            if (cause != null) {
                out.append(",\"cause\":\"").append(cause.code()).append('"');
            }
            if (retryAfterMs >= 0) {
                out.append(",\"retry_after_ms\":").append(retryAfterMs);
            }
            out.append('}');
        }
    }

    /** Keeps proxies from timing out an idle stream, and finds clients that left: only a write notices them. */
    record Ping() implements StreamEvent {
        public String type() {
            return "ping";
        }

        public long seq() {
            return -1;
        }

        public void appendJson(StringBuilder out) {
            out.append("{\"type\":\"ping\"}");
        }
    }

    private static StringBuilder head(StringBuilder out, StreamEvent event) {
        return out.append("{\"type\":\"").append(event.type()).append("\",\"seq\":").append(event.seq());
    }
}
