package io.streamrelay.completions.boundary;

import io.streamrelay.testing.Chromium;
import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.SseParsers;
import io.streamrelay.testing.SseParsers.Event;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Upstream;
import jakarta.json.JsonObject;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.sse.InboundSseEvent;
import jakarta.ws.rs.sse.SseEventSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Heartbeats and probe pings are invisible to every SSE client runnable here: the wire itself, a WHATWG parser,
 * an httpx-sse 0.4 parser (the OpenAI Python SDK's behaviour), the project's JS module under node, Jersey's
 * SseEventSource and Chromium's EventSource. Each must see exactly start, the 20 tokens and done of a slow answer
 * whose gaps are filled with pings, and never an empty event.
 */
@RelayOnPayara
class HeartbeatClientsIT {

    static final Path DIR = Path.of(System.getProperty("page.it.dir", "target/page-it")).resolveSibling("heartbeat-it");
    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // Pings every 30 ms and two probes after each: the slow answer's 100 ms gaps each carry several.
        return Deployments.relay(upstream, io.streamrelay.testing.Secrets.GENERATIONS_UPSTREAM_KEY, Map.of(
                "relay.heartbeat-ms", "30",
                "relay.heartbeat-probes", "2"));
    }

    private static String prompt() {
        return Script.SLOW.prompt(UUID.randomUUID().toString());
    }

    private static String path() {
        return "/api/chat?prompt=" + URLEncoder.encode(prompt(), StandardCharsets.UTF_8);
    }

    /** The wire, captured raw: pings after ids, and never a blank line after a ping. */
    private String wire() throws Exception {
        StreamClient client = StreamClient.get(base, path(), "text/event-stream").awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, client.status());
        return client.bodyText();
    }

    @Test
    void theWireHasPingsBetweenEventsAndNoBlankLineAfterAnyOfThem() throws Exception {
        String wire = wire();
        List<String> lines = List.of(wire.split("\n", -1));
        int firstId = lines.indexOf(lines.stream().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow());
        long pingsAfterAnId = lines.subList(firstId, lines.size()).stream().filter(": ping"::equals).count();
        System.out.printf("[measure] %d pings after the first id in a 2 s answer at a 30 ms heartbeat%n", pingsAfterAnId);
        assertTrue(pingsAfterAnId >= 10, pingsAfterAnId + " pings: the test needs heartbeats between events\n" + wire);
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).equals(": ping")) {
                assertTrue(!lines.get(i + 1).isEmpty() || i + 2 == lines.size(),
                        "a blank line after the ping at line " + i + " dispatches an event in httpx-sse:\n" + wire);
            }
        }
    }

    @Test
    void aWhatwgParserSeesExactlyTheRealEvents() throws Exception {
        assertExactlyTheAnswer(SseParsers.whatwg(wire()), "WHATWG");
    }

    @Test
    void anHttpxSseParserSeesExactlyTheRealEvents() throws Exception {
        assertExactlyTheAnswer(SseParsers.httpxSse(wire()), "httpx-sse 0.4");
    }

    @Test
    void theProjectsJavaScriptParserSeesExactlyTheRealEvents() throws Exception {
        Files.createDirectories(DIR);
        Path captured = DIR.resolve("wire.txt");
        Files.writeString(captured, wire());
        Path module = Path.of("webapp/js/event-stream.js").toAbsolutePath();
        String script = "import { EventStreamParser } from '" + module.toUri() + "';\n"
                + "import { readFileSync } from 'node:fs';\n"
                + "const p = new EventStreamParser();\n"
                + "const bytes = readFileSync(process.argv[1]);\n"
                + "const got = [];\n"
                + "for (let i = 0; i < bytes.length; i += 7) got.push(...p.push(bytes.subarray(i, i + 7)));\n"
                + "got.push(...p.end());\n"
                + "console.log(JSON.stringify(got.map(e => ({type: e.type, data: e.data, id: e.lastEventId}))));\n";
        Process node = new ProcessBuilder("node", "--input-type=module", "-e", script, captured.toString())
                .redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, node.exitValue(), out);
        List<Event> events = new ArrayList<>();
        for (var value : jakarta.json.Json.createReader(new java.io.StringReader(out.strip())).readArray()) {
            JsonObject e = value.asJsonObject();
            events.add(new Event(e.getString("type"), e.getString("data"), e.getString("id")));
        }
        assertExactlyTheAnswer(events, "the project's JS module");
    }

    @Test
    void jerseysSseEventSourceSeesExactlyTheRealEvents() throws Exception {
        Client client = ClientBuilder.newClient();
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ended = new CountDownLatch(1);
        var target = client.target(base.toURI()).path("api/chat").queryParam("prompt", prompt());
        try (SseEventSource source = SseEventSource.target(target).reconnectingEvery(30, TimeUnit.SECONDS).build()) {
            source.register((InboundSseEvent e) -> {
                events.add(new Event(e.getName() == null ? "" : e.getName(), e.isEmpty() ? "" : e.readData(),
                        e.getId()));
                if ("done".equals(e.getName()) || "error".equals(e.getName())) {
                    ended.countDown();
                }
            });
            source.open();
            assertTrue(ended.await(20, TimeUnit.SECONDS), "no end; got " + events);
        } finally {
            client.close();
        }
        assertExactlyTheAnswer(List.copyOf(events), "Jersey SseEventSource");
    }

    @Test
    void chromiumsEventSourceSeesExactlyTheRealEvents() throws Exception {
        ChromeDriver browser = Chromium.start(DIR);
        try {
            browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(25));
            browser.get(base.toString().replaceAll("/$", "") + "/api/metrics");
            String url = base.getPath().replaceAll("/$", "") + path();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> got = (List<Map<String, Object>>) browser.executeAsyncScript(
                    "const done = arguments[arguments.length - 1]; const got = [];"
                            + "const source = new EventSource(arguments[0]);"
                            + "const keep = e => got.push({type: e.type, data: e.data, id: e.lastEventId});"
                            + "source.onmessage = keep;"
                            + "for (const t of ['start', 'token', 'ping']) source.addEventListener(t, keep);"
                            + "for (const t of ['done', 'error']) source.addEventListener(t, e => {"
                            + "  if (e.data === undefined) return; keep(e); source.close(); done(got); });",
                    url);
            List<Event> events = new ArrayList<>();
            for (Map<String, Object> e : got) {
                events.add(new Event((String) e.get("type"), (String) e.get("data"), (String) e.get("id")));
            }
            assertExactlyTheAnswer(events, "Chromium EventSource");
        } finally {
            browser.quit();
        }
    }

    /** start, the slow script's 20 tokens in order, done; named, numbered, each with its JSON; nothing else. */
    private static void assertExactlyTheAnswer(List<Event> events, String client) {
        List<String> expected = new ArrayList<>();
        expected.add("start:0");
        for (int i = 0; i < Script.SLOW_TOKENS; i++) {
            expected.add("token:" + (i + 1) + ": t" + i);
        }
        expected.add("done:" + (Script.SLOW_TOKENS + 1));
        List<String> seen = new ArrayList<>();
        String generation = null;
        for (Event event : events) {
            assertTrue(!event.data().isEmpty(), client + " saw an empty event " + event + " among " + events);
            JsonObject json = Json.object(event.data());
            assertEquals(event.type(), json.getString("type"), client + ": " + event);
            if (generation == null) {
                generation = json.getString("generation");
            }
            assertEquals(generation + ":" + json.getInt("seq"), event.id(), client + ": " + event);
            seen.add(event.type() + ":" + json.getInt("seq") + (json.containsKey("text") ? ":" + json.getString("text") : ""));
        }
        assertEquals(expected, seen, client);
    }
}
