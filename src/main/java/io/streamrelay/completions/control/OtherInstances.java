package io.streamrelay.completions.control;

import io.streamrelay.admission.entity.Caller;
import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.scheduling.control.RelayThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.io.IOException;

/**
 * The relay's side of a cluster: publishing this instance's generations to the shared store, and finding,
 * following, showing and cancelling those another instance produces. Without a {@link SharedGenerations}
 * component, or with clustering off, every method here is a no-op or answers "not elsewhere".
 */
@ApplicationScoped
class OtherInstances {

    static final String CANCELLED = "the generation was cancelled";

    /** A cluster's shared generations, when a component provides them (io.streamrelay.cluster on a data grid). */
    @Inject
    Instance<SharedGenerations> cluster;

    @Inject
    GenerationStore store;

    @Inject
    RelaySettings settings;

    @Inject
    RelayThreads threads;

    @Inject
    Event<RelayEvent> events;

    /** Mirrors a new generation of this instance's to the cluster, with its cancel from another instance. */
    void publish(Generation generation, Caller caller) {
        SharedGenerations shared = shared();
        if (shared != null) {
            String id = generation.id();
            generation.share(shared.produce(new SharedGenerations.Published(id, caller.id(), caller.keyed(),
                    settings.replay().retentionMs(), settings.timers().maxDurationMs()),
                    () -> generation.fail(ErrorCode.CANCELLED, CANCELLED, false)), () -> shared.followersElsewhere(id));
        }
    }

    /**
     * A generation another instance produces, when this one does not hold it; null when it does or nobody does.
     * The producer hands out seqs before their batch reaches the grid ({@code relay.cluster.batch-ms}): a cursor
     * just ahead of the shared log waits a moment for it instead of being refused.
     *
     * @throws ProblemException unknown_generation for another key's generation, as for a local one
     */
    SharedGenerations.Remote find(String id, Caller caller, long after) {
        SharedGenerations shared = store.find(id) == null ? shared() : null;
        SharedGenerations.Remote remote = shared == null ? null : visible(shared.find(id), caller);
        for (int wait = 0; remote != null && wait < 25 && "running".equals(remote.status())
                && after > remote.lastSeq(); wait++) {
            pause();
            remote = visible(shared.find(id), caller);
        }
        return remote;
    }

    boolean follow(SharedGenerations.Remote remote, Cursor cursor, TokenRelay.SinkOpener opener) throws IOException {
        return new RemoteFollowing(threads.writers(), settings.bufferEvents(), events::fire)
                .follow(cursor.generation(), remote, cursor.after(), cursor.invalid(), opener) != null;
    }

    GenerationView view(String id, SharedGenerations.Remote remote) {
        return RemoteFollowing.view(id, remote);
    }

    /** This instance stops: its clients of generations produced elsewhere end with server_shutdown. */
    void endFollowers() {
        SharedGenerations shared = shared();
        if (shared != null) {
            shared.endFollowers();
        }
    }

    private SharedGenerations shared() {
        if (cluster == null || !cluster.isResolvable()) {
            return null;
        }
        SharedGenerations shared = cluster.get();
        return shared.active() ? shared : null;
    }

    private static SharedGenerations.Remote visible(SharedGenerations.Remote remote, Caller caller) {
        // As for a local one: another key's generation is answered exactly like an unknown one.
        if (remote != null && caller.keyed() && !(remote.keyed() && caller.id().equals(remote.ownerId()))) {
            throw new ProblemException(ErrorCode.UNKNOWN_GENERATION, "no generation with this id, or it has expired");
        }
        return remote;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
