package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.Usage;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Following, showing and cancelling a generation that another instance of a cluster produces, from the grid's
 * shared log ({@link SharedGenerations.Remote}): the same checks and the same {@link Follower} as a local one,
 * fed by the grid's reader instead of the producer.
 */
final class RemoteFollowing {

    private final Executor writers;
    private final int buffer;
    private final Consumer<RelayEvent> events;

    RemoteFollowing(Executor writers, int buffer, Consumer<RelayEvent> events) {
        this.writers = writers;
        this.buffer = buffer;
        this.events = events;
    }

    /** As {@link Generation#follow(long, ErrorCode, TokenRelay.SinkOpener)}: null when there is nothing to follow. */
    Follower follow(String id, SharedGenerations.Remote remote, long after, ErrorCode beyondEnd,
                    TokenRelay.SinkOpener opener) throws IOException {
        boolean running = "running".equals(remote.status());
        // The same rule as a local log's (ReplayLog#followable): 204 at or past the end, 400 past the latest event.
        long last = remote.lastSeq();
        if (after >= last && !running) {
            return null;
        }
        if (after > last) {
            throw new ProblemException(beyondEnd, "the cursor " + after + " is past the latest event " + last);
        }
        TokenSink sink = opener.open();
        sink.bind(id);
        events.accept(new RelayEvent.StreamOpened(sink.transport(), after >= 0));
        AtomicReference<Runnable> stop = new AtomicReference<>(() -> { });
        // Counted for the producer's grace period from now until the client leaves or the end arrives, once.
        AtomicBoolean counted = new AtomicBoolean();
        Runnable uncount = () -> {
            if (counted.getAndSet(false)) {
                remote.following(-1);
            }
        };
        Follower follower = new Follower(sink, writers, buffer, gone -> {
            stop.get().run();
            uncount.run();
        }, events);
        try {
            remote.following(1);
            counted.set(true);
            // Unbounded like a replay: a remote follower's queue is bounded by the log's own bounds, as the grid is.
            stop.set(remote.read(after, batch -> {
                batch.forEach(follower::offerReplay);
                follower.signal();
                if (batch.stream().anyMatch(StreamEvent::terminal)) {
                    uncount.run();
                }
            }));
        } catch (RuntimeException gridTrouble) {
            // The stream is open: it gets its one terminal event, and the count it raised goes back down.
            try {
                uncount.run();
            } catch (RuntimeException alsoDown) {
                gridTrouble.addSuppressed(alsoDown);
            }
            follower.offerReplay(new StreamEvent.Failure(Math.max(after, last) + 1, ErrorCode.PRODUCER_LOST,
                    "the cluster could not be read: " + gridTrouble.getMessage(), true));
            follower.signal();
        }
        return follower;
    }

    /** The status endpoint's view of it, assembled from the events the grid holds. */
    static GenerationView view(String id, SharedGenerations.Remote remote) {
        ReplayLog log = new ReplayLog(Integer.MAX_VALUE, Long.MAX_VALUE);
        String model = null;
        Usage usage = null;
        for (StreamEvent event : remote.events()) {
            log.append(event);
            if (event instanceof StreamEvent.Start start) {
                model = start.model();
            } else if (event instanceof StreamEvent.Done done) {
                usage = done.usage();
            }
        }
        return log.view(id, remote.status(), model, usage);
    }
}
