package io.streamrelay.examples;

import io.streamrelay.testing.CuttingProxy;
import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Secrets;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Upstream;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.sse.InboundSseEvent;
import jakarta.ws.rs.sse.SseEventSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java client examples of docs/java-clients.md ({@link SseFollower}, {@link NdjsonFollower}), run as written
 * against the relay through a {@link CuttingProxy} that breaks their connections in the middle of a generation:
 * each must end with exactly the upstream's text (a replay from the start or a repeated event would show as a
 * duplicate), after having reconnected. And what Jersey's SseEventSource does by itself once an answer ended.
 */
@RelayOnPayara
class JavaClientsIT {

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    private CuttingProxy proxy;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(upstream, Secrets.GENERATIONS_UPSTREAM_KEY, Map.of());
    }

    /** Jersey's first client takes seconds to bootstrap under load: not inside a 2 s answer the tests cut. */
    private static boolean warm;

    @BeforeEach
    void proxy() throws Exception {
        proxy = new CuttingProxy(base);
        if (!warm) {
            Client client = ClientBuilder.newClient();
            try {
                client.target(base.toURI()).path("health/live").request().get().close();
                SseEventSource.target(client.target(base.toURI())).build().close();
            } finally {
                client.close();
            }
            warm = true;
        }
    }

    @AfterEach
    void closeProxy() throws Exception {
        proxy.close();
    }

    @Test
    void sseEventSourceResumesThroughCutsWithExactlyTheUpstreamsText() throws Exception {
        resumesThroughCuts(id -> () -> SseFollower.follow(proxy.url().toURI(), id, Duration.ofSeconds(60)),
                id -> "Last-Event-ID: " + id + ":", 0);
    }

    @Test
    void httpClientNdjsonResumesThroughCutsWithExactlyTheUpstreamsText() throws Exception {
        resumesThroughCuts(id -> () -> NdjsonFollower.follow(HttpClient.newHttpClient(), proxy.url().toURI(), id),
                id -> "GET /ndjson/generations/" + id + "?after=", 0);
    }

    /**
     * A follower of a 2 s answer, cut once it got the 5th token and again at the 14th, ends with exactly the
     * upstream's text and resumed with a cursor. Under load a follower may connect only after the answer ended
     * (it then gets it all at once, and no cut can land mid-answer): that attempt still must give the exact text,
     * and a new generation is tried, three times at most. With {@code dropped} > 0 the next connections after
     * the first cut are closed before any answer too, and there is no second cut.
     */
    private void resumesThroughCuts(Function<String, Callable<String>> follower,
                                    Function<String, String> resumedRequest, int dropped) throws Exception {
        for (int attempt = 1; ; attempt++) {
            String id = create(Script.SLOW);
            CompletableFuture<String> text = inBackground(follower.apply(id));
            awaitDelivered(id, 5);
            proxy.dropNext(dropped);
            boolean midAnswer = !proxy.received().contains("\"type\":\"done\"") && proxy.cutAll() > 0;
            if (midAnswer && dropped == 0) {
                awaitDelivered(id, 14);
                System.out.printf("[measure] second cut broke %d connection(s)%n", proxy.cutAll());
            }
            assertEquals(Script.SLOW.text(), text.get(60, TimeUnit.SECONDS));
            if (midAnswer) {
                assertTrue(proxy.sent().contains(resumedRequest.apply(id)), proxy.sent());
                return;
            }
            assertTrue(attempt < 3, "the follower never got there before the answer ended: " + proxy.received());
            proxy.close();
            proxy = new CuttingProxy(base);
        }
    }

    /** The reconnection after a cut fails too (closed before any answer): Jersey gives up, SseFollower does not. */
    @Test
    void sseFollowerOpensANewSourceWhenJerseyGivesUpOnAFailedReconnection() throws Exception {
        // Two: HttpURLConnection itself resends a GET once when its connection closes at once.
        resumesThroughCuts(id -> () -> SseFollower.follow(proxy.url().toURI(), id, Duration.ofSeconds(60)),
                id -> "GET /api/generations/" + id + "/events?after=", 2);
    }

    @Test
    void httpClientNdjsonResumesWhenReconnectionsFailToo() throws Exception {
        resumesThroughCuts(id -> () -> NdjsonFollower.follow(HttpClient.newHttpClient(), proxy.url().toURI(), id),
                id -> "GET /ndjson/generations/" + id + "?after=", 2);
        assertTrue(proxy.accepted() >= 4, "connections: " + proxy.accepted());
    }

    /**
     * Why SseFollower opens a new source: a plain SseEventSource whose reconnection fails (here closed before
     * any answer) reports the error once and stops for good, although the generation goes on to its end.
     */
    @Test
    void aPlainSseEventSourceGivesUpForGoodWhenAReconnectionFails() throws Exception {
        String id = create(Script.SLOW);
        List<String> names = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        Client client = ClientBuilder.newClient();
        try (SseEventSource source = SseEventSource.target(client.target(proxy.url().toURI())
                .path("api/generations").path(id).path("events")).reconnectingEvery(100, TimeUnit.MILLISECONDS)
                .build()) {
            source.register((InboundSseEvent e) -> names.add(e.getName()), errors::add);
            source.open();
            awaitDelivered(id, 5);
            proxy.dropNext(2); // two: HttpURLConnection itself resends a GET once when its connection closes at once
            assertTrue(proxy.cutAll() > 0, "nothing to cut");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (errors.isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertEquals(1, errors.size(), errors.toString());
            awaitStatus(id, "\"status\":\"done\"");
            TimeUnit.SECONDS.sleep(1); // ten reconnect delays
            assertEquals(3, proxy.accepted(), "connections");
            assertTrue(!source.isOpen(), "still open");
            assertTrue(!names.contains("done"), names.toString());
        } finally {
            client.close();
        }
    }

    @Test
    void bothExamplesReportAGenerationThatEndsInAnErrorWithItsPartialText() throws Exception {
        String id = create(Script.MIDSTREAM_ERROR);
        URI relay = proxy.url().toURI();
        SseFollower.GenerationFailed sse = assertThrows(SseFollower.GenerationFailed.class,
                () -> SseFollower.follow(relay, id, Duration.ofSeconds(30)));
        assertEquals(Script.MIDSTREAM_ERROR.text(), sse.partialText);
        assertTrue(sse.getMessage().contains("\"type\":\"error\""), sse.getMessage());
        NdjsonFollower.GenerationFailed ndjson = assertThrows(NdjsonFollower.GenerationFailed.class,
                () -> NdjsonFollower.follow(HttpClient.newHttpClient(), relay, id));
        assertEquals(Script.MIDSTREAM_ERROR.text(), ndjson.partialText);
    }

    @Test
    void bothExamplesReportAnUnknownGenerationInsteadOfRetrying() throws Exception {
        URI relay = proxy.url().toURI();
        SseFollower.GenerationFailed sse = assertThrows(SseFollower.GenerationFailed.class,
                () -> SseFollower.follow(relay, "AAAAAAAAAAAAAAAAAAAAAA", Duration.ofSeconds(30)));
        assertTrue(sse.getMessage().contains("404"), sse.getMessage());
        NdjsonFollower.Refused ndjson = assertThrows(NdjsonFollower.Refused.class,
                () -> NdjsonFollower.follow(HttpClient.newHttpClient(), relay, "AAAAAAAAAAAAAAAAAAAAAA"));
        assertTrue(ndjson.getMessage().contains("unknown_generation"), ndjson.getMessage());
    }

    /**
     * Why SseFollower closes its source on the terminal event: left open, Jersey reconnects after the end with
     * the terminal event's id, gets 204, and does it again and again (it treats 204 like a dropped connection),
     * never calling the completion callback. The events themselves are not repeated.
     */
    @Test
    void aPlainSseEventSourceKeepsReconnectingAfterTheAnswerEnded() throws Exception {
        String id = create(Script.NORMAL);
        List<String> names = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        boolean[] completed = new boolean[1];
        Client client = ClientBuilder.newClient();
        try (SseEventSource source = SseEventSource.target(client.target(proxy.url().toURI())
                .path("api/generations").path(id).path("events")).reconnectingEvery(100, TimeUnit.MILLISECONDS)
                .build()) {
            source.register((InboundSseEvent e) -> names.add(e.getName()), errors::add, () -> completed[0] = true);
            source.open();
            String request = "GET /api/generations/" + id + "/events ";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (count(proxy.sent(), request) < 6 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            assertTrue(count(proxy.sent(), request) >= 6, proxy.sent());
            // Every reconnect names the terminal event (start is 0, then 11 tokens, done is 12): answered 204.
            assertEquals(count(proxy.sent(), request) - 1, count(proxy.sent(), "Last-Event-ID: " + id + ":12\r\n"),
                    proxy.sent());
            assertTrue(source.isOpen());
            // Until it is closed, nothing told the application: no error, no completion.
            assertEquals(List.of(), List.copyOf(errors));
            assertTrue(!completed[0], "completion callback called");
        } finally {
            client.close();
        }
        assertEquals(1, Collections.frequency(names, "done"), names.toString());
        assertEquals(Script.NORMAL_TOKENS.size(), Collections.frequency(names, "token"), names.toString());
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private String create(Script script) throws Exception {
        String prompt = script.prompt(UUID.randomUUID().toString());
        StreamClient created = StreamClient.post(base, "/api/generations", "application/json", "application/json",
                ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.bodyText());
        return Json.object(created.bodyText()).getString("id");
    }

    /** Waits until the relay has sent the follower the event {@code seq} through the proxy (SSE id or NDJSON). */
    private void awaitDelivered(String id, int seq) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!proxy.received().contains("id: " + id + ":" + seq + "\n")
                && !proxy.received().contains("\"seq\":" + seq + ",")) {
            assertTrue(System.nanoTime() < deadline, "event " + seq + " not delivered: " + proxy.received());
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private void awaitStatus(String id, String part) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!status(id).contains(part)) {
            assertTrue(System.nanoTime() < deadline, "no " + part);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private String status(String id) throws Exception {
        return StreamClient.get(base, "/api/generations/" + id, "application/json").awaitEnd(10, TimeUnit.SECONDS)
                .bodyText();
    }

    private static <T> CompletableFuture<T> inBackground(Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "example-client");
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
