package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only a client whose transport refuses bytes is too slow. Upstream bytes are parsed on the upstream client's
 * selector and written on the writers' queue; when a burst outran that hand-off, a client that kept up was cut at
 * its bound (GenerationsIT.answerOutgrowingTheReplayLogEndsWithTooLarge, 1 of 4 CI runs, on fb946de's Follower,
 * which fails the first test here at token 9).
 */
class FollowerBurstTest {

    private static final int BOUND = 8;

    @Test
    void aBurstFarPastTheBoundReachesAClientThatKeepsUpWhileTheWritersLag() {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        List<Runnable> writers = new ArrayList<>();
        Follower follower = new Follower(sink, writers::add, BOUND, f -> { }, e -> { });
        for (int seq = 1; seq <= 100; seq++) {
            assertTrue(follower.offer(new StreamEvent.Token(seq, "t" + seq)), "token " + seq + " was refused");
            follower.signal();
        }
        assertTrue(sink.events.size() > 100 - BOUND, "the offering thread wrote what the writers had not");
        writers.forEach(Runnable::run);
        assertEquals(IntStream.rangeClosed(1, 100).mapToObj(seq -> "token:" + seq).toList(), sink.seen(),
                "every token written once, in order");
        assertFalse(follower.closed());
    }

    @Test
    void aNonBlockingTransportThatRefusesBytesIsTooSlowAtItsBound() {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        sink.ready = false;
        Follower follower = new Follower(sink, task -> { }, BOUND, f -> { }, e -> { });
        int accepted = 0;
        while (follower.offer(new StreamEvent.Token(accepted + 1, "t")) && accepted <= 2 * BOUND) {
            accepted++;
            follower.signal();
        }
        // The signal after the event that filled the queue took the offering thread to the transport, which refused.
        assertEquals(BOUND, accepted);
        assertTrue(sink.events.isEmpty(), "nothing written to a transport that refuses bytes");
        assertFalse(follower.offer(new StreamEvent.Done(accepted + 2, "stop", null)),
                "after a refused event nothing is queued, not even the end: no end behind a gap");
    }

    @Test
    void aTerminalEventPassesAFullBoundWhileNothingWasRefused() {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        sink.ready = false;
        Follower follower = new Follower(sink, task -> { }, BOUND, f -> { }, e -> { });
        for (int seq = 1; seq <= BOUND; seq++) {
            assertTrue(follower.offer(new StreamEvent.Token(seq, "t")));
        }
        follower.signal();
        assertTrue(follower.offer(new StreamEvent.Done(BOUND + 1, "stop", null)));
    }

    @Test
    void theOfferingThreadNeverWritesWhileTheWritersDo() throws Exception {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        List<Runnable> writers = new CopyOnWriteArrayList<>();
        Follower follower = new Follower(sink, writers::add, BOUND, f -> { }, e -> { });
        AtomicInteger writing = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sink.beforeWrite = () -> {
            mostAtOnce.accumulateAndGet(writing.incrementAndGet(), Math::max);
            entered.countDown();
            if (Thread.currentThread().getName().equals("writer")) {
                awaitQuietly(release);
            }
            writing.decrementAndGet();
        };
        int seq = 0;
        assertTrue(follower.offer(new StreamEvent.Token(++seq, "t")));
        follower.signal();
        Thread writer = new Thread(() -> runAll(writers), "writer");
        writer.start();
        assertTrue(entered.await(5, TimeUnit.SECONDS), "the writers' drain is in its write");
        while (seq < 3 * BOUND) {
            assertTrue(follower.offer(new StreamEvent.Token(++seq, "t")), "a writing transport is not refusing");
            follower.signal();
        }
        assertEquals(1, mostAtOnce.get(), "the offering thread left the write to the writer that holds it");
        release.countDown();
        writer.join(5000);
        runAll(writers);
        assertEquals(IntStream.rangeClosed(1, 3 * BOUND).mapToObj(n -> "token:" + n).toList(), sink.seen());
    }

    @Test
    void aBlockingTransportIsWrittenOnlyByTheWritersAndTooSlowOnlyOnceAWriteStalls() throws Exception {
        GenerationTest.RecordingSink sink = new GenerationTest.RecordingSink();
        sink.blocking = true;
        List<Runnable> writers = new CopyOnWriteArrayList<>();
        Follower follower = new Follower(sink, writers::add, BOUND, f -> { }, e -> { });
        int seq = 0;
        while (seq < 3 * BOUND) {
            assertTrue(follower.offer(new StreamEvent.Token(++seq, "t")), "no write waits on the client: " + seq);
            follower.signal();
        }
        assertTrue(sink.events.isEmpty(), "an SSE write may block: only the writers' queue writes it");
        runAll(writers);
        assertEquals(3 * BOUND, sink.events.size());

        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sink.beforeWrite = () -> {
            entered.countDown();
            awaitQuietly(release);
        };
        assertTrue(follower.offer(new StreamEvent.Token(++seq, "t")));
        follower.signal();
        Thread writer = new Thread(() -> runAll(writers));
        writer.start();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        for (int i = 0; i <= BOUND; i++) {
            assertTrue(follower.offer(new StreamEvent.Token(++seq, "t")), "a write just begun is not a refusal");
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Uptake.STALLED_WRITE_NANOS) + 50);
        assertFalse(follower.offer(new StreamEvent.Token(++seq, "t")), "past the bound behind a stalled write");
        release.countDown();
        writer.join(5000);
    }

    private static void runAll(List<Runnable> writers) {
        while (!writers.isEmpty()) {
            writers.remove(0).run();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
