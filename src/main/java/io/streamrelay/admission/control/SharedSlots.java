package io.streamrelay.admission.control;

/**
 * Stream slots counted across the instances of a cluster: what the limits need from a data grid, implemented by a
 * component found at run time (io.streamrelay.cluster). Absent or not {@link #active()}, the limits count this
 * instance's streams only. A slot an instance held is freed when it leaves the cluster, dead or alive.
 */
public interface SharedSlots {

    /** Whether the grid is running and clustering is on ({@code relay.cluster.enabled}). */
    boolean active();

    /**
     * Takes one of {@code limit} slots named {@code key} (a caller, or the whole relay), counted on every live
     * instance, atomically across the cluster.
     *
     * @return {@link Taken#FULL} when all {@code limit} are taken; {@link Taken#UNCOUNTED} when the grid could not
     *         count it (the caller goes on with its local limits and must not {@link #give} it back)
     */
    Taken take(String key, int limit);

    /** Gives back a slot this instance took and that was {@link Taken#COUNTED}; returns without waiting. */
    void give(String key);

    /** What a {@link #take} did: counted the slot, refused it, or could not reach the grid (fail-open). */
    enum Taken {
        COUNTED, FULL, UNCOUNTED
    }
}
