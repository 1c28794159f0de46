package io.streamrelay.admission.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Secrets;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.Upstream;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.streamrelay.testing.ProblemAssertions.assertProblem;
import static io.streamrelay.testing.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gateway keys, every limit with its Retry-After, the CORS policy, and the slot-leak test: after every way a
 * stream can end, the stream slots in use are exactly 0 again.
 */
@RelayOnPayara
class AdmissionIT {

    static final int REQUESTS_PER_MINUTE = 20;
    static final int STREAMS_PER_CLIENT = 2;
    static final int STREAMS_TOTAL = 4;
    static final int TOKENS_PER_MINUTE = 20;
    static final long GRACE_MS = 2000;
    static final long FIRST_TOKEN_MS = 1500;
    static final long MAX_DURATION_MS = 3000;
    static final String PORTAL = "https://portal.example";
    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        Map<String, String> settings = new HashMap<>();
        settings.put("relay.keys", Secrets.relayKeys());
        settings.put("relay.limit.requests-per-minute", String.valueOf(REQUESTS_PER_MINUTE));
        settings.put("relay.limit.streams-per-client", String.valueOf(STREAMS_PER_CLIENT));
        settings.put("relay.limit.streams-total", String.valueOf(STREAMS_TOTAL));
        settings.put("relay.limit.tokens-per-minute", String.valueOf(TOKENS_PER_MINUTE));
        settings.put("relay.cors.origins", PORTAL + ", https://other.example");
        settings.put("relay.heartbeat-ms", "500");
        settings.put("relay.generations.grace-ms", String.valueOf(GRACE_MS));
        settings.put("relay.timeout.first-token-ms", String.valueOf(FIRST_TOKEN_MS));
        settings.put("relay.generations.max-events", "100");
        // ENDLESS sends a token every 50 ms: 3 s end it with max_duration before 100 events end it with too_large.
        settings.put("relay.timeout.max-duration-ms", String.valueOf(MAX_DURATION_MS));
        return Deployments.relay(upstream, Secrets.ADMISSION_UPSTREAM_KEY, settings);
    }

    /** Every test leaves the relay as it found it: no slot held, whatever the test did. */
    @AfterEach
    void noSlotIsLeft() throws Exception {
        awaitNoSlotInUse();
    }

    // ---- keys

    @ParameterizedTest
    @MethodSource("protectedRequests")
    void withKeysOnEveryApiRequestNeedsOne(String method, String path) throws Exception {
        StreamClient none = request(method, path, null, Map.of()).awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(none, 401, "unauthorized");
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), none.header("WWW-Authenticate"));

        StreamClient wrong = request(method, path, null, Map.of("Authorization", "Bearer gw-nobody-0000"))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(wrong, 401, "unauthorized");
        assertTrue(wrong.header("WWW-Authenticate").contains("invalid_token"), wrong.header("WWW-Authenticate"));

        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                ("alice:" + Secrets.gateway("alice")).getBytes(StandardCharsets.UTF_8));
        assertProblem(request(method, path, null, Map.of("Authorization", basic)).awaitEnd(10, TimeUnit.SECONDS),
                401, "unauthorized");
    }

    static Stream<Arguments> protectedRequests() {
        return Stream.of(
                Arguments.of("POST", "/api/chat"),
                Arguments.of("GET", "/api/chat?prompt=hi"),
                Arguments.of("POST", "/ndjson/chat"),
                Arguments.of("GET", "/ndjson/chat?prompt=hi"),
                Arguments.of("POST", "/api/generations"),
                Arguments.of("GET", "/api/generations/AAAAAAAAAAAAAAAAAAAAAA"),
                Arguments.of("DELETE", "/api/generations/AAAAAAAAAAAAAAAAAAAAAA"),
                Arguments.of("GET", "/api/metrics"));
    }

    @Test
    void aGenerationIsInvisibleToAnotherKeyButItsIdFollowsWithoutOne() throws Exception {
        String created = request("POST", "/api/generations", body(Script.SLOW.prompt(uuid())), auth("alice"))
                .awaitEnd(10, TimeUnit.SECONDS).bodyText();
        String id = Json.object(created).getString("id");
        // Follow at once, before the checks below: the deployment's grace period (GRACE_MS) cancels a generation
        // nobody follows, and a freshly booted server can take longer than that for the five refusals.
        // EventSource sends no headers: the id alone is the capability for the GET streams.
        StreamClient follower = open("GET", "/api/generations/" + id + "/events", "text/event-stream", null,
                Map.of());

        assertEquals(200, request("GET", "/api/generations/" + id, null, auth("alice")).awaitEnd(10, TimeUnit.SECONDS)
                .status());
        assertProblem(request("GET", "/api/generations/" + id, null, auth("bob")).awaitEnd(10, TimeUnit.SECONDS),
                404, "unknown_generation");
        assertProblem(request("DELETE", "/api/generations/" + id, null, auth("bob")).awaitEnd(10, TimeUnit.SECONDS),
                404, "unknown_generation");
        assertProblem(open("GET", "/api/generations/" + id + "/events", "text/event-stream", null, auth("bob"))
                .awaitEnd(10, TimeUnit.SECONDS), 404, "unknown_generation");
        assertProblem(open("GET", "/ndjson/generations/" + id, "application/x-ndjson", null, auth("bob"))
                .awaitEnd(10, TimeUnit.SECONDS), 404, "unknown_generation");
        assertProblem(open("GET", "/ndjson/chat", "application/x-ndjson", null,
                merge(auth("bob"), Map.of("Last-Event-ID", id + ":0"))).awaitEnd(10, TimeUnit.SECONDS),
                404, "unknown_generation");

        follower.awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, follower.status());
        List<Received> events = Transport.SSE.events(follower.lines());
        assertEquals("done", events.get(events.size() - 1).type());
        StreamClient ndjson = open("GET", "/ndjson/generations/" + id, "application/x-ndjson", null, Map.of())
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, ndjson.status());
        // ...but without a key the id opens nothing else.
        assertProblem(request("GET", "/api/generations/" + id, null, Map.of()).awaitEnd(10, TimeUnit.SECONDS),
                401, "unauthorized");
    }

    @Test
    void thePageAndTheModuleNeedNoKey() throws Exception {
        assertEquals(200, StreamClient.get(base, "/", "text/html").awaitEnd(10, TimeUnit.SECONDS).status());
        assertEquals(200, StreamClient.get(base, "/js/streamrelay.js", "*/*").awaitEnd(10, TimeUnit.SECONDS)
                .status());
    }

    // ---- limits

    @Test
    void requestsPerMinuteAreLimitedPerKeyWithRetryAfter() throws Exception {
        for (int i = 0; i < REQUESTS_PER_MINUTE; i++) {
            assertProblem(request("GET", "/api/generations/AAAAAAAAAAAAAAAAAAAAAA", null, auth("rate"))
                    .awaitEnd(10, TimeUnit.SECONDS), 404, "unknown_generation");
        }
        StreamClient refused = request("GET", "/api/generations/AAAAAAAAAAAAAAAAAAAAAA", null, auth("rate"))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(refused, 429, "rate_limited");
        // One request more every 60/20 = 3 s.
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60 / REQUESTS_PER_MINUTE, "Retry-After " + retryAfter);
        System.out.println("[figure] request " + (REQUESTS_PER_MINUTE + 1) + " in a minute: 429 rate_limited,"
                + " Retry-After: " + retryAfter);
        StreamClient stream = chat(Transport.NDJSON, "rate", Script.NORMAL.prompt(uuid()));
        assertProblem(stream.awaitEnd(10, TimeUnit.SECONDS), 429, "rate_limited");
        // Another key is not affected.
        assertProblem(request("GET", "/api/generations/AAAAAAAAAAAAAAAAAAAAAA", null, auth("bob"))
                .awaitEnd(10, TimeUnit.SECONDS), 404, "unknown_generation");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void concurrentStreamsAreLimitedPerKeyWithRetryAfter(Transport transport) throws Exception {
        String crowd = "crowd-" + transport.name().toLowerCase();
        List<StreamClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS_PER_CLIENT; i++) {
                StreamClient client = chat(transport, crowd, Script.ENDLESS.prompt(uuid()));
                client.awaitLine(line -> line.contains("\"token\""), 10, TimeUnit.SECONDS);
                held.add(client);
            }
            StreamClient refused = chat(transport, crowd, Script.NORMAL.prompt(uuid())).awaitEnd(10,
                    TimeUnit.SECONDS);
            assertProblem(refused, 429, "too_many_streams");
            assertEquals("5", refused.header("Retry-After"));
            assertFalse(refused.bodyText().contains("\"start\""), "refused before any stream byte");
            assertEquals(STREAMS_PER_CLIENT, metrics().getInt("streams_in_use"));
        } finally {
            for (StreamClient client : held) {
                client.close();
            }
        }
    }

    @Test
    void aFullServerAnswers503WithRetryAfter() throws Exception {
        List<StreamClient> held = new ArrayList<>();
        try {
            for (String key : List.of("busy1", "busy2")) {
                for (int i = 0; i < STREAMS_PER_CLIENT; i++) {
                    StreamClient client = chat(Transport.SSE, key, Script.ENDLESS.prompt(uuid()));
                    client.awaitLine(line -> line.contains("\"token\""), 10, TimeUnit.SECONDS);
                    held.add(client);
                }
            }
            assertEquals(STREAMS_TOTAL, metrics().getInt("streams_in_use"));
            for (Transport transport : Transport.values()) {
                StreamClient refused = chat(transport, "busy3", Script.NORMAL.prompt(uuid()))
                        .awaitEnd(10, TimeUnit.SECONDS);
                assertProblem(refused, 503, "server_busy");
                assertEquals("5", refused.header("Retry-After"));
            }
            StreamClient refused = request("POST", "/api/generations", body(Script.NORMAL.prompt(uuid())),
                    auth("busy3")).awaitEnd(10, TimeUnit.SECONDS);
            assertProblem(refused, 503, "server_busy");
        } finally {
            for (StreamClient client : held) {
                client.close();
            }
        }
        awaitNoSlotInUse();
        // The refused caller holds nothing: it gets a stream as soon as there is room.
        StreamClient after = chat(Transport.NDJSON, "busy3", Script.NORMAL.prompt(uuid())).awaitEnd(20,
                TimeUnit.SECONDS);
        assertEquals("done", last(Transport.NDJSON.events(after.lines())).type());
    }

    @Test
    void completionTokensAreCountedAsTheyStream() throws Exception {
        // 11 tokens each: the first two answers fit into 20 a minute (the second one goes into debt), the third
        // must wait until the debt is paid back and one token is free: (1 + 2) tokens at 1 per 3 s = 9 s.
        for (int i = 0; i < 2; i++) {
            StreamClient answered = chat(Transport.SSE, "tokens", Script.NORMAL.prompt(uuid())).awaitEnd(20,
                    TimeUnit.SECONDS);
            assertEquals("done", last(Transport.SSE.events(answered.lines())).type());
        }
        StreamClient refused = chat(Transport.NDJSON, "tokens", Script.NORMAL.prompt(uuid())).awaitEnd(10,
                TimeUnit.SECONDS);
        assertProblem(refused, 429, "token_limit");
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 6 && retryAfter <= 9, "Retry-After " + retryAfter);
        System.out.println("[figure] 22 tokens streamed at 20 a minute: 429 token_limit, Retry-After: " + retryAfter);
    }

    // ---- the slot-leak test: every exit path gives the slot back

    enum Exit { DONE, UPSTREAM_ERROR, CUT, CANCEL, CLIENT_GONE, TIMEOUT, MAX_DURATION, UNFOLLOWED, TOO_LARGE }

    static Stream<Arguments> exits() {
        List<Arguments> all = new ArrayList<>();
        for (Exit exit : Exit.values()) {
            for (Transport transport : Transport.values()) {
                all.add(Arguments.of(exit, transport));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("exits")
    void everyExitGivesTheSlotBack(Exit exit, Transport transport) throws Exception {
        String key = "leak-" + exit.name().toLowerCase().replace('_', '-') + "-" + transport.name().toLowerCase();
        switch (exit) {
            case DONE -> assertTerminal(transport, chat(transport, key, Script.NORMAL.prompt(uuid())), "done", null);
            case UPSTREAM_ERROR -> assertTerminal(transport, chat(transport, key, Script.HTTP400.prompt(uuid())),
                    "error", "upstream_bad_request");
            case CUT -> assertTerminal(transport, chat(transport, key, Script.CUT40.prompt(uuid())), "error",
                    "upstream_failed");
            case TIMEOUT -> assertTerminal(transport, chat(transport, key, Script.SILENT.prompt(uuid())), "error",
                    "first_token_timeout");
            case MAX_DURATION -> assertTerminal(transport, chat(transport, key, Script.ENDLESS.prompt(uuid())), "error",
                    "max_duration");
            case TOO_LARGE -> assertTerminal(transport, chat(transport, key, Script.OVERFLOW.prompt(uuid())), "error",
                    "too_large");
            case CANCEL -> {
                String id = create(key, Script.ENDLESS.prompt(uuid()));
                StreamClient follower = follow(transport, id);
                follower.awaitLine(line -> line.contains("\"token\""), 10, TimeUnit.SECONDS);
                assertEquals(1, metrics().getInt("streams_in_use"), "the follower takes no slot of its own");
                assertEquals(204, request("DELETE", "/api/generations/" + id, null, auth(key))
                        .awaitEnd(10, TimeUnit.SECONDS).status());
                assertTerminal(transport, follower, "error", "cancelled");
            }
            case CLIENT_GONE -> {
                String prompt = Script.ENDLESS.prompt(uuid());
                StreamClient client = chat(transport, key, prompt);
                client.awaitLine(line -> line.contains("\"token\""), 10, TimeUnit.SECONDS);
                assertEquals(1, metrics().getInt("streams_in_use"));
                client.close();
                assertNotNull(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(10,
                        TimeUnit.SECONDS), "the upstream is closed after the grace period");
            }
            case UNFOLLOWED -> {
                String prompt = Script.ENDLESS.prompt(uuid());
                create(key, prompt);
                assertNotNull(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(10,
                        TimeUnit.SECONDS), "nobody came within the grace period");
            }
        }
        awaitNoSlotInUse();
        assertOneUsageRecord(exit, key);
    }

    /**
     * The exit also left exactly one record in the usage ledger, here on its default database (the server's
     * default datasource: Payara Micro's embedded H2), read back through GET /api/usage as the key itself.
     */
    private void assertOneUsageRecord(Exit exit, String key) throws Exception {
        jakarta.json.JsonArray groups = jakarta.json.JsonValue.EMPTY_JSON_ARRAY;
        // Each poll counts against the key's 20 requests a minute: once a second, and the record comes in ~0.2 s.
        for (int i = 0; i < 12 && groups.isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(i == 0 ? 300 : 1000);
            StreamClient usage = request("GET", "/api/usage", null, auth(key)).awaitEnd(10, TimeUnit.SECONDS);
            assertEquals(200, usage.status(), usage.bodyText());
            groups = Json.object(usage.bodyText()).getJsonArray("groups");
        }
        assertEquals(1, groups.size(), groups.toString());
        JsonObject group = groups.getJsonObject(0);
        assertEquals(key, group.getString("key"));
        assertEquals(1, group.getInt("requests"), "exactly one record for the one generation");
        int completion = group.getInt("completion_tokens");
        switch (exit) {
            case DONE -> {
                assertEquals(Script.PROMPT_TOKENS, group.getInt("prompt_tokens"));
                assertEquals(Script.NORMAL_TOKENS.size(), completion);
                assertEquals(0, group.getInt("estimated_tokens"));
            }
            case UPSTREAM_ERROR, TIMEOUT -> assertEquals(0, completion);
            case CUT -> {
                assertEquals(Script.CUT40_TOKENS, completion);
                assertEquals(Script.CUT40_TOKENS, group.getInt("estimated_tokens"));
            }
            default -> {
                assertTrue(completion > 0, "the pieces relayed before the end: " + completion);
                assertEquals(completion, group.getInt("estimated_tokens"));
            }
        }
    }

    // ---- CORS

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aListedOriginGetsItsPreflightAndCredentials(Transport transport) throws Exception {
        StreamClient preflight = open("OPTIONS", transport.path, null, null, Map.of("Origin", PORTAL,
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type, last-event-id"))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(204, preflight.status(), preflight.bodyText());
        assertEquals(PORTAL, preflight.header("Access-Control-Allow-Origin"));
        assertEquals("true", preflight.header("Access-Control-Allow-Credentials"));
        String methods = preflight.header("Access-Control-Allow-Methods");
        assertTrue(methods.contains("POST") && methods.contains("GET") && methods.contains("DELETE"), methods);
        String headers = preflight.header("Access-Control-Allow-Headers").toLowerCase();
        assertTrue(headers.contains("authorization") && headers.contains("content-type")
                && headers.contains("last-event-id"), headers);
        assertTrue(preflight.header("Vary").contains("Origin"), preflight.header("Vary"));

        StreamClient answer = open("POST", transport.path, transport.mediaType, body(Script.NORMAL.prompt(uuid())),
                merge(auth("cors-" + transport.name().toLowerCase()), Map.of("Origin", PORTAL)))
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, answer.status());
        assertEquals(PORTAL, answer.header("Access-Control-Allow-Origin"));
        assertEquals("true", answer.header("Access-Control-Allow-Credentials"));
        assertTrue(answer.header("Vary").contains("Origin"));
        assertEquals("done", last(transport.events(answer.lines())).type());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anUnlistedOriginIsRefusedBeforeAnythingStarts(Transport transport) throws Exception {
        String evil = "https://evil.example";
        StreamClient preflight = open("OPTIONS", transport.path, null, null, Map.of("Origin", evil,
                "Access-Control-Request-Method", "POST")).awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(preflight, 403, "origin_not_allowed");
        assertNull(preflight.header("Access-Control-Allow-Origin"));

        // Even with a valid key (a browser would send a cookie-less simple request just the same).
        String prompt = Script.NORMAL.prompt(uuid());
        StreamClient refused = open("POST", transport.path, transport.mediaType, body(prompt),
                merge(auth("cors-" + transport.name().toLowerCase()), Map.of("Origin", evil)))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(refused, 403, "origin_not_allowed");
        assertNull(refused.header("Access-Control-Allow-Origin"));
        assertTrue(upstream.exchangesFor(prompt).isEmpty(), "nothing was asked of the upstream");
    }

    @Test
    void theRelaysOwnOriginNeedsNoListing() throws Exception {
        String self = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
        StreamClient answer = open("POST", "/ndjson/chat", "application/x-ndjson", body(Script.NORMAL.prompt(uuid())),
                merge(auth("cors-self"), Map.of("Origin", self))).awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, answer.status());
        assertNull(answer.header("Access-Control-Allow-Origin"));
        // The module stays importable from anywhere, without credentials.
        StreamClient module = open("GET", "/js/streamrelay.js", "*/*", null, Map.of("Origin", "https://evil.example"))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(200, module.status());
        assertEquals("*", module.header("Access-Control-Allow-Origin"));
        assertNull(module.header("Access-Control-Allow-Credentials"));
    }

    // ---- helpers

    private void assertTerminal(Transport transport, StreamClient client, String type, String code)
            throws Exception {
        client.awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, client.status(), client.bodyText());
        Received last = last(transport.events(client.lines()));
        assertEquals(type, last.type(), client.bodyText());
        if (code != null) {
            assertEquals(code, last.json().getString("code"));
        }
    }

    /** Bounded: the slot must be back within a few heartbeats and the grace period, then exactly 0. */
    private void awaitNoSlotInUse() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonObject metrics = metrics();
        // The exit gives the slot back, then leaves the running set: wait for both, not only the first.
        while ((metrics.getInt("streams_in_use") != 0 || metrics.getInt("clients_with_streams") != 0
                || metrics.getInt("running_generations") != 0) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
            metrics = metrics();
        }
        assertEquals(0, metrics.getInt("streams_in_use"), metrics.toString());
        assertEquals(0, metrics.getInt("clients_with_streams"), metrics.toString());
        assertEquals(0, metrics.getInt("running_generations"), metrics.toString());
    }

    private JsonObject metrics() throws Exception {
        StreamClient client = request("GET", "/api/metrics", null, auth("admin")).awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(200, client.status(), client.bodyText());
        return Json.object(client.bodyText());
    }

    private String create(String key, String prompt) throws Exception {
        StreamClient created = request("POST", "/api/generations", body(prompt), auth(key)).awaitEnd(10,
                TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.bodyText());
        return Json.object(created.bodyText()).getString("id");
    }

    private StreamClient follow(Transport transport, String id) throws IOException {
        return transport == Transport.SSE
                ? open("GET", "/api/generations/" + id + "/events", transport.mediaType, null, Map.of())
                : open("GET", "/ndjson/generations/" + id, transport.mediaType, null, Map.of());
    }

    private StreamClient chat(Transport transport, String key, String prompt) throws IOException {
        return open("POST", transport.path, transport.mediaType, body(prompt), auth(key));
    }

    private StreamClient request(String method, String path, byte[] body, Map<String, String> headers)
            throws IOException {
        String accept = path.startsWith("/ndjson") ? "application/x-ndjson"
                : path.startsWith("/api/chat") ? "text/event-stream" : "application/json";
        return open(method, path, accept, body, headers);
    }

    private StreamClient open(String method, String path, String accept, byte[] body, Map<String, String> headers)
            throws IOException {
        return StreamClient.open(base, method, path, accept, body == null ? null : "application/json", body,
                headers);
    }

    private static byte[] body(String prompt) {
        return ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> auth(String key) {
        return Map.of("Authorization", "Bearer " + Secrets.gateway(key));
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return all;
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }
}
