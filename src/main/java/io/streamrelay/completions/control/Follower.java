package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client following a generation: its bounded queue, its single writer and its heartbeat. Events are offered in
 * order from any thread and written by one drain at a time; a drain takes everything queued, so a client that falls
 * behind gets several events in one write instead of a growing queue. Every drain runs on the writers' queue, never
 * on the thread that offered: that is an upstream client's selector thread, which reads and parses every stream it
 * carries, and an SSE write blocks while the client's socket is full. With NDJSON written on the selector, the paced
 * NDJSON p99 latency was 1.75-2.0 times higher (bench/run A/Bs, docs/benchmark.md). Past its bound, a client is too
 * slow only when its transport refuses bytes ({@link Uptake}); until then a non-blocking transport is written by
 * the offering thread once it has left the generation's lock. The first failed write marks the client gone.
 */
final class Follower {

    private static final Logger LOG = Logger.getLogger(Follower.class.getName());
    private static final int MAX_BATCH = 256;

    private final TokenSink sink;
    private final Executor writers;
    private final int capacity;
    private final Consumer<Follower> gone;
    private final Consumer<RelayEvent> events;
    private final ArrayDeque<StreamEvent> queue = new ArrayDeque<>();
    private final AtomicInteger pendingSignals = new AtomicInteger();
    /** Held for every write: the writers' drain and an offering thread catching up never write at once. */
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean terminalWritten;
    private final Uptake uptake;
    private volatile long lastOfferNanos = System.nanoTime();
    private volatile int pings;

    /** Touched only by the generation's ticker (one task at a time). */
    private Pulse pulse = Pulse.QUIET;

    /** {@code events} hears how this client's stream ends ({@link RelayEvent.StreamClosed}), once. */
    Follower(TokenSink sink, Executor writers, int capacity, Consumer<Follower> gone, Consumer<RelayEvent> events) {
        this.sink = sink;
        this.events = events;
        this.writers = writers;
        this.capacity = capacity;
        this.gone = gone;
        this.uptake = new Uptake(sink.blocking());
        sink.onGone(this::lost);
        sink.onWritable(this::signal);
    }

    /** Queues an event; false when the client is gone or so far behind that its bound is reached. */
    boolean offer(StreamEvent event) {
        return offer(event, false);
    }

    /**
     * Queues a replayed event, past the live bound if need be: the replay log is bounded itself, and a client that
     * resumes must get all of it.
     */
    boolean offerReplay(StreamEvent event) {
        return offer(event, true);
    }

    private boolean offer(StreamEvent event, boolean unbounded) {
        synchronized (queue) {
            if (closed.get()) {
                return false;
            }
            if (!unbounded && queue.size() >= capacity && !event.terminal() && uptake.refusesBytes()) {
                return false;
            }
            queue.add(event);
        }
        lastOfferNanos = System.nanoTime();
        return true;
    }

    private boolean full() {
        synchronized (queue) {
            return queue.size() >= capacity;
        }
    }

    /**
     * Writes what is queued on the calling thread, one writer at a time. On an offering thread only for a
     * non-blocking transport: it stops as soon as the transport refuses bytes, and what is left counts against the
     * client.
     */
    private void writeQueuedExclusively() {
        writing.lock();
        try {
            writeQueued();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Sends a ping when {@link Pulse} says so: after a heartbeat interval with nothing for this client, then its
     * quick probes. Returns when this client next needs the ticker.
     */
    long heartbeat(long now, long intervalNanos, int probes, long probeGapNanos) {
        Pulse.Step step = pulse.at(now, lastOfferNanos, intervalNanos, probes, probeGapNanos);
        pulse = step.next();
        if (step.ping()) {
            ping(now);
        }
        return step.wakeAt();
    }

    /** A ping only on an idle queue: anything queued goes out soon and probes the line just as well. */
    private void ping(long now) {
        synchronized (queue) {
            if (closed.get() || !queue.isEmpty()) {
                return;
            }
            queue.add(new StreamEvent.Ping());
        }
        lastOfferNanos = now;
        pings++; // only the ticker pings, one task at a time
        signal();
    }

    String transport() {
        return sink.transport();
    }

    boolean closed() {
        return closed.get();
    }

    /**
     * Starts a drain unless one is running; a running drain sees the signal and goes round once more. Past its
     * bound, a non-blocking transport is written here and now (never call this with the generation's lock held:
     * a writer that loses its client takes that lock while it holds the write lock).
     */
    void signal() {
        if (!sink.blocking() && full()) {
            writeQueuedExclusively();
        }
        if (pendingSignals.getAndIncrement() != 0) {
            return;
        }
        try {
            writers.execute(this::drain);
        } catch (RejectedExecutionException shuttingDown) {
            lost();
        }
    }

    /** The client is dropped without a terminal event: it fell too far behind (it can resume). */
    void abandon() {
        lost(RelayEvent.Closing.TOO_SLOW);
    }

    /** Nothing is left to send (the client's cursor is at the terminal event): the stream just closes. */
    void finished() {
        lost(RelayEvent.Closing.COMPLETED);
    }

    private void drain() {
        int missed = 1;
        do {
            writeQueuedExclusively();
            missed = pendingSignals.addAndGet(-missed);
        } while (missed != 0);
    }

    private void writeQueued() {
        while (!closed.get()) {
            if (!uptake.ready(sink.isReady())) {
                return;
            }
            if (terminalWritten) {
                if (closed.compareAndSet(false, true)) {
                    sink.close();
                    events.accept(new RelayEvent.StreamClosed(sink.transport(), RelayEvent.Closing.COMPLETED, pings));
                }
                return;
            }
            List<StreamEvent> batch;
            synchronized (queue) {
                if (queue.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
                while (!queue.isEmpty() && batch.size() < MAX_BATCH && !terminalQueued(batch)) {
                    batch.add(queue.poll());
                }
                if (terminalQueued(batch)) {
                    // Nothing follows a terminal event on the wire (a late ping, say): the stream ends with it.
                    queue.clear();
                }
            }
            uptake.writeStarted();
            try {
                sink.write(batch);
            } catch (Exception | LinkageError failure) {
                LOG.log(Level.FINE, "client write failed", failure);
                lost();
                return;
            } finally {
                uptake.writeEnded();
            }
            if (terminalQueued(batch)) {
                terminalWritten = true;
            }
        }
    }

    private static boolean terminalQueued(List<StreamEvent> batch) {
        return !batch.isEmpty() && batch.get(batch.size() - 1).terminal();
    }

    private void lost() {
        lost(RelayEvent.Closing.CLIENT_GONE);
    }

    /** The first way a client is lost is the one it is counted as: the close flag decides once. */
    private void lost(RelayEvent.Closing how) {
        if (closed.compareAndSet(false, true)) {
            synchronized (queue) {
                queue.clear();
            }
            sink.close();
            events.accept(new RelayEvent.StreamClosed(sink.transport(), how, pings));
            gone.accept(this);
        }
    }
}
