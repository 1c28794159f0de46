package io.streamrelay.completions.boundary;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts events on a JAX-RS {@link SseEventSink}: {@code event:}, {@code id: <generation>:<seq>}, one-line JSON
 * {@code data:}, and the heartbeat as the comment {@code : ping} with no blank line after it
 * ({@link SseFrames} says why). Jersey writes and flushes each batch on the
 * calling thread and may block when the client's socket is full, which is why the service drains this sink on
 * its executor, never on an upstream callback thread.
 */
public final class SseTokenSink implements TokenSink {

    private final SseEventSink sink;
    private final Sse sse;
    /** Prefixes every id: {@code <generation>:<seq>}. */
    private volatile String generation;
    /**
     * The container ended the request's async cycle (the client left, an error, a timeout). Tomcat (TomEE) then
     * recycles the request and response for another connection, so this sink sends and closes nothing after it.
     * CXF's own completion after a failed write is out of reach here: docs/deploy.md, item 12.
     */
    private volatile boolean containerEnded;

    public SseTokenSink(SseEventSink sink, Sse sse) {
        this.sink = sink;
        this.sse = sse;
    }

    /** A sink that stops touching the response once the container has ended the request's async cycle. */
    public static SseTokenSink of(SseEventSink sink, Sse sse, HttpServletRequest request) {
        SseTokenSink opened = new SseTokenSink(sink, sse);
        if (request != null && request.isAsyncStarted()) {
            request.getAsyncContext().addListener(opened.new ContainerEnd());
        }
        return opened;
    }

    private final class ContainerEnd implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            containerEnded = true;
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            containerEnded = true;
        }

        @Override
        public void onError(AsyncEvent event) {
            containerEnded = true;
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // Not restarted by the relay.
        }
    }

    @Override
    public void bind(String generation) {
        this.generation = generation;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public String transport() {
        return "sse";
    }

    @Override
    public boolean blocking() {
        return true;
    }

    /** On Jersey every queued event in one pre-encoded frame ({@link SseBatch}); elsewhere one event each. */
    @Override
    public void write(List<StreamEvent> events) throws IOException {
        if (containerEnded) {
            throw new IOException("the container ended this stream (the client is gone)");
        }
        if (SseBatch.JERSEY) {
            send(sse.newEventBuilder().data(SseBatch.class, SseBatch.encode(events, generation)).build());
            return;
        }
        for (StreamEvent event : events) {
            send(toSse(event));
        }
    }

    private OutboundSseEvent toSse(StreamEvent event) {
        if (event instanceof StreamEvent.Ping) {
            return sse.newEventBuilder().comment("ping").build();
        }
        return sse.newEventBuilder()
                .name(event.type())
                .id(generation + ":" + event.seq())
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, event.json())
                .build();
    }

    private void send(OutboundSseEvent event) throws IOException {
        CompletableFuture<?> sent;
        try {
            sent = sink.send(event).toCompletableFuture();
        } catch (IllegalStateException closed) {
            throw new IOException("the SSE sink is closed", closed);
        }
        try {
            // Jersey completes the stage before send() returns; the bound only guards another implementation.
            sent.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            throw new IOException("the client is gone", failed.getCause());
        } catch (TimeoutException stuck) {
            throw new IOException("the client stopped reading", stuck);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", interrupted);
        }
    }

    @Override
    public void close() {
        if (containerEnded) {
            return;
        }
        try {
            sink.close();
        } catch (RuntimeException alreadyGone) {
            // Closing a sink whose client left can fail; it is closed either way.
        }
    }

    @Override
    public void onWritable(Runnable hook) {
        // Writes block instead of refusing, so there is nothing to wait for.
    }

    @Override
    public void onGone(Runnable hook) {
        // JAX-RS only learns of a disconnect when a write fails, which write() reports.
    }
}
