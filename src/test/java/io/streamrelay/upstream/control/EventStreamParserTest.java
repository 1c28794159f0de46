package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.ServerSentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventStreamParserTest {

    private static final int ROOMY = 1 << 20;

    /** One WHATWG vector: the bytes of a stream and the events it must dispatch. */
    record Vector(String name, byte[] input, List<ServerSentEvent> expected) {
        Vector(String name, String input, ServerSentEvent... expected) {
            this(name, input.getBytes(StandardCharsets.UTF_8), List.of(expected));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Vector> vectors() {
        return Stream.of(
                new Vector("LF ends lines", "data: a\n\n", message("a")),
                new Vector("CR ends lines", "data: a\r\r", message("a")),
                new Vector("CRLF ends lines", "data: a\r\n\r\n", message("a")),
                new Vector("CRLF is one line end, not a line and a blank line",
                        "data: a\r\ndata: b\r\n\r\n", message("a\nb")),
                new Vector("CR CR is a line end and a blank line", "data: a\r\rdata: b\r\r",
                        message("a"), message("b")),
                new Vector("mixed line ends in one stream", "data: a\rdata: b\ndata: c\r\n\n",
                        message("a\nb\nc")),
                new Vector("comment line alone dispatches nothing", ": keep-alive\n\n"),
                new Vector("comment lines before an event are skipped",
                        ": keep-alive\n\n: keep-alive\r\n\r\ndata: x\n\n", message("x")),
                new Vector("comment inside an event does not end or change it",
                        "data: a\n: note\ndata: b\n\n", message("a\nb")),
                new Vector("value without a space after the colon", "data:x\n\n", message("x")),
                new Vector("exactly one leading space is dropped", "data: x\n\n", message("x")),
                new Vector("a second leading space is kept", "data:  x\n\n", message(" x")),
                new Vector("trailing spaces are kept", "data: x \n\n", message("x ")),
                new Vector("a tab after the colon is kept", "data:\tx\n\n", message("\tx")),
                new Vector("value splits at the first colon only", "data: a:b: c\n\n", message("a:b: c")),
                new Vector("line without a colon is a field with empty value", "data\n\n", message("")),
                new Vector("data with empty value dispatches empty data", "data:\n\n", message("")),
                new Vector("two empty data lines give one newline", "data\ndata\n\n", message("\n")),
                new Vector("data lines join with LF", "data: a\ndata: b\ndata: c\n\n", message("a\nb\nc")),
                new Vector("an empty data line in the middle is kept", "data: a\ndata:\ndata: b\n\n",
                        message("a\n\nb")),
                new Vector("event without data is not dispatched", "event: delta\n\n"),
                new Vector("event type of an undispatched event does not leak into the next",
                        "event: delta\n\ndata: a\n\n", message("a")),
                new Vector("event field sets the type", "event: delta\ndata: a\n\n",
                        new ServerSentEvent("delta", "a", "")),
                new Vector("type resets to message after dispatch", "event: delta\ndata: a\n\ndata: b\n\n",
                        new ServerSentEvent("delta", "a", ""), message("b")),
                new Vector("empty event field means message", "event:\ndata: a\n\n", message("a")),
                new Vector("id sets the last event id", "id: 7\ndata: a\n\n",
                        new ServerSentEvent("message", "a", "7")),
                new Vector("last event id persists across events", "id: 7\ndata: a\n\ndata: b\n\n",
                        new ServerSentEvent("message", "a", "7"), new ServerSentEvent("message", "b", "7")),
                new Vector("id on an event without data still sets the last event id",
                        "id: 7\n\ndata: a\n\n", new ServerSentEvent("message", "a", "7")),
                new Vector("empty id resets the last event id", "id: 7\ndata: a\n\nid\ndata: b\n\n",
                        new ServerSentEvent("message", "a", "7"), message("b")),
                new Vector("id containing NUL is ignored", "id: 7\ndata: a\n\nid: 8\u0000x\ndata: b\n\n",
                        new ServerSentEvent("message", "a", "7"), new ServerSentEvent("message", "b", "7")),
                new Vector("unknown fields and retry are ignored",
                        "foo: bar\nretry: 1000\nretry: soon\ndata: a\n\n", message("a")),
                new Vector("field names are case-sensitive", "Data: a\n\n"),
                new Vector("a space before the field name makes it unknown", " data: a\n\n"),
                new Vector("one leading BOM is ignored", "\uFEFFdata: a\n\n", message("a")),
                new Vector("a second leading BOM is part of the field name", "\uFEFF\uFEFFdata: a\n\n"),
                new Vector("a BOM after the start is part of the field name",
                        "data: a\n\n\uFEFFdata: b\n\n", message("a")),
                new Vector("a BOM inside a value is kept", "data: \uFEFFa\n\n", message("\uFEFFa")),
                // Dropping a partial BOM would turn the line into a valid data field.
                new Vector("a partial BOM at the start is not dropped",
                        concat(new byte[] {(byte) 0xEF, (byte) 0xBB}, utf8Bytes("data: a\n\n")), List.of()),
                new Vector("unfinished event at end of input is discarded", "data: a\n"),
                new Vector("unterminated line at end of input is discarded", "data: a"),
                new Vector("only the unfinished last event is discarded", "data: a\n\ndata: b\n",
                        message("a")),
                new Vector("extra blank lines dispatch nothing more", "\n\ndata: a\n\n\n\n", message("a")),
                new Vector("empty input dispatches nothing", ""),
                new Vector("DONE marker is ordinary data", "data: [DONE]\n\n", message("[DONE]")),
                new Vector("a DeepSeek stream with keep-alives, chunks and DONE", deepSeekStream(),
                        message(DEEPSEEK_ROLE_CHUNK), message(DEEPSEEK_TEXT_CHUNK), message("[DONE]")));
    }

    private static final String DEEPSEEK_ROLE_CHUNK = "{\"id\":\"5f2b5a0e-8f64-4a6c-9d7e-3b0c1a2f9e11\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"deepseek-chat\","
            + "\"system_fingerprint\":\"fp_f1afce2943_prod0820_fp8_kvcache\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}";
    private static final String DEEPSEEK_TEXT_CHUNK = "{\"id\":\"5f2b5a0e-8f64-4a6c-9d7e-3b0c1a2f9e11\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"deepseek-chat\","
            + "\"system_fingerprint\":\"fp_f1afce2943_prod0820_fp8_kvcache\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"你好 😀 é\"},\"logprobs\":null,\"finish_reason\":null}]}";

    private static String deepSeekStream() {
        return ": keep-alive\n\n: keep-alive\n\ndata: " + DEEPSEEK_ROLE_CHUNK + "\n\ndata: " + DEEPSEEK_TEXT_CHUNK
                + "\n\ndata: [DONE]\n\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void wholeInputDispatchesExpectedEvents(Vector vector) {
        assertEquals(vector.expected(), parse(vector.input()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void inputSplitAtEveryOffsetDispatchesSameEvents(Vector vector) {
        byte[] input = vector.input();
        for (int cut = 0; cut <= input.length; cut++) {
            assertEquals(vector.expected(), parse(input, cut), "split at byte " + cut);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void inputFedByteByByteDispatchesSameEvents(Vector vector) {
        byte[] input = vector.input();
        int[] everyByte = new int[Math.max(0, input.length - 1)];
        Arrays.setAll(everyByte, i -> i + 1);
        assertEquals(vector.expected(), parse(input, everyByte));
    }

    @Test
    void crLfPairSplitAcrossFeedsEndsOneLine() {
        List<ServerSentEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add, ROOMY);
        parser.feed(utf8("data: a\r"));
        parser.feed(utf8("\ndata: b\r\n\r\n"));
        // Were the LF taken as a second line end, "a" would have gone out alone as its own event.
        assertEquals(List.of(message("a\nb")), events);
    }

    @Test
    void crAtEndOfFeedFollowedByOtherByteStillEndsTheLine() {
        List<ServerSentEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add, ROOMY);
        parser.feed(utf8("data: a\r"));
        parser.feed(utf8("\r"));
        assertEquals(List.of(message("a")), events);
    }

    @Test
    void emptyFeedsChangeNothing() {
        List<ServerSentEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add, ROOMY);
        parser.feed(ByteBuffer.allocate(0));
        parser.feed(utf8("data: a\r"));
        parser.feed(ByteBuffer.allocate(0));
        parser.feed(utf8("\n\n"));
        assertEquals(List.of(message("a")), events);
    }

    @Test
    void feedReadsOnlyBetweenPositionAndLimitAndConsumesIt() {
        List<ServerSentEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add, ROOMY);
        byte[] bytes = "xxdata: a\n\nyy".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 2, bytes.length - 4);
        parser.feed(buffer);
        assertEquals(List.of(message("a")), events);
        assertEquals(0, buffer.remaining());
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "你", "😀", "aé你😀b", "😀😀"})
    void multiByteCharactersSplitAtEveryOffsetStayWhole(String text) {
        byte[] input = ("event: " + text + "\nid: " + text + "\ndata: " + text + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        List<ServerSentEvent> expected = List.of(new ServerSentEvent(text, text, text));
        // Two cuts give three feeds, so a 3- or 4-byte character is also split into three parts.
        for (int first = 0; first <= input.length; first++) {
            for (int second = first; second <= input.length; second++) {
                assertEquals(expected, parse(input, first, second), "cut at " + first + " and " + second);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "你", "😀", "aé你😀b"})
    void multiByteCharactersFedByteByByteStayWhole(String text) {
        byte[] input = ("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
        int[] everyByte = new int[input.length - 1];
        Arrays.setAll(everyByte, i -> i + 1);
        assertEquals(List.of(message(text)), parse(input, everyByte));
    }

    @Test
    void malformedUtf8BecomesReplacementCharacter() {
        byte[] input = concat(utf8Bytes("data: a"), new byte[] {(byte) 0xFF}, utf8Bytes("b\n\n"));
        assertEquals(List.of(message("a\uFFFDb")), parse(input));
    }

    @Test
    void truncatedSequenceBeforeLineEndBecomesOneReplacementCharacter() {
        byte[] input = concat(utf8Bytes("data: a"), new byte[] {(byte) 0xE4, (byte) 0xBD}, utf8Bytes("\n\n"));
        assertEquals(List.of(message("a\uFFFD")), parse(input));
    }

    @Test
    void lineOfExactlyMaxLineBytesIsAccepted() {
        String value = "x".repeat(1000 - "data: ".length());
        List<ServerSentEvent> events = new ArrayList<>();
        new EventStreamParser(events::add, 1000).feed(utf8("data: " + value + "\n\n"));
        assertEquals(List.of(message(value)), events);
    }

    @Test
    void lineLongerThanMaxLineBytesThrows() {
        EventStreamParser parser = new EventStreamParser(event -> { }, 1000);
        ByteBuffer line = utf8("data: " + "x".repeat(1001 - "data: ".length()));
        assertThrows(IllegalStateException.class, () -> parser.feed(line));
    }

    @Test
    void lineLongerThanMaxLineBytesThrowsWhenFedByteByByte() {
        EventStreamParser parser = new EventStreamParser(event -> { }, 1000);
        byte[] line = utf8Bytes("data: " + "x".repeat(1001 - "data: ".length()));
        for (int i = 0; i < 1000; i++) {
            parser.feed(ByteBuffer.wrap(line, i, 1));
        }
        assertThrows(IllegalStateException.class, () -> parser.feed(ByteBuffer.wrap(line, 1000, 1)));
    }

    @Test
    void boundIsPerLineSoManyLinesBelowItAreFine() {
        String value = "x".repeat(90);
        List<ServerSentEvent> events = new ArrayList<>();
        new EventStreamParser(events::add, 100).feed(utf8(("data: " + value + "\n").repeat(50) + "\n"));
        assertEquals(List.of(message(String.join("\n", Collections.nCopies(50, value)))), events);
    }

    @Test
    void longLineWithinBoundIsKeptWhole() {
        String value = "é你😀".repeat(5000);
        List<ServerSentEvent> events = new ArrayList<>();
        new EventStreamParser(events::add, ROOMY).feed(utf8("data: " + value + "\n\n"));
        assertEquals(List.of(message(value)), events);
    }

    @Test
    void lineLongerThanASmallBoundThrows() {
        EventStreamParser parser = new EventStreamParser(event -> { }, 16);
        ByteBuffer line = utf8("data: 0123456789x");
        assertThrows(IllegalStateException.class, () -> parser.feed(line));
    }

    private static ServerSentEvent message(String data) {
        return new ServerSentEvent("message", data, "");
    }

    /** Parses {@code input} fed in pieces that end at each of {@code cuts} (ascending). */
    private static List<ServerSentEvent> parse(byte[] input, int... cuts) {
        List<ServerSentEvent> events = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser(events::add, ROOMY);
        int from = 0;
        for (int cut : cuts) {
            parser.feed(ByteBuffer.wrap(Arrays.copyOfRange(input, from, cut)));
            from = cut;
        }
        parser.feed(ByteBuffer.wrap(Arrays.copyOfRange(input, from, input.length)));
        return events;
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(utf8Bytes(text));
    }

    private static byte[] utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
