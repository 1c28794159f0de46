package io.streamrelay.openai.boundary;

import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Scrape;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Upstream;
import io.streamrelay.testing.V1Scripts;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /v1 on the wire, read with a plain HTTP client: every delta of generated upstream streams arrives (per field,
 * per tool-call index), the native NDJSON stream's tool_call fragments concatenate alike, and every refusal on
 * /v1/* (the core's filters and the container's included) is OpenAI's error body with the native status.
 */
@RelayOnPayara
class V1WireIT {

    static final int SEEDS = 40;

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return V1Deployment.of(upstream);
    }

    HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String prompt, boolean stream) {
        return "{\"model\":\"deepseek-chat\",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":" + jakarta.json.Json.createValue(prompt) + "}]}";
    }

    @Test
    void everyDeltaOfGeneratedStreamsArrivesOnV1AndNative() throws Exception {
        for (long seed = 1; seed <= SEEDS; seed++) {
            V1Scripts.Generated expected = V1Scripts.generated(seed);
            HttpResponse<String> response = post("v1/chat/completions", chat("v1-generated: " + seed, true),
                    V1Deployment.KEY);
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow()
                    .split(";")[0]);
            String generation = response.headers().firstValue("X-Generation-Id").orElseThrow();
            List<String> data = new ArrayList<>();
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
            assertEquals("[DONE]", data.get(data.size() - 1), "seed " + seed);
            StringBuilder content = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            Map<Integer, String[]> calls = new HashMap<>();
            String finish = null;
            JsonObject usage = null;
            for (String chunk : data.subList(0, data.size() - 1)) {
                JsonObject json = OpenAiJavaSdkIT.json(chunk);
                assertFalse(json.containsKey("error"), chunk);
                assertEquals("chatcmpl-" + generation, json.getString("id"));
                assertEquals("chat.completion.chunk", json.getString("object"));
                if (json.getJsonArray("choices").isEmpty()) {
                    usage = json.getJsonObject("usage");
                    continue;
                }
                JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
                JsonObject delta = choice.getJsonObject("delta");
                content.append(delta.getString("content", ""));
                reasoning.append(delta.getString("reasoning_content", ""));
                if (delta.containsKey("tool_calls")) {
                    for (var value : delta.getJsonArray("tool_calls")) {
                        JsonObject call = value.asJsonObject();
                        String[] have = calls.computeIfAbsent(call.getInt("index"), i -> new String[]{null, null, ""});
                        if (call.containsKey("id")) {
                            assertNull(have[0], "one id per call");
                            have[0] = call.getString("id");
                            assertEquals("function", call.getString("type"));
                        }
                        JsonObject function = call.getJsonObject("function");
                        if (function.containsKey("name")) {
                            have[1] = function.getString("name");
                        }
                        have[2] += function.getString("arguments");
                    }
                }
                if (!choice.isNull("finish_reason")) {
                    finish = choice.getString("finish_reason");
                }
            }
            assertEquals(expected.content(), content.toString(), "seed " + seed);
            assertEquals(expected.reasoning(), reasoning.toString(), "seed " + seed);
            assertEquals(expected.finishReason(), finish, "seed " + seed);
            assertEquals(expected.calls().size(), calls.size(), "seed " + seed);
            expected.calls().forEach((index, call) -> assertEquals(List.of(call), List.of(calls.get(index)),
                    "seed, call " + index));
            for (var entry : expected.calls().entrySet()) {
                assertEquals(List.of(entry.getValue()), List.of(calls.get(entry.getKey())));
            }
            assertEquals(expected.promptTokens(), usage.getInt("prompt_tokens"), "seed " + seed);
            assertEquals(expected.completionTokens(), usage.getInt("completion_tokens"), "seed " + seed);

            Map<Integer, StringBuilder> nativeArguments = new HashMap<>();
            for (String line : post("ndjson/chat", chat("v1-generated: " + seed, true), V1Deployment.KEY).body()
                    .split("\n")) {
                JsonObject event = OpenAiJavaSdkIT.json(line);
                if (event.getString("type").equals("tool_call")) {
                    nativeArguments.computeIfAbsent(event.getInt("index"), i -> new StringBuilder())
                            .append(event.getString("arguments"));
                }
            }
            expected.calls().forEach((index, call) -> assertEquals(call[2], String.valueOf(nativeArguments.get(index)),
                    "native, seed " + call[0]));
        }
    }

    /**
     * 3,000 tokens as fast as the upstream sends them, past a 256-event bound: a client that reads them all gets
     * every delta once, in order, then [DONE] (as GenerationsIT checks SSE and NDJSON); unstreamed, the whole answer.
     */
    @Test
    void aBurstFarPastTheBoundReachesAClientThatReads() throws Exception {
        for (int round = 1; round <= 3; round++) {
            String body = post("v1/chat/completions", chat(Script.OVERFLOW.prompt(UUID.randomUUID().toString()),
                    true), V1Deployment.KEY).body();
            StringBuilder text = new StringBuilder();
            for (String event : body.split("\n\n")) {
                if (event.startsWith("data: {")) {
                    var choices = OpenAiJavaSdkIT.json(event.substring("data: ".length())).getJsonArray("choices");
                    if (!choices.isEmpty()) { // the usage chunk has none
                        text.append(choices.getJsonObject(0).getJsonObject("delta").getString("content", ""));
                    }
                }
            }
            String expected = IntStream.range(0, Script.OVERFLOW_TOKENS).mapToObj(i -> " o" + i)
                    .collect(Collectors.joining());
            assertEquals(expected, text.toString(), "round " + round);
            assertTrue(body.endsWith("data: [DONE]\n\n"), "round " + round + " ends with: "
                    + body.substring(Math.max(0, body.length() - 200)));
            // Unstreamed, the same burst is gathered into one answer past the same bound.
            JsonObject answer = OpenAiJavaSdkIT.json(post("v1/chat/completions", chat(Script.OVERFLOW.prompt(
                    UUID.randomUUID().toString()), false), V1Deployment.KEY).body());
            assertEquals(expected, answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                    .getString("content"), "round " + round + ", unstreamed");
        }
    }

    @Test
    void aFailureAfterTheFirstTokenEndsTheStreamWithAnErrorAndNoDone() throws Exception {
        String body = post("v1/chat/completions", chat(Script.MIDSTREAM_ERROR.prompt(UUID.randomUUID().toString()),
                true), V1Deployment.KEY).body();
        String[] events = body.split("\n\n");
        String last = events[events.length - 1];
        assertTrue(last.startsWith("event: error\ndata: {\"error\":"), body);
        JsonObject error = OpenAiJavaSdkIT.json(last.substring("event: error\ndata: ".length()))
                .getJsonObject("error");
        assertEquals("upstream_failed", error.getString("code"));
        assertEquals("server_error", error.getString("type"));
        assertFalse(body.contains("[DONE]"), body);
        assertFalse(body.contains("\"finish_reason\":\"stop\""), body);
    }

    @Test
    void theFirstChunkNamesTheRoleAndWithoutIncludeUsageThereIsNoUsageChunk() throws Exception {
        String prompt = Script.NORMAL.prompt(UUID.randomUUID().toString());
        String body = post("v1/chat/completions", "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}", V1Deployment.KEY).body();
        String first = body.split("\n")[0];
        assertTrue(first.contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}"), first);
        assertFalse(body.contains("\"choices\":[]"), body);
        assertFalse(body.contains("system_fingerprint"), "never invented: " + body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    @Test
    void refusalsOnV1AreOpenAiErrorsWithTheNativeStatus() throws Exception {
        assertError(post("v1/chat/completions", chat("normal: x", true), null), 401, "unauthorized",
                "authentication_error", null);
        HttpResponse<String> noKey = post("v1/chat/completions", chat("normal: x", true), null);
        assertTrue(noKey.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertError(post("v1/chat/completions", "{\"messages\":[", V1Deployment.KEY), 400, "invalid_json",
                "invalid_request_error", null);
        assertError(post("v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}", V1Deployment.KEY), 422, "model_not_allowed", "invalid_request_error", "model");
        assertError(post("v1/chat/completions", "{\"model\":\"deepseek-chat\"}", V1Deployment.KEY), 422,
                "missing_messages", "invalid_request_error", "messages");
        assertError(post("v1/nothing/here", "{}", V1Deployment.KEY), 404, "not_found", "invalid_request_error",
                null);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "v1/chat/completions"))
                .header("Authorization", "Bearer " + V1Deployment.KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertError(get, 405, "method_not_allowed", "invalid_request_error", null);
        assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(base + "v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(models, 401, "unauthorized", "authentication_error", null);
        // Refused by the core's malformed-request filter and by the container itself (its error page).
        assertError(http.send(HttpRequest.newBuilder(URI.create(base + "v1/models"))
                .header("Authorization", "Bearer " + V1Deployment.KEY)
                .method("GET", HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()),
                400, "unexpected_body", "invalid_request_error", null);
        HttpResponse<String> encodedSlash = http.send(HttpRequest.newBuilder(URI.create(base + "v1/a%2Fb"))
                .header("Authorization", "Bearer " + V1Deployment.KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("application/json", encodedSlash.headers().firstValue("Content-Type").orElseThrow()
                .split(";")[0], encodedSlash.body());
        assertTrue(OpenAiJavaSdkIT.json(encodedSlash.body()).getJsonObject("error").containsKey("code"));
        // The native endpoints keep their problem bodies.
        HttpResponse<String> nativeRefusal = post("ndjson/chat", chat("normal: x", true), null);
        assertEquals(401, nativeRefusal.statusCode());
        assertEquals("application/problem+json", nativeRefusal.headers().firstValue("Content-Type").orElseThrow());
    }

    /** Every way a /v1 answer ends closes its stream: answered, streamed, refused by the upstream. */
    @Test
    void everyV1StreamIsCountedClosedWhenItEnds() throws Exception {
        for (boolean stream : new boolean[]{false, true}) {
            assertEquals(200, post("v1/chat/completions", chat("normal: " + UUID.randomUUID(), stream),
                    V1Deployment.KEY).statusCode());
            post("v1/chat/completions", chat(Script.HTTP400.prompt(UUID.randomUUID().toString()), stream),
                    V1Deployment.KEY);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double open = Scrape.from(base).sum("streamrelay_streams_open", "transport", "openai");
        while (open != 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            open = Scrape.from(base).sum("streamrelay_streams_open", "transport", "openai");
        }
        assertEquals(0, open, "/v1 streams still counted open");
    }

    @Test
    void modelsListsTheAllowList() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "v1/models"))
                .header("Authorization", "Bearer " + V1Deployment.KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        JsonObject list = OpenAiJavaSdkIT.json(response.body());
        assertEquals("list", list.getString("object"));
        assertEquals(List.of("deepseek-chat", "deepseek-reasoner"), list.getJsonArray("data").stream()
                .map(m -> m.asJsonObject().getString("id")).toList());
        assertEquals("model", list.getJsonArray("data").getJsonObject(0).getString("object"));
    }

    static void assertError(HttpResponse<String> response, int status, String code, String type, String param) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow().split(";")[0]);
        JsonObject error = OpenAiJavaSdkIT.json(response.body()).getJsonObject("error");
        assertEquals(code, error.getString("code"), response.body());
        assertEquals(type, error.getString("type"));
        assertTrue(!error.getString("message").isBlank());
        if (param == null) {
            assertTrue(error.isNull("param"), response.body());
        } else {
            assertEquals(param, error.getString("param"));
        }
    }
}
