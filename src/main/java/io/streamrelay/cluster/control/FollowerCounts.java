package io.streamrelay.cluster.control;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.streamrelay.scheduling.control.TaskQueue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Every member's follower counts (IMap {@code relay-followers}, key {@code <id>/<member>}, value a count) kept here
 * in memory by an entry listener, so that a producer's grace check, which runs on a timer under its generation's
 * lock, reads them without a grid call. The grid's event thread only hands the key and value (plain strings) to the
 * component's own threads.
 */
final class FollowerCounts implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
        EntryRemovedListener<String, String>, EntryExpiredListener<String, String>,
        EntryEvictedListener<String, String> {

    private static final Logger LOG = Logger.getLogger(FollowerCounts.class.getName());

    private final TaskQueue tasks;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    FollowerCounts(TaskQueue tasks) {
        this.tasks = tasks;
    }

    /** Listens from now on, then loads what the map held before (on the component's threads). */
    java.util.UUID listen(IMap<String, String> followers) {
        java.util.UUID id = followers.addEntryListener(this, true);
        tasks.execute(() -> {
            try {
                followers.forEach((key, value) -> counts.putIfAbsent(key, Integer.parseInt(value)));
            } catch (RuntimeException gridTrouble) {
                LOG.warning(() -> "followers on other members not loaded: " + gridTrouble);
            }
        });
        return id;
    }

    /** The followers of {@code id} on the live members other than {@code self}; no grid call. */
    int elsewhere(String id, String self, Set<String> live) {
        int sum = 0;
        for (String member : live) {
            if (!member.equals(self)) {
                sum += counts.getOrDefault(id + "/" + member, 0);
            }
        }
        return sum;
    }

    private void hand(String key, String value) {
        tasks.execute(() -> {
            if (value == null) {
                counts.remove(key);
            } else {
                counts.put(key, Integer.parseInt(value));
            }
        });
    }

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
        hand(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
        hand(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
        hand(event.getKey(), null);
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
        hand(event.getKey(), null);
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
        hand(event.getKey(), null);
    }
}
