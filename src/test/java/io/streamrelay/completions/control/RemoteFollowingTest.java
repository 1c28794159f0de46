package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemoteFollowingTest {

    @Test
    void aReadTheGridFailsEndsTheStreamWithProducerLostAndUndoesTheCount() throws Exception {
        FailingRemote remote = new FailingRemote();
        remote.failRead = true;
        assertEndsWithProducerLost(remote);
        assertEquals(0, remote.following, "the count that went up came back down");
    }

    @Test
    void aCountTheGridFailsEndsTheStreamWithProducerLost() throws Exception {
        FailingRemote remote = new FailingRemote();
        remote.failCount = true;
        assertEndsWithProducerLost(remote);
        assertEquals(0, remote.following, "a count that never went up is not taken down");
    }

    private static void assertEndsWithProducerLost(FailingRemote remote) throws Exception {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        new RemoteFollowing(Runnable::run, 8, e -> { })
                .follow("g", remote, -1, ErrorCode.INVALID_REQUEST, () -> sink);
        StreamEvent last = sink.events.get(sink.events.size() - 1);
        assertTrue(last instanceof StreamEvent.Failure failure && failure.code() == ErrorCode.PRODUCER_LOST,
                "the one terminal event: " + sink.events);
        assertTrue(sink.closed, "the stream closed");
    }

    /** A running generation elsewhere whose grid calls fail as told. */
    private static final class FailingRemote implements SharedGenerations.Remote {
        boolean failRead;
        boolean failCount;
        int following;

        @Override
        public String ownerId() {
            return "127.0.0.1";
        }

        @Override
        public boolean keyed() {
            return false;
        }

        @Override
        public String status() {
            return "running";
        }

        @Override
        public long lastSeq() {
            return 3;
        }

        @Override
        public List<StreamEvent> events() {
            return List.of();
        }

        @Override
        public Runnable read(long after, Consumer<List<StreamEvent>> batches) {
            if (failRead) {
                throw new IllegalStateException("grid down");
            }
            return () -> { };
        }

        @Override
        public void cancel() {
        }

        @Override
        public void following(int delta) {
            if (failCount) {
                throw new IllegalStateException("grid down");
            }
            following += delta;
        }
    }
}
