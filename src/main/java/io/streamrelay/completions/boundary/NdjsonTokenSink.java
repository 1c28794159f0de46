package io.streamrelay.completions.boundary;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts events on an async servlet response in non-blocking mode: one JSON object per line, every event queued
 * since the last write in one write. It writes only when {@code isReady()} says so and never blocks a thread.
 */
public final class NdjsonTokenSink implements TokenSink, WriteListener, AsyncListener {

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable writable = () -> { };
    private volatile Runnable gone = () -> { };
    private boolean flushPending;

    public NdjsonTokenSink(AsyncContext async) throws IOException {
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        async.addListener(this);
    }

    @Override
    public void bind(String generation) {
        // NDJSON lines carry seq only; the client knows which generation it asked for.
    }

    @Override
    public boolean isReady() {
        if (closed.get() || !out.isReady()) {
            return false;
        }
        if (flushPending) {
            // The last write could not be flushed at once; flush it now that the container can take it.
            flushPending = false;
            try {
                out.flush();
            } catch (IOException e) {
                return true; // the next write reports the failure
            }
            return out.isReady();
        }
        return true;
    }

    @Override
    public String transport() {
        return "ndjson";
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public void write(List<StreamEvent> events) throws IOException {
        StringBuilder lines = new StringBuilder(events.size() * 48);
        for (StreamEvent event : events) {
            event.appendJson(lines);
            lines.append('\n');
        }
        out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        if (out.isReady()) {
            out.flush();
        } else {
            flushPending = true;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                async.complete();
            } catch (IllegalStateException alreadyCompleted) {
                // The container completed it after an error; nothing left to do.
            }
        }
    }

    @Override
    public void onWritable(Runnable hook) {
        writable = hook;
        out.setWriteListener(this);
    }

    @Override
    public void onGone(Runnable hook) {
        gone = hook;
    }

    @Override
    public void onWritePossible() {
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
