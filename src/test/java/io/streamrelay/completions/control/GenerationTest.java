package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import io.streamrelay.upstream.entity.Usage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation's rules without a container: replay, order, one terminal, grace, bounds, slow followers. */
class GenerationTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final TaskQueue queue = new TaskQueue("test", threads, 2);
    private final ScriptableUpstream upstream = new ScriptableUpstream();

    @AfterEach
    void stop() {
        queue.stop();
        threads.shutdownNow();
    }

    @Test
    void followersFromAnyCursorGetEveryLaterEventOnceInOrder() {
        Generation generation = generation(settings(30_000, 100, 1000));
        RecordingSink first = new RecordingSink();
        generation.follow(first, -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("a"), new UpstreamEvent.Text("b"));
        RecordingSink late = new RecordingSink();
        generation.follow(late, 1);
        upstream.send(new UpstreamEvent.Text("c"), new UpstreamEvent.Finish("stop"), new UpstreamEvent.End(true));

        assertEquals(List.of("start:0", "token:1", "token:2", "token:3", "done:4"), first.seen());
        assertEquals(List.of("token:2", "token:3", "done:4"), late.seen(), "after seq 1 only");
        assertTrue(first.closed && late.closed);
        assertTrue(upstream.cancelled, "the upstream is released at the end");
    }

    @Test
    void onlyTheFirstEndingCountsAndNothingFollowsIt() {
        Generation generation = generation(settings(30_000, 100, 1000));
        RecordingSink sink = new RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("a"), new UpstreamEvent.Failure(ErrorCode.UPSTREAM_ERROR, "boom", false));
        upstream.send(new UpstreamEvent.Text("late"), new UpstreamEvent.End(true));
        generation.fail(ErrorCode.CANCELLED, "the generation was cancelled", false);
        assertEquals(List.of("start:0", "token:1", "error:2"), sink.seen());
        assertEquals("error", generation.view().status());
    }

    @Test
    void aCutAfterTheFirstTokenIsUpstreamFailedNeverDone() {
        Generation generation = generation(settings(30_000, 100, 1000));
        RecordingSink sink = new RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("a"), new UpstreamEvent.End(false));
        assertEquals("error:2", sink.seen().get(2));
        StreamEvent.Failure failure = (StreamEvent.Failure) sink.events.get(2);
        assertEquals(ErrorCode.UPSTREAM_FAILED, failure.code());
        assertTrue(failure.retryable());
    }

    @Test
    void aCutBeforeAnyTokenIsUpstreamTruncated() {
        Generation generation = generation(settings(30_000, 100, 1000));
        RecordingSink sink = new RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Progress(), new UpstreamEvent.End(false));
        assertEquals(List.of("start:0", "error:1"), sink.seen());
        assertEquals(ErrorCode.UPSTREAM_TRUNCATED, ((StreamEvent.Failure) sink.events.get(1)).code());
    }

    @Test
    void withoutUsageFromTheUpstreamTheDoneEventEstimatesIt() {
        Generation generation = generation(settings(30_000, 100, 1000));
        RecordingSink sink = new RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        upstream.send(new UpstreamEvent.Text("a"), new UpstreamEvent.Text("b"), new UpstreamEvent.Finish("length"),
                new UpstreamEvent.End(true));
        StreamEvent.Done done = (StreamEvent.Done) sink.events.get(3);
        assertEquals("length", done.finishReason());
        assertEquals(new Usage(0, 2, 2, true), done.usage());
    }

    @Test
    void lastFollowerLeavingStartsTheGraceAndAReturningOneStopsIt() throws Exception {
        Generation generation = generation(settings(300, 100, 1000));
        RecordingSink first = new RecordingSink();
        Follower follower = generation.follow(first, -1);
        generation.start(upstream);
        first.fail = true;
        upstream.send(new UpstreamEvent.Text("a")); // the failed write makes the follower leave
        assertTrue(follower.closed());
        RecordingSink back = new RecordingSink();
        generation.follow(back, 0);
        TimeUnit.MILLISECONDS.sleep(600); // twice the grace: a running grace timer would have fired by now
        assertFalse(upstream.cancelled, "the returning follower kept it alive");
        upstream.send(new UpstreamEvent.Text("b"), new UpstreamEvent.Finish("stop"), new UpstreamEvent.End(true));
        assertEquals(List.of("token:1", "token:2", "done:3"), back.seen());
    }

    @Test
    void nobodyComingBackWithinTheGraceCancelsTheUpstream() throws Exception {
        Generation generation = generation(settings(200, 100, 1000));
        RecordingSink sink = new RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        sink.fail = true;
        upstream.send(new UpstreamEvent.Text("a"));
        assertTrue(upstream.cancelledWithin(3, TimeUnit.SECONDS));
        assertEquals("cancelled", generation.view().status());
    }

    @Test
    void graceOfZeroCancelsAtOnce() {
        Generation generation = generation(settings(0, 100, 1000));
        RecordingSink sink = new RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        sink.fail = true;
        upstream.send(new UpstreamEvent.Text("a"));
        assertTrue(upstream.cancelled);
        assertEquals("cancelled", generation.view().status());
    }

    @Test
    void anAnswerOutgrowingTheLogEndsWithTooLarge() {
        Generation generation = generation(settings(30_000, 100, 5));
        RecordingSink sink = new RecordingSink();
        generation.follow(sink, -1);
        generation.start(upstream);
        for (int i = 0; i < 10; i++) {
            upstream.send(new UpstreamEvent.Text("t" + i));
        }
        assertEquals(List.of("start:0", "token:1", "token:2", "token:3", "error:4"), sink.seen());
        assertEquals(ErrorCode.TOO_LARGE, ((StreamEvent.Failure) sink.events.get(4)).code());
        assertTrue(upstream.cancelled);
    }

    @Test
    void aFollowerThatFallsBehindIsCutAloneAndTheOthersGoOn() {
        Generation generation = generation(settings(30_000, 3, 1000));
        RecordingSink stalled = new RecordingSink();
        stalled.ready = false;
        RecordingSink reading = new RecordingSink();
        Follower behind = generation.follow(stalled, -1);
        generation.follow(reading, -1);
        generation.start(upstream);
        for (int i = 0; i < 5; i++) {
            upstream.send(new UpstreamEvent.Text("t" + i));
        }
        assertTrue(behind.closed(), "cut past its bound of 3 queued events");
        assertTrue(stalled.events.isEmpty());
        upstream.send(new UpstreamEvent.Finish("stop"), new UpstreamEvent.End(true));
        assertEquals(7, reading.events.size(), "start, 5 tokens, done");
        assertEquals("done", generation.view().status(), "the cut follower did not end the generation");
    }

    private Generation generation(RelaySettings settings) {
        return new Generation("g", new ChatRequest(List.of(new ChatMessage("user", "hi")), null, null, null),
                Caller.address("127.0.0.1"), Lease.NONE, settings, queue, Runnable::run, g -> { });
    }

    private static RelaySettings settings(long graceMs, int followerBuffer, int maxEvents) {
        RelaySettings settings = new RelaySettings();
        settings.heartbeatMs = 60_000;
        settings.heartbeatProbes = 0;
        settings.firstTokenTimeoutMs = 60_000;
        settings.idleTimeoutMs = 60_000;
        settings.maxDurationMs = 60_000;
        settings.bufferEvents = followerBuffer;
        settings.graceMs = graceMs;
        settings.retentionMs = 60_000;
        settings.maxEvents = maxEvents;
        settings.maxBytes = 1 << 20;
        return settings;
    }

    /** An upstream the test drives by hand, on the test's thread. */
    static final class ScriptableUpstream implements Upstream {
        private Consumer<UpstreamEvent> events;
        private final CountDownLatch cancel = new CountDownLatch(1);
        volatile boolean cancelled;

        @Override
        public String modelFor(ChatRequest request) {
            return "test-model";
        }

        @Override
        public UpstreamCall open(ChatRequest request, Consumer<UpstreamEvent> events) {
            this.events = events;
            return () -> {
                cancelled = true;
                cancel.countDown();
            };
        }

        void send(UpstreamEvent... sent) {
            for (UpstreamEvent event : sent) {
                events.accept(event);
            }
        }

        boolean cancelledWithin(long timeout, TimeUnit unit) throws InterruptedException {
            return cancel.await(timeout, unit);
        }
    }

    /** A non-blocking sink that records what it was given, or fails its writes like a departed client. */
    static final class RecordingSink implements TokenSink {
        // Written by the generation's threads while a test reads it.
        final List<StreamEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean fail;
        volatile boolean ready = true;
        volatile boolean closed;
        /** As an SSE sink says: a write may block, so only the writers' queue writes. */
        volatile boolean blocking;
        /** Runs at the start of every write: a test's way to hold a write, as a client that stopped reading does. */
        volatile Runnable beforeWrite = () -> { };

        @Override
        public void bind(String generation) {
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void write(List<StreamEvent> batch) throws java.io.IOException {
            beforeWrite.run();
            if (fail) {
                throw new java.io.IOException("client gone");
            }
            events.addAll(batch);
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public boolean blocking() {
            return blocking;
        }

        @Override
        public void onWritable(Runnable hook) {
        }

        @Override
        public void onGone(Runnable hook) {
        }

        List<String> seen() {
            return events.stream().filter(e -> !(e instanceof StreamEvent.Ping)).map(e -> e.type() + ":" + e.seq())
                    .toList();
        }
    }
}
