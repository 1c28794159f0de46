package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which terminal event each ending means, before and after the first piece of the answer went out. */
class EndingsTest {

    /** Every failure code the upstream layer reports, with and without a Retry-After. */
    private static final List<UpstreamEvent.Failure> FAILURES = List.of(
            new UpstreamEvent.Failure(ErrorCode.UPSTREAM_ERROR, "in-band error", false),
            new UpstreamEvent.Failure(ErrorCode.UPSTREAM_TRUNCATED, "cut", true),
            new UpstreamEvent.Failure(ErrorCode.UPSTREAM_STALLED, "stalled", true),
            new UpstreamEvent.Failure(ErrorCode.UPSTREAM_SERVER_ERROR, "500", true, 500, -1),
            new UpstreamEvent.Failure(ErrorCode.UPSTREAM_RATE_LIMITED, "429", true, 429, 2000),
            new UpstreamEvent.Failure(ErrorCode.UPSTREAM_OVERLOADED, "503", true, 503, 1500),
            new UpstreamEvent.Failure(ErrorCode.UPSTREAM_BAD_RESPONSE, "garbage", false));

    @Test
    void afterTheFirstPieceEveryUpstreamFailureIsUpstreamFailedWithItsCauseRetryableAndRetryAfter() {
        for (UpstreamEvent.Failure failure : FAILURES) {
            StreamEvent.Failure event = Endings.ofFailure(7, failure, 3);
            assertEquals(new StreamEvent.Failure(7, ErrorCode.UPSTREAM_FAILED, failure.message(), failure.retryable(),
                    failure.code(), failure.retryAfterMs()), event, failure.toString());
        }
    }

    @Test
    void beforeAnyPieceTheUpstreamFailureGoesOutUnderItsOwnCodeWithItsRetryAfter() {
        for (UpstreamEvent.Failure failure : FAILURES) {
            StreamEvent.Failure event = Endings.ofFailure(1, failure, 0);
            assertEquals(new StreamEvent.Failure(1, failure.code(), failure.message(), failure.retryable(), null,
                    failure.retryAfterMs()), event, failure.toString());
        }
    }

    @Test
    void anUpstreamFailedFromTheUpstreamLayerIsNotItsOwnCause() {
        StreamEvent.Failure event = Endings.ofFailure(4, new UpstreamEvent.Failure(ErrorCode.UPSTREAM_FAILED, "x",
                true), 2);
        assertNull(event.cause());
    }

    @Test
    void anEndWithoutAFinishReasonIsNeverDone() {
        assertEquals(new StreamEvent.Failure(1, ErrorCode.UPSTREAM_TRUNCATED,
                "the upstream stream ended without a finish reason", true), Endings.ofEnd(1, null, 0, null, null));
        StreamEvent.Failure after = (StreamEvent.Failure) Endings.ofEnd(5, null, 4, new Usage(3, 4, 7, false), null);
        assertEquals(ErrorCode.UPSTREAM_FAILED, after.code());
        assertEquals(ErrorCode.UPSTREAM_TRUNCATED, after.cause());
        assertEquals(true, after.retryable());
    }

    @Test
    void anEndWithAFinishReasonIsDoneWithTheUpstreamsUsageOrAnEstimate() {
        assertEquals(new StreamEvent.Done(3, "length", new Usage(0, 2, 2, true), null),
                Endings.ofEnd(3, "length", 2, null, null));
        assertEquals(new StreamEvent.Done(3, "stop", new Usage(5, 2, 7, false), "fallback-model"),
                Endings.ofEnd(3, "stop", 2, new Usage(5, 2, 7, false), "fallback-model"));
    }

    @Test
    void deadlines() {
        assertEquals(ErrorCode.MAX_DURATION, Endings.ofDeadline(2, Deadlines.Fired.MAX_DURATION, 1).code());
        assertEquals(ErrorCode.FIRST_TOKEN_TIMEOUT, Endings.ofDeadline(1, Deadlines.Fired.FIRST_TOKEN, 0).code());
        assertEquals(ErrorCode.UPSTREAM_STALLED, Endings.ofDeadline(1, Deadlines.Fired.IDLE, 0).code());
        StreamEvent.Failure stalledAfter = Endings.ofDeadline(4, Deadlines.Fired.IDLE, 3);
        assertEquals(ErrorCode.UPSTREAM_FAILED, stalledAfter.code());
        assertEquals(ErrorCode.UPSTREAM_STALLED, stalledAfter.cause());
    }
}
