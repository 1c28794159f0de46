package io.streamrelay.admission.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.admission.entity.LimitRefused;
import jakarta.enterprise.event.Event;
import io.streamrelay.scheduling.control.RelayThreads;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits, per caller and for the whole server: requests a minute, concurrent streams, completion tokens a
 * minute. A stream's slot is a {@link Lease} its generation holds and gives back at its single exit, so the
 * counts here are exactly the generations still running.
 */
@ApplicationScoped
public class Limits {

    /** What a client is told to wait when it or the server has no stream slot free: streams end within seconds. */
    public static final int STREAMS_RETRY_AFTER_SECONDS = 5;

    @Inject
    Event<LimitRefused> refusals;

    @Inject
    AdmissionSettings settings;

    @Inject
    RelayThreads threads;

    /** A cluster's slot counts, when a component provides them: the stream limits then hold cluster-wide. */
    @Inject
    Instance<SharedSlots> cluster;

    /** The name of the relay-wide slot count: no caller id is empty. */
    private static final String TOTAL = "";

    private final Map<Caller, RateBucket> requests = new ConcurrentHashMap<>();
    private final Map<Caller, RateBucket> tokens = new ConcurrentHashMap<>();
    private final Map<Caller, Integer> streams = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    @PostConstruct
    void start() {
        schedulePrune();
    }

    /** Counts one API request against the caller's per-minute allowance. */
    public void countRequest(Caller caller) {
        int perMinute = settings.requestsPerMinute();
        if (perMinute <= 0) {
            return;
        }
        long now = System.nanoTime();
        long wait = requests.computeIfAbsent(caller, c -> new RateBucket(perMinute, now)).take(now);
        if (wait > 0) {
            throw limited(ErrorCode.RATE_LIMITED,
                    "at most " + perMinute + " requests a minute per client", seconds(wait));
        }
    }

    /** A slot for a new generation, or the reason there is none: 429 for this caller, 503 for the server. */
    public Lease admit(Caller caller) {
        long now = System.nanoTime();
        int perClient = settings.streamsPerClient();
        boolean[] refused = {false};
        streams.compute(caller, (c, held) -> {
            int count = held == null ? 0 : held;
            if (perClient > 0 && count >= perClient) {
                refused[0] = true;
                return held;
            }
            return count + 1;
        });
        if (refused[0]) {
            throw limited(ErrorCode.TOO_MANY_STREAMS,
                    "at most " + perClient + " streams at once per client", STREAMS_RETRY_AFTER_SECONDS);
        }
        int tokensPerMinute = settings.tokensPerMinute();
        if (tokensPerMinute > 0) {
            long wait = tokens.computeIfAbsent(caller, c -> new RateBucket(tokensPerMinute, now)).waitForOne(now);
            if (wait > 0) {
                releaseClientSlot(caller);
                throw limited(ErrorCode.TOKEN_LIMIT,
                        "at most " + tokensPerMinute + " completion tokens a minute per client", seconds(wait));
            }
        }
        int limit = settings.streamsTotal();
        if (total.incrementAndGet() > limit && limit > 0) {
            total.decrementAndGet();
            releaseClientSlot(caller);
            throw limited(ErrorCode.SERVER_BUSY,
                    "the relay is serving as many streams as it may", STREAMS_RETRY_AFTER_SECONDS);
        }
        SharedSlots shared = shared();
        if (shared == null) {
            return new Slot(caller, null, false, false);
        }
        return takeShared(shared, caller, perClient, limit);
    }

    /**
     * The same two limits counted on every instance; this instance's own counts above are a subset. Whatever
     * goes wrong here gives back the local counts and each grid slot that was counted, so nothing leaks; a slot the
     * grid could not count (fail-open) is never given back, so no other stream's count goes down.
     */
    private Slot takeShared(SharedSlots shared, Caller caller, int perClient, int limit) {
        String key = clientKey(caller);
        SharedSlots.Taken client = null;
        SharedSlots.Taken server = null;
        try {
            client = perClient <= 0 ? SharedSlots.Taken.UNCOUNTED : shared.take(key, perClient);
            if (client != SharedSlots.Taken.FULL) {
                server = limit <= 0 ? SharedSlots.Taken.UNCOUNTED : shared.take(TOTAL, limit);
            }
        } catch (RuntimeException failure) {
            undo(shared, caller, client == SharedSlots.Taken.COUNTED);
            throw failure;
        }
        if (client == SharedSlots.Taken.FULL || server == SharedSlots.Taken.FULL) {
            undo(shared, caller, client == SharedSlots.Taken.COUNTED);
            throw client != SharedSlots.Taken.FULL
                    ? limited(ErrorCode.SERVER_BUSY, "the relay is serving as many streams as it may",
                    STREAMS_RETRY_AFTER_SECONDS)
                    : limited(ErrorCode.TOO_MANY_STREAMS, "at most " + perClient + " streams at once per client",
                    STREAMS_RETRY_AFTER_SECONDS);
        }
        return new Slot(caller, shared, client == SharedSlots.Taken.COUNTED, server == SharedSlots.Taken.COUNTED);
    }

    private void undo(SharedSlots shared, Caller caller, boolean clientCounted) {
        total.decrementAndGet();
        releaseClientSlot(caller);
        if (clientCounted) {
            try {
                shared.give(clientKey(caller));
            } catch (RuntimeException ignored) {
                // The grid's own member entry is dropped when this instance leaves; nothing more to do here.
            }
        }
    }

    private static String clientKey(Caller caller) {
        return (caller.keyed() ? "key:" : "address:") + caller.id();
    }

    private SharedSlots shared() {
        if (cluster == null || !cluster.isResolvable()) {
            return null;
        }
        SharedSlots shared = cluster.get();
        return shared.active() ? shared : null;
    }

    public int streamsInUse() {
        return total.get();
    }

    /** Callers holding at least one slot; 0 together with {@link #streamsInUse()} proves no slot leaked. */
    public int callersWithStreams() {
        return streams.size();
    }

    private void releaseClientSlot(Caller caller) {
        streams.computeIfPresent(caller, (c, held) -> held <= 1 ? null : held - 1);
    }

    /** Buckets that are full again say nothing a fresh one would not: forgetting them bounds memory. */
    private void schedulePrune() {
        try {
            threads.timers().schedule(() -> {
                long now = System.nanoTime();
                requests.values().removeIf(bucket -> bucket.full(now));
                tokens.values().removeIf(bucket -> bucket.full(now));
                schedulePrune();
            }, TimeUnit.MINUTES.toNanos(1));
        } catch (RejectedExecutionException shuttingDown) {
            // Nothing left to prune for.
        }
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private ProblemException limited(ErrorCode code, String detail, long retryAfter) {
        if (refusals != null) { // null only in unit tests that build Limits by hand
            refusals.fire(new LimitRefused(code));
        }
        return new ProblemException(code, detail)
                .withHeader("Retry-After", String.valueOf(retryAfter));
    }

    private final class Slot implements Lease {
        private final Caller caller;
        private final SharedSlots shared;
        /** Which grid slots were counted: only those are given back (see {@link SharedSlots.Taken}). */
        private final boolean clientCounted;
        private final boolean totalCounted;
        private final AtomicBoolean released = new AtomicBoolean();
        private final int tokensPerMinute = settings.tokensPerMinute(); // not per token through a CDI proxy

        Slot(Caller caller, SharedSlots shared, boolean clientCounted, boolean totalCounted) {
            this.caller = caller;
            this.shared = shared;
            this.clientCounted = clientCounted;
            this.totalCounted = totalCounted;
        }

        @Override
        public void tokens(int count) {
            if (tokensPerMinute > 0) {
                // Looked up each time: a bucket pruned while full is replaced, not spent on in vain.
                long now = System.nanoTime();
                tokens.computeIfAbsent(caller, c -> new RateBucket(tokensPerMinute, now)).spend(count, now);
            }
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                total.decrementAndGet();
                releaseClientSlot(caller);
                if (shared != null) {
                    giveShared();
                }
            }
        }

        private void giveShared() {
            if (clientCounted) {
                shared.give(clientKey(caller));
            }
            if (totalCounted) {
                shared.give(TOTAL);
            }
        }
    }
}
