package io.streamrelay.completions.control;

import io.streamrelay.scheduling.control.TaskQueue;

import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The clients following a running generation, and the grace period ({@code relay.generations.grace-ms}) that runs
 * while nobody does: the upstream keeps going that long for a client that reconnects. Not thread-safe: the
 * generation guards it with its lock; the grace task calls back without the lock and must check again. It also
 * keeps what observers learn about the clients: each stream opened, the first transport, when clients left early.
 */
final class Followers {

    private static final long MS = 1_000_000L;

    private final long graceMs;
    private final TaskQueue scheduler;
    private final Runnable graceOver;
    private final Executor writers;
    private final int buffer;
    private final List<Follower> live = new ArrayList<>();
    private TaskQueue.Scheduled grace;
    private Consumer<RelayEvent> events = event -> { };
    private String transport;
    private final List<Long> departures = new ArrayList<>(0);
    private IntSupplier elsewhere = () -> 0;

    /**
     * @param writers where blocking sinks are drained
     * @param buffer  how many live events a follower may have queued before it is cut as too slow
     */
    Followers(long graceMs, TaskQueue scheduler, Runnable graceOver, Executor writers, int buffer) {
        this.graceMs = graceMs;
        this.scheduler = scheduler;
        this.graceOver = graceOver;
        this.writers = writers;
        this.buffer = buffer;
    }

    /** Counts the clients following on other instances of a cluster (a grid call): they keep it going too. */
    void countElsewhere(IntSupplier followersElsewhere) {
        elsewhere = followersElsewhere;
    }

    /** Whether clients follow on other instances; if so, the grace period starts again to check on them later. */
    boolean followedElsewhere() {
        if (elsewhere.getAsInt() == 0) {
            return false;
        }
        startGrace();
        return true;
    }

    /** Where the clients' stream events go (metrics, traces); set before the first follower. */
    void reportTo(Consumer<RelayEvent> observer) {
        events = observer;
    }

    /**
     * A follower writing to {@code sink}, not yet in the set; {@code gone} hears when its client left. Safe without
     * the lock: it only reports the stream opened.
     */
    Follower create(TokenSink sink, boolean resumed, Consumer<Follower> gone) {
        events.accept(new RelayEvent.StreamOpened(sink.transport(), resumed));
        return new Follower(sink, writers, buffer, gone, events);
    }

    /**
     * Offers an event to every follower (call with the lock held) and returns what to do once the lock is released:
     * start their writes, and cut those too far behind (they can resume from their last id).
     */
    Runnable offer(StreamEvent event) {
        List<Follower> all = List.copyOf(live);
        List<Follower> behind = new ArrayList<>();
        for (Follower follower : all) {
            if (!follower.offer(event)) {
                behind.add(follower);
            }
        }
        return () -> {
            all.forEach(Follower::signal);
            behind.forEach(Follower::abandon);
        };
    }

    /** Adds a follower; a running grace period stops. */
    void add(Follower follower) {
        live.add(follower);
        if (transport == null) {
            transport = follower.transport();
        }
        stopGrace();
    }

    /** Removes a follower; true when it was the last one (the caller then starts the grace period). */
    boolean remove(Follower follower) {
        if (!live.remove(follower)) {
            return false;
        }
        departures.add(System.nanoTime());
        return live.isEmpty();
    }

    /** The transport of the first client that followed; null when none did. */
    String transport() {
        return transport;
    }

    /** When clients left before the end ({@link System#nanoTime()} readings), in order. */
    List<Long> departures() {
        return List.copyOf(departures);
    }

    boolean isEmpty() {
        return live.isEmpty();
    }

    List<Follower> snapshot() {
        return List.copyOf(live);
    }

    /** Empties the set for the end, stopping the grace period, and returns who was following. */
    List<Follower> takeAll() {
        List<Follower> all = List.copyOf(live);
        live.clear();
        stopGrace();
        return all;
    }

    /** A generation nobody follows yet waits the grace period for its first follower (none when it is 0). */
    void awaitFirst() {
        if (live.isEmpty() && graceMs > 0) {
            startGrace();
        }
    }

    /**
     * Starts the grace period; false when it is 0, which means the generation ends now (the caller decides how).
     * {@link #graceOver} runs once it passes, unless a follower came first.
     */
    boolean startGrace() {
        if (graceMs == 0) {
            return elsewhere.getAsInt() > 0;
        }
        stopGrace();
        grace = scheduler.schedule(graceOver, graceMs * MS);
        return true;
    }

    long graceMs() {
        return graceMs;
    }

    private void stopGrace() {
        if (grace != null) {
            grace.cancel();
            grace = null;
        }
    }
}
