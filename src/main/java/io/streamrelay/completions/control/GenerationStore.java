package io.streamrelay.completions.control;

/**
 * Where live and recently ended generations are kept, by id. The service alone uses it, so a store shared by a
 * cluster can replace the in-memory one without touching the transports.
 */
interface GenerationStore {

    void put(Generation generation);

    /** The generation, or null when the id is unknown or has expired. */
    Generation find(String id);

    void remove(Generation generation);

    int size();

    /** Every stored generation, live and retained; weakly consistent while generations come and go. */
    Iterable<Generation> all();
}
