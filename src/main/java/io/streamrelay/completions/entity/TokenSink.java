package io.streamrelay.completions.entity;

import java.io.IOException;
import java.util.List;

/**
 * One client's end of a stream, as a transport adapter sees it. The service calls it from one thread at a time,
 * in order; implementations turn events into bytes and nothing else.
 */
public interface TokenSink {

    /** The generation this sink follows, told before any write: SSE ids name it, and a resumed client never sees start. */
    void bind(String generation);

    /** True when {@link #write} can run now without blocking; when false, the sink calls its writable hook later. */
    boolean isReady();

    /** Writes the events and flushes them; several queued events may go out in one write. */
    void write(List<StreamEvent> events) throws IOException;

    /** Ends the response. Idempotent. */
    void close();

    /** True when a write may block the calling thread, so the service must keep it off callback threads. */
    boolean blocking();

    /** Called when the transport can take more bytes again (after {@link #isReady} said false). */
    void onWritable(Runnable hook);

    /** Called when the container learns the client is gone without a write telling us. */
    void onGone(Runnable hook);

    /**
     * The endpoint family's name in metrics and traces (their {@code transport} tag, {@link RelayEvent}'s
     * {@code transport}): {@code sse} and {@code ndjson} for this API's sinks; another front door's sink names
     * itself (the OpenAI-compatible {@code /v1} one, say {@code openai}); {@code other} when a sink does not say.
     */
    default String transport() {
        return "other";
    }
}
