package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.Problem;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatRequestReaderTest {

    private static final String JSON = "application/json";

    private final ChatRequestReader reader = reader(1_048_576, 500, 200_000);

    @Test
    void messagesBodyWithAllOptionsIsRead() throws IOException {
        ChatRequest request = read("{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"Be brief.\"},{\"role\":\"user\",\"content\":\"Grüße 你好 😀\"},{\"role\":\"assistant\","
                + "\"content\":\"\"}],\"temperature\":0.7,\"max_tokens\":256,\"stream\":true}");
        assertEquals(new ChatRequest(List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "Grüße 你好 😀"), new ChatMessage("assistant", "")),
                "deepseek-chat", 0.7, 256), core(request));
    }

    @Test
    void omittedOrNullOptionsAreNull() throws IOException {
        ChatRequest expected = new ChatRequest(List.of(new ChatMessage("user", "hi")), null, null, null);
        assertEquals(expected, core(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
        assertEquals(expected, core(read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":null,"
                + "\"temperature\":null,\"max_tokens\":null}")));
    }

    @Test
    void promptShorthandIsOneUserMessage() throws IOException {
        assertEquals(new ChatRequest(List.of(new ChatMessage("user", "Write a haiku")), "m", null, 10),
                core(read("{\"prompt\":\"Write a haiku\",\"model\":\"m\",\"max_tokens\":10}")));
    }

    @Test
    void queryFormIsOneUserMessage() {
        assertEquals(new ChatRequest(List.of(new ChatMessage("user", "你好")), null, null, null),
                reader.fromQuery("你好", null));
        assertEquals(new ChatRequest(List.of(new ChatMessage("user", "hi")), "deepseek-chat", null, null),
                reader.fromQuery("hi", "deepseek-chat"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n"})
    void queryWithoutPromptIsRefused(String prompt) {
        assertRefused(422, "missing_prompt", () -> reader.fromQuery(prompt, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a\nb"})
    void queryWithInvalidModelIsRefused(String model) {
        assertRefused(422, "invalid_model", () -> reader.fromQuery("hi", model));
    }

    @Test
    void queryPromptOverTheLengthLimitIsRefused() {
        assertRefused(422, "message_too_long", () -> reader(1024, 10, 5).fromQuery("123456", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"messages\":", "{\"prompt\":\"hi\",}", "{'prompt':'hi'}", "", "   ", "nul",
        "{\"prompt\":\"hi\" \"model\":\"m\"}"})
    void malformedJsonIsInvalidJson(String body) {
        assertRefused(400, "invalid_json", () -> read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"FF", "C328", "C0AF", "EDA080", "F4908080", "E4BD"})
    void invalidUtf8IsInvalidEncoding(String hex) {
        byte[] body = concat("{\"prompt\":\"a".getBytes(StandardCharsets.UTF_8), hex(hex),
                "\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(400, "invalid_encoding", () -> reader.fromBody(JSON, new ByteArrayInputStream(body)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"prompt\":\"hi\"}]", "\"hi\"", "42", "true", "null"})
    void bodyThatIsNotAnObjectIsRefused(String body) {
        assertRefused(422, "invalid_request", () -> read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"model\":\"m\"}", "{\"message\":[{\"role\":\"user\",\"content\":\"hi\"}]}"})
    void bodyWithoutMessagesOrPromptIsRefused(String body) {
        assertRefused(422, "missing_messages", () -> read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"messages\":[{\"role\":1,\"content\":\"hi\"}]}",
        "{\"messages\":[{\"role\":\"tool\",\"content\":\"hi\"}]}",
        "{\"messages\":[{\"role\":\"User\",\"content\":\"hi\"}]}",
        "{\"messages\":[{\"content\":\"hi\"}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":null}]}",
        "{\"messages\":[{\"role\":\"user\"}]}",
        "{\"messages\":[\"hi\"]}",
        "{\"messages\":[null]}",
        "{\"messages\":\"hi\"}",
        "{\"messages\":{\"role\":\"user\",\"content\":\"hi\"}}",
        "{\"messages\":null}",
        "{\"messages\":[]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":7}]}"
    })
    void messagesOfTheWrongShapeAreRefused(String body) {
        assertRefused(422, "invalid_messages", () -> read(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"prompt\":\"hi\"}}", "{\"prompt\":\"hi\"} {\"prompt\":\"other\"}",
        "{\"prompt\":\"hi\"} trailing"})
    void trailingContentAfterTheJsonValueIsInvalidJson(String body) {
        assertRefused(400, "invalid_json", () -> read(body));
    }

    @Test
    void promptAndMessagesTogetherAreRefused() {
        assertRefused(422, "invalid_request", () -> read("{\"prompt\":\"hi\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"   \"", "\"\\n\\t\"", "42", "null", "[\"hi\"]"})
    void promptThatIsNotANonBlankStringIsRefused(String prompt) {
        assertRefused(422, "invalid_prompt", () -> read("{\"prompt\":" + prompt + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-0.1", "2.0001", "3", "1e400", "\"0.5\"", "true"})
    void temperatureOutsideZeroToTwoIsRefused(String temperature) {
        assertRefused(422, "invalid_temperature", () -> read("{\"prompt\":\"hi\",\"temperature\":" + temperature + "}"));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 2, 1.25})
    void temperatureAtOrInsideTheBoundsIsKept(double temperature) throws IOException {
        assertEquals(temperature, read("{\"prompt\":\"hi\",\"temperature\":" + temperature + "}").temperature());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "1000001", "2147483648", "99999999999999999999", "1e100", "\"5\"",
        "[5]"})
    void maxTokensOutsideOneToAMillionIsRefused(String maxTokens) {
        assertRefused(422, "invalid_max_tokens", () -> read("{\"prompt\":\"hi\",\"max_tokens\":" + maxTokens + "}"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4096, 1_000_000})
    void maxTokensFromOneToAMillionIsKept(int maxTokens) throws IOException {
        assertEquals(maxTokens, read("{\"prompt\":\"hi\",\"max_tokens\":" + maxTokens + "}").maxTokens());
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"\"", "\" \"", "\"a\\u0000b\"", "{}"})
    void invalidModelIsRefused(String model) {
        assertRefused(422, "invalid_model", () -> read("{\"prompt\":\"hi\",\"model\":" + model + "}"));
    }

    @Test
    void modelOfTwoHundredCharactersIsKeptAndOneMoreIsRefused() throws IOException {
        String name = "m".repeat(200);
        assertEquals(name, read("{\"prompt\":\"hi\",\"model\":\"" + name + "\"}").model());
        assertRefused(422, "invalid_model", () -> read("{\"prompt\":\"hi\",\"model\":\"" + name + "m\"}"));
    }

    @Test
    void moreMessagesThanTheLimitAreRefused() throws IOException {
        ChatRequestReader limited = reader(1024, 2, 100);
        String message = "{\"role\":\"user\",\"content\":\"hi\"}";
        assertEquals(2, read(limited, "{\"messages\":[" + message + "," + message + "]}").messages().size());
        assertRefused(422, "too_many_messages",
                () -> read(limited, "{\"messages\":[" + message + "," + message + "," + message + "]}"));
    }

    @Test
    void messageOverTheLengthLimitIsRefused() throws IOException {
        ChatRequestReader limited = reader(1024, 10, 5);
        assertEquals("12345", read(limited, "{\"prompt\":\"12345\"}").lastUserText());
        assertRefused(422, "message_too_long", () -> read(limited, "{\"prompt\":\"123456\"}"));
        assertRefused(422, "message_too_long",
                () -> read(limited, "{\"messages\":[{\"role\":\"system\",\"content\":\"123456\"}]}"));
    }

    @Test
    void bodyOfExactlyMaxBytesIsReadAndOneMoreIsTooLarge() throws IOException {
        String body = "{\"prompt\":\"hi\"}";
        ChatRequestReader limited = reader(body.length(), 10, 100);
        assertEquals("hi", read(limited, body).lastUserText());
        assertRefused(413, "body_too_large", () -> read(limited, body + " "));
    }

    @Test
    void bodyFarOverMaxBytesIsTooLargeBeforeBeingParsed() {
        // Not JSON at all: the size must be refused before the content is looked at.
        byte[] body = new byte[64 * 1024];
        assertRefused(413, "body_too_large",
                () -> reader(1024, 10, 100).fromBody(JSON, new ByteArrayInputStream(body)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json",
        "application/problem+json", "application/json; charset=iso-8859-1", "application/json; charset=utf-16"})
    void bodyThatIsNotUtf8JsonIsUnsupportedMediaType(String contentType) {
        assertRefused(415, "unsupported_media_type", () -> reader.fromBody(contentType,
                new ByteArrayInputStream("{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
        "Application/JSON", "application/json; charset=\"utf-8\"", " application/json ; charset = utf-8"})
    void jsonContentTypesAreAccepted(String contentType) throws IOException {
        ChatRequest request = reader.fromBody(contentType,
                new ByteArrayInputStream("{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hi", request.lastUserText());
    }

    @Test
    void deeplyNestedArrayIsAClientErrorNotAnError() {
        String body = "[".repeat(100_000) + "]".repeat(100_000);
        assertClientError(() -> read(body));
    }

    @Test
    void deeplyNestedUnclosedArrayIsAClientErrorNotAnError() {
        assertClientError(() -> read("[".repeat(100_000)));
    }

    @Test
    void deeplyNestedValueInsideAValidRequestIsAClientErrorNotAnError() {
        String deep = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
        assertClientError(() -> read("{\"prompt\":\"hi\",\"extra\":" + deep + "}"));
    }

    @Test
    void aModelOutsideTheAllowedListIsRefusedAndLeavingItOutIsFine() throws IOException {
        ChatRequestReader limited = reader(4096, 10, 100);
        limited.settings.allowedModels = java.util.Optional.of("deepseek-chat, deepseek-reasoner");
        assertEquals("deepseek-reasoner", read(limited, "{\"prompt\":\"hi\",\"model\":\"deepseek-reasoner\"}").model());
        assertNull(read(limited, "{\"prompt\":\"hi\"}").model());
        ProblemException refused = assertThrows(ProblemException.class,
                () -> read(limited, "{\"prompt\":\"hi\",\"model\":\"gpt-4o\"}"));
        assertEquals(422, refused.problem().status());
        assertEquals("model_not_allowed", refused.problem().code());
        assertEquals("model_not_allowed", assertThrows(ProblemException.class,
                () -> limited.fromQuery("hi", "gpt-4o")).problem().code());
    }

    @Test
    void maxTokensAboveTheConfiguredBoundIsRefused() throws IOException {
        ChatRequestReader limited = reader(4096, 10, 100);
        limited.settings.maxTokens = 4096;
        assertEquals(4096, read(limited, "{\"prompt\":\"hi\",\"max_tokens\":4096}").maxTokens());
        assertEquals("invalid_max_tokens", assertThrows(ProblemException.class,
                () -> read(limited, "{\"prompt\":\"hi\",\"max_tokens\":4097}")).problem().code());
    }

    static ChatRequestReader reader(int maxBodyBytes, int maxMessages, int maxMessageChars) {
        RelaySettings settings = new RelaySettings();
        settings.maxBodyBytes = maxBodyBytes;
        settings.maxMessages = maxMessages;
        settings.maxMessageChars = maxMessageChars;
        settings.maxTokens = 1_000_000;
        settings.allowedModels = java.util.Optional.empty();
        ChatRequestReader reader = new ChatRequestReader();
        reader.settings = settings;
        return reader;
    }

    /** What the reader decided, without the body it keeps for the upstream (RequestShapesTest covers that). */
    static ChatRequest core(ChatRequest request) {
        return new ChatRequest(request.messages(), request.model(), request.temperature(), request.maxTokens());
    }

    private ChatRequest read(String body) throws IOException {
        return read(reader, body);
    }

    private static ChatRequest read(ChatRequestReader reader, String body) throws IOException {
        return reader.fromBody(JSON, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(int status, String code, Executable call) {
        Problem problem = assertThrows(ProblemException.class, call).problem();
        assertEquals(status + " " + code, problem.status() + " " + problem.code());
    }

    /** Anything but a ProblemException (an Error included) would reach the client as a 500 or kill the thread. */
    private static void assertClientError(Executable call) {
        Problem problem = assertThrows(ProblemException.class, call).problem();
        assertTrue(problem.status() >= 400 && problem.status() < 500, "status " + problem.status());
    }

    private static byte[] hex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
