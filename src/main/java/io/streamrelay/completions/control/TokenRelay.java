package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.TokenSink;
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
 * The one streaming service behind both transports: a transport hands it a validated request and its sink, and
 * from then on the service alone decides what the client receives and when the stream ends.
 */
@ApplicationScoped
public class TokenRelay {

    @Inject
    Upstream upstream;

    @Inject
    RelaySettings settings;

    @Inject
    RelayThreads threads;

    private final SecureRandom random = new SecureRandom();
    private final Set<Generation> live = ConcurrentHashMap.newKeySet();

    public void start(ChatRequest request, TokenSink sink) {
        Generation generation = new Generation(newId(), request, settings.timers(), threads.timers(), live::remove);
        live.add(generation);
        Outbox outbox = new Outbox(sink, threads.writers(), settings.bufferEvents(), generation::clientGone);
        generation.start(outbox, upstream);
    }

    public int liveGenerations() {
        return live.size();
    }

    /** An undeploy or shutdown ends every stream with a retryable error instead of a silent cut. */
    @PreDestroy
    void shutdown() {
        for (Generation generation : Set.copyOf(live)) {
            generation.fail("server_shutdown", "the relay is shutting down", true);
        }
    }

    /** 128 random bits: a generation id is a capability (later: the key to resume it), so it must be unguessable. */
    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
