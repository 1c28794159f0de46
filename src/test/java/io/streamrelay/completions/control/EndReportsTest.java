package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.RelayEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A generation's end reaches its observers on the relay's threads; its other events where they happened. */
class EndReportsTest {

    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Test
    void theEndIsReportedOnTheRelaysThreadsAndNothingElseIs() {
        List<Runnable> queued = new CopyOnWriteArrayList<>();
        EndReports reports = new EndReports(this::hear, queued::add);

        reports.accept(new RelayEvent.StreamOpened("sse", false));
        reports.accept(ended());
        assertEquals(List.of("StreamOpened on " + Thread.currentThread().getName()), heard);

        Thread relayThread = new Thread(() -> queued.forEach(Runnable::run), "relay-timers-test");
        relayThread.start();
        assertTrue(join(relayThread));
        assertEquals("GenerationEnded on relay-timers-test", heard.get(1));
    }

    @Test
    void onceTheRelaysThreadsStoppedTheEndIsStillReportedWhereItHappened() {
        Executor stopped = task -> {
            throw new RejectedExecutionException("timers is stopped");
        };
        new EndReports(this::hear, stopped).accept(ended());
        assertEquals(List.of("GenerationEnded on " + Thread.currentThread().getName()), heard);
    }

    private void hear(RelayEvent event) {
        heard.add(event.getClass().getSimpleName() + " on " + Thread.currentThread().getName());
    }

    private static RelayEvent.GenerationEnded ended() {
        return new RelayEvent.GenerationEnded("g", "c", false, "sse", "m", "m", 0, 0, 0, 0, null, null, "stop",
                List.of(), List.of(), 0, null, "chat");
    }

    private static boolean join(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
