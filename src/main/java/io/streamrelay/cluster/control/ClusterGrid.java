package io.streamrelay.cluster.control;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import io.streamrelay.completions.control.RelaySettings;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Payara's data grid as the relay uses it: whether clustering is on ({@code relay.cluster.enabled}: {@code auto}
 * means on when Payara's grid runs), this member's id, the live members, and the component's own two threads for
 * grid work (off the relay's timers, which must never wait on the network).
 */
@ApplicationScoped
public class ClusterGrid {

    private static final Logger LOG = Logger.getLogger(ClusterGrid.class.getName());
    static final String LOG_PREFIX = "relay-log-";

    /** Payara's own instance (its CDI extension produces it); null with --nohazelcast. Under --nocluster Payara Micro
     * still runs a grid of one member, and {@code auto} turns the component on there (measured in bench/run). */
    @Inject
    Instance<HazelcastInstance> hazelcast;

    String enabled;
    long batchMs;
    int logBatches;

    @Inject
    RelaySettings settings;

    /** Grid work gets threads of its own, like the relay's workers (see RelayThreads). */
    @Resource
    ManagedThreadFactory threadFactory;

    private HazelcastInstance grid;
    private TaskQueue tasks;

    @PostConstruct
    void start() {
        Settings values = Settings.current();
        enabled = values.optional("relay.cluster.enabled").orElse("auto");
        batchMs = values.number("relay.cluster.batch-ms");
        logBatches = values.integer("relay.cluster.log-batches");
        HazelcastInstance found = hazelcast.isResolvable() ? hazelcast.get() : null;
        boolean running = found != null && found.getLifecycleService().isRunning();
        boolean wanted = wanted(enabled, running);
        if (wanted && !running) {
            LOG.warning("relay.cluster.enabled is true but Payara's data grid is not running: single instance");
        }
        if (!wanted || !running) {
            return;
        }
        // Per generation one ring of batches; the TTL outlives any generation plus its retention, so a log whose
        // producer died is never left behind for good.
        long ttlSeconds = (settings.timers().maxDurationMs() + settings.replay().retentionMs()) / 1000 + 60;
        addRingConfig(found.getConfig(), new RingbufferConfig(LOG_PREFIX + "*").setCapacity(logBatches)
                .setBackupCount(1).setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, ttlSeconds)));
        tasks = new TaskQueue("grid", threadFactory, 2);
        grid = found;
        LOG.info(() -> "clustered generations on Payara's data grid, member " + self() + " of "
                + found.getCluster().getMembers().size());
    }

    /** {@code auto}: when Payara's grid runs; otherwise MicroProfile Config's boolean rule (true, yes, y, on, 1). */
    static boolean wanted(String enabled, boolean running) {
        String value = enabled.trim();
        return "auto".equalsIgnoreCase(value) ? running : Settings.isTrue(value);
    }

    /**
     * The grid rejects a config that differs from one another member added (settings differ between instances):
     * the one the cluster already has is used, with a warning, rather than leaving this member unclustered.
     */
    static void addRingConfig(Config config, RingbufferConfig ring) {
        try {
            config.addRingBufferConfig(ring);
        } catch (InvalidConfigurationException conflict) {
            LOG.warning(() -> "the cluster's ring config " + ring.getName() + " differs from this instance's "
                    + "settings (relay.cluster.log-batches, timers), the cluster's is used: " + conflict.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        if (tasks != null) {
            tasks.stop();
        }
    }

    public boolean active() {
        return grid != null && grid.getLifecycleService().isRunning();
    }

    HazelcastInstance grid() {
        return grid;
    }

    TaskQueue tasks() {
        return tasks;
    }

    long heartbeatMs() {
        return settings.timers().heartbeatMs();
    }

    long batchNanos() {
        return batchMs * 1_000_000L;
    }

    String self() {
        return grid.getCluster().getLocalMember().getUuid().toString();
    }

    Set<String> members() {
        Set<String> ids = new HashSet<>();
        for (Member member : grid.getCluster().getMembers()) {
            ids.add(member.getUuid().toString());
        }
        return ids;
    }
}
