package io.streamrelay.cluster.control;

import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.streamrelay.completions.control.SharedGenerations;
import io.streamrelay.completions.entity.StreamEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A generation another instance produces, as the grid held it when it was looked up. Its status is the record's,
 * or the log's when the log already holds the terminal event (the record follows it by one round trip), or
 * producer_lost's when its producer left the cluster.
 */
final class GridRemote implements SharedGenerations.Remote {

    private final GridGenerations generations;
    private final String id;
    private final GenerationRecord record;
    private final Ringbuffer<String> ring;
    private final StreamEvent tail;

    GridRemote(GridGenerations generations, String id, GenerationRecord record, Ringbuffer<String> ring) {
        this.generations = generations;
        this.id = id;
        this.record = record;
        this.ring = ring;
        StreamEvent last = lastEvent(ring);
        if (last == null || !last.terminal()) {
            StreamEvent settled = record.terminal() == null && !generations.memberAlive(record.producer())
                    ? generations.settle(id, last == null ? 0 : last.seq() + 1) : null;
            last = settled != null && settled.terminal() ? settled : last;
        }
        this.tail = last;
    }

    @Override
    public String ownerId() {
        return record.owner();
    }

    @Override
    public boolean keyed() {
        return record.keyed();
    }

    @Override
    public String status() {
        return tail != null && tail.terminal() ? GenerationRecord.statusOf(tail) : record.status();
    }

    @Override
    public long lastSeq() {
        return tail == null ? -1 : tail.seq();
    }

    @Override
    public List<StreamEvent> events() {
        List<StreamEvent> events = new ArrayList<>();
        try {
            long from = ring.headSequence();
            while (from <= ring.tailSequence()) {
                int most = (int) Math.min(1000, ring.capacity());
                ReadResultSet<String> read = ring.readManyAsync(from, 0, most, null).toCompletableFuture().get();
                for (String batch : read) {
                    events.addAll(EventJson.decode(batch));
                }
                if (read.readCount() == 0) {
                    break;
                }
                from = read.getNextSequenceToReadFrom();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException gridTrouble) {
            throw new IllegalStateException("the shared log could not be read", gridTrouble.getCause());
        }
        return events;
    }

    @Override
    public Runnable read(long after, Consumer<List<StreamEvent>> batches) {
        return generations.reader(id, after, batches)::stop;
    }

    @Override
    public void cancel() {
        generations.cancel(id);
    }

    @Override
    public void following(int delta) {
        generations.following(id, delta);
    }

    static long lastSeq(Ringbuffer<String> ring) {
        StreamEvent last = lastEvent(ring);
        return last == null ? -1 : last.seq();
    }

    private static StreamEvent lastEvent(Ringbuffer<String> ring) {
        long tail = ring.tailSequence();
        if (tail < ring.headSequence() || tail < 0) {
            return null;
        }
        try {
            List<StreamEvent> batch = EventJson.decode(ring.readOne(tail));
            return batch.get(batch.size() - 1);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
