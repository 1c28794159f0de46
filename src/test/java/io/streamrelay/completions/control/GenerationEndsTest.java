package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A generation's terminal event for in-band upstream failures and ends without a finish reason, through the whole
 * generation (not only {@link Endings}): the kinds of fault 3 and 4 of issue 9.
 */
class GenerationEndsTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final TaskQueue queue = new TaskQueue("test", threads, 1);
    private final GenerationTest.ScriptableUpstream upstream = new GenerationTest.ScriptableUpstream();

    @AfterEach
    void stop() {
        queue.stop();
        threads.shutdownNow();
    }

    @Test
    void anInBandFailureAfterATokenIsUpstreamFailedCarryingCauseRetryableAndRetryAfter() {
        for (ErrorCode code : List.of(ErrorCode.UPSTREAM_ERROR, ErrorCode.UPSTREAM_TRUNCATED,
                ErrorCode.UPSTREAM_STALLED, ErrorCode.UPSTREAM_SERVER_ERROR)) {
            for (boolean retryable : new boolean[]{true, false}) {
                StreamEvent.Failure last = terminal(new UpstreamEvent.Text("a"),
                        new UpstreamEvent.Failure(code, "it broke", retryable, -1, 1234));
                assertEquals(new StreamEvent.Failure(2, ErrorCode.UPSTREAM_FAILED, "it broke", retryable, code, 1234),
                        last, code + " " + retryable);
            }
        }
    }

    @Test
    void beforeAnyTokenTheFailureKeepsItsCodeAndRetryAfter() {
        StreamEvent.Failure last = terminal(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_RATE_LIMITED, "slow down",
                true, 429, 2000));
        assertEquals(new StreamEvent.Failure(1, ErrorCode.UPSTREAM_RATE_LIMITED, "slow down", true, null, 2000), last);
    }

    @Test
    void doneWithoutAFinishReasonIsTruncatedBeforeAnyTokenAndUpstreamFailedAfter() {
        StreamEvent.Failure before = terminal(new UpstreamEvent.Progress(), new UpstreamEvent.End(true));
        assertEquals(ErrorCode.UPSTREAM_TRUNCATED, before.code());
        StreamEvent.Failure after = terminal(new UpstreamEvent.Text("a"), new UpstreamEvent.End(true));
        assertEquals(ErrorCode.UPSTREAM_FAILED, after.code());
        assertEquals(ErrorCode.UPSTREAM_TRUNCATED, after.cause());
    }

    private StreamEvent.Failure terminal(UpstreamEvent... events) {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        Generation generation = GenerationFixture.generation(queue);
        generation.follow(sink, -1);
        generation.start(upstream);
        upstream.send(events);
        StreamEvent last = sink.events.get(sink.events.size() - 1);
        return (StreamEvent.Failure) last;
    }
}
