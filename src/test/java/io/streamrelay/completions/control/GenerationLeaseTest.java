package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A generation gives its slot back exactly once, on every way it ends, a failure of the relay itself included. */
class GenerationLeaseTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final TaskQueue timers = new TaskQueue("timers", pool, 1);
    private final CountingLease lease = new CountingLease();
    private final AtomicInteger ended = new AtomicInteger();

    @AfterEach
    void stop() {
        timers.stop();
        pool.shutdownNow();
    }

    @Test
    void aRelayFailureWhileStartingStillReleasesTheSlot() {
        Generation generation = generation();
        Upstream broken = upstream(events -> {
            throw new IllegalStateException("the relay failed");
        });
        assertThrows(IllegalStateException.class, () -> generation.start(broken));
        // What TokenRelay does with a failure while starting:
        generation.fail(ErrorCode.INTERNAL_ERROR, "the relay failed", true);
        assertEquals(1, lease.released.get());
        assertEquals(1, ended.get());
    }

    @Test
    void aMirrorThatFailsAtTheEndStillReleasesTheSlotAndEndsTheGeneration() {
        Generation generation = generation();
        // A cluster's log writer once its queue stopped (shutdown): every event it is handed throws.
        generation.share(event -> {
            throw new java.util.concurrent.RejectedExecutionException("grid is stopped");
        }, () -> 0);
        generation.start(upstream(events -> { }));
        generation.fail(ErrorCode.CANCELLED, "the generation was cancelled", false);
        assertEquals(1, lease.released.get(), "the slot came back");
        assertEquals(1, ended.get(), "GenerationEnded was sent");
        assertEquals("cancelled", generation.view().status());
    }

    @Test
    void doneReleasesTheSlotAndCountsTheTokens() {
        Generation generation = generation();
        generation.start(upstream(events -> {
            events.accept(new UpstreamEvent.Text("a"));
            events.accept(new UpstreamEvent.Text("b"));
            events.accept(new UpstreamEvent.Finish("stop"));
            events.accept(new UpstreamEvent.End(true));
        }));
        assertEquals(1, lease.released.get());
        assertEquals(2, lease.tokens.get());
        assertEquals("done", generation.view().status());
    }

    @Test
    void cancelAndALaterFailureReleaseOnce() {
        Generation generation = generation();
        generation.start(upstream(events -> { }));
        generation.fail(ErrorCode.CANCELLED, "the generation was cancelled", false);
        generation.fail(ErrorCode.UPSTREAM_FAILED, "late", true);
        generation.fail(ErrorCode.CANCELLED, "the generation was cancelled", false);
        assertEquals(1, lease.released.get());
        assertEquals("cancelled", generation.view().status());
    }

    @Test
    void aCutAfterATokenIsUpstreamFailedAndBeforeAnyIsTruncated() {
        Generation afterToken = generation();
        afterToken.start(upstream(events -> {
            events.accept(new UpstreamEvent.Text("a"));
            events.accept(new UpstreamEvent.End(false));
        }));
        assertEquals("error", afterToken.view().status());
        Generation beforeAny = generation();
        beforeAny.start(upstream(events -> events.accept(new UpstreamEvent.End(false))));
        assertEquals("error", beforeAny.view().status());
        assertEquals(2, lease.released.get());
    }

    private Generation generation() {
        RelaySettings settings = new RelaySettings();
        settings.heartbeatMs = 15_000;
        settings.heartbeatProbes = 0;
        settings.firstTokenTimeoutMs = 60_000;
        settings.idleTimeoutMs = 60_000;
        settings.maxDurationMs = 600_000;
        settings.bufferEvents = 64;
        settings.graceMs = 0;
        settings.retentionMs = 1_000;
        settings.maxEvents = 1_000;
        settings.maxBytes = 1 << 20;
        ChatRequest request = new ChatRequest(List.of(new ChatMessage("user", "hi")), null, null, null);
        return new Generation("g", request, Caller.address("127.0.0.1"), lease, settings, timers, Runnable::run,
                g -> ended.incrementAndGet());
    }

    private static Upstream upstream(Consumer<Consumer<UpstreamEvent>> script) {
        return new Upstream() {
            @Override
            public String modelFor(ChatRequest request) {
                return "test-model";
            }

            @Override
            public UpstreamCall open(ChatRequest request, Consumer<UpstreamEvent> events) {
                script.accept(events);
                return () -> { };
            }
        };
    }

    private static final class CountingLease implements Lease {
        final AtomicInteger released = new AtomicInteger();
        final AtomicInteger tokens = new AtomicInteger();

        @Override
        public void tokens(int count) {
            tokens.addAndGet(count);
        }

        @Override
        public void release() {
            released.incrementAndGet();
        }
    }
}
