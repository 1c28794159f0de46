package io.streamrelay.testing;

import io.streamrelay.testing.Transport.Received;
import jakarta.json.JsonObject;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What the ITs ask of a stream's events as {@link Transport#events} read them back. */
public final class Events {

    private Events() {
    }

    /** The last event; fails on an empty stream rather than throwing an index error. */
    public static Received last(List<Received> events) {
        assertFalse(events.isEmpty(), "no events");
        return events.get(events.size() - 1);
    }

    /** The {@code text} fields of the events of this type ({@code token}, {@code reasoning}), joined. */
    public static String text(List<Received> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(e -> e.json().getString("text"))
                .collect(Collectors.joining());
    }

    /** The terminal error event's JSON; fails if the stream ended otherwise. */
    public static JsonObject terminalError(List<Received> events) {
        Received last = last(events);
        assertEquals("error", last.type(), "terminal event: " + last);
        return last.json();
    }

    /** Exactly one terminal event, last; ids ({@code <generation>:<seq>}, SSE only) and seqs count up from 0. */
    public static void assertSequence(Transport transport, List<Received> events, String generation) {
        for (int i = 0; i < events.size(); i++) {
            Received event = events.get(i);
            assertEquals(i, event.json().getInt("seq"), "seq of event " + i);
            assertEquals(event.type(), event.json().getString("type"));
            if (transport == Transport.SSE) {
                assertEquals(generation + ":" + i, event.id(), "SSE id of event " + i);
            }
            boolean terminal = event.type().equals("done") || event.type().equals("error");
            assertEquals(i == events.size() - 1, terminal, "only the last event is terminal: " + event);
        }
    }
}
