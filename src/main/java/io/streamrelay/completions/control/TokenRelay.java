package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.GenerationView;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.upstream.control.Upstream;
import io.streamrelay.upstream.entity.ChatRequest;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one streaming service behind both transports: a transport hands it a validated request (or a cursor into a
 * generation) and its sink, and from then on the service alone decides what the client receives and when.
 */
@ApplicationScoped
public class TokenRelay {

    @Inject
    Upstream upstream;

    @Inject
    RelaySettings settings;

    @Inject
    RelayThreads threads;

    @Inject
    GenerationStore store;

    private final SecureRandom random = new SecureRandom();
    private final Set<Generation> running = ConcurrentHashMap.newKeySet();

    /** The chat endpoints: a new generation with this client as its first follower. */
    public void chat(ChatRequest request, TokenSink sink) {
        Generation generation = create(request);
        generation.follow(sink, -1);
        generation.start(upstream);
    }

    /** POST /api/generations: a generation nobody follows yet; its upstream starts at once. */
    public GenerationView start(ChatRequest request) {
        Generation generation = create(request);
        generation.start(upstream);
        return generation.view();
    }

    /** Follows a live or recently ended generation from after {@code after} (-1: from its start). */
    public void follow(String id, long after, TokenSink sink) {
        find(id).follow(sink, after);
    }

    /** A reconnect that names its last event (EventSource's Last-Event-ID): the same generation, from there on. */
    public void resume(Cursor cursor, TokenSink sink) {
        follow(cursor.generation(), cursor.after(), sink);
    }

    /** Checks that a generation can be followed before a transport commits to a stream. */
    public void requireKnown(String id) {
        find(id);
    }

    public GenerationView view(String id) {
        return find(id).view();
    }

    public void cancel(String id) {
        find(id).cancel();
    }

    public int runningGenerations() {
        return running.size();
    }

    public int storedGenerations() {
        return store.size();
    }

    private Generation create(ChatRequest request) {
        Generation generation = new Generation(newId(), request, settings, threads.timers(), threads.writers(),
                running::remove, store::remove);
        running.add(generation);
        store.put(generation);
        return generation;
    }

    private Generation find(String id) {
        Generation generation = store.find(id);
        if (generation == null) {
            throw new ProblemException(404, "unknown_generation", "Unknown generation",
                    "no generation with this id, or it has expired");
        }
        return generation;
    }

    /** An undeploy or shutdown ends every stream with a retryable error instead of a silent cut. */
    @PreDestroy
    void shutdown() {
        for (Generation generation : Set.copyOf(running)) {
            generation.fail("server_shutdown", "the relay is shutting down", true);
        }
    }

    /** 128 random bits: a generation id is the capability to follow and cancel it, so it must be unguessable. */
    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
