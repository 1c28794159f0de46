package io.streamrelay.upstream.control;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.scheduling.control.RelayThreads;
import io.streamrelay.scheduling.control.TaskQueue;
import io.streamrelay.testing.Blackhole;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.UpstreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real upstream client against a port that never answers a connect ({@link Blackhole}): the request ends as a
 * retryable {@code upstream_unavailable} once {@code relay.upstream.connect-timeout-ms} has passed. Without the
 * timeout the kernel retries the SYN for about two minutes, far beyond this test's wait.
 */
class OpenAiUpstreamConnectTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aConnectNobodyAnswersEndsAsUpstreamUnavailableAfterTheConnectTimeout() throws Exception {
        try (Blackhole blackhole = new Blackhole()) {
            OpenAiUpstream upstream = new OpenAiUpstream();
            upstream.settings = new UpstreamSettings();
            upstream.settings.url = Optional.of("http://127.0.0.1:" + blackhole.port());
            upstream.settings.apiKey = Optional.of("key");
            upstream.settings.model = "m";
            upstream.settings.connectTimeoutMs = 500;
            upstream.settings.fallbackUrl = Optional.empty();
            upstream.settings.fallbackApiKey = Optional.empty();
            upstream.settings.fallbackModel = Optional.empty();
            TaskQueue timers = new TaskQueue("timers", pool, 1);
            upstream.threads = new RelayThreads() {
                @Override
                public TaskQueue timers() {
                    return timers;
                }

                @Override
                public int upstreamThreads() {
                    return 1;
                }
            };
            upstream.init();
            CompletableFuture<UpstreamEvent> end = new CompletableFuture<>();
            upstream.send(upstream.settings.primary(), new ChatRequest(List.of(new ChatMessage("user", "hi")), null,
                    null, null), event -> {
                        if (event instanceof UpstreamEvent.Failure || event instanceof UpstreamEvent.End) {
                            assertTrue(end.complete(event), "one end only");
                        }
                    });

            UpstreamEvent.Failure failure = assertInstanceOf(UpstreamEvent.Failure.class, end.get(30, TimeUnit.SECONDS));
            assertEquals(ErrorCode.UPSTREAM_UNAVAILABLE, failure.code());
            assertTrue(failure.retryable());
        }
    }
}
