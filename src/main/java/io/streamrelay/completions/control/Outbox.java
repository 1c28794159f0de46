package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's bounded queue and its single writer. Events are offered in order from any thread and written by
 * one drain at a time; a drain takes everything queued, so a client that falls behind gets several events in
 * one write instead of a growing queue. A transport whose writes may block is drained on the executor, a
 * non-blocking one right on the thread that offered. The first failed write marks the client gone.
 */
final class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final int MAX_BATCH = 256;

    private final TokenSink sink;
    private final Executor executor;
    private final int capacity;
    private final Runnable gone;
    private final ArrayDeque<StreamEvent> queue = new ArrayDeque<>();
    private final AtomicInteger pendingSignals = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean terminalWritten;
    private volatile long lastOfferNanos = System.nanoTime();

    Outbox(TokenSink sink, Executor executor, int capacity, Runnable gone) {
        this.sink = sink;
        this.executor = executor;
        this.capacity = capacity;
        this.gone = gone;
        sink.onGone(this::lost);
        sink.onWritable(this::signal);
    }

    /** Queues an event; false when the client is gone or so far behind that its bound is reached. */
    boolean offer(StreamEvent event) {
        synchronized (queue) {
            if (closed.get()) {
                return false;
            }
            if (queue.size() >= capacity && !event.terminal()) {
                return false;
            }
            queue.add(event);
        }
        lastOfferNanos = System.nanoTime();
        return true;
    }

    /**
     * A ping only when nothing else is on its way: any write proves the line alive just as well.
     * Returns the offer time it recorded, so the caller can tell later whether anything else followed it.
     */
    long offerPing() {
        synchronized (queue) {
            if (!queue.isEmpty()) {
                return lastOfferNanos;
            }
        }
        offer(new StreamEvent.Ping());
        signal();
        return lastOfferNanos;
    }

    long lastOfferNanos() {
        return lastOfferNanos;
    }

    boolean closed() {
        return closed.get();
    }

    /** Starts a drain unless one is running; a running drain sees the signal and goes round once more. */
    void signal() {
        if (pendingSignals.getAndIncrement() != 0) {
            return;
        }
        if (sink.blocking()) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                lost();
            }
        } else {
            drain();
        }
    }

    /** The client is dropped without a terminal event: it left, or it fell too far behind. */
    void abandon() {
        lost();
    }

    private void drain() {
        int missed = 1;
        do {
            writeQueued();
            missed = pendingSignals.addAndGet(-missed);
        } while (missed != 0);
    }

    private void writeQueued() {
        while (!closed.get()) {
            if (!sink.isReady()) {
                return;
            }
            if (terminalWritten) {
                if (closed.compareAndSet(false, true)) {
                    sink.close();
                }
                return;
            }
            List<StreamEvent> batch;
            synchronized (queue) {
                if (queue.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
                while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.poll());
                }
            }
            try {
                sink.write(batch);
            } catch (Exception | LinkageError failure) {
                LOG.log(Level.FINE, "client write failed", failure);
                lost();
                return;
            }
            if (batch.get(batch.size() - 1).terminal()) {
                terminalWritten = true;
            }
        }
    }

    private void lost() {
        if (closed.compareAndSet(false, true)) {
            synchronized (queue) {
                queue.clear();
            }
            sink.close();
            gone.run();
        }
    }
}
