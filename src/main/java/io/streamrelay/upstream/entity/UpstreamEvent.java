package io.streamrelay.upstream.entity;

import io.streamrelay.problems.entity.ErrorCode;

/** What an upstream can say, already free of its wire format. */
public sealed interface UpstreamEvent {

    /** A piece of the answer, exactly as the upstream sent it. */
    record Text(String text) implements UpstreamEvent {
    }

    /** A piece of the model's reasoning (DeepSeek {@code reasoning_content}, Ollama {@code reasoning}). */
    record Reasoning(String text) implements UpstreamEvent {
    }

    /**
     * A fragment of a tool call (OpenAI {@code choices[0].delta.tool_calls[i]}): the first fragment of each call
     * carries {@code id} and {@code name}, later ones only {@code index} and a piece of {@code arguments} (null when
     * the upstream sent none). Several calls interleave by {@code index}. Passed on exactly and in order.
     */
    record ToolCall(int index, String id, String name, String arguments) implements UpstreamEvent {
    }

    /** A piece of a refusal (OpenAI {@code delta.refusal}), exactly as sent. */
    record Refusal(String text) implements UpstreamEvent {
    }

    /** {@code choices[0].logprobs} of one chunk, as the upstream's own JSON text (only when the request asked). */
    record Logprobs(String json) implements UpstreamEvent {
    }

    /** A payload that carries nothing to relay (the role chunk, an empty delta): proof of progress all the same. */
    record Progress() implements UpstreamEvent {
    }

    record Finish(String reason) implements UpstreamEvent {
    }

    record Counted(Usage usage) implements UpstreamEvent {
    }

    /**
     * The answer is whole: the stream ended after a {@link Finish}; {@code doneMarker} tells whether it said
     * {@code [DONE]} or just closed. An upstream that ends without a finish reason sends a {@link Failure}
     * ({@code upstream_truncated}) instead, never this.
     */
    record End(boolean doneMarker) implements UpstreamEvent {
    }

    /**
     * The upstream failed. {@code status} is the HTTP status it answered with (0: it could not be reached or the
     * connection broke; -1: an error inside the stream or an end without a finish reason), {@code retryAfterMs}
     * its Retry-After or the delay its error stated (-1: none). {@code retryable} is the failure's class (a
     * transient error, a truncation), whether or not a token had gone out.
     */
    record Failure(ErrorCode code, String message, boolean retryable, int status, long retryAfterMs)
            implements UpstreamEvent {
        public Failure(ErrorCode code, String message, boolean retryable) {
            this(code, message, retryable, -1, -1);
        }
    }

    /**
     * An attempt at the upstream began ({@code failure} null) or failed before any token ({@code failure} set; a
     * retry, the fallback or the terminal failure follows). {@code number} counts attempts across endpoints from
     * 1; {@code endpoint} is {@code primary} or {@code fallback}; {@code nanos} a {@link System#nanoTime()} reading.
     */
    record Attempt(int number, String endpoint, long nanos, ErrorCode failure, int status) implements UpstreamEvent {
    }

    /** Another upstream took over before any token: the model named from here on answers. */
    record Switched(String model) implements UpstreamEvent {
    }
}
