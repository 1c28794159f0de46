package io.streamrelay.completions.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.Upstream;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamrelay.testing.Events.assertSequence;
import static io.streamrelay.testing.Events.last;
import static io.streamrelay.testing.Events.terminalError;
import static io.streamrelay.testing.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay on Payara Micro against a real HTTP upstream that speaks the OpenAI/DeepSeek stream byte for byte,
 * every behaviour through both transports.
 */
@RelayOnPayara
class RelayIT {

    static final String KEY = io.streamrelay.testing.Secrets.RELAY_UPSTREAM_KEY;
    static final long HEARTBEAT_MS = 1000;
    static final long IDLE_MS = 1500;
    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(upstream, KEY, Map.of(
                "relay.heartbeat-ms", String.valueOf(HEARTBEAT_MS),
                "relay.timeout.idle-ms", String.valueOf(IDLE_MS),
                "relay.timeout.first-token-ms", "6000",
                "relay.request.max-bytes", "65536",
                // Issue 2's contract, tested here: a client that leaves stops the upstream at once.
                "relay.generations.grace-ms", "0"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void normalAnswerIsRelayedExactlyWithUsage(Transport transport) throws Exception {
        // Quotes, a newline and non-ASCII: the user's text must reach the upstream unchanged.
        String prompt = Script.NORMAL.prompt("say \"hi\"\nplease, naïve 你好 " + UUID.randomUUID());
        StreamClient client = postPrompt(transport, prompt).awaitEnd(20, TimeUnit.SECONDS);

        assertEquals(200, client.status());
        assertStreamHeaders(transport, client);
        List<Received> events = transport.events(client.lines());
        assertEquals("start", events.get(0).type());
        String generation = events.get(0).json().getString("generation");
        assertEquals("deepseek-chat", events.get(0).json().getString("model"));
        assertTokens(events, Script.NORMAL_TOKENS, "token");
        Received done = events.get(events.size() - 1);
        assertEquals("done", done.type());
        assertEquals("stop", done.json().getString("finish_reason"));
        JsonObject usage = done.json().getJsonObject("usage");
        assertEquals(Script.PROMPT_TOKENS, usage.getInt("prompt_tokens"));
        assertEquals(11, usage.getInt("completion_tokens"));
        assertEquals(Script.PROMPT_TOKENS + 11, usage.getInt("total_tokens"));
        assertEquals(Script.NORMAL_TOKENS.size() + 2, events.size(), "start, tokens, done and nothing else");
        assertSequence(transport, events, generation);

        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS);
        assertEquals("/chat/completions", exchange.path());
        assertEquals("Bearer " + KEY, exchange.header("Authorization"));
        JsonObject sent = Json.object(exchange.body());
        assertTrue(sent.getBoolean("stream"));
        assertTrue(sent.getJsonObject("stream_options").getBoolean("include_usage"));
        assertEquals("deepseek-chat", sent.getString("model"));
        assertEquals(prompt, Json.lastUserContent(exchange.body()));
        if (transport == Transport.SSE) {
            String raw = client.bodyText();
            assertTrue(raw.startsWith("event: start\nid: " + generation + ":0\ndata: {\"type\":\"start\","),
                    "raw SSE starts with the start event: " + raw);
            assertTrue(raw.contains("event: token\nid: " + generation + ":2\ndata: {\"type\":\"token\",\"seq\":2,"
                    + "\"text\":\",\"}\n\n"), raw);
        } else {
            assertTrue(client.bodyText().contains("\n{\"type\":\"token\",\"seq\":3,\"text\":\" world\"}\n"),
                    client.bodyText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getWithPromptQueryStreamsTheSameAnswer(Transport transport) throws Exception {
        String prompt = Script.NORMAL.prompt("get " + UUID.randomUUID());
        StreamClient client = StreamClient.get(base, transport.path + "?prompt="
                + URLEncoder.encode(prompt, StandardCharsets.UTF_8), transport.mediaType)
                .awaitEnd(20, TimeUnit.SECONDS);
        List<Received> events = transport.events(client.lines());
        assertEquals(Script.NORMAL.text(), text(events, "token"));
        assertEquals("done", last(events).type());
        assertEquals(prompt, Json.lastUserContent(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).body()));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void keepAliveCommentsWhileQueuedAreSkipped(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.KEEPALIVE);
        assertTokens(events, Script.NORMAL_TOKENS, "token");
        assertEquals("done", last(events).type());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void reasoningIsRelayedBeforeTheAnswer(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.REASONING);
        assertEquals(String.join("", Script.REASONING_TOKENS), text(events, "reasoning"));
        assertEquals(Script.REASONING.text(), text(events, "token"));
        int lastReasoning = indexOfLast(events, "reasoning");
        int firstToken = events.stream().map(Received::type).toList().indexOf("token");
        assertTrue(lastReasoning < firstToken, "reasoning comes first");
        assertEquals("done", last(events).type());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void multiByteCharactersSplitAcrossReadsArriveIntact(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.UTF8);
        assertTokens(events, Script.UTF8_TOKENS, "token");
        assertFalse(text(events, "token").contains("\uFFFD"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void crLfAndLoneCrLineEndsAreParsed(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.CRLF);
        assertTokens(events, Script.NORMAL_TOKENS, "token");
        assertEquals("done", last(events).type());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void rateLimitBeforeTheStreamEndsItWithARetryableError(Transport transport) throws Exception {
        JsonObject error = terminalError(run(transport, Script.HTTP429));
        assertEquals("upstream_rate_limited", error.getString("code"));
        assertTrue(error.getBoolean("retryable"));
        assertTrue(error.getString("message").contains("Rate limit reached"), error.toString());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverErrorBeforeTheStreamEndsItWithAnError(Transport transport) throws Exception {
        JsonObject error = terminalError(run(transport, Script.HTTP500));
        assertEquals("upstream_server_error", error.getString("code"));
        assertTrue(error.getBoolean("retryable"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void rejectedKeyIsNeverEchoedToTheClient(Transport transport) throws Exception {
        String prompt = Script.HTTP401.prompt(UUID.randomUUID().toString());
        StreamClient client = postPrompt(transport, prompt).awaitEnd(20, TimeUnit.SECONDS);
        JsonObject error = terminalError(transport.events(client.lines()));
        assertEquals("upstream_unauthorized", error.getString("code"));
        assertFalse(error.getBoolean("retryable"));
        assertFalse(client.bodyText().contains(KEY), "the upstream key leaked: " + client.bodyText());
        assertFalse(client.bodyText().contains(KEY.substring(3, 20)), client.bodyText());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void errorObjectMidStreamEndsWithErrorAfterTheTokens(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.MIDSTREAM_ERROR);
        assertTokens(events, Script.PARTIAL_TOKENS, "error");
        JsonObject error = terminalError(events);
        // After the first token (issue 9): upstream_failed, the in-band error's class (server_error) as the cause.
        assertEquals("upstream_failed", error.getString("code"));
        assertEquals("upstream_server_error", error.getString("cause"));
        assertEquals("The model crashed mid-answer", error.getString("message"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void vllmErrorObjectMidStreamEndsWithError(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.VLLM_ERROR);
        assertTokens(events, Script.PARTIAL_TOKENS, "error");
        assertEquals("upstream_failed", terminalError(events).getString("code"));
        assertEquals("upstream_server_error", terminalError(events).getString("cause"), "vLLM's code 500");
        assertEquals("Engine loop has died", terminalError(events).getString("message"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void connectionCutWithoutDoneIsAFailureNeverADone(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.CUT);
        assertTokens(events, Script.PARTIAL_TOKENS, "error");
        JsonObject error = terminalError(events);
        // Tokens had gone out, so it is not retried (issue 5): the client gets upstream_failed to retry on.
        assertEquals("upstream_failed", error.getString("code"));
        assertTrue(error.getBoolean("retryable"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void stallEndsTheStreamAlthoughKeepAlivesKeepComing(Transport transport) throws Exception {
        String prompt = Script.STALL.prompt(UUID.randomUUID().toString());
        StreamClient client = postPrompt(transport, prompt).awaitEnd(20, TimeUnit.SECONDS);
        List<Received> events = transport.events(client.lines());
        assertTokens(events, Script.PARTIAL_TOKENS, "error");
        // After the first token a stall is an upstream that failed mid-answer (issue 5): upstream_failed.
        assertEquals("upstream_failed", terminalError(events).getString("code"));
        long stalledAfter = last(events).nanos() - events.get(events.size() - 2).nanos();
        assertTrue(stalledAfter >= TimeUnit.MILLISECONDS.toNanos(IDLE_MS - 100),
                "not before the idle timeout: " + stalledAfter / 1_000_000 + " ms");
        assertTrue(stalledAfter < TimeUnit.MILLISECONDS.toNanos(IDLE_MS + 1500),
                "keep-alives did not extend it: " + stalledAfter / 1_000_000 + " ms");
        assertNotNull(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(5, TimeUnit.SECONDS),
                "the stalled upstream connection is closed");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tokensArriveAsTheyAreGeneratedNotAtTheEnd(Transport transport) throws Exception {
        List<Received> events = run(transport, Script.SLOW);
        assertEquals(Script.slowText(), text(events, "token"));
        List<Received> tokens = events.stream().filter(e -> e.type().equals("token")).toList();
        long spreadMs = (tokens.get(tokens.size() - 1).nanos() - tokens.get(0).nanos()) / 1_000_000;
        long expected = (Script.SLOW_TOKENS - 1) * Script.SLOW_INTERVAL_MS;
        // Buffered delivery would land every token within a few milliseconds of the last one.
        assertTrue(spreadMs >= expected * 8 / 10, "tokens arrived over " + spreadMs + " ms, upstream paced "
                + expected + " ms");
        for (int i = 1; i < tokens.size(); i++) {
            long gapMs = (tokens.get(i).nanos() - tokens.get(i - 1).nanos()) / 1_000_000;
            assertTrue(gapMs >= 30, "token " + i + " came " + gapMs + " ms after the previous one");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void clientDisconnectCancelsUpstreamWhileTokensFlow(Transport transport) throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        StreamClient client = postPrompt(transport, prompt);
        client.awaitLine(line -> line.contains("\"seq\":5,"), 10, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS);
        long left = System.nanoTime();
        client.close();
        long closed = exchange.closedByRelay.get(10, TimeUnit.SECONDS);
        long ms = (closed - left) / 1_000_000;
        System.out.printf("[measure] %s disconnect with tokens flowing: upstream closed %d ms after the client%n",
                transport, ms);
        assertTrue(ms < 3000, "upstream closed " + ms + " ms after the client left");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void clientDisconnectCancelsSilentUpstreamWithinTwoHeartbeats(Transport transport) throws Exception {
        String prompt = Script.SILENT.prompt(UUID.randomUUID().toString());
        StreamClient client = postPrompt(transport, prompt);
        client.awaitLine(line -> line.contains("\"start\""), 10, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS);
        long left = System.nanoTime();
        client.close();
        long closed = exchange.closedByRelay.get(10, TimeUnit.SECONDS);
        long ms = (closed - left) / 1_000_000;
        System.out.printf("[measure] %s disconnect with a silent upstream: upstream closed %d ms after the client"
                + " (heartbeat %d ms)%n", transport, ms, HEARTBEAT_MS);
        assertTrue(ms <= 2 * HEARTBEAT_MS + 250, "upstream closed " + ms + " ms after the client left");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void heartbeatsFlowBeforeTheFirstToken(Transport transport) throws Exception {
        String prompt = Script.SILENT.prompt(UUID.randomUUID().toString());
        try (StreamClient client = postPrompt(transport, prompt)) {
            String ping = transport == Transport.SSE ? ": ping" : "{\"type\":\"ping\"}";
            StreamClient.Line start = client.awaitLine(line -> line.contains("\"start\""), 10, TimeUnit.SECONDS);
            StreamClient.Line first = client.awaitLine(ping::equals, 5, TimeUnit.SECONDS);
            long ms = (first.nanos() - start.nanos()) / 1_000_000;
            assertTrue(ms >= HEARTBEAT_MS - 100 && ms <= HEARTBEAT_MS + 600, "first ping after " + ms + " ms");
        }
    }

    @org.junit.jupiter.api.Test
    void streamsOutliveTheContainersThirtySecondAsyncTimeout() throws Exception {
        // Both transports at once: the test costs the 33 s once.
        StreamClient sse = postPrompt(Transport.SSE, Script.LONG.prompt(UUID.randomUUID().toString()));
        StreamClient ndjson = postPrompt(Transport.NDJSON, Script.LONG.prompt(UUID.randomUUID().toString()));
        for (var stream : List.of(Map.entry(Transport.SSE, sse), Map.entry(Transport.NDJSON, ndjson))) {
            List<Received> events = stream.getKey().events(stream.getValue().awaitEnd(60, TimeUnit.SECONDS).lines());
            assertEquals("done", last(events).type(), stream.getKey() + " was cut: " + last(events));
            assertEquals(Script.LONG_TOKENS, events.size() - 2);
            long seconds = (last(events).nanos() - events.get(0).nanos()) / 1_000_000_000;
            assertTrue(seconds >= 32, stream.getKey() + " lasted " + seconds + " s");
        }
    }

    private List<Received> run(Transport transport, Script script) throws Exception {
        StreamClient client = postPrompt(transport, script.prompt(UUID.randomUUID().toString()))
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, client.status());
        assertTrue(client.endedCleanly(), "the response ends properly after the terminal event");
        List<Received> events = transport.events(client.lines());
        assertEquals("start", events.get(0).type());
        assertSequence(transport, events, events.get(0).json().getString("generation"));
        return events;
    }

    private StreamClient postPrompt(Transport transport, String prompt) throws IOException {
        String body = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\","
                + "\"content\":" + jakarta.json.Json.createValue(prompt) + "}]}";
        return StreamClient.post(base, transport.path, transport.mediaType, "application/json",
                body.getBytes(StandardCharsets.UTF_8));
    }

    static void assertStreamHeaders(Transport transport, StreamClient client) {
        assertTrue(client.header("Content-Type").startsWith(transport.mediaType), client.header("Content-Type"));
        assertEquals("no-cache", client.header("Cache-Control"));
        assertEquals("no", client.header("X-Accel-Buffering"));
        String encoding = client.header("Content-Encoding");
        assertTrue(encoding == null || encoding.equals("identity"), "stream compressed: " + encoding);
    }

    static void assertTokens(List<Received> events, List<String> expected, String terminalType) {
        List<String> texts = events.stream().filter(e -> e.type().equals("token"))
                .map(e -> e.json().getString("text")).toList();
        assertEquals(expected, texts);
        if (!terminalType.equals("token")) {
            assertEquals(terminalType, last(events).type());
        }
    }

    private static int indexOfLast(List<Received> events, String type) {
        return events.stream().map(Received::type).toList().lastIndexOf(type);
    }
}
