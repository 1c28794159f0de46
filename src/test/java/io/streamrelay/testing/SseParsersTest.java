package io.streamrelay.testing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reimplemented parsers do what their originals do, the difference that matters included. */
class SseParsersTest {

    @Test
    void afterAnIdABlankLineWithoutDataIsAnEmptyEventForHttpxSseOnly() {
        String wire = "event: token\nid: g:1\ndata: {\"a\":1}\n\n: ping\n\n";
        assertEquals(List.of(new SseParsers.Event("token", "{\"a\":1}", "g:1")), SseParsers.whatwg(wire));
        assertEquals(List.of(new SseParsers.Event("token", "{\"a\":1}", "g:1"), new SseParsers.Event("", "", "g:1")),
                SseParsers.httpxSse(wire));
    }

    @Test
    void aBareCommentLineIsNothingForBoth() {
        String wire = ": ping\nevent: token\nid: g:1\ndata: x\n\n: ping\n: ping\nevent: done\nid: g:2\ndata: y\n\n: ping\n";
        List<SseParsers.Event> expected = List.of(new SseParsers.Event("token", "x", "g:1"),
                new SseParsers.Event("done", "y", "g:2"));
        assertEquals(expected, SseParsers.whatwg(wire));
        assertEquals(expected, SseParsers.httpxSse(wire));
    }
}
