package io.streamrelay.completions.boundary;

import io.streamrelay.completions.entity.StreamEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A batch is one pre-encoded frame; Jersey's sink adds one line feed after it (SseFrames' docs). */
class SseBatchTest {

    private static String encoded(List<StreamEvent> events) {
        return new String(SseBatch.encode(events, "g1").bytes(), StandardCharsets.UTF_8) + "\n";
    }

    @Test
    void eachEventIsDispatchedByItsBlankLineAndTheLastByJerseys() {
        assertEquals("event: token\nid: g1:1\ndata: {\"type\":\"token\",\"seq\":1,\"text\":\"é\\n\"}\n\n"
                        + "event: token\nid: g1:2\ndata: {\"type\":\"token\",\"seq\":2,\"text\":\"b\"}\n\n",
                encoded(List.of(new StreamEvent.Token(1, "é\n"), new StreamEvent.Token(2, "b"))));
    }

    @Test
    void aPingIsItsCommentLineAloneWhereverItComes() {
        assertEquals(": ping\n", encoded(List.of(new StreamEvent.Ping())));
        assertEquals("event: token\nid: g1:3\ndata: {\"type\":\"token\",\"seq\":3,\"text\":\"c\"}\n\n: ping\n"
                        + "event: token\nid: g1:4\ndata: {\"type\":\"token\",\"seq\":4,\"text\":\"d\"}\n\n",
                encoded(List.of(new StreamEvent.Token(3, "c"), new StreamEvent.Ping(), new StreamEvent.Token(4, "d"))));
    }
}
