package io.streamrelay.completions.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.GeneratedStream;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.Upstream;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, point 4 on the native endpoints: for streams drawn from seeds (text, reasoning, parallel tool calls cut
 * at random points, usage, unknown fields everywhere), each transport carries every piece exactly: tokens, the
 * {@code tool_call} fragments that concatenate to each call's arguments with its id and name, the finish reason
 * and the usage; a resume from inside a tool call repeats nothing; GET /api/generations/{id} assembles the calls.
 */
@RelayOnPayara
class NativeToolCallsIT {

    private static final int SEEDS = 24;

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(upstream, RelayIT.KEY, Map.of());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void generatedStreamsArriveExactlyAndResumeMidToolCallWithoutRepeats(Transport transport) throws Exception {
        int withCalls = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            GeneratedStream expected = GeneratedStream.of(seed);
            String prompt = Script.GENERATED.prompt(seed + " " + UUID.randomUUID());
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":" + jakarta.json.Json.createValue(prompt)
                    + "}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}";
            StreamClient client = StreamClient.post(base, transport.path, transport.mediaType, "application/json",
                    body.getBytes(StandardCharsets.UTF_8)).awaitEnd(20, TimeUnit.SECONDS);
            List<Received> events = transport.events(client.lines());
            String where = "seed " + seed + " over " + transport;
            assertStream(expected, events, where);
            if (!expected.calls().isEmpty()) {
                withCalls++;
                String generation = events.get(0).json().getString("generation");
                assertResumeFromTheMiddleOfACall(transport, generation, events, where);
                assertAssembled(expected, generation, where);
            }
        }
        assertTrue(withCalls >= SEEDS / 3, "the seeds must exercise tool calls: " + withCalls);
    }

    private static void assertStream(GeneratedStream expected, List<Received> events, String seed) {
        String where = seed + ", ended with " + events.get(events.size() - 1).json();
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).json().getInt("seq"), where);
        }
        assertEquals(expected.tokens(), texts(events, "token"), where);
        assertEquals(expected.reasoning(), String.join("", texts(events, "reasoning")), where);
        Map<Integer, StringBuilder> arguments = new LinkedHashMap<>();
        for (Received event : events) {
            if (!event.type().equals("tool_call")) {
                continue;
            }
            JsonObject call = event.json();
            int index = call.getInt("index");
            GeneratedStream.Call meant = expected.calls().get(index);
            if (arguments.containsKey(index)) {
                assertFalse(call.containsKey("id") || call.containsKey("name"), where + ": " + call);
            } else {
                assertEquals(meant.id(), call.getString("id"), where);
                assertEquals(meant.name(), call.getString("name"), where);
                arguments.put(index, new StringBuilder());
            }
            arguments.get(index).append(call.getString("arguments"));
        }
        Map<Integer, String> joined = new LinkedHashMap<>();
        arguments.forEach((index, text) -> joined.put(index, text.toString()));
        Map<Integer, String> meant = new LinkedHashMap<>();
        expected.calls().forEach((index, call) -> meant.put(index, call.arguments()));
        assertEquals(meant, new java.util.TreeMap<>(joined), where);
        Received done = events.get(events.size() - 1);
        assertEquals("done", done.type(), where + ": " + done.json());
        assertEquals(expected.finishReason(), done.json().getString("finish_reason"), where);
        assertEquals(expected.promptTokens(), done.json().getJsonObject("usage").getInt("prompt_tokens"), where);
        assertEquals(expected.completionTokens(), done.json().getJsonObject("usage").getInt("completion_tokens"),
                where);
    }

    private void assertResumeFromTheMiddleOfACall(Transport transport, String generation, List<Received> events,
                                                  String where) throws Exception {
        List<Integer> calls = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type().equals("tool_call")) {
                calls.add(i);
            }
        }
        long after = calls.get(calls.size() / 2);
        StreamClient resumed = (transport == Transport.SSE
                ? StreamClient.open(base, "GET", "/api/generations/" + generation + "/events", transport.mediaType,
                null, null, Map.of("Last-Event-ID", generation + ":" + after))
                : StreamClient.get(base, "/ndjson/generations/" + generation + "?after=" + after, transport.mediaType))
                .awaitEnd(10, TimeUnit.SECONDS);
        List<String> again = transport.events(resumed.lines()).stream().map(e -> e.json().toString()).toList();
        List<String> rest = events.subList((int) after + 1, events.size()).stream().map(e -> e.json().toString())
                .toList();
        assertEquals(rest, again, where + ", resumed after " + after);
    }

    private void assertAssembled(GeneratedStream expected, String generation, String where) throws Exception {
        StreamClient view = StreamClient.get(base, "/api/generations/" + generation, "application/json")
                .awaitEnd(10, TimeUnit.SECONDS);
        JsonObject json = Json.object(view.bodyText());
        assertEquals(String.join("", expected.tokens()), json.getString("text"), where);
        JsonArray calls = json.getJsonArray("tool_calls");
        assertEquals(expected.calls().size(), calls.size(), where);
        for (int i = 0; i < calls.size(); i++) {
            JsonObject call = calls.getJsonObject(i);
            GeneratedStream.Call meant = expected.calls().get(i);
            assertEquals(i, call.getInt("index"), where);
            assertEquals(meant.id(), call.getString("id"), where);
            assertEquals("function", call.getString("type"), where);
            assertEquals(meant.name(), call.getJsonObject("function").getString("name"), where);
            assertEquals(meant.arguments(), call.getJsonObject("function").getString("arguments"), where);
        }
        assertNull(json.get("refusal"), where);
    }

    private static List<String> texts(List<Received> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(e -> e.json().getString("text")).toList();
    }
}
