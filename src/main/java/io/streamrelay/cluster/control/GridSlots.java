package io.streamrelay.cluster.control;

import com.hazelcast.map.IMap;
import io.streamrelay.admission.control.SharedSlots;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Stream slots counted on every live member, exactly: each member keeps its own count of a slot name in the IMap
 * {@code relay-slots} (key {@code <name>|<member>}), and taking one sums the live members' counts under the
 * grid's lock on the name. A member that leaves drops out of the sum, so its slots are free at once; the grid
 * releases a lock its holder died with.
 */
@ApplicationScoped
public class GridSlots implements SharedSlots {

    private static final Logger LOG = Logger.getLogger(GridSlots.class.getName());

    @Inject
    ClusterGrid cluster;

    private final Map<String, Integer> mine = new ConcurrentHashMap<>();

    @Override
    public boolean active() {
        return cluster.active();
    }

    @Override
    public boolean take(String key, int limit) {
        IMap<String, String> slots = slots();
        try {
            slots.lock(key, 10, TimeUnit.SECONDS);
        } catch (RuntimeException gridTrouble) {
            // The local limits still hold; a grid that cannot be reached must not stop the relay.
            LOG.warning(() -> "slot " + key + " not counted cluster-wide: " + gridTrouble);
            return true;
        }
        try {
            Set<String> keys = new HashSet<>();
            for (String member : cluster.members()) {
                keys.add(key + "|" + member);
            }
            int held = 0;
            for (String count : slots.getAll(keys).values()) {
                held += Integer.parseInt(count);
            }
            if (held >= limit) {
                return false;
            }
            write(slots, key, mine.merge(key, 1, Integer::sum));
            return true;
        } finally {
            slots.unlock(key);
        }
    }

    @Override
    public void give(String key) {
        try {
            IMap<String, String> slots = slots();
            slots.lock(key, 10, TimeUnit.SECONDS);
            try {
                Integer left = mine.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
                write(slots, key, left == null ? 0 : left);
            } finally {
                slots.unlock(key);
            }
        } catch (RuntimeException gridTrouble) {
            LOG.warning(() -> "slot " + key + " not given back cluster-wide: " + gridTrouble);
        }
    }

    private void write(IMap<String, String> slots, String key, int count) {
        String own = key + "|" + cluster.self();
        if (count <= 0) {
            slots.delete(own);
        } else {
            slots.set(own, String.valueOf(count), 1, TimeUnit.DAYS);
        }
    }

    private IMap<String, String> slots() {
        return cluster.grid().getMap("relay-slots");
    }
}
