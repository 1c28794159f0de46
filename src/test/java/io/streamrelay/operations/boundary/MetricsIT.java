package io.streamrelay.operations.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Upstream;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Scrape;
import io.streamrelay.testing.Secrets;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scripted set of streams (done, upstream error, cut, cancel, client gone, resume, refused, retry, fallback,
 * heartbeats, a slow follower), then Payara's {@code /metrics}: every counter and histogram has exactly the count
 * the script implies, and the TTFT and TPOT of a paced answer agree with the upstream's pacing.
 */
@RelayOnPayara
class MetricsIT {

    /** Longer than the flood takes, so that its generation ends done whenever its slow follower is cut. */
    static final long GRACE_MS = 5000;
    /** The scripted SLOW answer: 100 ms before each of its 20 tokens. */
    static final double PACE_S = Script.SLOW_INTERVAL_MS / 1000.0;
    /** The relay's TPOT may differ from the spacing its client measured by this much. */
    static final double TOLERANCE_S = 0.010;

    @Upstream
    static ScriptedUpstream upstream;
    @Upstream(script = Script.NORMAL)
    static ScriptedUpstream fallback;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        return Deployments.relay(Map.ofEntries(
                Map.entry("relay.upstream.url", upstream.baseUrl()),
                Map.entry("relay.upstream.api-key", Secrets.OPERATIONS_UPSTREAM_KEY),
                Map.entry("relay.fallback.url", fallback.baseUrl()),
                Map.entry("relay.fallback.api-key", Secrets.OPERATIONS_FALLBACK_KEY),
                Map.entry("relay.upstream.retry.max-attempts", "2"),
                Map.entry("relay.upstream.retry.backoff-ms", "10"),
                Map.entry("relay.heartbeat-ms", "300"),
                Map.entry("relay.heartbeat-probes", "0"),
                Map.entry("relay.generations.grace-ms", String.valueOf(GRACE_MS)),
                Map.entry("relay.stream.buffer-events", "16"),
                Map.entry("relay.generations.max-bytes", String.valueOf(64L * 1024 * 1024)),
                Map.entry("relay.limit.streams-per-client", "2")));
    }

    @Test
    void everyCounterAndHistogramCountsWhatTheScriptDid() throws Exception {
        List<StreamClient> received = new ArrayList<>();
        // 1. done (SSE) and 2. done (NDJSON), the paced one under a model name of its own.
        received.add(complete(Transport.SSE, Script.NORMAL, null));
        long pacedSent = System.nanoTime();
        StreamClient paced = complete(Transport.NDJSON, Script.SLOW, "pace-check");
        received.add(paced);
        // 3. an upstream error before any token (400: no retry, no fallback), 4. a cut after 40 tokens.
        received.add(complete(Transport.SSE, Script.HTTP400, null));
        received.add(complete(Transport.NDJSON, Script.CUT40, null));
        // 5. cancel: a generation nobody follows, cancelled after its second token.
        cancelAfterTwoTokens();
        // 6. client gone: an endless answer whose client leaves; nobody comes back within the grace period.
        clientLeaves();
        // 7. resume: the client leaves after three tokens and comes back with Last-Event-ID.
        received.addAll(leaveAndResume());
        // 8. refused: a third stream while two run (relay.limit.streams-per-client=2).
        received.addAll(refusedWhileTwoRun());
        // 9. a retry (429 with Retry-After: 1), 10. two 503s from the primary, then the fallback answers.
        received.add(complete(Transport.SSE, Script.RETRY429, null));
        received.add(complete(Transport.NDJSON, Script.HTTP503, null));
        // 11. heartbeats: the upstream keeps the stream quiet for 450 ms before its first token.
        received.add(complete(Transport.SSE, Script.KEEPALIVE, null));
        // 12. a follower that never reads is cut for being slow; the flood then ends without a follower.
        slowFollowerIsCut();
        awaitIdle();

        Scrape metrics = Scrape.from(base);
        System.out.println(metrics.text());
        // Generations by terminal code: 9 done (1, 2, 7, 8 twice, 9, 10, 11, 12), 2 cancelled (5, 6).
        assertEquals(9, metrics.sum("streamrelay_generations_total", "code", "done"));
        assertEquals(1, metrics.sum("streamrelay_generations_total", "code", "upstream_bad_request"));
        assertEquals(1, metrics.sum("streamrelay_generations_total", "code", "upstream_failed"));
        assertEquals(2, metrics.sum("streamrelay_generations_total", "code", "cancelled"));
        assertEquals(13, metrics.sum("streamrelay_generations_total"));
        assertEquals(2, metrics.sum("streamrelay_cancels_total"));
        assertEquals(2, metrics.sum("streamrelay_client_disconnects_total", "transport", "sse"), "6 and 7");
        assertEquals(0, metrics.sum("streamrelay_client_disconnects_total", "transport", "ndjson"));
        assertEquals(1, metrics.sum("streamrelay_resumes_total", "transport", "sse"));
        assertEquals(1, metrics.sum("streamrelay_resumes_total"));
        assertEquals(1, metrics.sum("streamrelay_refusals_total", "code", "too_many_streams"));
        assertEquals(1, metrics.sum("streamrelay_refusals_total"));
        assertEquals(2, metrics.sum("streamrelay_upstream_retries_total"), "one after the 429, one after a 503");
        assertEquals(1, metrics.sum("streamrelay_upstream_fallbacks_total"));
        assertEquals(1, metrics.sum("streamrelay_followers_cut_slow_total", "transport", "ndjson"));
        assertEquals(1, metrics.sum("streamrelay_followers_cut_slow_total"));
        long pings = received.stream().mapToLong(c -> transportOf(c).pings(c.lines())).sum();
        assertTrue(pings >= 1, "the quiet stream got a heartbeat");
        // A ping can be queued for a client in the moment it leaves (6, 7 and 12 leave), so the count is bounded.
        double heartbeats = metrics.sum("streamrelay_heartbeats_total");
        assertTrue(heartbeats >= pings && heartbeats <= pings + 3, "pings sent " + heartbeats + ", received " + pings);
        assertEquals(0, metrics.sum("streamrelay_streams_open"), "every stream closed");
        assertEquals(0, metrics.sum("streamrelay_generations_running"));
        assertTrue(metrics.sum("streamrelay_replay_log_bytes") > 0, "ended generations are retained");

        // As a server: every generation has a duration; the 12 that got a token a TTFT and a TPOT.
        assertEquals(13, metrics.sum("gen_ai_server_request_duration_seconds_count"));
        assertEquals(1, metrics.sum("gen_ai_server_request_duration_seconds_count", "error_type",
                "upstream_bad_request"));
        assertEquals(9, metrics.sum("gen_ai_server_request_duration_seconds_count", "error_type", ""));
        assertEquals(12, metrics.sum("gen_ai_server_time_to_first_token_seconds_count"));
        assertEquals(12, metrics.sum("gen_ai_server_time_per_output_token_seconds_count"));
        // As a client: one operation per attempt (16: 8 and 9 two each, 10 three), a first chunk per answer.
        assertEquals(16, metrics.sum("gen_ai_client_operation_duration_seconds_count"));
        assertEquals(2, metrics.sum("gen_ai_client_operation_duration_seconds_count", "error_type",
                "upstream_overloaded"));
        assertEquals(1, metrics.sum("gen_ai_client_operation_duration_seconds_count", "error_type",
                "upstream_rate_limited"));
        assertEquals(12, metrics.sum("gen_ai_client_operation_time_to_first_chunk_seconds_count"));
        assertEquals(9, metrics.sum("gen_ai_client_token_usage_count", "gen_ai_token_type", "input"));
        assertEquals(9, metrics.sum("gen_ai_client_token_usage_count", "gen_ai_token_type", "output"));
        assertEquals(9 * Script.PROMPT_TOKENS, metrics.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type",
                "input"), "the upstream's usage, not an estimate");
        assertEquals(0, metrics.sum("gen_ai_client_token_usage_count", "estimated", "true"));

        // The paced answer: 100 ms before each token. The relay's TTFT lies between the upstream's pause and what its
        // client measured end to end; its TPOT is within 10 ms of the token spacing the client measured.
        List<Transport.Received> tokens = Transport.NDJSON.events(paced.lines()).stream()
                .filter(e -> e.type().equals("token")).toList();
        double clientTtft = (tokens.get(0).nanos() - pacedSent) / 1e9;
        double clientTpot = (tokens.get(tokens.size() - 1).nanos() - tokens.get(0).nanos()) / 1e9
                / (tokens.size() - 1);
        double ttft = metrics.sum("gen_ai_server_time_to_first_token_seconds_sum", "gen_ai_request_model",
                "pace-check");
        double tpot = metrics.sum("gen_ai_server_time_per_output_token_seconds_sum", "gen_ai_request_model",
                "pace-check");
        System.out.printf("[measure] paced answer: TTFT %.1f ms (client saw %.1f), TPOT %.1f ms (client saw %.1f),"
                + " pace %.0f ms%n", ttft * 1000, clientTtft * 1000, tpot * 1000, clientTpot * 1000, PACE_S * 1000);
        assertTrue(ttft >= PACE_S && ttft <= clientTtft, "TTFT " + ttft + ", client " + clientTtft);
        assertTrue(tpot >= PACE_S - 0.005 && Math.abs(tpot - clientTpot) <= TOLERANCE_S,
                "TPOT " + tpot + ", client " + clientTpot);
        // The buckets are the conventions': the paced TTFT (over 0.1 s) is above the 0.08 bucket.
        assertEquals(0, metrics.sum("gen_ai_server_time_to_first_token_seconds_bucket", "gen_ai_request_model",
                "pace-check", "le", "0.08"));
        assertEquals(1, metrics.sum("gen_ai_server_time_to_first_token_seconds_bucket", "gen_ai_request_model",
                "pace-check", "le", "+Inf"));
    }

    private Transport transportOf(StreamClient client) {
        return client.header("Content-Type") != null && client.header("Content-Type").contains("ndjson")
                ? Transport.NDJSON : Transport.SSE;
    }

    private StreamClient complete(Transport transport, Script script, String model) throws Exception {
        StreamClient client = open(transport, script.prompt(UUID.randomUUID().toString()), model);
        client.awaitEnd(30, TimeUnit.SECONDS);
        awaitIdle();
        return client;
    }

    private StreamClient open(Transport transport, String prompt, String model) throws IOException {
        String body = "{\"prompt\":" + jakarta.json.Json.createValue(prompt)
                + (model == null ? "" : ",\"model\":" + jakarta.json.Json.createValue(model)) + "}";
        return StreamClient.post(base, transport.path, transport.mediaType, "application/json",
                body.getBytes(StandardCharsets.UTF_8));
    }

    private void cancelAfterTwoTokens() throws Exception {
        String prompt = Script.SLOW.prompt(UUID.randomUUID().toString());
        StreamClient created = StreamClient.post(base, "/api/generations", "application/json", "application/json",
                ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8))
                .awaitEnd(10, TimeUnit.SECONDS);
        String id = Json.object(created.bodyText()).getString("id");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Json.object(StreamClient.get(base, "/api/generations/" + id, "application/json")
                .awaitEnd(5, TimeUnit.SECONDS).bodyText()).getString("text").contains(" t1")) {
            assertTrue(System.nanoTime() < deadline, "two tokens within 10 s");
            TimeUnit.MILLISECONDS.sleep(20);
        }
        StreamClient.open(base, "DELETE", "/api/generations/" + id, null, null, null).awaitEnd(5, TimeUnit.SECONDS);
        awaitIdle();
    }

    private void clientLeaves() throws Exception {
        StreamClient client = open(Transport.SSE, Script.ENDLESS.prompt(UUID.randomUUID().toString()), null);
        client.awaitLine(line -> line.contains("\" w2\""), 10, TimeUnit.SECONDS);
        client.close();
        awaitIdle();
    }

    private List<StreamClient> leaveAndResume() throws Exception {
        StreamClient first = open(Transport.SSE, Script.SLOW.prompt(UUID.randomUUID().toString()), null);
        String id = first.awaitLine(line -> line.startsWith("id: ") && line.endsWith(":3"), 10, TimeUnit.SECONDS)
                .text().substring(4);
        first.close();
        StreamClient resumed = StreamClient.open(base, "GET", "/api/chat", "text/event-stream", null, null,
                Map.of("Last-Event-ID", id)).awaitEnd(30, TimeUnit.SECONDS);
        assertTrue(resumed.bodyText().contains("event: done"), resumed.bodyText());
        awaitIdle();
        return List.of(first, resumed);
    }

    private List<StreamClient> refusedWhileTwoRun() throws Exception {
        StreamClient one = open(Transport.SSE, Script.SLOW.prompt(UUID.randomUUID().toString()), null);
        StreamClient two = open(Transport.SSE, Script.SLOW.prompt(UUID.randomUUID().toString()), null);
        one.awaitLine(line -> line.startsWith("event: start"), 10, TimeUnit.SECONDS);
        two.awaitLine(line -> line.startsWith("event: start"), 10, TimeUnit.SECONDS);
        StreamClient third = open(Transport.SSE, Script.NORMAL.prompt(UUID.randomUUID().toString()), null)
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(429, third.status(), third.bodyText());
        assertTrue(third.bodyText().contains("too_many_streams"), third.bodyText());
        one.awaitEnd(30, TimeUnit.SECONDS);
        two.awaitEnd(30, TimeUnit.SECONDS);
        awaitIdle();
        return List.of(one, two);
    }

    private void slowFollowerIsCut() throws Exception {
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            String prompt = Script.FLOOD.prompt(UUID.randomUUID().toString());
            // NDJSON: its writes never block, so a full socket shows as a growing queue (SSE's are buffered).
            slow.getOutputStream().write(("GET /ndjson/chat?prompt=" + java.net.URLEncoder.encode(prompt,
                    StandardCharsets.UTF_8) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // The flood waits for its cue; the chat endpoint attached this follower before the upstream started.
            upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS).cue.complete(null);
            awaitIdle();
        }
    }

    /** Until no generation runs (a cancelled one waits out its grace period first). */
    private void awaitIdle() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String json = StreamClient.get(base, "/api/metrics", "application/json").awaitEnd(5, TimeUnit.SECONDS)
                    .bodyText();
            if (Json.object(json).getInt("running_generations") == 0) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("generations still running after 30 s");
    }
}
