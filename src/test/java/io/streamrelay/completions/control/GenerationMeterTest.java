package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.Spending;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The core's seam for budgets ({@link Spending}): a meter on the generation's lease hears every piece of output, and
 * a stop from it ends the generation through its single exit with the given code, the piece that reached the limit
 * relayed and nothing after it, the upstream cancelled and the end reported once.
 */
class GenerationMeterTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final TaskQueue timers = new TaskQueue("timers", pool, 1);

    @AfterEach
    void stop() {
        timers.stop();
        pool.shutdownNow();
    }

    @Test
    void aStopFromTheMeterEndsTheGenerationAfterThePieceThatReachedTheLimit() {
        int limit = 3;
        AtomicInteger metered = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        Generation[] generation = new Generation[1];
        Spending.Meter meter = pieces -> {
            if (metered.addAndGet(pieces) >= limit) {
                generation[0].fail(ErrorCode.BUDGET_EXCEEDED, "spent", ErrorCode.BUDGET_EXCEEDED.retryable());
            }
        };
        Lease slot = new Lease() {
            @Override
            public void tokens(int count) {
            }

            @Override
            public void release() {
                released.incrementAndGet();
            }
        };
        List<RelayEvent> reported = new ArrayList<>();
        generation[0] = generation(new MeteredLease(slot, meter));
        generation[0].reportTo(reported::add, "chat");
        generation[0].start(new Upstream() {
            @Override
            public String modelFor(ChatRequest request) {
                return "test-model";
            }

            @Override
            public UpstreamCall open(ChatRequest request, java.util.function.Consumer<UpstreamEvent> events) {
                for (int i = 0; i < 10; i++) {
                    events.accept(new UpstreamEvent.Text("t" + i));
                }
                events.accept(new UpstreamEvent.Finish("stop"));
                events.accept(new UpstreamEvent.End(true));
                return cancelled::incrementAndGet;
            }
        });
        assertEquals("t0t1t2", generation[0].view().text(), "the piece that reached the limit, nothing after it");
        assertEquals("error", generation[0].view().status());
        assertEquals(limit, metered.get());
        assertEquals(1, released.get());
        assertEquals(1, cancelled.get(), "the upstream call is cancelled");
        List<RelayEvent.GenerationEnded> ends = reported.stream()
                .filter(RelayEvent.GenerationEnded.class::isInstance).map(RelayEvent.GenerationEnded.class::cast)
                .toList();
        assertEquals(1, ends.size());
        assertEquals(ErrorCode.BUDGET_EXCEEDED, ends.get(0).error());
        assertEquals(limit, ends.get(0).outputPieces());
        assertEquals("chat", ends.get(0).endpoint());
    }

    @Test
    void aGenerationStoppedBeforeItsStartNeverStartsNorCallsTheUpstream() {
        AtomicInteger opened = new AtomicInteger();
        Generation generation = generation(Lease.NONE);
        generation.fail(ErrorCode.BUDGET_EXCEEDED, "spent", ErrorCode.BUDGET_EXCEEDED.retryable());
        generation.start(new Upstream() {
            @Override
            public String modelFor(ChatRequest request) {
                return "test-model";
            }

            @Override
            public UpstreamCall open(ChatRequest request, java.util.function.Consumer<UpstreamEvent> events) {
                opened.incrementAndGet();
                return () -> { };
            }
        });
        assertEquals(0, opened.get(), "no paid upstream call for a generation that has ended");
        assertEquals("error", generation.view().status());
        assertNull(generation.view().model(), "no start announced after the failure");
    }

    private Generation generation(Lease lease) {
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
        return new Generation("g", request, Caller.key("alice"), lease, settings, timers, Runnable::run, g -> { });
    }
}
