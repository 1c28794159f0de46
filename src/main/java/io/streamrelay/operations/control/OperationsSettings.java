package io.streamrelay.operations.control;

import io.streamrelay.settings.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/** Drain, metrics, readiness and admin settings; defaults live in META-INF/microprofile-config.properties. */
@ApplicationScoped
public class OperationsSettings {

    long drainMs;
    boolean metricsEnabled;
    int upstreamFailures;
    long upstreamWindowMs;
    Set<String> adminKeys;
    boolean tracingDisabled;

    /** Reads every setting once, at startup (MicroProfile Config or its fallback: see Settings). */
    @PostConstruct
    void read() {
        Settings settings = Settings.current();
        drainMs = settings.number("relay.drain-ms");
        metricsEnabled = settings.flag("relay.metrics.enabled");
        upstreamFailures = settings.integer("relay.health.upstream-failures");
        upstreamWindowMs = settings.number("relay.health.upstream-window-ms");
        adminKeys = settings.names("relay.admin-keys");
        tracingDisabled = settings.flag("otel.sdk.disabled", true);
    }

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
        return adminKeys;
    }
}
