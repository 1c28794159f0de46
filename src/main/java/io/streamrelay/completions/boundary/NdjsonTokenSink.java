package io.streamrelay.completions.boundary;

import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import jakarta.servlet.AsyncContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Puts events on an async servlet response in non-blocking mode: one JSON object per line, every event queued
 * since the last write in one write. It writes only when {@code isReady()} says so and never blocks a thread.
 */
public final class NdjsonTokenSink extends NonBlockingResponse implements TokenSink {

    public NdjsonTokenSink(AsyncContext async) {
        super(async);
    }

    @Override
    public void bind(String generation) {
        // NDJSON lines carry seq only; the client knows which generation it asked for.
    }

    @Override
    public boolean isReady() {
        return readyToWrite();
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
        writeAndFlush(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        complete();
    }
}
