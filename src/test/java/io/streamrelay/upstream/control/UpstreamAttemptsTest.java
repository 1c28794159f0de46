package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures are retried, when, and where to: the decisions alone, against a scripted client. */
class UpstreamAttemptsTest {

    private static final UpstreamSettings.Endpoint PRIMARY =
            new UpstreamSettings.Endpoint("primary", URI.create("http://primary/chat/completions"), "k1", null);
    private static final UpstreamSettings.Endpoint FALLBACK =
            new UpstreamSettings.Endpoint("fallback", URI.create("http://fallback/chat/completions"), "k2", "small");
    private static final ChatRequest REQUEST =
            new ChatRequest(List.of(new ChatMessage("user", "hi")), null, null, null);

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final TaskQueue timers = new TaskQueue("timers", pool, 1);
    private final BlockingQueue<UpstreamEvent> received = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        timers.stop();
        pool.shutdownNow();
    }

    /** Answers each request with the next script; records which endpoint was asked and when. */
    private static final class ScriptedClient extends OpenAiUpstream {
        final List<Consumer<Consumer<UpstreamEvent>>> scripts;
        final List<String> asked = new ArrayList<>();
        final List<Long> at = new ArrayList<>();

        ScriptedClient(List<Consumer<Consumer<UpstreamEvent>>> scripts) {
            this.scripts = scripts;
        }

        @Override
        String modelFor(UpstreamSettings.Endpoint endpoint, ChatRequest request) {
            return endpoint.model() != null ? endpoint.model() : "big";
        }

        @Override
        synchronized Upstream.UpstreamCall send(UpstreamSettings.Endpoint endpoint, ChatRequest request,
                                                Consumer<UpstreamEvent> events) {
            asked.add(endpoint.name());
            at.add(System.nanoTime());
            scripts.get(asked.size() - 1).accept(events);
            return () -> { };
        }
    }

    private static Consumer<Consumer<UpstreamEvent>> status(int status, long retryAfterMs) {
        return events -> events.accept(UpstreamStatus.failure(status, "status " + status, retryAfterMs));
    }

    private static Consumer<Consumer<UpstreamEvent>> answer() {
        return events -> {
            events.accept(new UpstreamEvent.Text("ok"));
            events.accept(new UpstreamEvent.Finish("stop"));
            events.accept(new UpstreamEvent.End(true));
        };
    }

    private ScriptedClient run(List<UpstreamSettings.Endpoint> endpoints, UpstreamSettings.Retry retry,
                               List<Consumer<Consumer<UpstreamEvent>>> scripts) {
        ScriptedClient client = new ScriptedClient(scripts);
        new UpstreamAttempts(client, REQUEST, received::add, endpoints, retry, timers).start();
        return client;
    }

    /** The next event the generation would act on; the attempts' bookkeeping events are collected aside. */
    private UpstreamEvent next() throws InterruptedException {
        while (true) {
            UpstreamEvent event = received.poll(10, TimeUnit.SECONDS);
            assertTrue(event != null, "an event within the bound");
            if (!(event instanceof UpstreamEvent.Attempt attempt)) {
                return event;
            }
            attempts.add(attempt);
        }
    }

    private final List<UpstreamEvent.Attempt> attempts = new java.util.ArrayList<>();

    @Test
    void retryAfterIsHonouredThenTheAnswerFlows() throws InterruptedException {
        ScriptedClient client = run(List.of(PRIMARY), new UpstreamSettings.Retry(3, 5000, 10, 5000),
                List.of(status(429, 300), answer()));
        assertInstanceOf(UpstreamEvent.Text.class, next());
        assertEquals(List.of("primary", "primary"), client.asked);
        assertTrue(client.at.get(1) - client.at.get(0) >= TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void persistentFailureFallsOverAndNamesTheModel() throws InterruptedException {
        ScriptedClient client = run(List.of(PRIMARY, FALLBACK), new UpstreamSettings.Retry(2, 5000, 10, 5000),
                List.of(status(503, -1), status(503, -1), answer()));
        assertEquals(new UpstreamEvent.Switched("small"), next());
        assertInstanceOf(UpstreamEvent.Text.class, next());
        assertEquals(List.of("primary", "primary", "fallback"), client.asked);
        // Each attempt is reported as it begins and, when it fails before a token, as it fails (metrics, traces).
        assertEquals(List.of("1 primary -", "1 primary upstream_overloaded", "2 primary -",
                "2 primary upstream_overloaded", "3 fallback -"), attempts.stream().map(a -> a.number() + " "
                + a.endpoint() + " " + (a.failure() == null ? "-" : a.failure().code())).toList());
        assertEquals(503, attempts.get(1).status());
    }

    @Test
    void clientErrorsAreNeitherRetriedNorFallenOver() throws InterruptedException {
        for (int status : new int[]{400, 401, 402, 403, 422}) {
            ScriptedClient client = run(List.of(PRIMARY, FALLBACK), new UpstreamSettings.Retry(3, 5000, 10, 5000),
                    List.of(status(status, -1)));
            UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, next());
            assertEquals(status, failure.status());
            assertEquals(List.of("primary"), client.asked);
        }
    }

    @Test
    void nothingIsRetriedOnceATokenWentOut() throws InterruptedException {
        ScriptedClient client = run(List.of(PRIMARY, FALLBACK), new UpstreamSettings.Retry(3, 5000, 10, 5000),
                List.of(events -> {
                    events.accept(new UpstreamEvent.Text("half"));
                    events.accept(new UpstreamEvent.End(false));
                }));
        assertInstanceOf(UpstreamEvent.Text.class, next());
        assertEquals(new UpstreamEvent.End(false), next());
        assertNull(received.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(1, attempts.size(), "one attempt, begun and never failed before a token");
        assertEquals(List.of("primary"), client.asked);
    }

    @Test
    void aRetryAfterBeyondTheCapGivesUpAtOnceWithTheUpstreamsCode() throws InterruptedException {
        ScriptedClient client = run(List.of(PRIMARY), new UpstreamSettings.Retry(3, 60_000, 10, 2000),
                List.of(status(429, 30_000)));
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, next());
        assertEquals(ErrorCode.UPSTREAM_RATE_LIMITED, failure.code());
        assertTrue(failure.retryable());
        assertEquals(List.of("primary"), client.asked);
    }

    @Test
    void theBudgetEndsRetries() throws InterruptedException {
        ScriptedClient client = run(List.of(PRIMARY), new UpstreamSettings.Retry(10, 250, 100, 5000),
                List.of(status(500, -1), status(500, -1), status(500, -1), status(500, -1), status(500, -1)));
        assertInstanceOf(UpstreamEvent.Failure.class, next());
        assertTrue(client.asked.size() >= 2 && client.asked.size() <= 4, client.asked.toString());
    }

    private static Consumer<Consumer<UpstreamEvent>> inBand(ErrorCode code) {
        return events -> {
            events.accept(new UpstreamEvent.Progress());
            events.accept(new UpstreamEvent.Failure(code, "in-band " + code, code.retryable()));
        };
    }

    @Test
    void aTransientErrorInsideTheStreamIsRetriedThenFallsOver() throws InterruptedException {
        for (ErrorCode code : new ErrorCode[]{ErrorCode.UPSTREAM_SERVER_ERROR, ErrorCode.UPSTREAM_OVERLOADED,
                ErrorCode.UPSTREAM_TIMEOUT, ErrorCode.UPSTREAM_RATE_LIMITED, ErrorCode.UPSTREAM_TRUNCATED}) {
            ScriptedClient client = run(List.of(PRIMARY, FALLBACK), new UpstreamSettings.Retry(2, 5000, 10, 5000),
                    List.of(inBand(code), inBand(code), answer()));
            UpstreamEvent first = next();
            while (first instanceof UpstreamEvent.Progress) {
                first = next();
            }
            assertEquals(new UpstreamEvent.Switched("small"), first, code.toString());
            while (!((first = next()) instanceof UpstreamEvent.Text)) {
                assertInstanceOf(UpstreamEvent.Progress.class, first);
            }
            assertEquals(List.of("primary", "primary", "fallback"), client.asked, code.toString());
            while (!(next() instanceof UpstreamEvent.End)) {
                // the rest of this answer, before the next kind
            }
        }
    }

    @Test
    void aPermanentErrorInsideTheStreamIsNeitherRetriedNorFallenOver() throws InterruptedException {
        for (ErrorCode code : new ErrorCode[]{ErrorCode.UPSTREAM_ERROR, ErrorCode.UPSTREAM_QUOTA_EXCEEDED,
                ErrorCode.UPSTREAM_BAD_RESPONSE}) {
            ScriptedClient client = run(List.of(PRIMARY, FALLBACK), new UpstreamSettings.Retry(3, 5000, 10, 5000),
                    List.of(inBand(code)));
            assertInstanceOf(UpstreamEvent.Progress.class, next());
            UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, next());
            assertEquals(code, failure.code());
            assertEquals(List.of("primary"), client.asked);
        }
    }

    @Test
    void aTransientErrorAfterATokenIsPassedOnAsItCame() throws InterruptedException {
        ScriptedClient client = run(List.of(PRIMARY, FALLBACK), new UpstreamSettings.Retry(3, 5000, 10, 5000),
                List.of(events -> {
                    events.accept(new UpstreamEvent.Text("half"));
                    events.accept(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_OVERLOADED, "busy", true, -1, 3000));
                }));
        assertInstanceOf(UpstreamEvent.Text.class, next());
        assertEquals(new UpstreamEvent.Failure(ErrorCode.UPSTREAM_OVERLOADED, "busy", true, -1, 3000), next());
        assertEquals(List.of("primary"), client.asked);
    }

    @Test
    void aRetryAfterTooLongToWaitForReachesTheClientAfterTheLastAttempt() throws InterruptedException {
        ScriptedClient client = run(List.of(PRIMARY, FALLBACK), new UpstreamSettings.Retry(3, 60_000, 10, 1000),
                List.of(status(429, 7000), status(429, 7000)));
        assertEquals(new UpstreamEvent.Switched("small"), next());
        UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, next());
        assertEquals(ErrorCode.UPSTREAM_RATE_LIMITED, failure.code());
        assertEquals(7000, failure.retryAfterMs());
        assertEquals(List.of("primary", "fallback"), client.asked);
    }
}
