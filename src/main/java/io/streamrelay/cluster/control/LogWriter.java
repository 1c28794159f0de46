package io.streamrelay.cluster.control;

import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.scheduling.control.TaskQueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Mirrors one generation's events into its shared log: queued without blocking (the generation calls under its
 * lock), appended as one ring item per batch at most every {@code relay.cluster.batch-ms}, one append in flight at
 * a time so that the ring keeps their order. The terminal event goes at once, then to the record ({@code ended}).
 */
final class LogWriter implements Consumer<StreamEvent> {

    private static final Logger LOG = Logger.getLogger(LogWriter.class.getName());

    private final Ringbuffer<String> ring;
    private final TaskQueue tasks;
    private final long batchNanos;
    private final Consumer<StreamEvent> ended;
    private final ConcurrentLinkedQueue<StreamEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final long halfRing;
    private volatile long appended;
    private volatile boolean warned;

    LogWriter(Ringbuffer<String> ring, TaskQueue tasks, long batchNanos, Consumer<StreamEvent> ended) {
        this.ring = ring;
        this.tasks = tasks;
        this.batchNanos = batchNanos;
        this.ended = ended;
        this.halfRing = ring.capacity() / 2;
    }

    @Override
    public void accept(StreamEvent event) {
        queue.add(event);
        kick(event.terminal());
    }

    private void kick(boolean now) {
        if (busy.compareAndSet(false, true)) {
            try {
                if (now) {
                    tasks.execute(this::flush);
                } else {
                    // Past half the ring, batches gather ten times longer: a long answer fills the rest ten times
                    // slower instead of overwriting its own start.
                    tasks.schedule(this::flush, appended >= halfRing ? 10 * batchNanos : batchNanos);
                }
            } catch (RejectedExecutionException stopped) {
                // The component stopped (shutdown): the generation still ends here; other members see
                // producer_lost once this one has left.
                queue.clear();
                busy.set(false);
                if (!warned) {
                    warned = true;
                    LOG.warning(() -> ring.getName() + " no longer mirrored: " + stopped);
                }
            }
        }
    }

    private void flush() {
        List<StreamEvent> batch = new ArrayList<>();
        for (StreamEvent event = queue.poll(); event != null; event = queue.poll()) {
            batch.add(event);
        }
        if (batch.isEmpty()) {
            release();
            return;
        }
        StreamEvent last = batch.get(batch.size() - 1);
        appended++;
        ring.addAsync(EventJson.encode(batch), OverflowPolicy.OVERWRITE).toCompletableFuture()
                .whenComplete((sequence, failure) -> {
                    if (failure != null) {
                        LOG.warning(() -> "a batch of " + ring.getName() + " was not stored: " + failure);
                    }
                    if (last.terminal()) {
                        try {
                            tasks.execute(() -> ended.accept(last));
                        } catch (RejectedExecutionException stopped) {
                            LOG.fine(() -> ring.getName() + ": its end not recorded, shutting down");
                        }
                    }
                    release();
                });
    }

    private void release() {
        busy.set(false);
        if (!queue.isEmpty()) {
            kick(queue.stream().anyMatch(StreamEvent::terminal));
        }
    }
}
