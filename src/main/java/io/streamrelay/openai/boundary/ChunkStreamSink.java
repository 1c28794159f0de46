package io.streamrelay.openai.boundary;

import io.streamrelay.completions.boundary.StreamHeaders;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.completions.entity.TokenSink;
import io.streamrelay.openai.control.ChunkFrames;
import jakarta.servlet.AsyncContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code stream: true}: OpenAI's chunks on an async response in non-blocking mode, every event queued since the
 * last write in one write. The response is committed with the first event after {@code start}: a generation that
 * fails before that (the upstream's 429 after the relay's retries, no first token in time) is answered with the
 * error's HTTP status and {@code Retry-After}, which every SDK turns into its own exception type.
 */
final class ChunkStreamSink extends AsyncResponse implements TokenSink {

    private final ChunkFrames frames;
    private StreamEvent.Start held;
    private boolean committed;

    ChunkStreamSink(AsyncContext async, ChunkFrames frames) {
        super(async);
        this.frames = frames;
    }

    @Override
    public void bind(String generation) {
        frames.bind(generation);
        bindHeader(generation);
    }

    @Override
    public boolean isReady() {
        // Until the first real event commits the response, nothing is written: an error may still set the status.
        return committed ? readyToWrite() : !isClosed();
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public void write(List<StreamEvent> events) throws IOException {
        int from = 0;
        if (!committed) {
            if (events.get(0) instanceof StreamEvent.Start start) {
                held = start;
                from = 1;
            }
            if (from == events.size()) {
                return;
            }
            if (events.get(from) instanceof StreamEvent.Failure failure) {
                committed = true;
                out().write(errorResponse(failure));
                return;
            }
            committed = true;
            StreamHeaders.apply(response, "text/event-stream");
        }
        StringBuilder text = new StringBuilder(events.size() * 160);
        if (held != null) {
            frames.append(text, held);
            held = null;
        }
        for (int i = from; i < events.size(); i++) {
            frames.append(text, events.get(i));
        }
        writeAndFlush(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        complete();
    }
}
