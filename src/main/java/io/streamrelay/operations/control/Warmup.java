package io.streamrelay.operations.control;

import io.streamrelay.settings.control.Settings;
import io.streamrelay.admission.control.GatewayKeys;
import io.streamrelay.admission.control.Limits;
import io.streamrelay.completions.control.TokenRelay;
import io.streamrelay.scheduling.control.RelayThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;


import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * Initialises at start-up what a drain needs, so that nothing is first initialised after a SIGTERM: once the JVM
 * runs its shutdown hooks, any code that registers a hook of its own on first use (Payara's health and metrics
 * endpoints, parts of the container) fails with {@code IllegalStateException: Shutdown in progress}, and the
 * request answers 500. The relay's beans are created eagerly; the container's endpoints are each asked once over
 * loopback as soon as the server answers (refused API requests cost nothing upstream).
 */
@ApplicationScoped
public class Warmup {

    private static final Logger LOG = Logger.getLogger(Warmup.class.getName());
    private static final long MS = 1_000_000L;

    @Inject
    TokenRelay relay;

    @Inject
    GatewayKeys keys;

    @Inject
    Limits limits;

    @Inject
    Drain drain;

    @Inject
    UpstreamHealth upstream;

    @Inject
    RelayThreads threads;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile int port;

    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        relay.runningGenerations();
        keys.enabled();
        limits.streamsInUse();
        drain.draining();
        upstream.state();
        // Payara's config source names the HTTP port (a comma-separated list when it has several).
        port = Settings.current().optional("payara.instance.http.port")
                .map(ports -> ports.split(",")[0].strip()).filter(p -> p.matches("\\d+")).map(Integer::parseInt)
                .orElse(0);
        if (port > 0) {
            threads.timers().schedule(() -> attempt(0), 500 * MS);
        } else {
            LOG.warning("the HTTP port is unknown (payara.instance.http.port): the container's endpoints are not"
                    + " warmed up, and one first used after a SIGTERM may fail");
        }
    }

    private void attempt(int tries) {
        // Off the timer thread: these requests wait for the server.
        threads.writers().execute(() -> {
            try {
                for (String path : List.of("/health/started", "/health/live", "/health/ready", "/health",
                        "/metrics?scope=application", "/metrics", "/status.html", "/index.html",
                        "/api/generations/warmup", "/ndjson/generations/warmup")) {
                    send("GET", path);
                }
                send("POST", "/api/chat");
                send("POST", "/ndjson/chat");
                LOG.fine("warmed up the health, metrics and API endpoints");
            } catch (Exception notYet) {
                if (tries < 120) {
                    threads.timers().schedule(() -> attempt(tries + 1), 500 * MS);
                }
            }
        });
    }

    private void send(String method, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (method.equals("POST")) {
            // Malformed on purpose: refused with 400 before any upstream is asked.
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{"));
        }
        client.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }
}
