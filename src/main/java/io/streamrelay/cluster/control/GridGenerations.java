package io.streamrelay.cluster.control;

import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.topic.ITopic;
import io.streamrelay.completions.control.SharedGenerations;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.problems.entity.ErrorCode;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The relay's generations in Payara's data grid: a record per generation (IMap {@code relay-generations}, JSON), an
 * event log per generation (Ringbuffer {@code relay-log-<id>}, one JSON batch an item), remote followers' counts
 * (IMap {@code relay-followers}, key {@code <id>/<member>}) and cancels (ITopic {@code relay-cancel}).
 */
@ApplicationScoped
public class GridGenerations implements SharedGenerations {

    private static final Logger LOG = Logger.getLogger(GridGenerations.class.getName());

    @Inject
    ClusterGrid cluster;

    private final Map<String, Runnable> cancels = new ConcurrentHashMap<>();
    private final Map<String, int[]> following = new ConcurrentHashMap<>();
    private final Set<LogReader> readers = ConcurrentHashMap.newKeySet();
    private volatile UUID cancelListener;
    private volatile FollowerCounts followerCounts;
    private volatile UUID countsListener;

    @Override
    public boolean active() {
        if (!cluster.active()) {
            return false;
        }
        if (cancelListener == null) {
            try {
                listenForCancels();
            } catch (RuntimeException gridTrouble) {
                // Tried again on the next call; cancels from other instances wait until then.
                LOG.warning(() -> "cancels from other instances not heard yet: " + gridTrouble);
            }
        }
        return true;
    }

    private synchronized void listenForCancels() {
        if (followerCounts == null) {
            FollowerCounts counts = new FollowerCounts(cluster.tasks());
            try {
                countsListener = counts.listen(followers());
                followerCounts = counts;
            } catch (RuntimeException gridTrouble) {
                LOG.warning(() -> "followers on other members not counted: " + gridTrouble);
            }
        }
        if (cancelListener == null) {
            // The grid's event thread only hands the id on: the relay's code runs on the component's threads.
            cancelListener = topic().addMessageListener(message -> {
                Runnable cancel = cancels.get(message.getMessageObject());
                if (cancel != null) {
                    cluster.tasks().execute(cancel);
                }
            });
        }
    }

    /**
     * Never throws: a grid that cannot take the record or the log leaves this generation unshared (logged), it
     * still runs for its clients here.
     */
    @Override
    public Consumer<StreamEvent> produce(Published generation, Runnable cancel) {
        String id = generation.id();
        try {
            records().set(id, GenerationRecord.running(generation.ownerId(), generation.keyed(), cluster.self())
                    .json(), generation.maxDurationMs() + generation.retentionMs(), TimeUnit.MILLISECONDS);
            cancels.put(id, cancel);
            return new LogWriter(ring(id), cluster.tasks(), cluster.batchNanos(), last -> ended(generation, last));
        } catch (RuntimeException gridTrouble) {
            cancels.remove(id);
            LOG.warning(() -> "generation " + id + " runs unshared, the grid did not take it: " + gridTrouble);
            return event -> {
            };
        }
    }

    private void ended(Published generation, StreamEvent last) {
        String id = generation.id();
        cancels.remove(id);
        try {
            String json = records().get(id);
            GenerationRecord record = json == null ? null : GenerationRecord.parse(json);
            if (record != null && record.terminal() == null) {
                records().set(id, record.ended(last).json(), generation.retentionMs(), TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException gridTrouble) {
            LOG.warning(() -> "generation " + id + ": its end was not recorded: " + gridTrouble);
        }
    }

    /** From memory, kept by a listener (see {@link FollowerCounts}): a timer under a generation's lock calls it. */
    @Override
    public int followersElsewhere(String id) {
        FollowerCounts counts = followerCounts;
        return counts == null ? 0 : counts.elsewhere(id, cluster.self(), cluster.members());
    }

    @Override
    public Remote find(String id) {
        String json = records().get(id);
        return json == null ? null : new GridRemote(this, id, GenerationRecord.parse(json), ring(id));
    }

    @Override
    public void endFollowers() {
        for (LogReader reader : Set.copyOf(readers)) {
            reader.end(ErrorCode.SERVER_SHUTDOWN, "the relay is shutting down");
        }
    }

    @PreDestroy
    void stop() {
        endFollowers();
        if (cancelListener != null && cluster.active()) {
            topic().removeMessageListener(cancelListener);
        }
        if (countsListener != null && cluster.active()) {
            followers().removeEntryListener(countsListener);
        }
    }

    LogReader reader(String id, long after, Consumer<java.util.List<StreamEvent>> out) {
        LogReader reader = new LogReader(ring(id), after, cluster.tasks(), out, next -> settle(id, next),
                readers::remove, cluster.heartbeatMs());
        readers.add(reader);
        reader.start();
        return reader;
    }

    /**
     * The terminal event the record holds, or null while the generation runs. A running generation whose
     * producer left the cluster is ended here with producer_lost, once for the whole cluster (a compare-and-set
     * on the record), its terminal event appended to the log for every follower.
     */
    StreamEvent settle(String id, long next) {
        String json = records().get(id);
        if (json == null) {
            return new StreamEvent.Failure(next, ErrorCode.REPLAY_EXPIRED, "the cluster no longer holds the generation",
                    true);
        }
        GenerationRecord record = GenerationRecord.parse(json);
        if (record.terminal() != null || cluster.members().contains(record.producer())) {
            return record.terminal();
        }
        StreamEvent lost = new StreamEvent.Failure(GridRemote.lastSeq(ring(id)) + 1, ErrorCode.PRODUCER_LOST,
                "the instance producing the generation was lost", true);
        if (records().replace(id, json, record.ended(lost).json())) {
            ring(id).add(EventJson.encode(java.util.List.of(lost)));
            LOG.info(() -> "generation " + id + ": its producer left the cluster: producer_lost");
            return lost;
        }
        return GenerationRecord.parse(records().get(id)).terminal();
    }

    void cancel(String id) {
        topic().publish(id);
    }

    synchronized void following(String id, int delta) {
        int[] count = following.computeIfAbsent(id, k -> new int[1]);
        count[0] += delta;
        String key = id + "/" + cluster.self();
        try {
            if (count[0] <= 0) {
                following.remove(id);
                followers().delete(key);
            } else {
                followers().set(key, String.valueOf(count[0]), 1, TimeUnit.DAYS);
            }
        } catch (RuntimeException gridTrouble) {
            LOG.fine(() -> "followers of " + id + " not counted: " + gridTrouble);
        }
    }

    boolean memberAlive(String member) {
        return cluster.members().contains(member);
    }

    private IMap<String, String> records() {
        return cluster.grid().getMap("relay-generations");
    }

    private IMap<String, String> followers() {
        return cluster.grid().getMap("relay-followers");
    }

    private ITopic<String> topic() {
        return cluster.grid().getTopic("relay-cancel");
    }

    private Ringbuffer<String> ring(String id) {
        return cluster.grid().getRingbuffer(ClusterGrid.LOG_PREFIX + id);
    }
}
