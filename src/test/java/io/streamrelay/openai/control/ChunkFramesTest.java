package io.streamrelay.openai.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.completions.entity.StreamEvent;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.problems.entity.ErrorCode;
import io.streamrelay.upstream.entity.Usage;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkFramesTest {

    static String frames(boolean includeUsage, StreamEvent... events) {
        ChunkFrames frames = new ChunkFrames(includeUsage, 1700000000);
        frames.bind("gen1");
        StringBuilder out = new StringBuilder();
        for (StreamEvent event : events) {
            frames.append(out, event);
        }
        return out.toString();
    }

    static JsonNode data(String event) throws Exception {
        assertTrue(event.startsWith("data: "), event);
        return RelayJson.MAPPER.readTree(event.substring(6));
    }

    @Test
    void everyEventIsOneChunkAndTheUsageChunkOnlyWhenAsked() throws Exception {
        StreamEvent[] events = {new StreamEvent.Start(0, "gen1", "m1"), new StreamEvent.Token(1, "a\n\"b\""),
                new StreamEvent.Reasoning(2, "r"), new StreamEvent.ToolCall(3, 1, "call_1", "f", ""),
                new StreamEvent.ToolCall(4, 1, null, null, "{\"x\""), new StreamEvent.Refusal(5, "no"),
                new StreamEvent.Logprobs(6, "{\"content\":[{\"token\":\"a\",\"logprob\":-0.1}]}"),
                new StreamEvent.Done(7, "tool_calls", new Usage(3, 4, 7, false))};
        String[] with = frames(true, events).split("\n\n");
        assertEquals(10, with.length);
        assertEquals("{\"role\":\"assistant\",\"content\":\"\"}", data(with[0]).at("/choices/0/delta").toString());
        assertEquals("chatcmpl-gen1", data(with[0]).get("id").asText());
        assertEquals("m1", data(with[0]).get("model").asText());
        assertEquals("a\n\"b\"", data(with[1]).at("/choices/0/delta/content").asText());
        assertEquals("r", data(with[2]).at("/choices/0/delta/reasoning_content").asText());
        assertEquals("{\"index\":1,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}",
                data(with[3]).at("/choices/0/delta/tool_calls/0").toString());
        assertEquals("{\"index\":1,\"function\":{\"arguments\":\"{\\\"x\\\"\"}}",
                data(with[4]).at("/choices/0/delta/tool_calls/0").toString());
        assertEquals("no", data(with[5]).at("/choices/0/delta/refusal").asText());
        assertEquals(-0.1, data(with[6]).at("/choices/0/logprobs/content/0/logprob").asDouble());
        assertEquals("tool_calls", data(with[7]).at("/choices/0/finish_reason").asText());
        assertEquals("{}", data(with[7]).at("/choices/0/delta").toString());
        assertEquals("[]", data(with[8]).get("choices").toString());
        assertEquals(7, data(with[8]).at("/usage/total_tokens").asInt());
        assertEquals("data: [DONE]", with[9]);
        assertEquals(9, frames(false, events).split("\n\n").length);
        assertFalse(frames(false, events).contains("\"usage\""));
    }

    @Test
    void aFailureIsAnErrorChunkAndNeverDone() throws Exception {
        String out = frames(true, new StreamEvent.Start(0, "gen1", "m"), new StreamEvent.Token(1, "x"),
                new StreamEvent.Failure(2, ErrorCode.UPSTREAM_FAILED, "cut", true, ErrorCode.UPSTREAM_ERROR, -1));
        String[] events = out.split("\n\n");
        assertTrue(events[2].startsWith("event: error\ndata: "), events[2]);
        JsonNode error = data(events[2].substring("event: error\n".length())).get("error");
        assertEquals("upstream_failed", error.get("code").asText());
        assertEquals("server_error", error.get("type").asText());
        assertEquals("cut", error.get("message").asText());
        assertTrue(error.get("param").isNull());
        assertFalse(out.contains("[DONE]"));
    }

    @Test
    void aPingIsACommentLineWithoutABlankLine() {
        assertEquals(": ping\n", frames(false, new StreamEvent.Ping()));
    }

    @Test
    void everyErrorCodeHasATypeFromOpenAisVocabulary() {
        Set<String> vocabulary = Set.of("invalid_request_error", "authentication_error", "permission_error",
                "rate_limit_error", "insufficient_quota", "server_error");
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(vocabulary.contains(OpenAiErrors.type(code)), code.code());
        }
        assertEquals("authentication_error", OpenAiErrors.type(ErrorCode.UNAUTHORIZED));
        assertEquals("rate_limit_error", OpenAiErrors.type(ErrorCode.TOO_MANY_STREAMS));
        assertEquals("insufficient_quota", OpenAiErrors.type(ErrorCode.UPSTREAM_QUOTA_EXCEEDED));
        assertEquals("model", OpenAiErrors.param(ErrorCode.MODEL_NOT_ALLOWED));
        List<ErrorCode> fiveHundreds = Arrays.stream(ErrorCode.values()).filter(c -> c.status() >= 500).toList();
        fiveHundreds.forEach(c -> assertEquals("server_error", OpenAiErrors.type(c), c.code()));
    }

    @Test
    void aNonStreamedAnswerAssemblesCallsByIndex() throws Exception {
        CompletionBody body = new CompletionBody(5);
        body.bind("g");
        for (StreamEvent event : List.of(new StreamEvent.Start(0, "g", "m"), new StreamEvent.Reasoning(1, "th"),
                new StreamEvent.ToolCall(2, 1, "b", "tb", "{\"y\""), new StreamEvent.ToolCall(3, 0, "a", "ta", "{"),
                new StreamEvent.ToolCall(4, 1, null, null, ":2}"), new StreamEvent.ToolCall(5, 0, null, null, "}"))) {
            body.add(event);
        }
        JsonNode json = RelayJson.MAPPER.readTree(body.json(new StreamEvent.Done(6, "tool_calls",
                new Usage(1, 2, 3, false))));
        assertEquals("chat.completion", json.get("object").asText());
        assertEquals("chatcmpl-g", json.get("id").asText());
        JsonNode message = json.at("/choices/0/message");
        assertTrue(message.get("content").isNull());
        assertEquals("th", message.get("reasoning_content").asText());
        assertEquals("[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"ta\",\"arguments\":\"{}\"}},"
                + "{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"tb\",\"arguments\":\"{\\\"y\\\":2}\"}}]",
                message.get("tool_calls").toString());
        assertEquals(3, json.at("/usage/total_tokens").asInt());
    }
}
