package io.streamrelay.upstream.boundary;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.streamrelay.testing.Events.last;
import static io.streamrelay.testing.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream resilience against real HTTP upstreams on loopback: retries only before the first token (honouring
 * Retry-After), the fallback upstream after a persistent failure, never a retry after output, never one for a 400.
 */
@RelayOnPayara
class ResilienceIT {

    static final int MAX_ATTEMPTS = 3;
    static final String FALLBACK_MODEL = "fallback-model";
    @Upstream
    static ScriptedUpstream primary;
    @Upstream(script = Script.NORMAL)
    static ScriptedUpstream fallback;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(primary, Secrets.RESILIENCE_UPSTREAM_KEY, Map.of(
                "relay.fallback.url", fallback.baseUrl(),
                "relay.fallback.api-key", Secrets.RESILIENCE_FALLBACK_KEY,
                "relay.fallback.model", FALLBACK_MODEL,
                "relay.upstream.retry.max-attempts", String.valueOf(MAX_ATTEMPTS),
                "relay.upstream.retry.backoff-ms", "200",
                "relay.upstream.retry.budget-ms", "8000",
                "relay.heartbeat-ms", "1000"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void rateLimitWithRetryAfterIsRetriedNoEarlierAndThenSucceeds(Transport transport) throws Exception {
        String prompt = Script.RETRY429.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);

        assertEquals(String.join("", Script.NORMAL_TOKENS), text(events, "token"));
        assertEquals("done", last(events).type());
        List<ScriptedUpstream.Exchange> attempts = primary.exchangesFor(prompt);
        assertEquals(2, attempts.size(), "one retry");
        long waitedMs = (attempts.get(1).arrivedNanos - attempts.get(0).arrivedNanos) / 1_000_000;
        assertTrue(waitedMs >= 1000, "Retry-After: 1 honoured, retried after " + waitedMs + " ms");
        assertTrue(waitedMs < 3000, "and not much later: " + waitedMs + " ms");
        assertTrue(fallback.exchangesFor(prompt).isEmpty(), "the primary recovered: no fallback");
        System.out.println("[figure] 429 Retry-After: 1 retried after " + waitedMs + " ms (" + transport + ")");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aConnectionClosedBeforeAnyResponseIsRetried(Transport transport) throws Exception {
        String prompt = Script.RESET_ONCE.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);
        assertEquals(String.join("", Script.NORMAL_TOKENS), text(events, "token"));
        assertEquals("done", last(events).type());
        assertEquals(2, primary.exchangesFor(prompt).size());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPersistent503FallsOverToTheFallback(Transport transport) throws Exception {
        String prompt = Script.HTTP503.prompt(UUID.randomUUID().toString());
        long started = System.nanoTime();
        List<Received> events = run(transport, prompt);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(MAX_ATTEMPTS, primary.exchangesFor(prompt).size(), "the primary is tried " + MAX_ATTEMPTS
                + " times");
        List<ScriptedUpstream.Exchange> fellOver = fallback.exchangesFor(prompt);
        assertEquals(1, fellOver.size(), "then the fallback, once");
        JsonObject sent = Json.object(fellOver.get(0).body());
        assertEquals(FALLBACK_MODEL, sent.getString("model"));
        assertEquals("Bearer " + Secrets.RESILIENCE_FALLBACK_KEY, fellOver.get(0).header("Authorization"));
        assertEquals(prompt, Json.lastUserContent(fellOver.get(0).body()));

        assertEquals("start", events.get(0).type());
        assertEquals("deepseek-chat", events.get(0).json().getString("model"), "announced before the upstream"
                + " answered");
        assertEquals(String.join("", Script.NORMAL_TOKENS), text(events, "token"));
        Received done = last(events);
        assertEquals("done", done.type());
        assertEquals(FALLBACK_MODEL, done.json().getString("model"), "done names the model that answered");
        System.out.println("[figure] persistent 503: " + MAX_ATTEMPTS + " attempts, then the fallback; answer"
                + " complete after " + tookMs + " ms (" + transport + ")");
    }

    @Test
    void aGenerationsStatusNamesTheFallbackModel() throws Exception {
        String prompt = Script.HTTP503.prompt(UUID.randomUUID().toString());
        StreamClient created = StreamClient.post(base, "/api/generations", "application/json", "application/json",
                Transport.chatBody(prompt)).awaitEnd(10, TimeUnit.SECONDS);
        String id = Json.object(created.bodyText()).getString("id");
        StreamClient follower = StreamClient.get(base, "/ndjson/generations/" + id, "application/x-ndjson")
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals("done", last(Transport.NDJSON.events(follower.lines())).type());
        JsonObject status = Json.object(StreamClient.get(base, "/api/generations/" + id, "application/json")
                .awaitEnd(10, TimeUnit.SECONDS).bodyText());
        assertEquals(FALLBACK_MODEL, status.getString("model"));
        assertEquals("done", status.getString("status"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aCutAfterFortyTokensEndsWithATerminalErrorNeverADone(Transport transport) throws Exception {
        String prompt = Script.CUT40.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);

        assertEquals(Script.cut40Text(), text(events, "token"), "the forty tokens, each once");
        Received error = last(events);
        assertEquals("error", error.type());
        assertEquals("upstream_failed", error.json().getString("code"));
        assertTrue(error.json().getBoolean("retryable"));
        assertTrue(events.stream().noneMatch(e -> e.type().equals("done")));
        assertEquals(1, primary.exchangesFor(prompt).size(), "never retried after a token went out");
        assertTrue(fallback.exchangesFor(prompt).isEmpty(), "nor handed to the fallback");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aBadRequestIsNotRetried(Transport transport) throws Exception {
        String prompt = Script.HTTP400.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);
        Received error = last(events);
        assertEquals("error", error.type());
        assertEquals("upstream_bad_request", error.json().getString("code"));
        assertFalse(error.json().getBoolean("retryable"));
        assertTrue(error.json().getString("message").contains("messages[0].content is too long"));
        // The error event comes only after the relay has given up, so these counts are final.
        assertEquals(1, primary.exchangesFor(prompt).size(), "a 400 is not retried");
        assertTrue(fallback.exchangesFor(prompt).isEmpty(), "nor handed to the fallback");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anExhaustedQuotaIsNotRetriedAlthoughItIsA429(Transport transport) throws Exception {
        String prompt = Script.QUOTA429.prompt(UUID.randomUUID().toString());
        Received error = last(run(transport, prompt));
        assertEquals("upstream_quota_exceeded", error.json().getString("code"));
        assertFalse(error.json().getBoolean("retryable"));
        assertEquals(1, primary.exchangesFor(prompt).size());
        assertTrue(fallback.exchangesFor(prompt).isEmpty(), "a quota is the account's, not the server's");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aRejectedKeyIsNotRetriedAndNeverEchoed(Transport transport) throws Exception {
        String prompt = Script.HTTP401.prompt(UUID.randomUUID().toString());
        StreamClient client = transport.chat(base, prompt).awaitEnd(20, TimeUnit.SECONDS);
        Received error = last(transport.events(client.lines()));
        assertEquals("upstream_unauthorized", error.json().getString("code"));
        assertEquals(1, primary.exchangesFor(prompt).size());
        assertFalse(client.bodyText().contains(Secrets.RESILIENCE_UPSTREAM_KEY), client.bodyText());
        assertFalse(client.bodyText().contains(Secrets.RESILIENCE_FALLBACK_KEY), client.bodyText());
    }

    private List<Received> run(Transport transport, String prompt) throws Exception {
        StreamClient client = transport.chat(base, prompt).awaitEnd(30, TimeUnit.SECONDS);
        assertEquals(200, client.status(), client.bodyText());
        assertTrue(client.endedCleanly());
        List<Received> events = transport.events(client.lines());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).json().getInt("seq"));
        }
        return events;
    }
}
