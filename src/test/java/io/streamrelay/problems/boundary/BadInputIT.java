package io.streamrelay.problems.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.streamrelay.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests refused before a stream starts get the same problem body from both transports. */
@RelayOnPayara
class BadInputIT {

    static final int MAX_BYTES = 4096;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // No upstream: refusals must come before any upstream is involved, and the offline model answers the rest.
        return Deployments.relay(Map.of("relay.request.max-bytes", String.valueOf(MAX_BYTES),
                "relay.demo.token-interval-ms", "1"));
    }

    record Bad(String name, String contentType, byte[] body, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badBodies() {
        List<Bad> cases = new ArrayList<>();
        cases.add(bad("malformed JSON", "application/json", "{\"prompt\":", 400, "invalid_json"));
        cases.add(bad("trailing garbage", "application/json", "{\"prompt\":\"x\"} x", 400, "invalid_json"));
        cases.add(bad("empty body", "application/json", "", 400, "invalid_json"));
        cases.add(new Bad("invalid UTF-8", "application/json",
                new byte[]{'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                400, "invalid_encoding"));
        cases.add(bad("array body", "application/json", "[1,2]", 422, "invalid_request"));
        cases.add(bad("no messages", "application/json", "{\"model\":\"x\"}", 422, "missing_messages"));
        cases.add(bad("empty messages", "application/json", "{\"messages\":[]}", 422, "invalid_messages"));
        cases.add(bad("messages not an array", "application/json", "{\"messages\":\"hi\"}", 422,
                "invalid_messages"));
        cases.add(bad("role is a number", "application/json", "{\"messages\":[{\"role\":1,\"content\":\"x\"}]}",
                422, "invalid_messages"));
        cases.add(bad("unknown role", "application/json",
                "{\"messages\":[{\"role\":\"root\",\"content\":\"x\"}]}", 422, "invalid_messages"));
        cases.add(bad("content is an object", "application/json",
                "{\"messages\":[{\"role\":\"user\",\"content\":{}}]}", 422, "invalid_messages"));
        cases.add(bad("prompt is a number", "application/json", "{\"prompt\":42}", 422, "invalid_prompt"));
        cases.add(bad("blank prompt", "application/json", "{\"prompt\":\"  \"}", 422, "invalid_prompt"));
        cases.add(bad("max_tokens is text", "application/json", "{\"prompt\":\"x\",\"max_tokens\":\"5\"}", 422,
                "invalid_max_tokens"));
        cases.add(bad("temperature too high", "application/json", "{\"prompt\":\"x\",\"temperature\":9}", 422,
                "invalid_temperature"));
        cases.add(bad("body too large", "application/json",
                "{\"prompt\":\"" + "a".repeat(MAX_BYTES) + "\"}", 413, "body_too_large"));
        cases.add(bad("deeply nested", "application/json", "[".repeat(MAX_BYTES - 10), 400, "invalid_json"));
        cases.add(bad("text/plain", "text/plain", "{\"prompt\":\"x\"}", 415, "unsupported_media_type"));
        cases.add(bad("form", "application/x-www-form-urlencoded", "prompt=x", 415, "unsupported_media_type"));
        cases.add(bad("no content type", null, "{\"prompt\":\"x\"}", 415, "unsupported_media_type"));
        List<Arguments> arguments = new ArrayList<>();
        for (Transport transport : Transport.values()) {
            for (Bad c : cases) {
                arguments.add(Arguments.of(transport, c));
            }
        }
        return arguments.stream();
    }

    private static Bad bad(String name, String contentType, String body, int status, String code) {
        return new Bad(name, contentType, body.getBytes(StandardCharsets.UTF_8), status, code);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badBodies")
    void badBodyGetsProblemJson(Transport transport, Bad bad) throws Exception {
        StreamClient client = StreamClient.post(base, transport.path, transport.mediaType, bad.contentType(),
                bad.body()).awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(client, bad.status(), bad.code());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Transport.class)
    void getWithoutPromptGetsProblemJson(Transport transport) throws Exception {
        assertProblem(StreamClient.get(base, transport.path, transport.mediaType).awaitEnd(10, TimeUnit.SECONDS),
                422, "missing_prompt");
        assertProblem(StreamClient.get(base, transport.path + "?prompt=%20", transport.mediaType)
                .awaitEnd(10, TimeUnit.SECONDS), 422, "missing_prompt");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Transport.class)
    void wrongMethodGetsProblemJson(Transport transport) throws Exception {
        StreamClient client = StreamClient.open(base, "DELETE", transport.path, transport.mediaType, null, null)
                .awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(client, 405, "method_not_allowed");
    }

    static Stream<MalformedRequests.Request> malformedRequests() {
        return Stream.concat(MalformedRequests.all(MAX_BYTES).stream(), EveryEndpointFamily.everywhere().stream());
    }

    private static final java.util.concurrent.atomic.AtomicInteger SENT = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger HTTP_LAYER = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.Map<Integer, Integer> BY_STATUS = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** The generated suite: every malformed request is a 4xx problem, whatever endpoint and transport. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequestIsRefusedWithAProblemNeverA5xx(MalformedRequests.Request bad) throws Exception {
        StreamClient client = StreamClient.open(base, bad.method(), bad.path(), bad.accept(), bad.contentType(),
                bad.body(), bad.headers()).awaitEnd(10, TimeUnit.SECONDS);
        int status = client.status();
        SENT.incrementAndGet();
        BY_STATUS.merge(status, 1, Integer::sum);
        if (bad.httpLayer()) {
            // Answered below the servlet container, where no application code runs: exactly the status
            // docs/errors.md lists for it, nothing in the body.
            HTTP_LAYER.incrementAndGet();
            assertEquals(bad.httpLayerStatus(), status, client.bodyText());
            assertEquals("", client.bodyText());
            return;
        }
        assertTrue(status >= 400 && status < 500, "status " + status + ": " + client.bodyText());
        String type = client.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/problem+json"), type + ": " + client.bodyText());
        jakarta.json.JsonObject problem = io.streamrelay.testing.Json.object(client.bodyText());
        assertEquals(status, problem.getInt("status"));
        assertFalse(problem.getString("code").isBlank());
        String body = client.bodyText();
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("jakarta.")
                || body.contains("org.glassfish"), "internal details leaked: " + body);
    }

    static Stream<MalformedRequestLines.Line> malformedLines() {
        return MalformedRequestLines.all().stream();
    }

    /** Broken request lines, framing and header blocks, byte for byte: never a 2xx, a problem wherever we can. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedLines")
    void malformedRequestLineIsRefused(MalformedRequestLines.Line bad) throws Exception {
        StreamClient client = StreamClient.raw(base, bad.bytes()).awaitEnd(10, TimeUnit.SECONDS);
        int status = client.status();
        assertTrue(status >= 400 && status < 500 || status == 505, "status " + status + ": " + client.bodyText());
        if (!bad.problem()) {
            assertEquals(bad.status(), status, client.bodyText());
            assertEquals("", client.bodyText());
            return;
        }
        if (bad.typed()) {
            String type = client.header("Content-Type");
            assertTrue(type != null && type.startsWith("application/problem+json"), type + ": " + client.bodyText());
        }
        assertEquals(status, io.streamrelay.testing.Json.object(client.bodyText()).getInt("status"));
    }

    @Test
    void theGeneratedSuiteCoversEveryEndpointOfBothTransports() {
        List<MalformedRequests.Request> all = MalformedRequests.all(MAX_BYTES);
        assertTrue(all.size() >= 300, "only " + all.size());
        for (String endpoint : List.of("/api/chat", "/ndjson/chat", "/api/generations", "/api/generations/",
                "/ndjson/generations/", "/api/metrics")) {
            assertTrue(all.stream().anyMatch(r -> r.path().startsWith(endpoint)), endpoint);
        }
        assertTrue(all.stream().anyMatch(r -> r.path().endsWith("/events")));
    }

    @org.junit.jupiter.api.AfterAll
    static void figures() {
        System.out.println("[figure] malformed requests sent: " + SENT.get() + ", by status: " + BY_STATUS
                + "; refused by the HTTP layer before the relay: " + HTTP_LAYER.get());
    }

    @Test
    void unknownApiPathGetsProblemJson() throws Exception {
        StreamClient client = StreamClient.get(base, "/api/nothing-here", "application/json")
                .awaitEnd(10, TimeUnit.SECONDS);
        assertProblem(client, 404, "not_found");
        // The ITs run Payara with compression=force: this proves it is on, so the stream tests' "never
        // compressed" checks are not met by default.
        assertEquals("gzip", client.header("Content-Encoding"));
    }

    @Test
    void sseEndpointAskedForJsonGetsNotAcceptable() throws Exception {
        assertProblem(StreamClient.get(base, "/api/chat?prompt=x", "application/json").awaitEnd(10, TimeUnit.SECONDS),
                406, "not_acceptable");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Transport.class)
    void charsetUtf8JsonIsAccepted(Transport transport) throws Exception {
        StreamClient client = StreamClient.post(base, transport.path, transport.mediaType,
                "application/json; charset=UTF-8", "{\"prompt\":\"hi\",\"max_tokens\":3}".getBytes(StandardCharsets.UTF_8))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(200, client.status());
        assertTrue(client.bodyText().contains("\"done\""), client.bodyText());
    }
}
