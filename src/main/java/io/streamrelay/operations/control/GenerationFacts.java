package io.streamrelay.operations.control;

import io.streamrelay.completions.entity.RelayEvent.GenerationEnded;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * What metrics and traces both derive from an ended generation: its upstream attempts as intervals, its retries
 * and fallbacks, and the GenAI timings in seconds. Attempts end where the next begins' failure was seen, the last
 * one at the generation's end; the offline model makes one implicit attempt.
 */
public record GenerationFacts(GenerationEnded ended, List<Attempt> attempts, int retries, int fallbacks) {

    /** One request to the upstream; {@code failure} null for the attempt that answered or was cut off. */
    public record Attempt(int number, String endpoint, long startNanos, long endNanos, ErrorCode failure,
                          int status) {
    }

    public static GenerationFacts of(GenerationEnded ended) {
        List<Attempt> attempts = new ArrayList<>();
        UpstreamEvent.Attempt open = null;
        int retries = 0;
        int fallbacks = 0;
        String lastEndpoint = null;
        for (UpstreamEvent.Attempt event : ended.attempts()) {
            if (event.failure() == null) {
                if (lastEndpoint != null) {
                    if (lastEndpoint.equals(event.endpoint())) {
                        retries++;
                    } else {
                        fallbacks++;
                    }
                }
                lastEndpoint = event.endpoint();
                open = event;
            } else if (open != null) {
                attempts.add(new Attempt(open.number(), open.endpoint(), open.nanos(), event.nanos(), event.failure(),
                        event.status()));
                open = null;
            }
        }
        if (open != null) {
            attempts.add(new Attempt(open.number(), open.endpoint(), open.nanos(), ended.endedNanos(), null, 0));
        } else if (attempts.isEmpty()) {
            attempts.add(new Attempt(1, "primary", ended.startedNanos(), ended.endedNanos(), null, 0));
        }
        return new GenerationFacts(ended, List.copyOf(attempts), retries, fallbacks);
    }

    /** The attempt whose answer the client got (or whose failure ended it): the last one. */
    public Attempt answering() {
        return attempts.get(attempts.size() - 1);
    }

    /** {@code error.type}: the terminal code, or empty when the generation ended with done. */
    public String errorType() {
        return ended.error() == null ? "" : ended.error().code();
    }

    public boolean firstToken() {
        return ended.firstTokenNanos() != 0;
    }

    public double ttftSeconds() {
        return seconds(ended.firstTokenNanos() - ended.startedNanos());
    }

    public double durationSeconds() {
        return seconds(ended.endedNanos() - ended.startedNanos());
    }

    /** (duration - TTFT) / (output tokens - 1): the conventions' definition; NaN below two tokens. */
    public double timePerOutputTokenSeconds() {
        int pieces = ended.outputPieces();
        if (!firstToken() || pieces < 2) {
            return Double.NaN;
        }
        return seconds(ended.endedNanos() - ended.firstTokenNanos()) / (pieces - 1);
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
