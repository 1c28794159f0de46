package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;

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
 * One client following a generation: its bounded {@link Backlog}, its single writer and its heartbeat. Events are
 * offered in order from any thread and written by one writer at a time; a write takes everything queued, so a client
 * that falls behind gets several events in one write instead of a growing queue. Drains run on the writers' queue,
 * not on the thread that offered: that is an upstream client's selector thread, which reads and parses every stream
 * it carries, and an SSE write blocks while the client's socket is full. With NDJSON written on the selector, the paced
 * NDJSON p99 latency was 1.75-2.0 times higher (bench/run A/Bs, docs/benchmark.md). Past its bound, a client is too
 * slow only when its transport refuses bytes ({@link Uptake}); until then a non-blocking transport is written by
 * the offering thread once it has left the generation's lock. The first failed write marks the client gone.
 */
final class Follower {

    private static final Logger LOG = Logger.getLogger(Follower.class.getName());

    private final TokenSink sink;
    private final Executor writers;
    private final Consumer<Follower> gone;
    private final Consumer<RelayEvent> events;
    private final Backlog backlog;
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
        this.backlog = new Backlog(capacity);
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
        if (!backlog.add(event, unbounded, uptake)) {
            return false;
        }
        lastOfferNanos = System.nanoTime();
        return true;
    }

    /**
     * Writes what is queued, one writer at a time. The writers' drain {@code waits} for the lock; an offering
     * thread past the bound (only for a non-blocking transport, whose writes stop as soon as it refuses bytes) only
     * tries it: whoever holds it writes this queue anyway, and the signal that follows sends it round once more.
     * Waiting there would park an upstream selector behind a client's write, and could deadlock with a sink that
     * signals under its own monitor (CompletionSink).
     */
    private void writeQueuedHoldingTheLock(boolean waits) {
        if (waits) {
            writing.lock();
        } else if (!writing.tryLock()) {
            return;
        }
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

    private void ping(long now) {
        if (closed.get() || !backlog.addIfIdle(new StreamEvent.Ping())) {
            return;
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
        if (!sink.blocking() && backlog.full()) {
            writeQueuedHoldingTheLock(false);
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
            writeQueuedHoldingTheLock(true);
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
            List<StreamEvent> batch = backlog.take();
            if (batch.isEmpty()) {
                return;
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
            if (Backlog.endsWithTerminal(batch)) {
                terminalWritten = true;
            }
        }
    }

    private void lost() {
        lost(RelayEvent.Closing.CLIENT_GONE);
    }

    /** The first way a client is lost is the one it is counted as: the close flag decides once. */
    private void lost(RelayEvent.Closing how) {
        if (closed.compareAndSet(false, true)) {
            backlog.close();
            sink.close();
            events.accept(new RelayEvent.StreamClosed(sink.transport(), how, pings));
            gone.accept(this);
        }
    }
}
