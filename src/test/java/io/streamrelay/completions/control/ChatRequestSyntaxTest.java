package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.Problem;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The corners where two JSON parsers can disagree, pinned to what the relay answered when it read bodies with
 * JSON-P (Parsson): each case was run against that reader first, so the Jackson reader accepts and refuses exactly
 * the same bodies with the same codes.
 */
class ChatRequestSyntaxTest {

    private static final int MAX_BODY = 1_048_576;

    private final ChatRequestReader reader = reader(MAX_BODY, 1_000_000);

    @Test
    void duplicateKeysAreAcceptedAndTheLastOneWins() throws IOException {
        assertEquals("b", read("{\"prompt\":\"a\",\"prompt\":\"b\"}").lastUserText());
        assertEquals("m2", read("{\"prompt\":\"a\",\"model\":\"m1\",\"model\":\"m2\"}").model());
        assertRefused(422, "invalid_prompt", () -> read("{\"prompt\":\"a\",\"prompt\":42}"));
        assertEquals("x", read("{\"prompt\":42,\"prompt\":\"x\"}").lastUserText());
        assertEquals("c", read("{\"messages\":[{\"role\":\"user\",\"content\":\"b\",\"content\":\"c\"}]}")
                .lastUserText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"prompt\":\"hi\"}]", "{\"prompt\":\"hi\"}\"", "{\"prompt\":\"hi\"}1",
        "{\"prompt\":\"hi\"}null", "{\"prompt\":\"hi\"},", "{\"prompt\":\"hi\"}\u0000", "{\"prompt\":\"hi\"} /* c */",
        "{\"prompt\":\"hi\"} // c", "{\"prompt\":\"hi\"}\u00a0", "{\"prompt\":\"hi\"}{}"})
    void anythingButWhitespaceAfterTheValueIsInvalidJson(String body) {
        assertRefused(400, "invalid_json", () -> read(body));
    }

    @Test
    void whitespaceAroundTheValueIsFine() throws IOException {
        assertEquals("hi", read(" \t\r\n{\"prompt\":\"hi\"} \t\r\n").lastUserText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "-NaN", "Infinity", "-Infinity", "+Infinity", "INF", "nan"})
    void nonNumericNumbersAreInvalidJson(String number) {
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"temperature\":" + number + "}"));
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"max_tokens\":" + number + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/* c */{\"prompt\":\"hi\"}", "{\"prompt\":/* c */\"hi\"}", "// c\n{\"prompt\":\"hi\"}",
        "# c\n{\"prompt\":\"hi\"}", "{\"prompt\":\"hi\" # c\n}"})
    void commentsAreInvalidJson(String body) {
        assertRefused(400, "invalid_json", () -> read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'prompt':\"hi\"}", "{\"prompt\":'hi'}", "{prompt:\"hi\"}", "{\"prompt\":hi}",
        "{\"prompt\":\"hi\",,\"model\":\"m\"}", "{,\"prompt\":\"hi\"}", "{\"prompt\":[\"hi\",]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},]}", "{\"prompt\":True}", "{\"prompt\":NULL}"})
    void relaxedSyntaxIsInvalidJson(String body) {
        assertRefused(400, "invalid_json", () -> read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-01", "00", "00.5", "+1", ".5", "1.", "1.e3", "1e", "1e+", "0x10", "1_000", "- 1",
        "--1", "1.5.5", "0.5f", "1d"})
    void numbersOutsideTheJsonGrammarAreInvalidJson(String number) {
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"temperature\":" + number + "}"));
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"max_tokens\":" + number + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.5", "-0.0", "2E0", "1e-400", "0.000000000000000000000000000000001",
        "1.99999999999999999999999999", "2.0000000000000000000000000001"})
    void temperaturesInTheGrammarAndTheBoundsAreKept(String temperature) throws IOException {
        assertEquals(new java.math.BigDecimal(temperature).doubleValue(),
                read("{\"prompt\":\"hi\",\"temperature\":" + temperature + "}").temperature());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400", "2.000000000000001", "1e999999999", "-0.0000001"})
    void temperaturesOutsideTheBoundsAreRefusedHoweverWritten(String temperature) {
        assertRefused(422, "invalid_temperature",
                () -> read("{\"prompt\":\"hi\",\"temperature\":" + temperature + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10E0", "5E-0", "1000000E0", "5e+0"})
    void maxTokensWrittenWithAnExponentButNoFractionAreWholeNumbers(String maxTokens) throws IOException {
        assertEquals(new java.math.BigDecimal(maxTokens).intValueExact(),
                read("{\"prompt\":\"hi\",\"max_tokens\":" + maxTokens + "}").maxTokens());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "10.00", "1E1", "1e2", "100e-1", "-0", "0.0", "1e999999999", "-1e999999999"})
    void maxTokensWithAFractionOrAScaleAreRefused(String maxTokens) {
        assertRefused(422, "invalid_max_tokens", () -> read("{\"prompt\":\"hi\",\"max_tokens\":" + maxTokens + "}"));
    }

    /** Parsson parsed number literals of up to 1100 characters, sign, dot and exponent included. */
    @Test
    void numberLiteralsUpTo1100CharactersAreJudgedByValueAndLongerOnesAreInvalidJson() throws IOException {
        String digits = "9".repeat(1100);
        assertRefused(422, "invalid_max_tokens", () -> read("{\"prompt\":\"hi\",\"max_tokens\":" + digits + "}"));
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"max_tokens\":9" + digits + "}"));
        assertRefused(422, "invalid_max_tokens",
                () -> read("{\"prompt\":\"hi\",\"max_tokens\":-" + digits.substring(1) + "}"));
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"max_tokens\":-" + digits + "}"));
        assertRefused(422, "invalid_temperature", () -> read("{\"prompt\":\"hi\",\"temperature\":" + digits + "}"));
        assertEquals(1.0, read("{\"prompt\":\"hi\",\"temperature\":0." + digits.substring(2) + "}").temperature());
        assertRefused(400, "invalid_json",
                () -> read("{\"prompt\":\"hi\",\"temperature\":0." + digits.substring(1) + "}"));
        assertEquals(1e-5, read("{\"prompt\":\"hi\",\"temperature\":1e-" + "0".repeat(1096) + "5}").temperature());
        assertRefused(400, "invalid_json",
                () -> read("{\"prompt\":\"hi\",\"temperature\":1e-" + "0".repeat(1097) + "5}"));
        assertRefused(422, "invalid_temperature",
                () -> read("{\"prompt\":\"hi\",\"temperature\":1E+" + "0".repeat(1096) + "1}"));
        assertRefused(400, "invalid_json",
                () -> read("{\"prompt\":\"hi\",\"temperature\":1E+" + "0".repeat(1097) + "1}"));
    }

    @Test
    void longNumbersInFieldsTheRelayIgnoresCountToo() throws IOException {
        assertEquals("hi", read("{\"prompt\":\"hi\",\"seed\":" + "7".repeat(1100) + "}").lastUserText());
        assertEquals("hi", read("{\"prompt\":\"hi\",\"seed\":[1e999999999,-1e-999999999]}").lastUserText());
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"seed\":" + "7".repeat(1101) + "}"));
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"hi\",\"seed\":" + "7".repeat(100_000) + "}"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, 9, 10, 13, 0x1b, 0x1f})
    void rawControlCharactersInStringsAreInvalidJson(int control) {
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"a" + (char) control + "b\"}"));
        assertRefused(400, "invalid_json", () -> read("{\"pro" + (char) control + "mpt\":\"ab\"}"));
    }

    @Test
    void rawDeleteAndEscapedControlsAreText() throws IOException {
        assertEquals("a\u007fb", read("{\"prompt\":\"a\u007fb\"}").lastUserText());
        assertEquals("a\u0000b\u001f\n\"\\/", read("{\"prompt\":\"a\\u0000b\\u001F\\n\\\"\\\\\\/\"}").lastUserText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\x41", "\\u12", "\\u12G4", "\\a", "\\'", "\\U0041", "\\u", "\\uD8"})
    void invalidEscapesAreInvalidJson(String escape) {
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":\"a" + escape + "b\"}"));
    }

    @Test
    void escapedSurrogatesArePassedOnAsTheyCameEvenWhenLone() throws IOException {
        assertEquals("a\uD83D\uDE00b", read("{\"prompt\":\"a\\ud83d\\ude00b\"}").lastUserText());
        assertEquals("a\uD800b", read("{\"prompt\":\"a\\ud800b\"}").lastUserText());
        assertEquals("a\uDC00", read("{\"prompt\":\"a\\uDC00\"}").lastUserText());
        assertEquals("\uDE00\uD83D", read("{\"prompt\":\"\\ude00\\ud83d\"}").lastUserText());
    }

    @Test
    void aByteOrderMarkBeforeTheValueIsInvalidJson() {
        assertRefused(400, "invalid_json", () -> read("\uFEFF{\"prompt\":\"hi\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EF BF BE", "F4 8F BF BF", "EF BF BF"})
    void noncharactersAreValidUtf8AndText(String hex) throws IOException {
        byte[] bytes = java.util.HexFormat.ofDelimiter(" ").parseHex(hex);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals("a" + text, reader.fromBody("application/json", new ByteArrayInputStream(
                concat("{\"prompt\":\"a".getBytes(StandardCharsets.UTF_8), bytes, "\"}".getBytes(StandardCharsets.UTF_8))))
                .lastUserText());
    }

    @Test
    void nestingUpTo999LevelsIsJsonAndDeeperIsInvalidJson() {
        assertRefused(422, "invalid_request", () -> read("[".repeat(999) + "]".repeat(999)));
        assertRefused(400, "invalid_json", () -> read("[".repeat(1000) + "]".repeat(1000)));
        assertRefused(422, "invalid_prompt", () -> read("{\"prompt\":" + "[".repeat(998) + "]".repeat(998) + "}"));
        assertRefused(400, "invalid_json", () -> read("{\"prompt\":" + "[".repeat(999) + "]".repeat(999) + "}"));
        assertRefused(422, "missing_messages", () -> read("{\"x\":".repeat(999) + "1" + "}".repeat(999)));
        assertRefused(400, "invalid_json", () -> read("{\"x\":".repeat(1000) + "1" + "}".repeat(1000)));
    }

    @Test
    void nestingInsideAnIgnoredFieldCountsToo() throws IOException {
        assertEquals("hi", read("{\"prompt\":\"hi\",\"x\":" + "{\"a\":".repeat(998) + "1" + "}".repeat(998) + "}")
                .lastUserText());
        assertRefused(400, "invalid_json",
                () -> read("{\"prompt\":\"hi\",\"x\":" + "{\"a\":".repeat(999) + "1" + "}".repeat(999) + "}"));
    }

    @Test
    void bigStringsNamesAndManyKeysUpToTheBodyBoundAreRead() throws IOException {
        String big = "é".repeat(400_000);
        assertEquals(big, read("{\"prompt\":\"" + big + "\"}").lastUserText());
        assertEquals("hi", read("{\"" + "k".repeat(900_000) + "\":1,\"prompt\":\"hi\"}").lastUserText());
        StringBuilder many = new StringBuilder("{\"prompt\":\"hi\"");
        for (int i = 0; many.length() < 1_000_000; i++) {
            many.append(",\"k").append(Integer.toString(i, 36)).append("\":").append(i);
        }
        assertEquals("hi", read(many.append('}').toString()).lastUserText());
        StringBuilder array = new StringBuilder("{\"prompt\":\"hi\",\"x\":[0");
        while (array.length() < 1_000_000) {
            array.append(",0");
        }
        assertEquals("hi", read(array.append("]}").toString()).lastUserText());
    }

    private static ChatRequestReader reader(int maxBodyBytes, int maxMessageChars) {
        RelaySettings settings = new RelaySettings();
        settings.maxBodyBytes = maxBodyBytes;
        settings.maxMessages = 500;
        settings.maxMessageChars = maxMessageChars;
        settings.maxTokens = 1_000_000;
        settings.allowedModels = java.util.Optional.empty();
        ChatRequestReader reader = new ChatRequestReader();
        reader.settings = settings;
        return reader;
    }

    private ChatRequest read(String body) throws IOException {
        return reader.fromBody("application/json", new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(int status, String code, org.junit.jupiter.api.function.Executable call) {
        Problem problem = assertThrows(ProblemException.class, call).problem();
        assertEquals(status + " " + code, problem.status() + " " + problem.code());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
