package io.streamrelay.completions.boundary;

import io.streamrelay.testing.Deployments;
import io.streamrelay.testing.Events;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.Upstream;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.streamrelay.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generations outlive their connections: resume, many followers, cancel, grace, expiry and bounds. */
@RelayOnPayara
class GenerationsIT {

    static final long GRACE_MS = 2000;
    static final long RETENTION_MS = 3000;
    static final int MAX_EVENTS = 1500;
    @Upstream
    static ScriptedUpstream upstream;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.relay(upstream, io.streamrelay.testing.Secrets.GENERATIONS_UPSTREAM_KEY, Map.of(
                "relay.heartbeat-ms", "1000",
                "relay.generations.grace-ms", String.valueOf(GRACE_MS),
                "relay.generations.retention-ms", String.valueOf(RETENTION_MS),
                "relay.generations.max-events", String.valueOf(MAX_EVENTS),
                "relay.generations.max-bytes", String.valueOf(64L * 1024 * 1024),
                "relay.stream.buffer-events", "256"));
    }

    @Test
    void clientsThatDropAtRandomAndResumeGetEveryTokenOnceInOrder() throws Exception {
        long seed = System.nanoTime();
        System.out.println("[measure] resume test seed " + seed);
        Random random = new Random(seed);
        int generations = 200;
        List<long[]> resumeMicros = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<long[]>> runs = new ArrayList<>();
            for (int i = 0; i < generations; i++) {
                long clientSeed = random.nextLong();
                int variant = i % 3;
                runs.add(clients.submit(() -> followWithDrops(new Random(clientSeed), variant)));
            }
            int drops = 0;
            for (Future<long[]> run : runs) {
                long[] result = run.get(60, TimeUnit.SECONDS);
                drops += (int) result[0];
                resumeMicros.add(result);
            }
            long[] times = resumeMicros.stream().flatMapToLong(r -> java.util.Arrays.stream(r, 1, r.length))
                    .sorted().toArray();
            System.out.printf("[measure] %d generations, %d drops and resumes; time to first replayed event"
                            + " p50 %.1f ms, p99 %.1f ms%n", generations, drops, times[times.length / 2] / 1000.0,
                    times[(int) (times.length * 0.99)] / 1000.0);
            assertTrue(drops >= generations, "every client dropped at least once");
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * One client of one generation: starts it, drops 1-5 times at random points, resumes each time (SSE through
     * the chat endpoint as EventSource does, SSE through the generation's events, or NDJSON with ?after), and
     * checks that what it got adds up to exactly what the upstream sent. Returns drops, then resume times (µs).
     */
    private long[] followWithDrops(Random random, int variant) throws Exception {
        Transport transport = variant == 2 ? Transport.NDJSON : Transport.SSE;
        String prompt = Script.PACED.prompt(UUID.randomUUID().toString());
        TreeSet<Integer> cuts = new TreeSet<>();
        int wanted = 1 + random.nextInt(5);
        while (cuts.size() < wanted) {
            cuts.add(1 + random.nextInt(Script.PACED_TOKENS));
        }
        List<Received> all = new ArrayList<>();
        List<Long> resumes = new ArrayList<>();
        StreamClient client = post(transport, prompt);
        String generation = null;
        int drops = 0;
        while (true) {
            int cut = cuts.isEmpty() ? Integer.MAX_VALUE : cuts.pollFirst();
            List<Received> segment = readUntil(transport, client, all.size(), cut);
            all.addAll(segment);
            if (generation == null) {
                generation = all.get(0).json().getString("generation");
            }
            if (Events.last(all).type().equals("done") || Events.last(all).type().equals("error")) {
                client.close();
                break;
            }
            client.close();
            drops++;
            long after = Events.last(all).json().getJsonNumber("seq").longValue();
            long asked = System.nanoTime();
            client = resume(variant, generation, after);
            client.awaitLine(line -> line.contains("\"seq\":" + (after + 1) + ","), 10, TimeUnit.SECONDS);
            resumes.add((System.nanoTime() - asked) / 1000);
        }
        Events.assertSequence(transport, all, generation);
        assertEquals(Script.pacedText(), Events.text(all, "token"), "generation " + generation);
        assertEquals("done", Events.last(all).type());
        long[] result = new long[1 + resumes.size()];
        result[0] = drops;
        for (int i = 0; i < resumes.size(); i++) {
            result[i + 1] = resumes.get(i);
        }
        return result;
    }

    private StreamClient resume(int variant, String generation, long after) throws IOException {
        return switch (variant) {
            case 0 -> StreamClient.open(base, "GET", "/api/chat", "text/event-stream", null, null,
                    Map.of("Last-Event-ID", generation + ":" + after));
            case 1 -> StreamClient.open(base, "GET", "/api/generations/" + generation + "/events",
                    "text/event-stream", null, null, Map.of("Last-Event-ID", generation + ":" + after));
            default -> StreamClient.get(base, "/ndjson/generations/" + generation + "?after=" + after,
                    "application/x-ndjson");
        };
    }

    /** Reads exactly the slow follower's {@code HTTP/1.1 } prefix: proof that it joined, and nothing more. */
    private static void awaitStatusLine(Socket slow) throws IOException {
        slow.setSoTimeout(20_000);
        byte[] prefix = slow.getInputStream().readNBytes(9);
        assertEquals("HTTP/1.1 ", new String(prefix, StandardCharsets.US_ASCII));
    }

    /** The events of this connection once the total reaches {@code cut} or the stream ended. */
    private static List<Received> readUntil(Transport transport, StreamClient client, int before, int cut)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<Received> events = transport.events(client.lines());
            boolean ended = !events.isEmpty() && (Events.last(events).type().equals("done")
                    || Events.last(events).type().equals("error"));
            if (ended || before + events.size() >= cut) {
                return ended ? events : events.subList(0, Math.max(0, cut - before));
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        throw new AssertionError("no events within the bound");
    }

    /** The stalled follower on each transport: NDJSON's socket refuses bytes, an SSE write stops returning. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void tenFollowersShareOneGenerationAndOnlyTheSlowOneIsCut(Transport slowOne) throws Exception {
        String prompt = Script.FLOOD.prompt(UUID.randomUUID().toString());
        StreamClient created = StreamClient.post(base, "/api/generations", "application/json", "application/json",
                ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.bodyText());
        JsonObject body = Json.object(created.bodyText());
        String id = body.getString("id");
        assertTrue(created.header("Location").endsWith("/api/generations/" + id), created.header("Location"));
        assertEquals("/api/generations/" + id + "/events", body.getString("events"));
        assertEquals("/ndjson/generations/" + id, body.getString("ndjson"));

        try (Socket slow = new Socket()) {
            // A follower that never reads, behind a small receive buffer.
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            String path = slowOne == Transport.SSE ? "/api/generations/" + id + "/events" : "/ndjson/generations/" + id;
            slow.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: " + slowOne.mediaType
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            List<StreamClient> fast = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                fast.add(i % 2 == 0
                        ? StreamClient.get(base, "/api/generations/" + id + "/events", "text/event-stream")
                        : StreamClient.get(base, "/ndjson/generations/" + id, "application/x-ndjson"));
            }
            ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
            // Every follower has joined once its stream has begun: the slow one's status line, the others' start.
            awaitStatusLine(slow);
            for (StreamClient follower : fast) {
                follower.awaitLine(line -> line.contains("\"start\""), 20, TimeUnit.SECONDS);
            }
            exchange.cue.complete(null);
            exchange.finished.get(60, TimeUnit.SECONDS);
            long upstreamDone = System.nanoTime();
            String expected = IntStream.range(0, Script.FLOOD_TOKENS).mapToObj(Script::floodToken)
                    .collect(Collectors.joining());
            // The slow one reads now, right away (the test deployment keeps an ended generation only 3 s): it
            // was cut (no done), and it resumes from its last complete event.
            String received = "HTTP/1.1 " + readAll(slow.getInputStream());
            assertFalse(received.contains("\"type\":\"done\""), "the slow follower was cut, not served in full ("
                    + received.length() + " characters received)");
            String[] lines = dechunk(received.substring(received.indexOf("\r\n\r\n") + 4)).split("\n");
            long lastSeq = -1;
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                int at = line.indexOf("{\"type\":");
                if (at < 0 || !line.endsWith("}")) {
                    continue;
                }
                JsonObject event;
                try {
                    event = Json.object(line.substring(at));
                } catch (RuntimeException partial) {
                    continue;
                }
                if (event.getString("type").equals("token")) {
                    assertEquals(lastSeq + 1, event.getJsonNumber("seq").longValue());
                    text.append(event.getString("text"));
                }
                if (event.containsKey("seq")) {
                    lastSeq = event.getJsonNumber("seq").longValue();
                }
            }
            StreamClient rest = StreamClient.get(base, path + (lastSeq < 0 ? "" : "?after=" + lastSeq),
                    slowOne.mediaType).awaitEnd(30, TimeUnit.SECONDS);
            assertEquals(200, rest.status(), rest.bodyText());
            System.out.printf("[measure] the stalled %s follower was cut after %d of %d events%n", slowOne,
                    lastSeq + 1, Script.FLOOD_TOKENS + 2);
            List<Received> tail = slowOne.events(rest.lines());
            assertEquals(lastSeq + 1, tail.get(0).json().getJsonNumber("seq").longValue());
            assertEquals(expected, text + Events.text(tail, "token"));
            assertEquals("done", Events.last(tail).type());
            long worstMs = 0;
            for (int i = 0; i < fast.size(); i++) {
                Transport transport = i % 2 == 0 ? Transport.SSE : Transport.NDJSON;
                StreamClient follower = fast.get(i).awaitEnd(30, TimeUnit.SECONDS);
                assertEquals(200, follower.status(), follower.bodyText());
                List<Received> events = transport.events(follower.lines());
                assertEquals("done", Events.last(events).type(), "follower " + i + " got " + events.size()
                        + " events, the last " + Events.last(events).json().getString("type"));
                assertEquals(expected, Events.text(events, "token"), "follower " + i);
                assertEquals("done", Events.last(events).type());
                worstMs = Math.max(worstMs, (Events.last(events).nanos() - upstreamDone) / 1_000_000);
            }
            System.out.printf("[measure] 9 followers beside a stalled one: the last got done %d ms after the"
                    + " upstream finished%n", worstMs);
            assertTrue(worstMs < 3000, "fast followers were held back " + worstMs + " ms");

        }
    }

    /** The body of a chunked response that may have been cut inside a chunk. */
    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            int from = lineEnd + 2;
            int to = Math.min(chunked.length(), from + size);
            body.append(chunked, from, to);
            if (size == 0 || to < from + size) {
                break;
            }
            at = to + 2;
        }
        return body.toString();
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void deleteCancelsTheUpstreamAndEveryFollowerIsTold() throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        String id = create(prompt);
        StreamClient sse = StreamClient.get(base, "/api/generations/" + id + "/events", "text/event-stream");
        StreamClient ndjson = StreamClient.get(base, "/ndjson/generations/" + id, "application/x-ndjson");
        sse.awaitLine(line -> line.contains("\"seq\":3,"), 10, TimeUnit.SECONDS);
        ndjson.awaitLine(line -> line.contains("\"seq\":3,"), 10, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS);

        StreamClient delete = StreamClient.open(base, "DELETE", "/api/generations/" + id, null, null, null)
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(204, delete.status());
        exchange.closedByRelay.get(5, TimeUnit.SECONDS);
        for (var follower : List.of(Map.entry(Transport.SSE, sse), Map.entry(Transport.NDJSON, ndjson))) {
            List<Received> events = follower.getKey().events(follower.getValue().awaitEnd(10, TimeUnit.SECONDS)
                    .lines());
            JsonObject error = Events.terminalError(events);
            assertEquals("cancelled", error.getString("code"));
            Events.assertSequence(follower.getKey(), events, id);
        }
        JsonObject status = Json.object(StreamClient.get(base, "/api/generations/" + id, "application/json")
                .awaitEnd(10, TimeUnit.SECONDS).bodyText());
        assertEquals("cancelled", status.getString("status"));
    }

    @Test
    void upstreamRunsForTheGracePeriodAfterTheLastFollowerLeavesThenStops() throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        StreamClient client = post(Transport.SSE, prompt);
        client.awaitLine(line -> line.contains("\"seq\":5,"), 10, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS);
        long left = System.nanoTime();
        client.close();
        assertThrows(TimeoutException.class, () -> exchange.closedByRelay.get(GRACE_MS - 300, TimeUnit.MILLISECONDS),
                "the upstream must keep running during the grace period");
        long closed = exchange.closedByRelay.get(GRACE_MS + 3000, TimeUnit.MILLISECONDS);
        long ms = (closed - left) / 1_000_000;
        System.out.printf("[measure] upstream cancelled %d ms after the last follower left (grace %d ms)%n", ms,
                GRACE_MS);
        assertTrue(ms >= GRACE_MS - 300 && ms <= GRACE_MS + 2500, ms + " ms");
    }

    @Test
    void followerReturningWithinTheGracePeriodContinues() throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        StreamClient first = post(Transport.NDJSON, prompt);
        first.awaitLine(line -> line.contains("\"seq\":5,"), 10, TimeUnit.SECONDS);
        List<Received> before = Transport.NDJSON.events(first.lines());
        String id = before.get(0).json().getString("generation");
        long lastSeq = Events.last(before).json().getJsonNumber("seq").longValue();
        first.close();
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(GRACE_MS / 2);
        StreamClient back = StreamClient.open(base, "POST", "/ndjson/chat", "application/x-ndjson", null, null,
                Map.of("Last-Event-ID", id + ":" + lastSeq));
        back.awaitLine(line -> line.contains("\"seq\":" + (lastSeq + 40) + ","), 10, TimeUnit.SECONDS);
        assertFalse(exchange.closedByRelay.isDone(), "the returning follower kept the generation alive");
        List<Received> after = Transport.NDJSON.events(back.lines());
        assertEquals(lastSeq + 1, after.get(0).json().getJsonNumber("seq").longValue(), "continues right after its last event");
        back.close();
    }

    @Test
    void endedGenerationIsKeptForTheRetentionTimeThenForgotten() throws Exception {
        String prompt = Script.NORMAL.prompt(UUID.randomUUID().toString());
        StreamClient client = post(Transport.SSE, prompt).awaitEnd(20, TimeUnit.SECONDS);
        List<Received> events = Transport.SSE.events(client.lines());
        String id = events.get(0).json().getString("generation");
        long ended = Events.last(events).nanos();

        JsonObject status = Json.object(StreamClient.get(base, "/api/generations/" + id, "application/json")
                .awaitEnd(10, TimeUnit.SECONDS).bodyText());
        assertEquals("done", status.getString("status"));
        assertEquals("deepseek-chat", status.getString("model"));
        assertEquals(Script.NORMAL.text(), status.getString("text"));
        assertEquals(Script.PROMPT_TOKENS + 11, status.getJsonObject("usage").getInt("total_tokens"));
        // A late reconnect still gets the whole answer.
        List<Received> replayed = Transport.SSE.events(StreamClient.get(base, "/api/generations/" + id + "/events",
                "text/event-stream").awaitEnd(10, TimeUnit.SECONDS).lines());
        assertEquals(events.stream().map(e -> e.json().toString()).toList(),
                replayed.stream().map(e -> e.json().toString()).toList());

        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETENTION_MS + 3000);
        int code = 200;
        while (code != 404 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            code = StreamClient.get(base, "/api/generations/" + id, "application/json").awaitEnd(10, TimeUnit.SECONDS)
                    .status();
        }
        long afterMs = (System.nanoTime() - ended) / 1_000_000;
        assertEquals(404, code, "forgotten after the retention time");
        assertTrue(afterMs >= RETENTION_MS - 200, "not before the retention time: " + afterMs + " ms");
    }

    /**
     * A burst of 1,500 tokens, as fast as the upstream can send them, against a 256-event bound: a client that keeps
     * up gets every one of them, on each transport, however the relay's writers lag behind the parsing. Five rounds
     * each: the cut this guards against (a client that kept up cut as too slow) came in 1 of 4 CI runs.
     */
    @ParameterizedTest(name = "{0}, round {1}")
    @MethodSource("transportsFiveTimes")
    void answerOutgrowingTheReplayLogEndsWithTooLarge(Transport transport, int round) throws Exception {
        String prompt = Script.OVERFLOW.prompt(UUID.randomUUID().toString());
        StreamClient client = post(transport, prompt).awaitEnd(30, TimeUnit.SECONDS);
        List<Received> events = transport.events(client.lines());
        assertEquals("too_large", Events.terminalError(events).getString("code"), "round " + round);
        assertEquals(MAX_EVENTS, events.size(), "start, tokens and the terminal fill the log exactly");
        Events.assertSequence(transport, events, events.get(0).json().getString("generation"));
        upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(5, TimeUnit.SECONDS);
    }

    static Stream<Arguments> transportsFiveTimes() {
        return Stream.of(Transport.values())
                .flatMap(transport -> IntStream.rangeClosed(1, 5).mapToObj(round -> Arguments.of(transport, round)));
    }

    @Test
    void unknownAndMalformedIdsAreRefusedWithProblems() throws Exception {
        String unknown = "AAAAAAAAAAAAAAAAAAAAAA";
        assertProblem(get("/api/generations/" + unknown, "application/json"), 404, "unknown_generation");
        assertProblem(get("/api/generations/" + unknown + "/events", "text/event-stream"), 404,
                "unknown_generation");
        assertProblem(get("/ndjson/generations/" + unknown, "application/x-ndjson"), 404,
                "unknown_generation");
        assertProblem(StreamClient.open(base, "DELETE", "/api/generations/" + unknown, null, null, null)
                .awaitEnd(10, TimeUnit.SECONDS), 404, "unknown_generation");
        assertProblem(StreamClient.open(base, "GET", "/api/chat", "text/event-stream", null, null,
                Map.of("Last-Event-ID", unknown + ":3")).awaitEnd(10, TimeUnit.SECONDS), 404, "unknown_generation");

        String id = create(Script.NORMAL.prompt(UUID.randomUUID().toString()));
        for (String bad : List.of("nonsense", id, id + ":", id + ":-1", id + ":x", ":" + id, id + ":1:2",
                "x".repeat(5000))) {
            assertProblem(StreamClient.open(base, "GET", "/api/chat", "text/event-stream", null, null,
                    Map.of("Last-Event-ID", bad)).awaitEnd(10, TimeUnit.SECONDS), 400, "invalid_last_event_id");
            assertProblem(StreamClient.open(base, "GET", "/ndjson/chat", "application/x-ndjson", null,
                    null, Map.of("Last-Event-ID", bad)).awaitEnd(10, TimeUnit.SECONDS), 400,
                    "invalid_last_event_id");
        }
        assertProblem(StreamClient.open(base, "GET", "/api/generations/" + id + "/events",
                "text/event-stream", null, null, Map.of("Last-Event-ID", unknown + ":1"))
                .awaitEnd(10, TimeUnit.SECONDS), 400, "invalid_last_event_id");
        for (String bad : List.of("-1", "x", "1.5", "99999999999999999999", "")) {
            assertProblem(get("/ndjson/generations/" + id + "?after=" + bad, "application/x-ndjson"), 400,
                    "invalid_after");
            assertProblem(get("/api/generations/" + id + "/events?after=" + bad, "text/event-stream"),
                    400, "invalid_after");
        }
    }

    private StreamClient get(String path, String accept) throws Exception {
        return StreamClient.get(base, path, accept).awaitEnd(10, TimeUnit.SECONDS);
    }

    private String create(String prompt) throws Exception {
        StreamClient created = StreamClient.post(base, "/api/generations", "application/json", "application/json",
                ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8))
                .awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.bodyText());
        return Json.object(created.bodyText()).getString("id");
    }

    private StreamClient post(Transport transport, String prompt) throws IOException {
        return StreamClient.post(base, transport.path, transport.mediaType, "application/json",
                ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8));
    }
}
