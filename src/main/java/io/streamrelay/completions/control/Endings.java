package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;

/**
 * How a generation's terminal event follows from what happened: pure functions, one per kind of ending. Once a
 * piece of the answer went out, the answer cannot be asked for again without repeating it, so every upstream fault
 * after that point is {@code upstream_failed} with the fault as its {@code cause}: one code for clients to retry
 * on. Before it, the fault goes out under its own code. A finish reason is never invented.
 */
final class Endings {

    private Endings() {
    }

    /**
     * The upstream's stream ended ({@code [DONE]} or a close). Without a finish reason the answer is not known to be
     * complete, whatever the marker said: truncated, never done.
     */
    static StreamEvent ofEnd(long seq, String finishReason, int relayed, Usage usage, String servedModel) {
        if (finishReason == null) {
            String message = "the upstream stream ended without a finish reason";
            return relayed > 0
                    ? new StreamEvent.Failure(seq, ErrorCode.UPSTREAM_FAILED, message + " after the answer had started",
                    true, ErrorCode.UPSTREAM_TRUNCATED, -1)
                    : new StreamEvent.Failure(seq, ErrorCode.UPSTREAM_TRUNCATED, message, true);
        }
        Usage counted = usage != null ? usage : new Usage(0, relayed, relayed, true);
        return new StreamEvent.Done(seq, finishReason, counted, servedModel);
    }

    /** The upstream reported a failure, in-band or at the HTTP level; its retry hint goes along. */
    static StreamEvent.Failure ofFailure(long seq, UpstreamEvent.Failure failure, int relayed) {
        if (relayed > 0) {
            ErrorCode cause = failure.code() == ErrorCode.UPSTREAM_FAILED ? null : failure.code();
            return new StreamEvent.Failure(seq, ErrorCode.UPSTREAM_FAILED, failure.message(), failure.retryable(),
                    cause, failure.retryAfterMs());
        }
        return new StreamEvent.Failure(seq, failure.code(), failure.message(), failure.retryable(), null,
                failure.retryAfterMs());
    }

    /** A failure of the relay's own making, retryable as its code says. */
    static StreamEvent.Failure failure(long seq, ErrorCode code, String message) {
        return new StreamEvent.Failure(seq, code, message, code.retryable());
    }

    /** The answer outgrew the replay log's bounds ({@link ReplayLog#fits}). */
    static StreamEvent.Failure ofOverflow(long seq) {
        return failure(seq, ErrorCode.TOO_LARGE, "the answer outgrew the replay log's bound");
    }

    /** A deadline of {@link Deadlines} passed; {@code relayed} pieces of the answer went out before. */
    static StreamEvent.Failure ofDeadline(long seq, Deadlines.Fired fired, int relayed) {
        return switch (fired) {
            case MAX_DURATION -> new StreamEvent.Failure(seq, ErrorCode.MAX_DURATION,
                    "the stream reached its maximum duration", false);
            case FIRST_TOKEN -> new StreamEvent.Failure(seq, ErrorCode.FIRST_TOKEN_TIMEOUT,
                    "the upstream sent no token in time", true);
            case IDLE -> relayed > 0
                    ? new StreamEvent.Failure(seq, ErrorCode.UPSTREAM_FAILED,
                    "the upstream stopped sending after the answer had started", true, ErrorCode.UPSTREAM_STALLED, -1)
                    : new StreamEvent.Failure(seq, ErrorCode.UPSTREAM_STALLED, "the upstream stopped sending", true);
            case NONE -> throw new IllegalArgumentException("no deadline fired");
        };
    }
}
