package io.streamrelay.completions.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The relay's limits and timers; defaults live in META-INF/microprofile-config.properties. */
@ApplicationScoped
public class RelaySettings {

    @Inject
    @ConfigProperty(name = "relay.heartbeat-ms")
    long heartbeatMs;

    @Inject
    @ConfigProperty(name = "relay.heartbeat-probes")
    int heartbeatProbes;

    @Inject
    @ConfigProperty(name = "relay.timeout.first-token-ms")
    long firstTokenTimeoutMs;

    @Inject
    @ConfigProperty(name = "relay.timeout.idle-ms")
    long idleTimeoutMs;

    @Inject
    @ConfigProperty(name = "relay.timeout.max-duration-ms")
    long maxDurationMs;

    @Inject
    @ConfigProperty(name = "relay.stream.buffer-events")
    int bufferEvents;

    @Inject
    @ConfigProperty(name = "relay.request.max-bytes")
    int maxBodyBytes;

    @Inject
    @ConfigProperty(name = "relay.request.max-messages")
    int maxMessages;

    @Inject
    @ConfigProperty(name = "relay.request.max-message-chars")
    int maxMessageChars;

    @Inject
    @ConfigProperty(name = "relay.request.max-tokens")
    int maxTokens;

    @Inject
    @ConfigProperty(name = "relay.request.allowed-models")
    Optional<String> allowedModels;

    @Inject
    @ConfigProperty(name = "relay.generations.grace-ms")
    long graceMs;

    @Inject
    @ConfigProperty(name = "relay.generations.retention-ms")
    long retentionMs;

    @Inject
    @ConfigProperty(name = "relay.generations.max-events")
    int maxEvents;

    @Inject
    @ConfigProperty(name = "relay.generations.max-bytes")
    long maxBytes;

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
