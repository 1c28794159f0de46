package io.streamrelay.completions.boundary;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import org.glassfish.jersey.media.sse.OutboundEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Writes SSE events as the WHATWG event-stream format says, with one difference from Jersey's own writer, which
 * this one replaces (Jersey's is a writer of {@code OutboundSseEvent}; Jersey takes the writer whose type is
 * nearest to the event's class, and the order among equals is not defined): a comment-only event
 * (the heartbeat) is its comment line alone, with no blank line after it. A blank line dispatches an event, and
 * after an event with an {@code id:}, httpx-sse 0.4 and the OpenAI Python SDK dispatch an EMPTY event for a blank
 * line even when no data came. The relay writes heartbeats only between events, so the bare comment line is
 * always where a field line may start, and every conforming parser skips it.
 *
 * <p>Data must be a String (the relay's events are one-line JSON); other data is written as its toString.
 *
 * <p>Jersey's own class, so only for Jersey (Payara): not annotated {@code @Provider} (TomEE rejects a WAR with a
 * scanned provider whose types it cannot load); RelayApplication registers it when {@link SseBatch#JERSEY} is true.
 */
@Produces(MediaType.SERVER_SENT_EVENTS)
public class SseFrames implements MessageBodyWriter<OutboundEvent> {

    private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return OutboundEvent.class.isAssignableFrom(type) && MediaType.SERVER_SENT_EVENTS_TYPE.isCompatible(mediaType);
    }

    /**
     * Jersey's SSE sink ends every chunk with one line feed of its own: after field lines it makes the blank line
     * that dispatches the event, after a comment written without its line end it ends the comment line.
     */
    @Override
    public void writeTo(OutboundEvent event, Class<?> type, Type genericType, Annotation[] annotations,
                        MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out)
            throws IOException {
        if (event.getData() instanceof SseBatch batch) {
            out.write(batch.bytes());
            return;
        }
        StringBuilder frame = new StringBuilder(128);
        if (event.getComment() != null) {
            for (String line : LINE_END.split(event.getComment(), -1)) {
                frame.append(": ").append(line).append('\n');
            }
        }
        boolean fields = event.getName() != null || event.getId() != null || event.isReconnectDelaySet()
                || event.getData() != null;
        if (fields) {
            field(frame, "event", event.getName());
            field(frame, "id", event.getId());
            if (event.isReconnectDelaySet()) {
                frame.append("retry: ").append(event.getReconnectDelay()).append('\n');
            }
            if (event.getData() != null) {
                for (String line : LINE_END.split(String.valueOf(event.getData()), -1)) {
                    frame.append("data: ").append(line).append('\n');
                }
            }
        } else if (!frame.isEmpty()) {
            frame.setLength(frame.length() - 1);
        }
        out.write(frame.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void field(StringBuilder frame, String name, String value) {
        if (value != null) {
            frame.append(name).append(": ").append(value).append('\n');
        }
    }
}
