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

    /** A payload that carries nothing to relay (the role chunk, an empty delta): proof of progress all the same. */
    record Progress() implements UpstreamEvent {
    }

    record Finish(String reason) implements UpstreamEvent {
    }

    record Counted(Usage usage) implements UpstreamEvent {
    }

    /** The stream ended; {@code doneMarker} tells whether it said {@code [DONE]} or just closed. */
    record End(boolean doneMarker) implements UpstreamEvent {
    }

    /**
     * The upstream failed. {@code status} is the HTTP status it answered with (0: it could not be reached or the
     * connection broke; -1: an error inside the stream), {@code retryAfterMs} its Retry-After (-1: none).
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
