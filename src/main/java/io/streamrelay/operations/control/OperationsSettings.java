package io.streamrelay.operations.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Drain, metrics, readiness and admin settings; defaults live in META-INF/microprofile-config.properties. */
@ApplicationScoped
public class OperationsSettings {

    @Inject
    @ConfigProperty(name = "relay.drain-ms")
    long drainMs;

    @Inject
    @ConfigProperty(name = "relay.metrics.enabled")
    boolean metricsEnabled;

    @Inject
    @ConfigProperty(name = "relay.health.upstream-failures")
    int upstreamFailures;

    @Inject
    @ConfigProperty(name = "relay.health.upstream-window-ms")
    long upstreamWindowMs;

    @Inject
    @ConfigProperty(name = "relay.admin-keys")
    Optional<String> adminKeys;

    @Inject
    @ConfigProperty(name = "otel.sdk.disabled", defaultValue = "true")
    boolean tracingDisabled;

    /** How long running streams may continue once a drain began, in milliseconds. */
    public long drainMs() {
        return drainMs;
    }

    public boolean metricsEnabled() {
        return metricsEnabled;
    }

    public boolean tracingEnabled() {
        return !tracingDisabled;
    }

    /** Consecutive upstream failures that take readiness down; 0: never. */
    public int upstreamFailures() {
        return upstreamFailures;
    }

    /** How long after the last of those failures readiness stays down (then traffic tries the upstream again). */
    public long upstreamWindowMs() {
        return upstreamWindowMs;
    }

    /** Gateway key ids that may read the status data. */
    public Set<String> adminKeys() {
        return adminKeys.map(list -> Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }
}
