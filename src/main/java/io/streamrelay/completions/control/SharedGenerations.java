package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;

import java.util.List;
import java.util.function.Consumer;

/**
 * Generations shared by the instances of a cluster: what the relay needs from a data grid, implemented by a
 * component found at run time (io.streamrelay.cluster on Payara's Hazelcast). Absent or not {@link #active()}, the
 * relay is a single instance with its in-memory store. The producing instance keeps serving its own followers from
 * memory; this seam only mirrors its events and serves the other instances.
 */
public interface SharedGenerations {

    /** Whether the grid is running and clustering is on ({@code relay.cluster.enabled}). */
    boolean active();

    /**
     * Publishes a generation this instance produces, before its start event.
     *
     * @param cancel what a cancel from another instance runs here (on a thread of the relay's, not the grid's)
     * @return where its events go, in seq order, from under the generation's lock: it must not block
     */
    Consumer<StreamEvent> produce(Published generation, Runnable cancel);

    /** Clients of generation {@code id} following it on the other instances (the producer's grace counts them). */
    int followersElsewhere(String id);

    /** A generation another instance produces or produced, or null when the grid knows no such id. */
    Remote find(String id);

    /** Ends every client here that follows a generation produced elsewhere with server_shutdown (a drain is over). */
    void endFollowers();

    /** What the grid keeps of a generation this instance produces: who may see it and how long to keep it. */
    record Published(String id, String ownerId, boolean keyed, long retentionMs, long maxDurationMs) {
    }

    /** A generation produced elsewhere, as the grid holds it now. */
    interface Remote {

        String ownerId();

        boolean keyed();

        /** Lower-case status as the status endpoint shows it: running, done, error, cancelled. */
        String status();

        /** The seq of the latest event the grid holds, -1 when none. */
        long lastSeq();

        /** Every event the grid holds, in order, for the status endpoint. */
        List<StreamEvent> events();

        /**
         * Hands the events after {@code after} to {@code batches}, then the live ones, in order, each batch on a
         * thread of the grid component's, until a terminal event, which always comes: the stored one,
         * producer_lost when the producing instance died, replay_expired when the grid no longer holds the events
         * after the cursor.
         *
         * @return stops the reading (the client left)
         */
        Runnable read(long after, Consumer<List<StreamEvent>> batches);

        /** Asks the producing instance to cancel it; returns at once. */
        void cancel();

        /** This instance's followers of it went up or down by {@code delta}. */
        void following(int delta);
    }
}
