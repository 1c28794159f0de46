package io.streamrelay.cluster.control;

import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One remote follower's reading of a shared log: a blocking read of up to 100 batches that the grid answers as soon
 * as a batch is appended (no poll per event), skipping what the cursor already had, checking that the seqs run on
 * without a gap. While nothing comes, a watchdog asks the record every second ({@code settle}), so a follower ends
 * even when the log's last batch was lost or its producer died.
 */
final class LogReader {

    private static final long WATCH_NANOS = 1_000_000_000L;

    private final Ringbuffer<String> ring;
    private final TaskQueue tasks;
    private final Consumer<List<StreamEvent>> out;
    private final LongFunction<StreamEvent> settle;
    private final Consumer<LogReader> done;
    private final long heartbeatNanos;
    private long lastPing = System.nanoTime();
    private volatile boolean stopped;
    private long next;
    private long ringSeq;
    private volatile long lastRead = System.nanoTime();

    /**
     * @param settle given the next seq expected, the terminal event the record says the generation ended with
     *               (producer_lost when its producer is gone), or null while it runs
     */
    LogReader(Ringbuffer<String> ring, long after, TaskQueue tasks, Consumer<List<StreamEvent>> out,
              LongFunction<StreamEvent> settle, Consumer<LogReader> done, long heartbeatMs) {
        this.heartbeatNanos = heartbeatMs * 1_000_000L;
        this.ring = ring;
        this.next = after + 1;
        this.tasks = tasks;
        this.out = out;
        this.settle = settle;
        this.done = done;
    }

    void start() {
        ringSeq = ring.headSequence();
        read();
        watch();
    }

    /** The client left: no more reads (one already waiting in the grid completes into nothing). */
    void stop() {
        stopped = true;
        done.accept(this);
    }

    /** Ends it from here (this instance is stopping): the terminal event goes after what was delivered. */
    void end(ErrorCode code, String message) {
        finish(List.of(new StreamEvent.Failure(next, code, message, code.retryable())));
    }

    private void read() {
        if (stopped) {
            return;
        }
        // Hazelcast refuses to read more at once than the ring holds.
        ring.readManyAsync(ringSeq, 1, (int) Math.min(100, ring.capacity()), null).toCompletableFuture()
                .whenComplete((result, failure) -> tasks.execute(() -> got(result, failure)));
    }

    private synchronized void got(ReadResultSet<String> result, Throwable failure) {
        if (stopped) {
            return;
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof StaleSequenceException) {
                finish(List.of(expired()));
            } else {
                // A member left mid-read, say: read again shortly; the watchdog ends it if the log is gone.
                tasks.schedule(this::read, WATCH_NANOS / 2);
            }
            return;
        }
        lastRead = System.nanoTime();
        List<StreamEvent> batch = new ArrayList<>();
        for (String item : result) {
            for (StreamEvent event : EventJson.decode(item)) {
                if (event.seq() < next) {
                    continue;
                }
                if (event.seq() > next) {
                    batch.add(expired());
                    finish(batch);
                    return;
                }
                batch.add(event);
                next++;
                if (event.terminal()) {
                    finish(batch);
                    return;
                }
            }
        }
        ringSeq = result.getNextSequenceToReadFrom();
        if (!batch.isEmpty()) {
            out.accept(batch);
        }
        read();
    }

    private void watch() {
        tasks.schedule(() -> {
            if (stopped) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastRead >= WATCH_NANOS) {
                settled();
            }
            // The producer pings only its own clients: a quiet stream here gets its heartbeat from the watchdog,
            // which also finds a client that left (a write fails).
            if (heartbeatNanos > 0 && now - Math.max(lastRead, lastPing) >= heartbeatNanos) {
                ping(now);
            }
            watch();
        }, WATCH_NANOS);
    }

    /** Under finish's monitor, so that no ping is handed on after the terminal event. */
    private synchronized void ping(long now) {
        if (!stopped) {
            lastPing = now;
            out.accept(List.of(new StreamEvent.Ping()));
        }
    }

    private synchronized void settled() {
        if (stopped) {
            return;
        }
        StreamEvent terminal;
        try {
            terminal = settle.apply(next);
        } catch (RuntimeException gridTrouble) {
            return; // asked again in a second
        }
        if (terminal == null || System.nanoTime() - lastRead < 2 * WATCH_NANOS) {
            return; // the log's read normally brings the terminal event; the record only when it does not
        }
        finish(List.of(terminal.seq() == next ? terminal : expired()));
    }

    private StreamEvent expired() {
        return new StreamEvent.Failure(next, ErrorCode.REPLAY_EXPIRED,
                "the cluster no longer holds the events after seq " + (next - 1) + "; start a new generation", true);
    }

    private synchronized void finish(List<StreamEvent> last) {
        if (stopped) {
            return;
        }
        stopped = true;
        out.accept(last);
        done.accept(this);
    }
}
