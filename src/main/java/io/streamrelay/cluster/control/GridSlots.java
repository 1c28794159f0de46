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

    private static final long LOCK_WAIT_SECONDS = 5;
    private static final long LOCK_LEASE_SECONDS = 10;

    /** This member's own counts; writes of its keys go in the order of these changes (synchronized on it). */
    private final Map<String, Integer> mine = new ConcurrentHashMap<>();

    @Override
    public boolean active() {
        return cluster.active();
    }

    @Override
    public Taken take(String key, int limit) {
        IMap<String, String> slots;
        try {
            slots = slots();
            // Bounded both ways: a request thread waits at most LOCK_WAIT_SECONDS for the lock, and a lock whose
            // holder stalls (a lost member's call in flight) frees itself after LOCK_LEASE_SECONDS.
            if (!slots.tryLock(key, LOCK_WAIT_SECONDS, TimeUnit.SECONDS, LOCK_LEASE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning(() -> "slot " + key + " not counted cluster-wide: its lock stayed taken");
                return Taken.UNCOUNTED;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Taken.UNCOUNTED;
        } catch (RuntimeException gridTrouble) {
            // The local limits still hold; a grid that cannot be reached must not stop the relay.
            LOG.warning(() -> "slot " + key + " not counted cluster-wide: " + gridTrouble);
            return Taken.UNCOUNTED;
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
                return Taken.FULL;
            }
            synchronized (mine) {
                int count = mine.merge(key, 1, Integer::sum);
                try {
                    write(slots, key, count);
                } catch (RuntimeException notWritten) {
                    mine.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
                    throw notWritten;
                }
            }
            return Taken.COUNTED;
        } catch (RuntimeException gridTrouble) {
            LOG.warning(() -> "slot " + key + " not counted cluster-wide: " + gridTrouble);
            return Taken.UNCOUNTED;
        } finally {
            try {
                slots.unlock(key);
            } catch (RuntimeException gridTrouble) {
                // The lock's lease frees it.
                LOG.fine(() -> "slot " + key + " not unlocked: " + gridTrouble);
            }
        }
    }

    /**
     * On the component's own threads, never the caller's (a generation's end, a timer): a lost member can hold a
     * grid call for the whole invocation timeout. No grid lock: only this member writes its own key, and a count
     * going down late only makes a concurrent taker more careful.
     */
    @Override
    public void give(String key) {
        try {
            cluster.tasks().execute(() -> giveNow(key));
        } catch (RuntimeException stopped) {
            // Shutting down: this member leaves the cluster, and its counts with it.
            LOG.fine(() -> "slot " + key + " not given back cluster-wide: " + stopped);
        }
    }

    private void giveNow(String key) {
        try {
            synchronized (mine) {
                Integer left = mine.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
                write(slots(), key, left == null ? 0 : left);
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
