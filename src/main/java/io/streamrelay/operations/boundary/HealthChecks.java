package io.streamrelay.operations.boundary;

import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.operations.control.Drain;
import io.streamrelay.operations.control.OperationsSettings;
import io.streamrelay.operations.control.ProviderNames;
import io.streamrelay.operations.control.UpstreamHealth;
import io.streamrelay.scheduling.control.RelayThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The relay's MicroProfile Health checks, served by Payara at {@code /health/live}, {@code /health/ready} and
 * {@code /health/started}; each response's data says why it is up or down.
 */
@ApplicationScoped
public class HealthChecks {

    @Inject
    TokenRelay relay;

    @Inject
    RelayThreads threads;

    @Inject
    Drain drain;

    @Inject
    UpstreamHealth upstream;

    @Inject
    ProviderNames providers;

    @Inject
    OperationsSettings settings;

    /** Started once the relay's service is up (this bean only exists in a deployed, initialised application). */
    @Produces
    @Startup
    HealthCheck started() {
        return () -> HealthCheckResponse.named("streamrelay-started").up()
                .withData("running_generations", relay.runningGenerations()).build();
    }

    /**
     * Live while the relay can run: its timer queue (heartbeats, timeouts, the offline model's pace) still runs a
     * task within a second. A drain does not make it dead.
     */
    @Produces
    @Liveness
    HealthCheck live() {
        return () -> {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            HealthCheckResponseBuilder response = HealthCheckResponse.named("streamrelay-live");
            try {
                threads.timers().execute(() -> ran.complete(null));
                ran.get(1, TimeUnit.SECONDS);
                response.up().withData("timers", "running");
            } catch (Exception stuck) {
                response.down().withData("timers", "no task ran within 1 s");
            }
            return response.withData("running_generations", relay.runningGenerations()).build();
        };
    }

    /** Ready for a new generation: not draining, and the upstream not failing (the offline model always is). */
    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("streamrelay-ready")
                    .withData("draining", drain.draining());
            boolean up = !drain.draining();
            if (drain.draining()) {
                response.withData("reason", "draining (" + drain.reason() + ") for " + drain.elapsedMs() + " ms")
                        .withData("running_generations", relay.runningGenerations());
            }
            if (providers.offline()) {
                response.withData("upstream", "offline model");
            } else {
                UpstreamHealth.State state = upstream.state();
                response.withData("upstream", state.reachable() ? "reachable" : "failing")
                        .withData("upstream_consecutive_failures", state.consecutiveFailures())
                        .withData("upstream_failure_threshold", settings.upstreamFailures());
                if (state.lastFailure() != null) {
                    response.withData("upstream_last_failure", state.lastFailure().code())
                            .withData("upstream_last_failure_ago_ms", state.lastFailureAgoMs());
                }
                if (!state.reachable() && !drain.draining()) {
                    response.withData("reason", state.consecutiveFailures() + " generations in a row failed for want"
                            + " of an upstream (last: " + state.lastFailure().code() + ")");
                }
                up &= state.reachable();
            }
            return response.status(up).build();
        };
    }
}
