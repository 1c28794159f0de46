package io.streamrelay.openai.boundary;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.openai.control.OpenAiErrors;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What both /v1 sinks share: an async response written without blocking (the NDJSON transport's way, the
 * fastest one measured), the generation id header, and a failure that arrives before anything was written
 * answered as a plain HTTP error (its status, {@code Retry-After}, OpenAI's error body) rather than inside a 200.
 */
abstract class AsyncResponse implements WriteListener, AsyncListener {

    static final String GENERATION_HEADER = "X-Generation-Id";

    final AsyncContext async;
    final HttpServletResponse response;
    final AtomicBoolean closed = new AtomicBoolean();
    private ServletOutputStream out;
    private volatile Runnable writable = () -> { };
    private volatile Runnable gone = () -> { };

    AsyncResponse(AsyncContext async) {
        this.async = async;
        this.response = (HttpServletResponse) async.getResponse();
        async.addListener(this);
    }

    ServletOutputStream out() throws IOException {
        if (out == null) {
            out = response.getOutputStream();
        }
        return out;
    }

    /** Both /v1 sinks are one transport in metrics and traces. */
    public String transport() {
        return "openai";
    }

    void bindHeader(String generation) {
        if (!response.isCommitted()) {
            response.setHeader(GENERATION_HEADER, generation);
        }
    }

    /** The failure as an HTTP error of its code's status: only while nothing has been written. */
    byte[] errorResponse(StreamEvent.Failure failure) {
        response.setStatus(failure.code().status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (failure.retryAfterMs() >= 0) {
            response.setHeader("Retry-After", Long.toString((failure.retryAfterMs() + 999) / 1000));
        }
        byte[] body = OpenAiErrors.body(failure.code(), failure.message()).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        return body;
    }

    public void onWritable(Runnable hook) {
        writable = hook;
        try {
            out().setWriteListener(this);
        } catch (IOException failed) {
            gone.run();
        }
    }

    public void onGone(Runnable hook) {
        gone = hook;
    }

    public void complete() {
        if (closed.compareAndSet(false, true)) {
            try {
                async.complete();
            } catch (IllegalStateException alreadyCompleted) {
                // The container completed it after an error; nothing left to do.
            }
        }
    }

    @Override
    public void onWritePossible() throws IOException {
        writable.run();
    }

    @Override
    public void onError(Throwable failure) {
        gone.run();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (!closed.get()) {
            gone.run();
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        gone.run();
    }

    @Override
    public void onError(AsyncEvent event) {
        gone.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not restarted.
    }
}
