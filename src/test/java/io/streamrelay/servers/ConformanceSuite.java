package io.streamrelay.servers;

import io.streamrelay.testing.Json;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Secrets;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.servers.ServerUnderTest;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamrelay.testing.Events.assertSequence;
import static io.streamrelay.testing.Events.last;
import static io.streamrelay.testing.Events.terminalError;
import static io.streamrelay.testing.Events.text;
import static io.streamrelay.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The relay's contract on one application server: the unchanged WAR (target/streamrelay.war), settings only through
 * the server's environment ({@code RELAY_*}), a real upstream ({@link ScriptedUpstream}), raw-socket clients. One
 * subclass per server names it; the server boots once per class. {@link Smoke} checks run on every server, the
 * others where {@link #fullSuite()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceSuite {

    static final long HEARTBEAT_MS = 1000;
    static final int STREAMS_PER_CLIENT = 3;

    ScriptedUpstream upstream;
    ServerUnderTest server;
    URL base;

    /** The server this class runs the suite on (not started yet). */
    abstract ServerUnderTest server();

    /** Whether every check runs here, or only the {@link Smoke} ones. */
    abstract boolean fullSuite();

    @BeforeAll
    void boot() throws Exception {
        // -Drelay.it.otherServers=false: Payara Micro 6 only (a quicker local run; CI runs all four).
        assumeTrue(fullSuite() || !"false".equals(System.getProperty("relay.it.otherServers")),
                "other servers skipped (-Drelay.it.otherServers=false)");
        upstream = new ScriptedUpstream();
        server = server();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("RELAY_UPSTREAM_URL", upstream.baseUrl());
        environment.put("RELAY_UPSTREAM_API_KEY", Secrets.RELAY_UPSTREAM_KEY);
        environment.put("RELAY_KEYS", Secrets.relayKeys());
        environment.put("RELAY_HEARTBEAT_MS", String.valueOf(HEARTBEAT_MS));
        environment.put("RELAY_TIMEOUT_FIRST_TOKEN_MS", "6000");
        // Issue 2's contract: a client that leaves stops the upstream at once.
        environment.put("RELAY_GENERATIONS_GRACE_MS", "0");
        environment.put("RELAY_LIMIT_REQUESTS_PER_MINUTE", "0");
        environment.put("RELAY_LIMIT_STREAMS_TOTAL", "0");
        // Limits count per key: only the limit check uses its keys ("busy1", "busy2") for more streams at once.
        environment.put("RELAY_LIMIT_STREAMS_PER_CLIENT", String.valueOf(STREAMS_PER_CLIENT));
        environment.put("RELAY_DRAIN_MS", "0");
        long started = System.nanoTime();
        base = server.start(Path.of(System.getProperty("relay.test.war", "target/streamrelay.war")), environment);
        System.out.printf("[measure] %s booted with the WAR deployed in %d ms%n", server.name(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Stops the server with streams open on both transports, one of them just left by its client, and then finds no
     * uncaught exception in the server's log from that shutdown (TomEE recycles a departed client's response, and a
     * write to it threw from the relay's shutdown thread).
     */
    @AfterAll
    void shutDown() throws Exception {
        try {
            if (server == null || base == null) {
                return;
            }
            long before = java.nio.file.Files.exists(server.log()) ? java.nio.file.Files.size(server.log()) : 0;
            List<StreamClient> open = new ArrayList<>();
            for (Transport transport : Transport.values()) {
                for (int i = 0; i < 2; i++) {
                    StreamClient stream = chat(transport, Script.SILENT.prompt(UUID.randomUUID().toString()),
                            transport == Transport.SSE ? "bob" : "rate");
                    stream.awaitLine(line -> line.contains("\"start\""), 20, TimeUnit.SECONDS);
                    open.add(stream);
                }
            }
            open.get(0).close();
            open.get(2).close();
            ServerUnderTest stopping = server;
            server = null;
            stopping.stop();
            String log = new String(java.nio.file.Files.readAllBytes(stopping.log()), StandardCharsets.UTF_8);
            String tail = log.substring((int) Math.min(before, log.length()));
            assertTrue(!tail.contains("Exception in thread"), "an uncaught exception while stopping:\n"
                    + tail.substring(Math.max(0, tail.indexOf("Exception in thread") - 200)));
            for (StreamClient stream : open) {
                stream.close();
            }
        } finally {
            if (server != null) {
                server.stop();
            }
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @BeforeEach
    void onlySmokeUnlessFull(TestInfo test) {
        assumeTrue(fullSuite() || Boolean.getBoolean("relay.it.fullEverywhere") || test.getTestMethod().orElseThrow().isAnnotationPresent(Smoke.class),
                "the full suite runs on Payara Micro 6; here only the smoke subset");
    }

    @Smoke
    @ParameterizedTest
    @EnumSource(Transport.class)
    void anAnswerIsRelayedExactlyUncompressed(Transport transport) throws Exception {
        String prompt = Script.NORMAL.prompt("conformance " + UUID.randomUUID());
        StreamClient client = chat(transport, prompt, "alice").awaitEnd(30, TimeUnit.SECONDS);
        assertEquals(200, client.status(), client.bodyText());
        assertTrue(client.header("Content-Type").startsWith(transport.mediaType), client.header("Content-Type"));
        assertEquals("no", client.header("X-Accel-Buffering"));
        String encoding = client.header("Content-Encoding");
        // The client asked for gzip: a server that compressed the stream would hold it back.
        assertTrue(encoding == null || encoding.equals("identity"), "stream compressed: " + encoding);
        List<Received> events = transport.events(client.lines());
        assertEquals("start", events.get(0).type());
        assertEquals(Script.NORMAL.text(), text(events, "token"));
        assertEquals("done", last(events).type());
        assertEquals(Script.NORMAL_TOKENS.size() + 2, events.size(), "start, tokens, done and nothing else");
        assertSequence(transport, events, events.get(0).json().getString("generation"));
        assertTrue(client.endedCleanly(), "the response ends properly after the terminal event");
    }

    @Smoke
    @ParameterizedTest
    @EnumSource(Transport.class)
    void tokensArriveAsTheyAreGeneratedNotBuffered(Transport transport) throws Exception {
        StreamClient client = chat(transport, Script.SLOW.prompt(UUID.randomUUID().toString()), "alice")
                .awaitEnd(30, TimeUnit.SECONDS);
        List<Received> tokens = transport.events(client.lines()).stream().filter(e -> e.type().equals("token"))
                .toList();
        assertEquals(Script.SLOW_TOKENS, tokens.size());
        long spreadMs = (tokens.get(tokens.size() - 1).nanos() - tokens.get(0).nanos()) / 1_000_000;
        long paced = (Script.SLOW_TOKENS - 1) * Script.SLOW_INTERVAL_MS;
        // Buffered delivery (a server's output buffer, compression) would land them all within a few ms.
        assertTrue(spreadMs >= paced * 8 / 10, "tokens arrived over " + spreadMs + " ms, paced over " + paced);
    }

    @Smoke
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientThatLeavesWhileTokensFlowStopsTheUpstream(Transport transport) throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        StreamClient client = chat(transport, prompt, "alice");
        client.awaitLine(line -> line.contains("\"seq\":5,"), 20, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
        long left = System.nanoTime();
        client.close();
        long closed = exchange.closedByRelay.get(20, TimeUnit.SECONDS);
        System.out.printf("[measure] %s %s: upstream closed %d ms after the client left (tokens flowing)%n",
                server.name(), transport, (closed - left) / 1_000_000);
    }

    @Smoke
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientThatLeavesASilentStreamStopsTheUpstreamByTheHeartbeat(Transport transport) throws Exception {
        String prompt = Script.SILENT.prompt(UUID.randomUUID().toString());
        StreamClient client = chat(transport, prompt, "alice");
        client.awaitLine(line -> line.contains("\"start\""), 20, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
        long left = System.nanoTime();
        client.close();
        long closed = exchange.closedByRelay.get(20, TimeUnit.SECONDS);
        System.out.printf("[measure] %s %s: upstream closed %d ms after the client left (silent upstream,"
                + " heartbeat %d ms)%n", server.name(), transport, (closed - left) / 1_000_000, HEARTBEAT_MS);
    }

    /**
     * Clients of both transports leave silent streams (noticed by a heartbeat write, on the relay's timer thread) and
     * new streams of both transports open the moment each departure reaches the upstream: every new stream must run
     * to its end. On TomEE a departed client's request and response objects are recycled for the next request, and a
     * late touch of the old ones (a complete, a write) ended a new stream right after its start event.
     */
    @Smoke
    @org.junit.jupiter.api.Test
    void anEarlierClientsDepartureNeverEndsAnotherStream() throws Exception {
        List<String> leavingKeys = List.of("crowd-sse", "crowd-ndjson", "cors-sse", "cors-ndjson");
        List<String> newKeys = List.of("busy3", "tokens", "cors-self", "bob");
        for (int round = 0; round < 4; round++) {
            List<StreamClient> leaving = new ArrayList<>();
            List<ScriptedUpstream.Exchange> exchanges = new ArrayList<>();
            for (int i = 0; i < leavingKeys.size(); i++) {
                String prompt = Script.SILENT.prompt(UUID.randomUUID().toString());
                StreamClient stream = chat(Transport.values()[i % 2], prompt, leavingKeys.get(i));
                stream.awaitLine(line -> line.contains("\"start\""), 20, TimeUnit.SECONDS);
                leaving.add(stream);
                exchanges.add(upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS));
            }
            for (StreamClient stream : leaving) {
                stream.close();
            }
            List<StreamClient> started = new ArrayList<>();
            for (int i = 0; i < exchanges.size(); i++) {
                exchanges.get(i).closedByRelay.get(20, TimeUnit.SECONDS);
                started.add(chat(Transport.values()[(i + round) % 2], Script.SLOW.prompt(UUID.randomUUID().toString()),
                        newKeys.get(i)));
            }
            for (int i = 0; i < started.size(); i++) {
                Transport transport = Transport.values()[(i + round) % 2];
                List<Received> events = transport.events(started.get(i).awaitEnd(30, TimeUnit.SECONDS).lines());
                assertEquals(Script.slowText(), text(events, "token"), "round " + round + ", " + transport
                        + " stream " + i + " opened as a client left: " + events);
                assertEquals("done", last(events).type());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void heartbeatsFlowBeforeTheFirstToken(Transport transport) throws Exception {
        try (StreamClient client = chat(transport, Script.SILENT.prompt(UUID.randomUUID().toString()), "alice")) {
            String ping = transport == Transport.SSE ? ": ping" : "{\"type\":\"ping\"}";
            client.awaitLine(line -> line.contains("\"start\""), 20, TimeUnit.SECONDS);
            assertNotNull(client.awaitLine(ping::equals, 10, TimeUnit.SECONDS), "a heartbeat while the upstream"
                    + " is silent");
            client.awaitLine(ping::equals, 10, TimeUnit.SECONDS);
            // Recorded, not asserted: Jersey (Payara) writes the relay's bare comment line, CXF (TomEE) its own frame.
            List<String> lines = client.lines().stream().map(StreamClient.Line::text).toList();
            System.out.printf("[observe] %s %s heartbeat lines: %s%n", server.name(), transport,
                    lines.subList(lines.indexOf(ping), lines.size()));
        }
    }

    @Smoke
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFinishedGenerationResumesAfterAPosition(Transport transport) throws Exception {
        StreamClient first = chat(transport, Script.NORMAL.prompt(UUID.randomUUID().toString()), "alice")
                .awaitEnd(30, TimeUnit.SECONDS);
        List<Received> all = transport.events(first.lines());
        String generation = all.get(0).json().getString("generation");
        int after = 3;
        StreamClient rest = (transport == Transport.SSE
                ? request("GET", "/api/generations/" + generation + "/events", "text/event-stream", null, "alice",
                        Map.of("Last-Event-ID", generation + ":" + after))
                : request("GET", "/ndjson/generations/" + generation + "?after=" + after, "application/x-ndjson",
                        null, "alice", Map.of())).awaitEnd(30, TimeUnit.SECONDS);
        assertEquals(200, rest.status(), rest.bodyText());
        List<Received> resumed = transport.events(rest.lines());
        assertEquals(all.subList(after + 1, all.size()).stream().map(e -> e.json().toString()).toList(),
                resumed.stream().map(e -> e.json().toString()).toList(), "exactly the events after " + after);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFollowerOnTheOtherTransportGetsTheSameAnswer(Transport transport) throws Exception {
        StreamClient origin = chat(transport, Script.SLOW.prompt(UUID.randomUUID().toString()), "alice");
        String startLine = origin.awaitLine(line -> line.contains("\"start\""), 20, TimeUnit.SECONDS).text();
        String generation = Json.object(startLine.substring(startLine.indexOf('{'))).getString("generation");
        Transport other = transport == Transport.SSE ? Transport.NDJSON : Transport.SSE;
        StreamClient follower = request("GET", other == Transport.SSE ? "/api/generations/" + generation + "/events"
                : "/ndjson/generations/" + generation, other.mediaType, null, "alice", Map.of())
                .awaitEnd(30, TimeUnit.SECONDS);
        List<Received> followed = other.events(follower.lines());
        assertEquals(Script.slowText(), text(followed, "token"));
        assertEquals("done", last(followed).type());
        assertEquals(Script.slowText(), text(transport.events(origin.awaitEnd(30, TimeUnit.SECONDS).lines()),
                "token"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void deleteCancelsAGenerationAndItsFollowersAreTold(Transport transport) throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        StreamClient created = request("POST", "/api/generations", "application/json",
                ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8),
                "alice", Map.of()).awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.bodyText());
        String id = Json.object(created.bodyText()).getString("id");
        StreamClient follower = request("GET", transport == Transport.SSE ? "/api/generations/" + id + "/events"
                : "/ndjson/generations/" + id, transport.mediaType, null, "alice", Map.of());
        follower.awaitLine(line -> line.contains("\"seq\":3,"), 20, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
        StreamClient delete = request("DELETE", "/api/generations/" + id, null, null, "alice", Map.of())
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(204, delete.status(), delete.bodyText());
        exchange.closedByRelay.get(20, TimeUnit.SECONDS);
        List<Received> events = transport.events(follower.awaitEnd(20, TimeUnit.SECONDS).lines());
        assertEquals("cancelled", terminalError(events).getString("code"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void keysAreRequiredAndAClientsStreamsAreLimited(Transport transport) throws Exception {
        assertProblem(request("POST", transport.path, transport.mediaType,
                Transport.chatBody(Script.NORMAL.prompt("no key")), null, Map.of()).awaitEnd(20, TimeUnit.SECONDS),
                401, "unauthorized");
        // A key per transport: the other run's streams are released only once the relay notices they left.
        String key = transport == Transport.SSE ? "busy1" : "busy2";
        List<StreamClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS_PER_CLIENT; i++) {
                StreamClient stream = chat(transport, Script.SILENT.prompt(UUID.randomUUID().toString()), key);
                stream.awaitLine(line -> line.contains("\"start\""), 20, TimeUnit.SECONDS);
                open.add(stream);
            }
            assertProblem(chat(transport, Script.NORMAL.prompt(UUID.randomUUID().toString()), key)
                    .awaitEnd(20, TimeUnit.SECONDS), 429, "too_many_streams");
        } finally {
            for (StreamClient stream : open) {
                stream.close();
            }
        }
    }

    @Smoke
    @ParameterizedTest
    @EnumSource(Transport.class)
    void malformedInputIsAProblemBody(Transport transport) throws Exception {
        assertProblem(request("POST", transport.path, transport.mediaType,
                "{\"messages\": [".getBytes(StandardCharsets.UTF_8), "alice", Map.of())
                .awaitEnd(20, TimeUnit.SECONDS), 400, "invalid_json");
        assertProblem(request("GET", "/api/generations/nope/events", "text/event-stream", null, "alice", Map.of())
                .awaitEnd(20, TimeUnit.SECONDS), 404, "unknown_generation");
    }

    @org.junit.jupiter.api.Test
    void thePageAndTheScriptAreServed() throws Exception {
        StreamClient page = request("GET", "/", "text/html", null, null, Map.of()).awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
        assertTrue(page.bodyText().contains("<script type=\"module\" src=\"js/page.js\">"), page.bodyText());
        StreamClient script = request("GET", "/js/streamrelay.js", "*/*", null, null, Map.of())
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, script.status());
        assertTrue(script.header("Content-Type").contains("javascript"), script.header("Content-Type"));
    }

    @Smoke
    @org.junit.jupiter.api.Test
    void aStreamedChatCompletionOnV1() throws Exception {
        String prompt = Script.NORMAL.prompt(UUID.randomUUID().toString());
        String body = "{\"model\":\"deepseek-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + jakarta.json.Json.createValue(prompt) + "}]}";
        StreamClient client = request("POST", "/v1/chat/completions", "text/event-stream",
                body.getBytes(StandardCharsets.UTF_8), "alice", Map.of()).awaitEnd(30, TimeUnit.SECONDS);
        assertEquals(200, client.status(), client.bodyText());
        assertTrue(client.header("Content-Type").startsWith("text/event-stream"), client.header("Content-Type"));
        StringBuilder text = new StringBuilder();
        List<String> data = client.lines().stream().map(StreamClient.Line::text).filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6)).toList();
        assertEquals("[DONE]", data.get(data.size() - 1));
        for (String chunk : data.subList(0, data.size() - 1)) {
            JsonObject json = Json.object(chunk);
            assertEquals("chat.completion.chunk", json.getString("object"));
            var choices = json.getJsonArray("choices");
            if (!choices.isEmpty() && choices.getJsonObject(0).getJsonObject("delta").containsKey("content")) {
                text.append(choices.getJsonObject(0).getJsonObject("delta").getString("content"));
            }
        }
        assertEquals(Script.NORMAL.text(), text.toString());
    }

    StreamClient chat(Transport transport, String prompt, String key) throws Exception {
        return request("POST", transport.path, transport.mediaType, Transport.chatBody(prompt), key, Map.of());
    }

    /** A request with gateway key {@code key} (null: none). */
    StreamClient request(String method, String path, String accept, byte[] body, String key,
                         Map<String, String> headers) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (key != null) {
            all.put("Authorization", "Bearer " + Secrets.gateway(key));
        }
        return StreamClient.open(base, method, path, accept, body == null ? null : "application/json", body, all);
    }
}
