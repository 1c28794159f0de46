package io.streamrelay.completions.entity;

import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.Usage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamEventJsonTest {

    @Test
    void startJsonCarriesGenerationAndModel() {
        assertEquals("{\"type\":\"start\",\"seq\":0,\"generation\":\"g-7f3a\",\"model\":\"deepseek-chat\"}",
                new StreamEvent.Start(0, "g-7f3a", "deepseek-chat").json());
    }

    @Test
    void tokenJsonCarriesTheTextAsGiven() {
        assertEquals("{\"type\":\"token\",\"seq\":3,\"text\":\" Hello\"}", new StreamEvent.Token(3, " Hello").json());
    }

    @Test
    void reasoningJsonCarriesTheText() {
        assertEquals("{\"type\":\"reasoning\",\"seq\":2,\"text\":\"Okay\"}", new StreamEvent.Reasoning(2, "Okay").json());
    }

    @Test
    void doneJsonWithReportedUsage() {
        assertEquals("{\"type\":\"done\",\"seq\":9,\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":11,"
                        + "\"completion_tokens\":9,\"total_tokens\":20}}",
                new StreamEvent.Done(9, "stop", new Usage(11, 9, 20, false)).json());
    }

    @Test
    void doneJsonWithEstimatedUsageSaysSo() {
        assertEquals("{\"type\":\"done\",\"seq\":5,\"finish_reason\":\"length\",\"usage\":{\"prompt_tokens\":0,"
                        + "\"completion_tokens\":4,\"total_tokens\":4,\"estimated\":true}}",
                new StreamEvent.Done(5, "length", new Usage(0, 4, 4, true)).json());
    }

    @Test
    void doneJsonWithoutFinishReasonWritesNull() {
        assertEquals("{\"type\":\"done\",\"seq\":1,\"finish_reason\":null,\"usage\":{\"prompt_tokens\":1,"
                        + "\"completion_tokens\":0,\"total_tokens\":1}}",
                new StreamEvent.Done(1, null, new Usage(1, 0, 1, false)).json());
    }

    @Test
    void errorJsonCarriesCodeMessageAndRetryable() {
        assertEquals("{\"type\":\"error\",\"seq\":4,\"code\":\"upstream_failed\",\"message\":\"the upstream closed "
                        + "the stream\",\"retryable\":true}",
                new StreamEvent.Failure(4, ErrorCode.UPSTREAM_FAILED, "the upstream closed the stream", true).json());
    }

    @Test
    void pingJsonHasNoSeq() {
        StreamEvent.Ping ping = new StreamEvent.Ping();
        assertEquals("{\"type\":\"ping\"}", ping.json());
        assertEquals(-1, ping.seq());
    }

    @Test
    void onlyDoneAndErrorAreTerminal() {
        assertTrue(new StreamEvent.Done(1, "stop", new Usage(0, 0, 0, false)).terminal());
        assertTrue(new StreamEvent.Failure(1, ErrorCode.INTERNAL_ERROR, "m", false).terminal());
        assertFalse(new StreamEvent.Start(0, "g", "m").terminal());
        assertFalse(new StreamEvent.Token(1, "t").terminal());
        assertFalse(new StreamEvent.Reasoning(1, "t").terminal());
        assertFalse(new StreamEvent.Ping().terminal());
    }

    @Test
    void appendJsonAddsToWhatIsAlreadyInTheBuffer() {
        StringBuilder out = new StringBuilder("data: ");
        new StreamEvent.Token(1, "x").appendJson(out);
        assertEquals("data: {\"type\":\"token\",\"seq\":1,\"text\":\"x\"}", out.toString());
    }

    @Test
    void specialCharactersUseShortEscapesOrLowercaseHex() {
        String text = "\"\\/\n\r\t\b\f\u0000\u001f\u007f\u2028\u2029";
        assertEquals("{\"type\":\"token\",\"seq\":1,\"text\":\"\\\"\\\\/\\n\\r\\t\\b\\f\\u0000\\u001f\u007f"
                + "\\u2028\\u2029\"}", new StreamEvent.Token(1, text).json());
    }

    @Test
    void nonAsciiAndSurrogatePairsTravelRaw() {
        assertEquals("{\"type\":\"token\",\"seq\":1,\"text\":\"é你😀\"}", new StreamEvent.Token(1, "é你😀").json());
    }

    @Test
    void loneSurrogatesAreEscaped() {
        // A lone surrogate has no UTF-8 form; raw it would leave the encoder as '?'.
        assertEquals("{\"type\":\"token\",\"seq\":1,\"text\":\"a\\ud83db\\ude00\\ude00\\ud83d\"}",
                new StreamEvent.Token(1, "a\uD83Db\uDE00\uDE00\uD83D").json());
    }

    @Test
    void randomTextNeverBreaksTheLineAndParsesBackExactly() {
        Random random = new Random(20240611L);
        for (int i = 0; i < 5000; i++) {
            String text = randomText(random);
            String json = new StreamEvent.Token(i, text).json();
            String where = "case " + i + ": " + json;
            assertFalse(json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0, where);
            assertFalse(json.indexOf('\u2028') >= 0 || json.indexOf('\u2029') >= 0, where);
            byte[] wire = json.getBytes(StandardCharsets.UTF_8);
            // The JSON must survive UTF-8 encoding unchanged, which only holds if no lone surrogate is raw.
            assertEquals(json, new String(wire, StandardCharsets.UTF_8), where);
            if (!hasLoneSurrogate(text)) {
                assertEquals(text, parse(wire).getString("text"), where);
            }
        }
    }

    @Test
    void randomTextWithLoneSurrogatesParsesBackToTheSameCodeUnits() {
        Random random = new Random(7L);
        int checked = 0;
        for (int i = 0; i < 5000; i++) {
            String text = randomText(random);
            if (hasLoneSurrogate(text)) {
                checked++;
                byte[] wire = new StreamEvent.Failure(i, ErrorCode.INTERNAL_ERROR, text, false).json().getBytes(StandardCharsets.UTF_8);
                assertEquals(text, parse(wire).getString("message"), "case " + i);
            }
        }
        assertTrue(checked > 100, "the generator must produce lone surrogates, got " + checked);
    }

    private static final String[] PIECES = {
        "a", "Z", "0", " ", "\"", "\\", "/", "\r", "\n", "\r\n", "\t", "\u2028", "\u2029", "\u007f", "é",
        "你", "好", "こ", "😀", "🚀", "\uD83D", "\uDE00", "{", "}", ":", ",", "data:", "\u00a0", "\uFEFF"
    };

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(24);
        for (int i = 0; i < length; i++) {
            // One draw in four is a raw control character, so all of U+0000..U+001F come up often.
            if (random.nextInt(4) == 0) {
                text.append((char) random.nextInt(0x20));
            } else {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return text.toString();
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static JsonObject parse(byte[] wire) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(wire))) {
            return reader.readObject();
        }
    }
}
