package io.streamrelay.operations.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.Secrets;
import io.streamrelay.testing.StreamClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Health through an unreachable upstream: started, live and ready at first; ready goes down, saying why, after
 * {@code relay.health.upstream-failures} generations in a row found no upstream, while live stays up; it comes
 * back once the window has passed. With gateway keys on, the status data is for admin keys only.
 */
@RelayOnPayara
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthIT {

    static final int FAILURES = 3;
    static final long WINDOW_MS = 4000;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closed = socket.getLocalPort();
        }
        return Deployments.relay(Map.of(
                "relay.upstream.url", "http://127.0.0.1:" + closed,
                "relay.upstream.api-key", Secrets.OPERATIONS_UPSTREAM_KEY,
                "relay.upstream.retry.max-attempts", "1",
                "relay.health.upstream-failures", String.valueOf(FAILURES),
                "relay.health.upstream-window-ms", String.valueOf(WINDOW_MS),
                "relay.keys", Secrets.relayKeys(),
                "relay.admin-keys", "admin"));
    }

    @Test
    @Order(1)
    void readyGoesDownAfterTheUpstreamFailedAndComesBackAfterTheWindow() throws Exception {
        assertEquals(200, health("started").statusCode());
        assertEquals(200, health("live").statusCode());
        HttpResponse<String> ready = health("ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("reachable", data(ready).getString("upstream"));

        for (int i = 1; i <= FAILURES; i++) {
            StreamClient chat = StreamClient.open(base, "POST", "/api/chat", "text/event-stream", "application/json",
                    "{\"prompt\":\"hello\"}".getBytes(StandardCharsets.UTF_8),
                    Map.of("Authorization", "Bearer " + Secrets.gateway("alice"))).awaitEnd(20, TimeUnit.SECONDS);
            assertTrue(chat.bodyText().contains("upstream_unavailable"), chat.bodyText());
            HttpResponse<String> after = health("ready");
            assertEquals(i < FAILURES ? 200 : 503, after.statusCode(), "after " + i + " failures: " + after.body());
        }
        HttpResponse<String> down = health("ready");
        JsonObject why = data(down);
        assertEquals("failing", why.getString("upstream"));
        assertEquals(String.valueOf(FAILURES), why.getString("upstream_consecutive_failures"));
        assertEquals("upstream_unavailable", why.getString("upstream_last_failure"));
        assertTrue(why.getString("reason").contains("in a row"), down.body());
        assertEquals(200, health("live").statusCode(), "a failing upstream does not make the relay dead");

        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WINDOW_MS + 5000);
        while (health("ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "ready again after the window");
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    @Test
    @Order(2)
    void theStatusDataIsForAdminKeysOnly() throws Exception {
        assertEquals(401, statusData(null).statusCode());
        HttpResponse<String> alice = statusData("alice");
        assertEquals(403, alice.statusCode());
        assertTrue(alice.body().contains("not_admin"), alice.body());
        HttpResponse<String> admin = statusData("admin");
        assertEquals(200, admin.statusCode());
        assertTrue(admin.body().contains("streamrelay_generations_total{code=\"upstream_unavailable\""),
                admin.body());
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base + "status.html")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("StreamRelay status"), "the page itself holds no data");
    }

    private HttpResponse<String> statusData(String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "api/status/metrics"));
        if (key != null) {
            request.header("Authorization", "Bearer " + Secrets.gateway(key));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> health(String which) throws Exception {
        URI uri = URI.create("http://" + base.getHost() + ":" + base.getPort() + "/health/" + which);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject data(HttpResponse<String> response) {
        return Json.object(response.body()).getJsonArray("checks").getJsonObject(0).getJsonObject("data");
    }
}
