package io.streamrelay.completions.boundary;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrelay.json.control.JsonMembers;
import io.streamrelay.json.control.RelayJson;
import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Upstream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, point 3: the whole request reaches the upstream through every native endpoint that takes a body. The
 * scripted upstream records the body it received; every member the relay does not own must arrive in the client's
 * order with its value's exact text (numbers as written, escapes as written, blanks inside values kept), and the
 * owned ones as the relay sets them.
 */
@RelayOnPayara
class PassThroughIT {

    private static final Set<String> OWNED = Set.of("model", "stream", "stream_options", "temperature", "max_tokens",
            "max_completion_tokens");

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(upstream, RelayIT.KEY, Map.of("relay.request.max-tokens", "4096",
                "relay.request.allowed-models", "gpt-4o,deepseek-chat"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/chat", "/ndjson/chat", "/api/generations"})
    void everyMemberTheRelayDoesNotOwnArrivesExactly(String path) throws Exception {
        String prompt = Script.NORMAL.prompt("pass-through " + UUID.randomUUID());
        String body = body(prompt);
        String accept = path.equals("/api/generations") ? "application/json"
                : path.startsWith("/ndjson") ? "application/x-ndjson" : "text/event-stream";
        StreamClient client = StreamClient.post(base, path, accept, "application/json",
                body.getBytes(StandardCharsets.UTF_8)).awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(path.equals("/api/generations") ? 201 : 200, client.status(), client.bodyText());

        String received = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS).body();
        LinkedHashMap<String, String> sent = JsonMembers.of(body);
        LinkedHashMap<String, String> got = JsonMembers.of(received);
        List<String> expectedOrder = new ArrayList<>(sent.keySet());
        for (String owned : List.of("model", "stream", "stream_options")) {
            if (!expectedOrder.contains(owned)) {
                expectedOrder.add(owned);
            }
        }
        assertEquals(expectedOrder, new ArrayList<>(got.keySet()), received);
        for (Map.Entry<String, String> member : sent.entrySet()) {
            if (!OWNED.contains(member.getKey())) {
                assertEquals(member.getValue(), got.get(member.getKey()), "the exact text of " + member.getKey());
            }
        }
        JsonNode upstreamTree = RelayJson.MAPPER.readTree(received);
        JsonNode clientTree = RelayJson.MAPPER.readTree(body);
        clientTree.fieldNames().forEachRemaining(name -> {
            if (!OWNED.contains(name)) {
                assertEquals(clientTree.get(name), upstreamTree.get(name), name);
            }
        });
        assertEquals("gpt-4o", upstreamTree.get("model").textValue());
        assertTrue(upstreamTree.get("stream").booleanValue());
        assertTrue(upstreamTree.get("stream_options").get("include_usage").booleanValue());
        assertEquals(false, upstreamTree.get("stream_options").get("include_obfuscation").booleanValue());
        assertEquals(0.5, upstreamTree.get("temperature").doubleValue());
        assertEquals(300, upstreamTree.get("max_completion_tokens").intValue());
    }

    /** OpenAI's whole request as agents send it: tools, a tool round trip, every part type, vendor fields. */
    static String body(String prompt) {
        String quoted = jakarta.json.Json.createValue(prompt).toString();
        return "{\"model\":\"gpt-4o\",\"seed\":1E2,\n  \"messages\":[{\"role\":\"developer\",\"content\":\"Use the "
                + "tools.\"},{\"role\":\"user\",\"content\":\"Weather in Bern and the time in Tokyo?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_a1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Z\\u00fcrich\\\"}\"}},"
                + "{\"id\":\"call_b2\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":"
                + "\"{\\\"zone\\\":\\\"Asia/Tokyo\\\"}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_a1\","
                + "\"content\":\"12\\u00b0C, rain\"},{\"role\":\"tool\",\"tool_call_id\":\"call_b2\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"21:04\"}]},{\"role\":\"assistant\",\"content\":\"Rain; 21:04.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" + quoted + "},{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlE"
                + "QVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\",\"detail\":\"high\"}},{\"type\":\"input_audio\","
                + "\"input_audio\":{\"data\":\"UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=\","
                + "\"format\":\"wav\"}},{\"type\":\"file\",\"file\":{\"filename\":\"a.pdf\",\"file_data\":"
                + "\"data:application/pdf;base64,JVBERi0xLjQK\"}}]}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Now.\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":"
                + "[\"city\"],\"additionalProperties\":false},\"strict\":true}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}},"
                + "\"parallel_tool_calls\":true,"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"schema\":{}}},"
                + "\"stop\":[\"\\u2028END\",\"\\n\\n\"],\"top_p\":0.90,\"frequency_penalty\":-0.50,"
                + "\"presence_penalty\":1.0e-1,\"logit_bias\":{\"50256\":-100},\"logprobs\":true,\"top_logprobs\":3,"
                + "\"user\":\"u-\\u00e9\",\"metadata\":{\"trace\":\"t1\"},\"reasoning_effort\":\"low\","
                + "\"stream_options\":{\"include_obfuscation\":false},\"temperature\":0.50,\"n\":1,"
                + "\"max_completion_tokens\":300,\"stream\":false,"
                + "\"x_vendor\":{ \"top_k\" : 40, \"nested\": {\"list\":[1, 2.50, {\"deep\":null}], \"s\":\"\\/\"} }}";
    }
}
