package io.streamrelay.completions.control;

/**
 * Whether one client's transport is taking bytes, as its writes show it. A follower past its bound is too slow only
 * when it is not: a burst from the upstream outruns the writers' queue on its own, and a 1,500-token burst cut clients
 * that kept up at a 256-event bound (GenerationsIT, FollowerBurstTest). A non-blocking transport says so when asked
 * before a write; a blocking one (SSE) only by a write that does not return.
 */
final class Uptake {

    /**
     * How long a blocking write may take before the client counts as refusing bytes: far above what a write slowed
     * by a busy CPU takes (in the burst ITs on 2 cores, writes took up to 7 ms and the writers' queue lagged up to
     * 14 ms), far below a client that stopped reading.
     */
    static final long STALLED_WRITE_NANOS = 250_000_000L;

    private final boolean blocking;
    /** What a non-blocking transport said when last asked: it refuses bytes until it calls its writable hook. */
    private volatile boolean refused;
    private volatile boolean inWrite;
    private volatile long writeStartedNanos;

    Uptake(boolean blocking) {
        this.blocking = blocking;
    }

    /** Records a non-blocking transport's answer to "ready?" and returns it. */
    boolean ready(boolean ready) {
        refused = !ready;
        return ready;
    }

    void writeStarted() {
        writeStartedNanos = System.nanoTime();
        inWrite = true;
    }

    void writeEnded() {
        inWrite = false;
    }

    boolean refusesBytes() {
        return blocking ? inWrite && System.nanoTime() - writeStartedNanos > STALLED_WRITE_NANOS : refused;
    }
}
