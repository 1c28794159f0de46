package io.streamrelay.completions.boundary;

import io.streamrelay.completions.entity.StreamEvent;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Queued SSE events in their wire form, sent to Jersey as one event: Jersey's per-event work (an
 * {@code OutboundEvent}, a writer lookup, the interceptor chain, a flush) is then paid once a batch, and
 * {@link SseFrames} copies the bytes. JFR on bench/run (docs/benchmark.md): the SSE write path went from 209 to 58
 * samples for the same 240k tokens. Only where Jersey writes the events ({@link #JERSEY}); this class itself links
 * nothing of Jersey's, so TomEE (CXF) can load the sink that asks.
 */
public record SseBatch(byte[] bytes) {

    /** Jersey's SSE is present (Payara), so {@link SseFrames} is registered; TomEE's JAX-RS is CXF. */
    public static final boolean JERSEY = visible("org.glassfish.jersey.media.sse.OutboundEvent");

    /**
     * The relay's events in one frame: each event its lines and the blank line that dispatches it, except that the
     * last one's blank line (or a last ping's line end) is the one Jersey's sink adds after every chunk. The JSON is
     * one line (JSON escapes line ends), so each event is exactly one {@code data:} line.
     */
    public static SseBatch encode(List<StreamEvent> events, String generation) {
        StringBuilder frame = new StringBuilder(events.size() * 96);
        for (StreamEvent event : events) {
            if (event instanceof StreamEvent.Ping) {
                frame.append(": ping\n");
            } else {
                frame.append("event: ").append(event.type()).append("\nid: ").append(generation).append(':')
                        .append(event.seq()).append("\ndata: ");
                event.appendJson(frame);
                frame.append("\n\n");
            }
        }
        frame.setLength(frame.length() - 1);
        return new SseBatch(frame.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, SseBatch.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
