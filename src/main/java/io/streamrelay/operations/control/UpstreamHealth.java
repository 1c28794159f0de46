package io.streamrelay.operations.control;

import io.streamrelay.completions.entity.RelayEvent;
import io.streamrelay.problems.entity.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.EnumSet;
import java.util.Set;

/**
 * Whether the upstream looks reachable, judged from the generations themselves (no probe requests that would cost
 * money): {@code relay.health.upstream-failures} generations in a row that failed for want of an upstream (after
 * their retries and the fallback) make it unreachable; a generation that got a token resets the count. Readiness
 * stays down only for {@code relay.health.upstream-window-ms} after the last such failure, so that traffic tries
 * again rather than an instance leaving rotation for good.
 */
@ApplicationScoped
public class UpstreamHealth {

    /** Failures that say the upstream could not answer at all, as opposed to a refusal of this one request. */
    static final Set<ErrorCode> UNAVAILABLE = EnumSet.of(ErrorCode.UPSTREAM_UNAVAILABLE,
            ErrorCode.UPSTREAM_OVERLOADED, ErrorCode.UPSTREAM_SERVER_ERROR, ErrorCode.UPSTREAM_TIMEOUT,
            ErrorCode.UPSTREAM_STALLED, ErrorCode.UPSTREAM_TRUNCATED, ErrorCode.FIRST_TOKEN_TIMEOUT,
            ErrorCode.UPSTREAM_RATE_LIMITED, ErrorCode.UPSTREAM_UNAUTHORIZED, ErrorCode.UPSTREAM_PAYMENT_REQUIRED,
            ErrorCode.UPSTREAM_QUOTA_EXCEEDED);

    @Inject
    OperationsSettings settings;

    private int consecutive;
    private ErrorCode lastFailure;
    private long lastFailureNanos;

    /** A snapshot for the readiness check's data. */
    public record State(boolean reachable, int consecutiveFailures, ErrorCode lastFailure, long lastFailureAgoMs) {
    }

    void ended(@Observes RelayEvent.GenerationEnded ended) {
        synchronized (this) {
            if (ended.firstTokenNanos() != 0) {
                consecutive = 0;
            } else if (ended.error() != null && UNAVAILABLE.contains(ended.error())) {
                consecutive++;
                lastFailure = ended.error();
                lastFailureNanos = System.nanoTime();
            }
        }
    }

    public synchronized State state() {
        long agoMs = lastFailure == null ? -1 : (System.nanoTime() - lastFailureNanos) / 1_000_000;
        boolean down = settings.upstreamFailures() > 0 && consecutive >= settings.upstreamFailures()
                && agoMs < settings.upstreamWindowMs();
        return new State(!down, consecutive, lastFailure, agoMs);
    }
}
