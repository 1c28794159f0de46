package io.streamrelay.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.sse.InboundSseEvent;
import jakarta.ws.rs.sse.SseEventSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows one StreamRelay generation over SSE with JAX-RS's SseEventSource (Jersey) and returns its whole text.
 * When a connection breaks while events flow, Jersey reconnects by itself and sends Last-Event-ID (the last
 * {@code <generation>:<seq>} it saw), so the relay sends only what was missed. Two things Jersey does not do:
 * it never stops when the answer is complete (it reconnects, gets 204, and tries again forever), so this closes
 * the source at the terminal event ({@code done} or {@code error}); and when a reconnection itself fails (cut
 * before the answer's headers, refused, a proxy's 502) it gives up for good, so this opens a new source after
 * the last event it got ({@code ?after=<seq>}).
 */
public final class SseFollower {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SOURCES_WITHOUT_PROGRESS = 5;

    /**
     * The generation's text; throws GenerationFailed for an {@code error} event or a refusal (404 unknown or
     * expired generation, 400 bad cursor), TimeoutException when no terminal event came within {@code timeout}.
     */
    public static String follow(URI relay, String generation, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Progress progress = new Progress();
        Client client = ClientBuilder.newClient();
        try {
            for (int failures = 0; progress.ending == null; ) {
                long before = progress.seq;
                WebTarget events = client.target(relay).path("api/generations").path(generation).path("events");
                open(progress.seq < 0 ? events : events.queryParam("after", progress.seq), progress, deadline);
                failures = progress.seq > before ? 0 : failures + 1;
                if (progress.ending == null && failures >= MAX_SOURCES_WITHOUT_PROGRESS) {
                    throw new GenerationFailed("no progress after " + failures + " attempts", progress.text());
                }
            }
        } finally {
            client.close();
        }
        if (progress.ending.failure != null) {
            throw new GenerationFailed(progress.ending.failure, progress.text());
        }
        return progress.text();
    }

    /** One SseEventSource, until the terminal event, a refusal, or Jersey giving up on a reconnection. */
    private static void open(WebTarget events, Progress progress, long deadline)
            throws InterruptedException, TimeoutException {
        CountDownLatch over = new CountDownLatch(1);
        try (SseEventSource source = SseEventSource.target(events).reconnectingEvery(500, TimeUnit.MILLISECONDS)
                .build()) {
            source.register((InboundSseEvent event) -> {
                if (progress.ending != null) {
                    return;
                }
                JsonNode data = json(event);
                switch (String.valueOf(event.getName())) {
                    case "token" -> progress.add(data.path("text").asText());
                    case "done" -> progress.ending = new Ending(null);
                    case "error" -> progress.ending = new Ending(data.toString());
                    default -> { } // start, reasoning: not part of the answer's text
                }
                progress.seq = data.path("seq").asLong(progress.seq);
                if (progress.ending != null) {
                    over.countDown();
                }
            }, error -> {
                if (error instanceof WebApplicationException refused && progress.ending == null) {
                    progress.ending = new Ending(refused.getMessage()); // asking again would not help
                }
                over.countDown(); // else a failed reconnection: Jersey stopped; the caller opens a new source
            });
            source.open();
            if (!over.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("no terminal event in time");
            }
        }
    }

    private static JsonNode json(InboundSseEvent event) {
        try {
            return JSON.readTree(event.readData());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the event threads (one at a time, one source after another) have seen so far. */
    private static final class Progress {
        private final StringBuffer text = new StringBuffer();
        volatile long seq = -1;
        volatile Ending ending;

        void add(String token) {
            text.append(token);
        }

        String text() {
            return text.toString();
        }
    }

    /** {@code failure} is null for {@code done}, else the error event's JSON or the refusal. */
    private record Ending(String failure) {
    }

    /** The generation ended with an {@code error} event or was refused (the message), after {@code partialText}. */
    public static final class GenerationFailed extends RuntimeException {
        public final String partialText;

        GenerationFailed(String error, String partialText) {
            super(error);
            this.partialText = partialText;
        }
    }
}
