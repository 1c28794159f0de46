package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Lease;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.control.Upstream;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single exit releases the upstream, the timer and the slot exactly once, whoever calls and whenever. */
class ExitTest {

    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger cancelledCalls = new AtomicInteger();
    private final AtomicInteger cancelledTimers = new AtomicInteger();
    private final Lease lease = new Lease() {
        @Override
        public void tokens(int count) {
        }

        @Override
        public void release() {
            released.incrementAndGet();
        }
    };

    @Test
    void releasesEverythingOnceForManyRacingCallers() throws Exception {
        for (int round = 0; round < 200; round++) {
            released.set(0);
            cancelledCalls.set(0);
            cancelledTimers.set(0);
            Exit exit = new Exit(lease);
            assertTrue(exit.hold(call()));
            exit.hold(timer());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger winners = new AtomicInteger();
            for (int i = 0; i < 8; i++) {
                pool.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (exit.leave()) {
                        winners.incrementAndGet();
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
            assertEquals(1, winners.get());
            assertEquals(1, released.get());
            assertEquals(1, cancelledCalls.get());
            assertEquals(1, cancelledTimers.get());
        }
    }

    @Test
    void whatArrivesAfterTheExitIsRefusedOrCancelledAtOnce() {
        Exit exit = new Exit(lease);
        assertTrue(exit.leave());
        assertFalse(exit.hold(call()), "the caller cancels a late upstream call itself");
        exit.hold(timer());
        assertEquals(1, cancelledTimers.get(), "a timer scheduled after the end is cancelled at once");
        assertFalse(exit.leave());
        assertEquals(1, released.get());
    }

    private Upstream.UpstreamCall call() {
        return cancelledCalls::incrementAndGet;
    }

    private TaskQueue.Scheduled timer() {
        return cancelledTimers::incrementAndGet;
    }
}
