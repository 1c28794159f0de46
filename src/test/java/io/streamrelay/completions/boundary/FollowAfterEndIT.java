package io.streamrelay.completions.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Events;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.Upstream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamrelay.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Following from a cursor at or past the end: every follow path, both transports, ends at once with 204; a cursor
 * beyond the current end of a running generation is refused; a follower of a quiet generation gets heartbeats.
 */
@RelayOnPayara
class FollowAfterEndIT {

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(upstream, io.streamrelay.testing.Secrets.GENERATIONS_UPSTREAM_KEY, Map.of(
                "relay.heartbeat-ms", "300",
                "relay.timeout.first-token-ms", "20000",
                "relay.timeout.idle-ms", "60000",
                "relay.generations.grace-ms", "5000",
                "relay.generations.retention-ms", "30000"));
    }

    /** Every way to follow, as a request with a cursor of {@code seq} into generation {@code id}. */
    private List<StreamClient> everyFollowPath(String id, long seq) throws IOException {
        String lastEventId = id + ":" + seq;
        byte[] body = "{\"prompt\":\"ignored on resume\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> resume = Map.of("Last-Event-ID", lastEventId);
        return List.of(
                StreamClient.open(base, "GET", "/api/chat", "text/event-stream", null, null, resume),
                StreamClient.open(base, "POST", "/api/chat", "text/event-stream", "application/json", body, resume),
                StreamClient.open(base, "GET", "/ndjson/chat", "application/x-ndjson", null, null, resume),
                StreamClient.open(base, "POST", "/ndjson/chat", "application/x-ndjson", "application/json", body,
                        resume),
                StreamClient.open(base, "GET", "/api/generations/" + id + "/events", "text/event-stream", null, null,
                        resume),
                StreamClient.get(base, "/api/generations/" + id + "/events?after=" + seq, "text/event-stream"),
                StreamClient.get(base, "/ndjson/generations/" + id + "?after=" + seq, "application/x-ndjson"),
                StreamClient.open(base, "GET", "/ndjson/generations/" + id, "application/x-ndjson", null, null,
                        resume));
    }

    private static final List<String> PATHS = List.of("GET /api/chat LEI", "POST /api/chat LEI",
            "GET /ndjson/chat LEI", "POST /ndjson/chat LEI", "GET events LEI", "GET events ?after",
            "GET /ndjson/generations ?after", "GET /ndjson/generations LEI");

    @Test
    void aCursorAtOrPastTheTerminalEventEndsAtOnceWith204OnEveryPath() throws Exception {
        for (Script script : List.of(Script.NORMAL, Script.MIDSTREAM_ERROR)) {
            List<Received> events = finished(script);
            String id = events.get(0).json().getString("generation");
            long terminal = Events.last(events).json().getJsonNumber("seq").longValue();
            for (long cursor : new long[]{terminal, terminal + 7}) {
                List<StreamClient> clients = everyFollowPath(id, cursor);
                for (int i = 0; i < clients.size(); i++) {
                    StreamClient client = clients.get(i);
                    String what = script + " " + PATHS.get(i) + " after " + cursor + " of " + terminal;
                    client.awaitEnd(5, TimeUnit.SECONDS);
                    assertEquals(204, client.status(), what + ": " + client.bodyText());
                    assertEquals("", client.bodyText(), what);
                    client.close();
                }
            }
            // One before the end still replays the terminal event, and then ends.
            for (StreamClient client : everyFollowPath(id, terminal - 1)) {
                client.awaitEnd(5, TimeUnit.SECONDS);
                assertEquals(200, client.status());
                Transport transport = client.header("Content-Type").startsWith("text/event-stream")
                        ? Transport.SSE : Transport.NDJSON;
                List<Received> replayed = transport.events(client.lines());
                assertEquals(1, replayed.size(), client.bodyText());
                assertEquals(terminal, replayed.get(0).json().getJsonNumber("seq").longValue());
                client.close();
            }
        }
    }

    @Test
    void aCursorBeyondTheEndOfARunningGenerationIsRefused() throws Exception {
        try (StreamClient live = StreamClient.get(base, "/ndjson/chat?prompt="
                + java.net.URLEncoder.encode(Script.STALL.prompt(UUID.randomUUID().toString()),
                StandardCharsets.UTF_8), "application/x-ndjson")) {
            live.awaitLine(line -> line.contains("\"seq\":3,"), 10, TimeUnit.SECONDS);
            String id = Transport.NDJSON.events(live.lines()).get(0).json().getString("generation");
            List<StreamClient> clients = everyFollowPath(id, 9);
            for (int i = 0; i < clients.size(); i++) {
                boolean byAfter = PATHS.get(i).contains("?after");
                assertProblem(clients.get(i).awaitEnd(5, TimeUnit.SECONDS), 400,
                        byAfter ? "invalid_after" : "invalid_last_event_id");
                clients.get(i).close();
            }
        }
    }

    @Test
    void aFollowerOfAQuietLiveGenerationGetsHeartbeats() throws Exception {
        try (StreamClient live = StreamClient.get(base, "/ndjson/chat?prompt="
                + java.net.URLEncoder.encode(Script.STALL.prompt(UUID.randomUUID().toString()),
                StandardCharsets.UTF_8), "application/x-ndjson")) {
            live.awaitLine(line -> line.contains("\"seq\":3,"), 10, TimeUnit.SECONDS);
            String id = Transport.NDJSON.events(live.lines()).get(0).json().getString("generation");
            List<StreamClient> clients = everyFollowPath(id, 3);
            TimeUnit.MILLISECONDS.sleep(1500); // five heartbeat intervals of a stream with nothing to say
            for (int i = 0; i < clients.size(); i++) {
                StreamClient client = clients.get(i);
                assertEquals(200, client.status(), PATHS.get(i) + ": " + client.bodyText());
                Transport transport = client.header("Content-Type").startsWith("text/event-stream")
                        ? Transport.SSE : Transport.NDJSON;
                long pings = transport.pings(client.lines());
                assertTrue(pings >= 2, PATHS.get(i) + ": " + pings + " pings in 1.5 s at 300 ms: " + client.lines());
                assertEquals(List.of(), transport.events(client.lines()), PATHS.get(i));
                client.close();
            }
        }
    }

    /** Runs a generation to its end over NDJSON and returns its events. */
    private List<Received> finished(Script script) throws Exception {
        StreamClient client = StreamClient.post(base, "/ndjson/chat", "application/x-ndjson", "application/json",
                ("{\"prompt\":" + jakarta.json.Json.createValue(script.prompt(UUID.randomUUID().toString())) + "}")
                        .getBytes(StandardCharsets.UTF_8)).awaitEnd(10, TimeUnit.SECONDS);
        List<Received> events = Transport.NDJSON.events(client.lines());
        assertEquals(script == Script.NORMAL ? "done" : "error", Events.last(events).type());
        return events;
    }
}
