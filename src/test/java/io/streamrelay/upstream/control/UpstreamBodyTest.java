package io.streamrelay.upstream.control;

import io.streamrelay.upstream.entity.ChatMessage;
import io.streamrelay.upstream.entity.ChatRequest;
import io.streamrelay.upstream.entity.RequestBody;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The upstream body is the client's, with only what the relay owns written by the relay (docs/requests.md). */
class UpstreamBodyTest {

    private static final String MESSAGES = "[ {\"role\":\"user\",\"content\":\"caf\\u00e9\"} ]";

    @Test
    void unknownMembersPassInOrderWithTheirExactTextAndOwnedOnesAreSetInPlace() {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("seed", "1E2");
        members.put("model", "\"gpt-x\"");
        members.put("messages", MESSAGES);
        members.put("stream", "false");
        members.put("x_vendor", "{ \"a\" : [1, {\"b\":null}] }");
        members.put("temperature", "0.70");
        members.put("max_completion_tokens", "10E0");
        members.put("stream_options", "{\"include_obfuscation\":false,\"include_usage\":false}");
        ChatRequest request = new ChatRequest(List.of(new ChatMessage("user", "café")), "gpt-x", 0.7, null, 10,
                false, false, false, new RequestBody(members));
        assertEquals("{\"seed\":1E2,\"model\":\"served\",\"messages\":" + MESSAGES + ",\"stream\":true,"
                + "\"x_vendor\":{ \"a\" : [1, {\"b\":null}] },\"temperature\":0.7,\"max_completion_tokens\":10,"
                + "\"stream_options\":{\"include_usage\":true,\"include_obfuscation\":false}}",
                upstream(true).body(request, "served"));
    }

    @Test
    void ownedMembersTheClientLeftOutFollowAtTheEnd() {
        ChatRequest request = new ChatRequest(List.of(new ChatMessage("user", "hi \"x\"")), null, null, 5);
        assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":\"hi \\\"x\\\"\"}],\"model\":\"m\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}", upstream(true).body(request, "m"));
    }

    @Test
    void withoutStreamOptionsUpstreamTheClientsStreamOptionsAreNotPassedEither() {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("messages", MESSAGES);
        members.put("stream_options", "{\"include_usage\":true}");
        members.put("temperature", "null");
        members.put("max_tokens", "null");
        ChatRequest request = new ChatRequest(List.of(new ChatMessage("user", "café")), null, null, null, null,
                true, null, false, new RequestBody(members));
        assertEquals("{\"messages\":" + MESSAGES + ",\"model\":\"m\",\"stream\":true}",
                upstream(false).body(request, "m"));
    }

    private static OpenAiUpstream upstream(boolean streamOptions) {
        OpenAiUpstream upstream = new OpenAiUpstream();
        upstream.settings = new UpstreamSettings();
        upstream.settings.streamOptions = streamOptions;
        return upstream;
    }
}
