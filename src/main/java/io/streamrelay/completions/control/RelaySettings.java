package io.streamrelay.completions.control;

import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The relay's limits and timers; defaults live in META-INF/microprofile-config.properties. */
@ApplicationScoped
public class RelaySettings {

    long heartbeatMs;
    int heartbeatProbes;
    long firstTokenTimeoutMs;
    long idleTimeoutMs;
    long maxDurationMs;
    int bufferEvents;
    int maxBodyBytes;
    int maxMessages;
    int maxMessageChars;
    int maxTokens;
    Optional<String> allowedModels;
    long graceMs;
    long retentionMs;
    int maxEvents;
    long maxBytes;

    /** Reads every setting once, at startup (MicroProfile Config or its fallback: see Settings). */
    @PostConstruct
    void read() {
        Settings settings = Settings.current();
        heartbeatMs = settings.number("relay.heartbeat-ms");
        heartbeatProbes = settings.integer("relay.heartbeat-probes");
        firstTokenTimeoutMs = settings.number("relay.timeout.first-token-ms");
        idleTimeoutMs = settings.number("relay.timeout.idle-ms");
        maxDurationMs = settings.number("relay.timeout.max-duration-ms");
        bufferEvents = settings.integer("relay.stream.buffer-events");
        maxBodyBytes = settings.integer("relay.request.max-bytes");
        maxMessages = settings.integer("relay.request.max-messages");
        maxMessageChars = settings.integer("relay.request.max-message-chars");
        maxTokens = settings.integer("relay.request.max-tokens");
        allowedModels = settings.optional("relay.request.allowed-models");
        graceMs = settings.number("relay.generations.grace-ms");
        retentionMs = settings.number("relay.generations.retention-ms");
        maxEvents = settings.integer("relay.generations.max-events");
        maxBytes = settings.number("relay.generations.max-bytes");
    }

    public Replay replay() {
        return new Replay(graceMs, retentionMs, maxEvents, maxBytes);
    }

    public Timers timers() {
        return new Timers(heartbeatMs, heartbeatProbes, firstTokenTimeoutMs, idleTimeoutMs, maxDurationMs);
    }

    public int bufferEvents() {
        return bufferEvents;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public int maxMessages() {
        return maxMessages;
    }

    public int maxMessageChars() {
        return maxMessageChars;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The models a request may name; empty: any. */
    public Set<String> allowedModels() {
        return allowedModels.map(list -> Arrays.stream(list.split(",")).map(String::strip)
                .filter(name -> !name.isEmpty()).collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    /** How long a generation waits for a follower, how long it is kept after its end, and its log's bounds. */
    public record Replay(long graceMs, long retentionMs, int maxEvents, long maxBytes) {
    }

    /** Every timer of a generation, in milliseconds. */
    public record Timers(long heartbeatMs, int probes, long firstTokenMs, long idleMs, long maxDurationMs) {
    }
}
