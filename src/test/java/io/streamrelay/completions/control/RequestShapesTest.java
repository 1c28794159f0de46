package io.streamrelay.completions.control;

import io.streamrelay.problems.entity.Problem;
import io.streamrelay.problems.entity.ProblemException;
import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 10: OpenAI's whole chat-completions body, what the reader owns in it, and what it keeps as sent. */
class RequestShapesTest {

    private static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

    private final ChatRequestReader reader = ChatRequestReaderTest.reader(1_048_576, 500, 200_000);

    @Test
    void everyRoleAndPartOfOpenAisBodyIsAccepted() throws IOException {
        ChatRequest request = read("{\"messages\":["
                + "{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Use tools.\"}]},"
                + "{\"role\":\"user\",\"name\":\"ann\",\"content\":[{\"type\":\"text\",\"text\":\"What is\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"low\"}},"
                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGRg==\",\"format\":\"wav\"}},"
                + "{\"type\":\"file\",\"file\":{\"file_data\":\"data:application/pdf;base64,JVBERi0=\",\"filename\":\"a.pdf\"}},"
                + "{\"type\":\"video_url\",\"video_url\":{\"url\":\"https://example.com/v.mp4\"}},"
                + "{\"type\":\"text\",\"text\":\"this?\"}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Bern\\\"}\"}},"
                + "{\"id\":\"call_2\",\"type\":\"custom\",\"custom\":{\"name\":\"sql\",\"input\":\"select 1\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":[{\"type\":\"text\",\"text\":\"1\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"no\"}]},"
                + "{\"role\":\"user\",\"content\":\"thanks\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}],"
                + "\"stream\":false,\"stream_options\":{\"include_usage\":true},\"n\":1}");
        assertEquals(List.of(new ChatMessage("developer", "Be brief."), new ChatMessage("system", "Use tools."),
                new ChatMessage("user", "What is\nthis?"), new ChatMessage("assistant", ""),
                new ChatMessage("tool", "sunny"), new ChatMessage("tool", "1"), new ChatMessage("assistant", "no"),
                new ChatMessage("user", "thanks")), request.messages());
        assertTrue(request.tools());
        assertTrue(request.usageAsked());
        assertEquals(Boolean.FALSE, request.stream());
    }

    @Test
    void whatTheClientDidNotSayIsNotAssumed() throws IOException {
        ChatRequest request = read("{\"messages\":[" + USER + "],\"tools\":[]}");
        assertFalse(request.tools());
        assertFalse(request.usageAsked());
        assertNull(request.stream());
        assertFalse(read("{\"messages\":[" + USER + "],\"stream_options\":{\"include_usage\":false}}").usageAsked());
    }

    @Test
    void everyMemberIsKeptInOrderWithItsValueExactlyAsSent() throws IOException {
        String vendor = "{ \"nested\" : [1e2, -0.50, \"\\u00e9\\n\", {\"deep\":{\"x\":null}}] ,\"t\":true }";
        ChatRequest request = read("{\"seed\":1E2,\"messages\":[ " + USER + " ],\"x_vendor\":" + vendor
                + ",\n\t\"top_p\" : 0.90 ,\"stop\":[\"\\u2028\",\"END\"]}");
        assertEquals(List.of("seed", "messages", "x_vendor", "top_p", "stop"),
                List.copyOf(request.body().members().keySet()));
        assertEquals("1E2", request.body().json("seed"));
        assertEquals("[ " + USER + " ]", request.body().json("messages"));
        assertEquals(vendor, request.body().json("x_vendor"));
        assertEquals("0.90", request.body().json("top_p"));
        assertEquals("[\"\\u2028\",\"END\"]", request.body().json("stop"));
    }

    @Test
    void aMemberGivenTwiceKeepsItsFirstPlaceAndItsLastValue() throws IOException {
        ChatRequest request = read("{\"user\":\"a\",\"messages\":[" + USER + "],\"user\":\"b\"}");
        assertEquals(List.of("user", "messages"), List.copyOf(request.body().members().keySet()));
        assertEquals("\"b\"", request.body().json("user"));
    }

    @Test
    void thePromptShorthandReachesTheUpstreamAsOneUserMessageInItsPlace() throws IOException {
        ChatRequest request = read("{\"seed\":7,\"prompt\":\"Grüße \\\"x\\\"\",\"top_k\":5}");
        assertEquals(List.of("seed", "messages", "top_k"), List.copyOf(request.body().members().keySet()));
        assertEquals("[{\"role\":\"user\",\"content\":\"Grüße \\\"x\\\"\"}]", request.body().json("messages"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"role\":\"tool\",\"content\":\"x\"}",
        "{\"role\":\"tool\",\"tool_call_id\":\" \",\"content\":\"x\"}",
        "{\"role\":\"tool\",\"tool_call_id\":7,\"content\":\"x\"}",
        "{\"role\":\"tool\",\"tool_call_id\":\"c\"}",
        "{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}",
        "{\"role\":\"developer\",\"content\":null}",
        "{\"role\":\"user\",\"content\":[]}",
        "{\"role\":\"user\",\"content\":[\"hi\"]}",
        "{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":null}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"https://x/y.png\"}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"detail\":\"low\"}}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\",\"detail\":1}}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGRg==\"}}]}",
        "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":\"a.pdf\"}]}",
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}",
        "{\"role\":\"assistant\",\"tool_calls\":{\"id\":\"c\"}}",
        "{\"role\":\"assistant\",\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}",
        "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}",
        "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"arguments\":\"{}\"}}]}",
        "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}",
        "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]}",
        "{\"role\":\"assistant\",\"tool_calls\":[\"c\"]}"
    })
    void aMessageOfTheWrongShapeIsRefused(String message) {
        assertRefused(422, "invalid_messages", () -> read("{\"messages\":[" + message + "]}"));
    }

    @Test
    void nAboveOneIsRefusedAsUnsupportedAndOneIsFine() throws IOException {
        assertEquals("hi", read("{\"messages\":[" + USER + "],\"n\":1}").lastUserText());
        assertRefused(400, "unsupported_parameter", () -> read("{\"messages\":[" + USER + "],\"n\":2}"));
        for (String n : List.of("0", "-1", "1.5", "\"1\"", "true")) {
            assertRefused(422, "invalid_request", () -> read("{\"messages\":[" + USER + "],\"n\":" + n + "}"));
        }
    }

    @Test
    void maxCompletionTokensIsBoundedLikeMaxTokensAndTheTighterBoundCounts() throws IOException {
        ChatRequest both = read("{\"messages\":[" + USER + "],\"max_tokens\":50,\"max_completion_tokens\":20}");
        assertEquals(20, both.maxCompletionTokens());
        assertEquals(20, both.tokenBound());
        assertEquals(7, read("{\"prompt\":\"hi\",\"max_completion_tokens\":7}").tokenBound());
        for (String bad : List.of("0", "1.5", "1000001", "\"5\"")) {
            assertRefused(422, "invalid_max_tokens",
                    () -> read("{\"prompt\":\"hi\",\"max_completion_tokens\":" + bad + "}"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"stream\":\"yes\"", "\"stream\":1", "\"stream_options\":true",
        "\"stream_options\":[]", "\"stream_options\":{\"include_usage\":\"true\"}"})
    void streamFlagsOfTheWrongTypeAreRefused(String member) {
        assertRefused(422, "invalid_request", () -> read("{\"prompt\":\"hi\"," + member + "}"));
    }

    @Test
    void theLengthBoundCountsTextPartsAndToolCallsButNotImages() throws IOException {
        ChatRequestReader limited = ChatRequestReaderTest.reader(1_048_576, 10, 10);
        String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + "A".repeat(50_000)
                + "\"}}";
        assertEquals("12345\n12345", read(limited, "{\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"12345\"}," + image + ",{\"type\":\"text\",\"text\":\"12345\"}]}]}")
                .lastUserText());
        assertRefused(422, "message_too_long", () -> read(limited, "{\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"123456\"},{\"type\":\"text\",\"text\":\"12345\"}]}]}"));
        assertRefused(422, "message_too_long", () -> read(limited, "{\"messages\":[" + USER + ",{\"role\":"
                + "\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"{\\\"a\\\":12345}\"}}]}]}"));
    }

    private ChatRequest read(String body) throws IOException {
        return read(reader, body);
    }

    private static ChatRequest read(ChatRequestReader reader, String body) throws IOException {
        return reader.fromBody("application/json", new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(int status, String code, org.junit.jupiter.api.function.Executable call) {
        Problem problem = assertThrows(ProblemException.class, call).problem();
        assertEquals(status + " " + code, problem.status() + " " + problem.code(), problem.detail());
    }
}
