package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One follower's events not yet written, in order, up to its bound ({@code relay.stream.buffer-events}) while its
 * transport refuses bytes. Offered from the generation's thread, taken by whichever thread writes; one monitor.
 */
final class Backlog {

    private static final int MAX_BATCH = 256;

    private final ArrayDeque<StreamEvent> queue = new ArrayDeque<>();
    private final int capacity;
    private boolean closed;
    /**
     * Set by the first refused event: nothing after it is queued, not even a terminal event offered before the cut
     * is carried out, so a client never sees an end behind a gap.
     */
    private boolean cut;

    Backlog(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Queues an event; false when closed, cut, or past the bound while the client's transport refuses bytes (which
     * cuts). A terminal event and an {@code unbounded} one (a replay: the log bounds it) pass the bound.
     */
    synchronized boolean add(StreamEvent event, boolean unbounded, Uptake uptake) {
        if (closed || cut) {
            return false;
        }
        if (!unbounded && queue.size() >= capacity && !event.terminal() && uptake.refusesBytes()) {
            cut = true;
            return false;
        }
        queue.add(event);
        return true;
    }

    /** Queues a ping only when nothing else waits: anything queued probes the line just as well. */
    synchronized boolean addIfIdle(StreamEvent.Ping ping) {
        if (closed || !queue.isEmpty()) {
            return false;
        }
        queue.add(ping);
        return true;
    }

    synchronized boolean full() {
        return queue.size() >= capacity;
    }

    /**
     * The next events to write in one batch, at most {@value #MAX_BATCH}, ending at a terminal event if one is
     * queued (then nothing after it is kept: the stream ends with it). Empty when nothing waits.
     */
    synchronized List<StreamEvent> take() {
        List<StreamEvent> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
        while (!queue.isEmpty() && batch.size() < MAX_BATCH && !endsWithTerminal(batch)) {
            batch.add(queue.poll());
        }
        if (endsWithTerminal(batch)) {
            queue.clear();
        }
        return batch;
    }

    synchronized void close() {
        closed = true;
        queue.clear();
    }

    static boolean endsWithTerminal(List<StreamEvent> batch) {
        return !batch.isEmpty() && batch.get(batch.size() - 1).terminal();
    }
}
