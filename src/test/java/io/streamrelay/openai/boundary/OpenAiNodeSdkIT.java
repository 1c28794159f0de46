package io.streamrelay.openai.boundary;

import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.Upstream;
import io.streamrelay.testing.V1Scripts;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official {@code openai} npm package (src/test/node-sdk, its own lock file) run by node's test runner against
 * /v1 on Payara Micro; this class then checks what the scripted upstream received and when it was closed.
 */
@RelayOnPayara
class OpenAiNodeSdkIT {

    static final String IMAGE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return V1Deployment.of(upstream);
    }

    @Test
    void theOfficialNodeSdkPassesEveryCase() throws Exception {
        String tag = UUID.randomUUID().toString();
        File dir = new File(System.getProperty("relay.it.nodeSdk", "src/test/node-sdk"));
        StringBuilder calls = new StringBuilder("[");
        for (String[] call : V1Scripts.SPLIT_CALLS) {
            calls.append(calls.length() > 1 ? "," : "").append('[').append(quote(call[0])).append(',')
                    .append(quote(call[1])).append(',').append(quote(call[2])).append(']');
        }
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "v1.test.mjs")
                .directory(dir).redirectErrorStream(true);
        node.environment().put("RELAY_BASE_URL", base + "v1");
        node.environment().put("RELAY_KEY", V1Deployment.KEY);
        node.environment().put("RELAY_TAG", tag);
        node.environment().put("RELAY_IMAGE", IMAGE);
        node.environment().put("RELAY_SPLIT_CALLS", calls.append(']').toString());
        Process process = node.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        System.out.println(output);
        assertEquals(0, process.exitValue(), output);

        List<ScriptedUpstream.Exchange> roundTrip = upstream.exchangesFor("tool-split: node-roundtrip-" + tag);
        assertEquals(2, roundTrip.size());
        JsonArray messages = OpenAiJavaSdkIT.json(roundTrip.get(1).body()).getJsonArray("messages");
        assertEquals(List.of("user", "assistant", "tool", "tool"), messages.stream()
                .map(m -> m.asJsonObject().getString("role")).toList());
        for (int i = 0; i < 2; i++) {
            JsonObject call = messages.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(i);
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], call.getString("id"));
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[2], call.getJsonObject("function").getString("arguments"));
            assertEquals(V1Scripts.SPLIT_CALLS.get(i)[0], messages.getJsonObject(2 + i).getString("tool_call_id"));
        }

        JsonObject image = OpenAiJavaSdkIT.json(upstream.exchangeFor("normal: node-image-" + tag, 5,
                TimeUnit.SECONDS).body()).getJsonArray("messages").getJsonObject(0).getJsonArray("content")
                .getJsonObject(1);
        assertEquals("{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + IMAGE + "\",\"detail\":\"high\"}}",
                image.toString());

        ScriptedUpstream.Exchange early = upstream.exchangeFor("endless: node-early-" + tag, 5, TimeUnit.SECONDS);
        // An answer that never ends by itself: only the SDK leaving can close the upstream.
        assertNotNull(early.closedByRelay.get(10, TimeUnit.SECONDS), "the upstream is closed");
    }

    private static String quote(String text) {
        return jakarta.json.Json.createValue(text).toString();
    }
}
