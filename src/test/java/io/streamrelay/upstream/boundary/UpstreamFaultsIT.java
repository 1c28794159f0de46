package io.streamrelay.upstream.boundary;

import io.streamrelay.testing.Deployments;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * Real-world upstream faults (issue 9) through both transports, against real HTTP upstreams on loopback whose URLs
 * carry a password and a query key: an answer that never said why it ended is never a success; errors inside a 200
 * stream are classified like HTTP statuses (transient ones retried, then handed to the fallback); a Retry-After too
 * long to wait for reaches the client; a compressed stream is refused, never retried.
 */
@RelayOnPayara
class UpstreamFaultsIT {

    static final int MAX_ATTEMPTS = 2;
    @Upstream
    static ScriptedUpstream primary;
    @Upstream
    static ScriptedUpstream fallback;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // No api-key: the credentials are the URLs' user info, sent as Basic authentication.
        return Deployments.relay(Map.of(
                "relay.upstream.url", withSecrets(primary.baseUrl(), "relay-user", Secrets.FAULTS_PRIMARY_PASSWORD,
                        "/v1", Secrets.FAULTS_PRIMARY_QUERY_KEY),
                "relay.fallback.url", withSecrets(fallback.baseUrl(), "fallback-user",
                        Secrets.FAULTS_FALLBACK_PASSWORD, "/fallback/v1", Secrets.FAULTS_FALLBACK_QUERY_KEY),
                "relay.upstream.retry.max-attempts", String.valueOf(MAX_ATTEMPTS),
                "relay.upstream.retry.backoff-ms", "100",
                "relay.upstream.retry.budget-ms", "8000",
                "relay.upstream.retry.max-retry-after-ms", "1000",
                "relay.heartbeat-ms", "1000"));
    }

    /** http://user:password@127.0.0.1:port/path?key=... */
    private static String withSecrets(String baseUrl, String user, String password, String path, String key) {
        return baseUrl.replace("http://", "http://" + user + ":" + password + "@") + path + "?key=" + key;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "SSE, DONE_ONLY", "NDJSON, DONE_ONLY",
            "SSE, KEEPALIVE_CLOSE", "NDJSON, KEEPALIVE_CLOSE",
            "SSE, INBAND_OVERLOADED", "NDJSON, INBAND_OVERLOADED",
            "SSE, VLLM_500", "NDJSON, VLLM_500",
            "SSE, EVENT_ERROR_TIMEOUT", "NDJSON, EVENT_ERROR_TIMEOUT",
            "SSE, OPENROUTER_429", "NDJSON, OPENROUTER_429"})
    void anEndWithoutFinishOrATransientErrorBeforeAnyTokenIsRetriedThenHandedToTheFallback(Transport transport,
                                                                                          Script script)
            throws Exception {
        String prompt = script.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);

        assertEquals(MAX_ATTEMPTS, primary.exchangesFor(prompt).size(), "retried on the primary");
        assertEquals(1, fallback.exchangesFor(prompt).size(), "then handed to the fallback");
        assertEquals(String.join("", Script.NORMAL_TOKENS), text(events, "token"));
        assertEquals("done", last(events).type());
        assertEquals("stop", last(events).json().getString("finish_reason"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "SSE, ERROR_FIELD, upstream_error, x", "NDJSON, ERROR_FIELD, upstream_error, x",
            "SSE, INBAND_CONTEXT, upstream_error, maximum context length",
            "NDJSON, INBAND_CONTEXT, upstream_error, maximum context length",
            "SSE, GZIP, upstream_bad_response, Content-Encoding gzip",
            "NDJSON, GZIP, upstream_bad_response, Content-Encoding gzip",
            "SSE, BROTLI, upstream_bad_response, Content-Encoding br",
            "NDJSON, BROTLI, upstream_bad_response, Content-Encoding br"})
    void aPermanentFaultIsNeitherRetriedNorFallenOverNorASuccess(Transport transport, Script script, String code,
                                                                 String message) throws Exception {
        String prompt = script.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);

        assertTrue(events.stream().noneMatch(e -> e.type().equals("done") || e.type().equals("token")),
                events.toString());
        JsonObject error = last(events).json();
        assertEquals("error", last(events).type());
        assertEquals(code, error.getString("code"));
        assertFalse(error.getBoolean("retryable"));
        assertTrue(error.getString("message").contains(message), error.getString("message"));
        assertEquals(1, primary.exchangesFor(prompt).size(), "never retried");
        assertTrue(fallback.exchangesFor(prompt).isEmpty(), "nor handed to the fallback");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "SSE, PARTIAL_DONE, upstream_truncated", "NDJSON, PARTIAL_DONE, upstream_truncated",
            "SSE, CUT, upstream_truncated", "NDJSON, CUT, upstream_truncated",
            "SSE, PARTIAL_OVERLOADED, upstream_overloaded", "NDJSON, PARTIAL_OVERLOADED, upstream_overloaded",
            "SSE, MIDSTREAM_ERROR, upstream_server_error", "NDJSON, MIDSTREAM_ERROR, upstream_server_error"})
    void anAnswerBrokenAfterItsFirstTokenEndsInUpstreamFailedNamingTheCause(Transport transport, Script script,
                                                                          String cause) throws Exception {
        String prompt = script.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);

        assertEquals(String.join("", Script.PARTIAL_TOKENS), text(events, "token"));
        assertTrue(events.stream().noneMatch(e -> e.type().equals("done")), events.toString());
        JsonObject error = last(events).json();
        assertEquals("upstream_failed", error.getString("code"));
        assertEquals(cause, error.getString("cause"));
        assertTrue(error.getBoolean("retryable"));
        assertEquals(1, primary.exchangesFor(prompt).size(), "never retried after a token went out");
        assertTrue(fallback.exchangesFor(prompt).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SSE", "NDJSON"})
    void aRetryAfterLongerThanTheRelayWaitsReachesTheClient(Transport transport) throws Exception {
        String prompt = Script.HTTP429_LONG.prompt(UUID.randomUUID().toString());
        List<Received> events = run(transport, prompt);

        JsonObject error = last(events).json();
        assertEquals("upstream_rate_limited", error.getString("code"));
        assertTrue(error.getBoolean("retryable"));
        assertEquals(7000, error.getJsonNumber("retry_after_ms").longValue());
        assertEquals(1, primary.exchangesFor(prompt).size(), "7 s is over the 1 s the relay waits");
        assertEquals(1, fallback.exchangesFor(prompt).size(), "the fallback refused alike");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SSE", "NDJSON"})
    void urlUserInfoIsSentAsBasicAuthenticationAndTheQueryKept(Transport transport) throws Exception {
        String prompt = Script.INBAND_OVERLOADED.prompt(UUID.randomUUID().toString());
        StreamClient client = transport.chat(base, prompt).awaitEnd(30, TimeUnit.SECONDS);

        ScriptedUpstream.Exchange first = primary.exchangesFor(prompt).get(0);
        assertEquals("Basic " + basic("relay-user:" + Secrets.FAULTS_PRIMARY_PASSWORD), first.header("Authorization"));
        assertEquals("/v1/chat/completions?key=" + Secrets.FAULTS_PRIMARY_QUERY_KEY, first.path());
        assertEquals("identity", first.header("Accept-Encoding"));
        ScriptedUpstream.Exchange fellOver = fallback.exchangesFor(prompt).get(0);
        assertEquals("Basic " + basic("fallback-user:" + Secrets.FAULTS_FALLBACK_PASSWORD),
                fellOver.header("Authorization"));
        assertEquals("/fallback/v1/chat/completions?key=" + Secrets.FAULTS_FALLBACK_QUERY_KEY, fellOver.path());
        for (String secret : Secrets.all()) {
            assertFalse(client.bodyText().contains(secret), "a secret in the response");
        }
    }

    private static String basic(String pair) {
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private List<Received> run(Transport transport, String prompt) throws Exception {
        StreamClient client = transport.chat(base, prompt).awaitEnd(30, TimeUnit.SECONDS);
        assertEquals(200, client.status(), client.bodyText());
        assertTrue(client.endedCleanly());
        List<Received> events = transport.events(client.lines());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).json().getInt("seq"));
        }
        assertEquals(1, events.stream().filter(e -> e.type().equals("done") || e.type().equals("error")).count(),
                "exactly one terminal event: " + events);
        return events;
    }
}
