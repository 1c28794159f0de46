package io.streamrelay.json.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.StreamClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payara 6.2025.10 carries Jackson 2.20 in its modules: the WAR must use the Jackson it bundles (2.23), and JAX-RS
 * must write JSON entities with the registered provider, not with Payara's JSON-B (Yasson) or its own Jackson.
 */
@RelayOnPayara
class JacksonOnPayaraIT {

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(Map.of("relay.demo.token-interval-ms", "1")).addClass(JacksonOriginServlet.class);
    }

    @Test
    void theWarsOwnJacksonIsLoadedNotTheServers() throws Exception {
        String origin = StreamClient.get(base, "/test/jackson-origin", "text/plain").awaitEnd(10, TimeUnit.SECONDS)
                .bodyText();
        System.out.println("[figure] Jackson as the WAR sees it:\n" + origin);
        for (String line : origin.strip().split("\n")) {
            String[] parts = line.split(" ");
            assertTrue(parts[2].contains("WEB-INF/lib/jackson-") || parts[2].contains("jackson-" + parts[0]),
                    line);
            assertTrue(!parts[2].contains("MICRO-INF") && !parts[2].contains("/modules/"), line);
            if (!parts[1].equals("-")) {
                assertEquals("2.23.0", parts[1], line);
            }
        }
    }

    @Test
    void entitiesAreWrittenByTheRegisteredProvider() throws Exception {
        // snake_case names and a written null: Yasson would write usage as absent, an unconfigured mapper camelCase.
        StreamClient created = StreamClient.post(base, "/api/generations", "application/json", "application/json",
                "{\"prompt\":\"hi\",\"max_tokens\":3}".getBytes(StandardCharsets.UTF_8)).awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.bodyText());
        JsonObject body = Json.object(created.bodyText());
        assertEquals(List.of("id", "status", "model", "text", "usage", "events", "ndjson"), List.copyOf(body.keySet()));
        String id = body.getString("id");
        JsonObject done = body;
        for (int i = 0; i < 100 && done.get("usage") == JsonValue.NULL; i++) {
            Thread.sleep(50);
            done = Json.object(StreamClient.get(base, "/api/generations/" + id, "application/json")
                    .awaitEnd(10, TimeUnit.SECONDS).bodyText());
        }
        assertEquals(List.of("prompt_tokens", "completion_tokens", "total_tokens"),
                List.copyOf(done.getJsonObject("usage").keySet()).subList(0, 3), done.toString());
        String metrics = StreamClient.get(base, "/api/metrics", "application/json").awaitEnd(10, TimeUnit.SECONDS)
                .bodyText();
        assertEquals(List.of("streams_in_use", "clients_with_streams", "running_generations", "stored_generations"),
                List.copyOf(Json.object(metrics).keySet()));
    }
}
