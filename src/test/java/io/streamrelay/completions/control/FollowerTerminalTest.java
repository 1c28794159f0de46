package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FollowerTerminalTest {

    @Test
    void aTerminalEventInsideABatchEndsTheStreamAndWhatFollowsIsDropped() {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        Follower follower = new Follower(sink, Runnable::run, 8, f -> { }, e -> { });
        StreamEvent end = new StreamEvent.Failure(4, ErrorCode.PRODUCER_LOST, "lost", true);
        // A watchdog's ping queued just after the terminal event, in the same batch.
        follower.offerReplay(new StreamEvent.Ping());
        follower.offerReplay(end);
        follower.offerReplay(new StreamEvent.Ping());
        follower.signal();
        assertEquals(List.of(StreamEvent.Ping.class, StreamEvent.Failure.class),
                sink.events.stream().map(Object::getClass).toList(), "nothing after the terminal event");
        assertTrue(sink.closed, "the stream closed after its terminal event");
    }
}
