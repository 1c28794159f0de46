package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.admission.control.Limits;
import io.streamrelay.admission.entity.Caller;
import io.streamrelay.admission.entity.Lease;
import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.completions.entity.Spending;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The one streaming service behind both transports: a transport hands it a validated request (or a cursor into a
 * generation) and its sink, and from then on the service alone decides what the client receives and when.
 */
@ApplicationScoped
public class TokenRelay {

    private static final Logger LOG = Logger.getLogger(TokenRelay.class.getName());

    @Inject
    Upstream upstream;

    @Inject
    RelaySettings settings;

    @Inject
    RelayThreads threads;

    @Inject
    GenerationStore store;

    @Inject
    Limits limits;

    /** Observers (metrics, traces) hear a few events per generation and per client stream, none per token. */
    @Inject
    Event<RelayEvent> events;

    @Inject
    Intake intake;

    @Inject
    OtherInstances cluster;

    /** Budgets, when the usage component is deployed: a seam the core defines and does not implement. */
    @Inject
    Instance<Spending> spendings;

    private volatile Spending spending;

    private final SecureRandom random = new SecureRandom();
    private final Set<Generation> running = ConcurrentHashMap.newKeySet();

    /**
     * The chat endpoints: a new generation with this client as its first follower. Refused (429, 503) when the
     * caller or the server has no stream slot left, or the instance is draining ({@link Intake}).
     */
    public void chat(ChatRequest request, Caller caller, SinkOpener opener) throws IOException {
        Generation generation = create(request, caller, "chat");
        TokenSink sink;
        try {
            // Opened only once admitted: a refusal must still be able to answer with a plain problem response.
            sink = opener.open();
        } catch (IOException | RuntimeException | Error failure) {
            generation.fail(ErrorCode.INTERNAL_ERROR, "the relay failed", true);
            throw failure;
        }
        guarded(generation, () -> {
            generation.follow(sink, -1);
            generation.start(upstream);
        });
    }

    /** Commits a transport to a stream: its headers and its sink. */
    @FunctionalInterface
    public interface SinkOpener {
        TokenSink open() throws IOException;
    }

    /** POST /api/generations: a generation nobody follows yet; its upstream starts at once. */
    public GenerationView start(ChatRequest request, Caller caller) {
        Generation generation = create(request, caller, "generations");
        guarded(generation, () -> generation.start(upstream));
        return generation.view();
    }

    /**
     * The one way to follow a generation, for every transport and endpoint: from after the cursor's seq (-1: from
     * its start), the sink opened only once the follow is certain.
     *
     * @return false when there is nothing to follow: the generation ended and the cursor is at or past its terminal
     *         event; the transport answers 204 No Content (an EventSource then stops reconnecting) and opens nothing
     * @throws ProblemException unknown_generation (404) for an unknown, expired or another key's generation; the
     *         cursor's own code, invalid_last_event_id or invalid_after (400), for a cursor past the latest event of
     *         a running generation
     */
    public boolean follow(Cursor cursor, Caller caller, SinkOpener opener) throws IOException {
        SharedGenerations.Remote remote = cluster.find(cursor.generation(), caller, cursor.after());
        if (remote != null) {
            return cluster.follow(remote, cursor, opener);
        }
        return find(cursor.generation(), caller).follow(cursor.after(), cursor.invalid(), opener) != null;
    }

    public GenerationView view(String id, Caller caller) {
        SharedGenerations.Remote remote = cluster.find(id, caller, -1);
        return remote != null ? cluster.view(id, remote) : find(id, caller).view();
    }

    /** Cancels here, or asks the instance producing it, which stops its upstream once the grid's message comes. */
    public void cancel(String id, Caller caller) {
        SharedGenerations.Remote remote = cluster.find(id, caller, -1);
        if (remote != null) {
            remote.cancel();
        } else {
            find(id, caller).fail(ErrorCode.CANCELLED, OtherInstances.CANCELLED, false);
        }
    }

    public int runningGenerations() {
        return running.size();
    }

    public int storedGenerations() {
        return store.size();
    }

    /** The replay logs of every stored generation together, in bytes (estimated: text length plus overhead). */
    public long replayLogBytes() {
        long sum = 0;
        for (Generation generation : store.all()) {
            sum += generation.logBytes();
        }
        return sum;
    }

    /** Every endpoint that starts a generation comes here: the intake and the limits refuse before any stream. */
    private Generation create(ChatRequest request, Caller caller, String createdBy) {
        intake.admit();
        Lease slot = limits.admit(caller);
        Spending.Meter meter = null;
        Generation generation = null;
        try {
            String id = newId();
            Generation[] stopped = new Generation[1];
            // May refuse (a budget spent): before the generation exists or any stream byte is sent.
            meter = spending().open(id, caller, upstream.modelFor(request), (code, message) -> {
                Generation target = stopped[0];
                if (target != null) {
                    target.fail(code, message, code.retryable());
                }
            });
            Lease lease = meter == null ? slot : new MeteredLease(slot, meter);
            generation = new Generation(id, request, caller, lease, settings, threads.timers(),
                    threads.writers(), this::ended);
            stopped[0] = generation;
            generation.reportTo(new EndReports(events::fire, threads.timers()), createdBy);
            // Running and stored before anyone else can see it: its end (even a failed publish) finds it here.
            running.add(generation);
            store.put(generation);
            cluster.publish(generation, caller);
            return generation;
        } catch (RuntimeException | Error failure) {
            if (generation != null) {
                // Through its one exit: the slot back, out of the running set, its end reported (settling a meter).
                generation.fail(ErrorCode.INTERNAL_ERROR, "the relay failed", true);
            } else {
                slot.release();
            }
            if (meter != null) {
                meter.close();
            }
            throw failure;
        }
    }

    private Spending spending() {
        Spending found = spending;
        if (found == null) {
            found = spendings != null && spendings.isResolvable() ? spendings.get() : Spending.NONE;
            spending = found;
        }
        return found;
    }

    /** An ended generation stays followable for the retention time, for clients that reconnect late. */
    private void ended(Generation generation) {
        running.remove(generation);
        threads.timers().schedule(() -> store.remove(generation), settings.replay().retentionMs() * 1_000_000L);
    }

    /**
     * A failure of the relay itself while a generation starts still ends it through its one exit, which gives its
     * slot back; the cause goes to the log by class name only (messages can carry hosts and secrets).
     */
    private static void guarded(Generation generation, Runnable starting) {
        try {
            starting.run();
        } catch (RuntimeException | Error failure) {
            LOG.warning(() -> "generation " + generation.id() + " failed to start: " + failure.getClass().getName());
            generation.fail(ErrorCode.INTERNAL_ERROR, "the relay failed", true);
            throw failure;
        }
    }

    private Generation find(String id, Caller caller) {
        Generation generation = store.find(id);
        // Another key's generation is answered exactly like an unknown one: its existence is not for others.
        if (generation == null || !generation.visibleTo(caller)) {
            throw new ProblemException(ErrorCode.UNKNOWN_GENERATION, "no generation with this id, or it has expired");
        }
        return generation;
    }

    /**
     * An undeploy or shutdown ends every stream with a retryable error instead of a silent cut; a drain calls it
     * when its time is up.
     */
    @PreDestroy
    public void shutdown() {
        for (Generation generation : Set.copyOf(running)) {
            generation.fail(ErrorCode.SERVER_SHUTDOWN, "the relay is shutting down", true);
        }
        cluster.endFollowers();
    }

    /** 128 random bits: a generation id is the capability to follow and cancel it, so it must be unguessable. */
    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
