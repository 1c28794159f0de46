package io.streamrelay.usage.control;

import io.streamrelay.usage.entity.LedgerEntry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.annotation.Gauge;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes ledger entries in batches on a thread of its own, so a generation's exit only queues its entry. The queue
 * holds at most {@code relay.ledger.queue-records}: while the database is down the writer retries the batch it holds
 * (100 ms, doubling to 5 s) and the queue fills; past its bound new entries are dropped, logged and counted
 * ({@link #dropped()}). A batch that failed {@link #ROW_BY_ROW_AFTER} times while the database answers is written
 * row by row, and a row the database still refuses is dropped, logged and counted the same way: one bad row must not
 * stall the ledger. On stop it writes what is queued for up to {@code relay.ledger.flush-ms}.
 */
@ApplicationScoped
public class LedgerWriter {

    private static final Logger LOG = Logger.getLogger(LedgerWriter.class.getName());

    /** Failed attempts at one batch before it is written row by row. */
    static final int ROW_BY_ROW_AFTER = 3;

    @Inject
    LedgerSettings settings;

    @Inject
    LedgerStore store;

    @Resource
    ManagedThreadFactory threads;

    private BlockingQueue<LedgerEntry> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopping;
    private volatile long stopDeadline;
    private Thread thread;

    @PostConstruct
    void start() {
        queue = new ArrayBlockingQueue<>(settings.queueRecords());
        try {
            store.resolve();
        } catch (Exception failure) {
            LOG.log(Level.WARNING, "usage ledger unavailable (" + store.describe() + "): generations stream as usual"
                    + " and their usage is queued; " + failure, (Throwable) null);
        }
        thread = threads.newThread(this::run);
        thread.setName("streamrelay-ledger-writer");
        thread.start();
    }

    /** Queues one entry; never blocks. False when the queue is full and the entry was dropped. */
    public boolean offer(LedgerEntry entry) {
        if (queue.offer(entry)) {
            return true;
        }
        long count = dropped.incrementAndGet();
        if (count == 1 || count % 1000 == 0) {
            LOG.warning(() -> "usage ledger queue full (" + settings.queueRecords() + " records waiting for "
                    + store.describe() + "): " + count + " usage records dropped so far");
        }
        return false;
    }

    /** Entries dropped because the queue was full or the database refused them, since start ({@code relay_ledger_dropped_records} in /metrics). */
    @Gauge(name = "relay_ledger_dropped_records", absolute = true, unit = MetricUnits.NONE,
            description = "Usage records dropped: the ledger's queue was full (its database down too long), or the"
                    + " database refused the row")
    public long dropped() {
        return dropped.get();
    }

    /** Entries written, since start. */
    public long written() {
        return written.get();
    }

    /** Entries queued and not yet written. */
    @Gauge(name = "relay_ledger_queued_records", absolute = true, unit = MetricUnits.NONE,
            description = "Usage records waiting for the ledger's database")
    public int queued() {
        return queue.size();
    }

    private void run() {
        try {
            store.open(); // the schema is migrated at start, not at the first generation's end
        } catch (RuntimeException | LinkageError failure) {
            LOG.log(Level.WARNING, "usage ledger cannot open " + store.describe() + "; generations stream as usual,"
                    + " their usage is queued and the writer retries", failure);
            store.reset();
        }
        List<LedgerEntry> batch = new ArrayList<>(settings.batchRecords());
        boolean retry = false;
        long backoffMs = 0;
        int attempts = 0;
        while (!(stopping && batch.isEmpty() && queue.isEmpty())) {
            try {
                if (batch.isEmpty()) {
                    LedgerEntry first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, settings.batchRecords() - 1);
                }
                if (attempts >= ROW_BY_ROW_AFTER && store.answers()) {
                    writeRowByRow(batch);
                } else {
                    store.write(batch, retry);
                    written.addAndGet(batch.size());
                }
                if (backoffMs > 0) {
                    LOG.info(() -> "usage ledger writes again to " + store.describe());
                }
                batch.clear();
                retry = false;
                backoffMs = 0;
                attempts = 0;
            } catch (InterruptedException interrupted) {
                stopRequested(); // a container stopping its threads: what is queued is still written, in time
            } catch (RuntimeException | LinkageError failure) {
                if (backoffMs == 0) {
                    LOG.warning(() -> "usage ledger cannot write to " + store.describe() + " (" + failure
                            + "); retrying, " + queue.size() + " records queued");
                }
                failures.incrementAndGet();
                attempts++;
                store.reset();
                retry = true;
                backoffMs = Math.min(5_000, Math.max(100, backoffMs * 2));
                if (stopping && System.nanoTime() > stopDeadline || !pause(backoffMs)) {
                    break;
                }
            }
        }
        int lost = batch.size() + queue.size();
        if (lost > 0) {
            LOG.warning(() -> "usage ledger stopped with " + lost + " records unwritten (" + store.describe() + ")");
        }
        store.close();
    }

    /**
     * Each row in a transaction of its own; written rows leave the batch. A row refused while the database still
     * answers is dropped; when the database stops answering the rest of the batch waits for the next attempt.
     */
    private void writeRowByRow(List<LedgerEntry> batch) {
        Iterator<LedgerEntry> rows = batch.iterator();
        while (rows.hasNext()) {
            LedgerEntry entry = rows.next();
            try {
                store.write(List.of(entry), true);
                written.incrementAndGet();
            } catch (RuntimeException | LinkageError failure) {
                store.reset();
                if (!store.answers()) {
                    throw failure;
                }
                long count = dropped.incrementAndGet();
                // The class name only: a driver's message can quote the row (keys, model names).
                LOG.warning(() -> "usage record of generation " + entry.generation() + " dropped: "
                        + store.describe() + " refuses it (" + failure.getClass().getName() + "); " + count
                        + " usage records dropped so far");
            }
            rows.remove();
        }
    }

    private boolean pause(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException interrupted) {
            stopRequested();
        }
        return !stopping || System.nanoTime() < stopDeadline;
    }

    private synchronized void stopRequested() {
        if (!stopping) {
            stopDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.flushMs());
            stopping = true;
        }
    }

    /**
     * The application stops after its drain (operations' DrainOnStop ends every generation first, and each end
     * queued its entry): what is queued is written now, for up to {@code relay.ledger.flush-ms}.
     */
    @PreDestroy
    void flush() {
        stopRequested();
        try {
            thread.join(settings.flushMs() + 1000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.info(() -> "usage ledger stopped: " + written.get() + " records written, " + dropped.get() + " dropped");
    }
}
