package io.streamrelay.completions.control;

import io.streamrelay.completions.entity.StreamEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay log: order, replay from any cursor, and bounds that always leave room for the terminal event. */
class ReplayLogTest {

    @Test
    void replaysEverythingAfterAnyCursorIncludingPastTheEnd() {
        ReplayLog log = new ReplayLog(100, 1 << 20);
        assertEquals(-1, log.lastSeq());
        log.append(new StreamEvent.Start(0, "g", "m"));
        log.append(new StreamEvent.Token(1, "a"));
        log.append(new StreamEvent.Token(2, "b"));
        assertEquals(2, log.lastSeq());
        assertEquals(3, log.after(-1).size());
        assertEquals(List.of(new StreamEvent.Token(2, "b")), log.after(1));
        assertEquals(List.of(), log.after(2));
        assertEquals(List.of(), log.after(99));
        assertEquals("ab", log.text());
    }

    @Test
    void theEventBoundKeepsOneSlotForTheTerminalEvent() {
        ReplayLog log = new ReplayLog(3, 1 << 20);
        log.append(new StreamEvent.Start(0, "g", "m"));
        assertTrue(log.fits(new StreamEvent.Token(1, "a")));
        log.append(new StreamEvent.Token(1, "a"));
        assertFalse(log.fits(new StreamEvent.Token(2, "b")), "the third slot is the terminal event's");
    }

    @Test
    void theByteBoundCountsTextAndKeepsRoomForTheTerminalEvent() {
        ReplayLog log = new ReplayLog(1000, (64 + 2 * 32) + (64 + 2 * 10) + 256); // start, ten chars, the reserve
        log.append(new StreamEvent.Start(0, "g", "m"));
        assertTrue(log.fits(new StreamEvent.Token(1, "0123456789")));
        assertFalse(log.fits(new StreamEvent.Token(1, "0123456789x")));
    }
}
