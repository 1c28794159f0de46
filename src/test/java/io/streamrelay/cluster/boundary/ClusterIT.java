package io.streamrelay.cluster.boundary;

import io.streamrelay.testing.Events;
import io.streamrelay.testing.Json;
import io.streamrelay.testing.LocalCluster;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three clustered Payara Micro instances on loopback behind nginx (round robin, no stickiness) and the scripted
 * upstream: resume on whichever instance nginx picks, followers on every instance, cancel and grace across
 * instances, cluster-wide stream limits, kill -9 of a producer, SIGTERM of another. Booted once for the class; the
 * last two tests take instances away, so the order is fixed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    static final long GRACE_MS = 2000;
    static final long DRAIN_MS = 3000;
    static final int STREAMS_PER_KEY = 6;
    static final String ALICE = "alice-cluster-it-key";
    static final String BOB = "bob-cluster-it-key";
    /** The bound stated in docs/cluster.md: Hazelcast's 5 s without heartbeat, plus the watchdog's seconds. */
    static final long PRODUCER_LOST_BOUND_MS = 10_000;
    /** The shared log's batches per generation: small, so that an endless answer outgrows it within seconds. */
    static final int LOG_BATCHES = 64;

    static ScriptedUpstream upstream;
    static LocalCluster cluster;

    @BeforeAll
    static void boot() throws Exception {
        upstream = new ScriptedUpstream();
        cluster = new LocalCluster(3, Map.of(
                "RELAY_UPSTREAM_URL", upstream.baseUrl(),
                "RELAY_UPSTREAM_API_KEY", "sk-cluster-it-upstream",
                "RELAY_KEYS", "alice:" + sha256(ALICE) + ",bob:" + sha256(BOB),
                "RELAY_LIMIT_REQUESTS_PER_MINUTE", "0",
                "RELAY_LIMIT_STREAMS_PER_CLIENT", String.valueOf(STREAMS_PER_KEY * 2),
                "RELAY_GENERATIONS_GRACE_MS", String.valueOf(GRACE_MS),
                "RELAY_DRAIN_MS", String.valueOf(DRAIN_MS),
                "RELAY_CLUSTER_LOG_BATCHES", String.valueOf(LOG_BATCHES),
                // The test does not wait Payara's 32 s shutdown grace: it must only exceed the drain.
                "JVM", "-Dfish.payara.shutdowngrace=" + (DRAIN_MS + 2000)));
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void clientsThatDropAtRandomResumeOnAnyInstanceAndGetEveryTokenOnce() throws Exception {
        long seed = System.nanoTime();
        System.out.println("[measure] cluster resume test seed " + seed);
        Random random = new Random(seed);
        int generations = 45;
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<long[]>> runs = new ArrayList<>();
            for (int i = 0; i < generations; i++) {
                long clientSeed = random.nextLong();
                int variant = i % 3;
                runs.add(clients.submit(() -> followWithDrops(new Random(clientSeed), variant)));
            }
            int drops = 0;
            List<Long> times = new ArrayList<>();
            for (Future<long[]> run : runs) {
                long[] result = run.get(120, TimeUnit.SECONDS);
                drops += (int) result[0];
                for (int i = 1; i < result.length; i++) {
                    times.add(result[i]);
                }
            }
            times.sort(null);
            System.out.printf("[measure] cluster: %d generations, %d drops and resumes through nginx; time to the "
                            + "first replayed event p50 %.1f ms, p99 %.1f ms%n", generations, drops,
                    times.get(times.size() / 2) / 1000.0, times.get((int) (times.size() * 0.99)) / 1000.0);
            assertTrue(drops >= generations, "every client dropped at least once");
        } finally {
            clients.shutdownNow();
        }
    }

    /** One client: starts a generation through nginx, drops 1-5 times, resumes through nginx each time. */
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
        StreamClient client = StreamClient.open(cluster.front(), "POST", transport.path, transport.mediaType,
                "application/json", body(prompt), auth(ALICE));
        String generation = null;
        int drops = 0;
        while (true) {
            int cut = cuts.isEmpty() ? Integer.MAX_VALUE : cuts.pollFirst();
            all.addAll(readUntil(transport, client, all.size(), cut));
            if (generation == null) {
                generation = all.get(0).json().getString("generation");
            }
            client.close();
            String last = Events.last(all).type();
            if (last.equals("done") || last.equals("error")) {
                break;
            }
            drops++;
            long after = Events.last(all).json().getJsonNumber("seq").longValue();
            long asked = System.nanoTime();
            client = resume(variant, generation, after);
            client.awaitLine(line -> line.contains("\"seq\":" + (after + 1) + ","), 20, TimeUnit.SECONDS);
            resumes.add((System.nanoTime() - asked) / 1000);
        }
        Events.assertSequence(transport, all, generation);
        assertEquals(Script.pacedText(), Events.text(all, "token"), "generation " + generation);
        assertEquals("done", Events.last(all).type());
        assertEquals(1, upstream.requestsFor(prompt), "the upstream was asked once for " + generation);
        long[] result = new long[1 + resumes.size()];
        result[0] = drops;
        for (int i = 0; i < resumes.size(); i++) {
            result[i + 1] = resumes.get(i);
        }
        return result;
    }

    private StreamClient resume(int variant, String generation, long after) throws IOException {
        Map<String, String> headers = new java.util.HashMap<>(auth(ALICE));
        return switch (variant) {
            case 0 -> {
                headers.put("Last-Event-ID", generation + ":" + after);
                yield StreamClient.open(cluster.front(), "GET", "/api/chat", "text/event-stream", null, null, headers);
            }
            case 1 -> {
                headers.put("Last-Event-ID", generation + ":" + after);
                yield StreamClient.open(cluster.front(), "GET", "/api/generations/" + generation + "/events",
                        "text/event-stream", null, null, headers);
            }
            default -> StreamClient.open(cluster.front(), "GET", "/ndjson/generations/" + generation + "?after="
                    + after, "application/x-ndjson", null, null, headers);
        };
    }

    @Test
    @Order(2)
    void followersOnEveryInstanceGetTheSameEvents() throws Exception {
        String prompt = Script.SLOW.prompt(UUID.randomUUID().toString());
        String id = create(cluster.base(0), ALICE, prompt);
        List<StreamClient> followers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            followers.add(follow(cluster.base(i), ALICE, id));
        }
        List<List<Received>> seen = new ArrayList<>();
        for (StreamClient follower : followers) {
            follower.awaitEnd(30, TimeUnit.SECONDS);
            seen.add(Transport.SSE.events(follower.lines()));
        }
        for (int i = 0; i < 3; i++) {
            Events.assertSequence(Transport.SSE, seen.get(i), id);
            assertEquals("done", Events.last(seen.get(i)).type(), "instance " + i);
            assertEquals(Script.slowText(), Events.text(seen.get(i), "token"), "instance " + i);
        }
        // The producer (instance 0) writes from memory; the others from the shared log: their added delay.
        List<Long> added = new ArrayList<>();
        for (int i = 1; i < 3; i++) {
            for (int e = 1; e < seen.get(0).size(); e++) {
                added.add((seen.get(i).get(e).nanos() - seen.get(0).get(e).nanos()) / 1000);
            }
        }
        added.sort(null);
        System.out.printf("[measure] cluster: a follower on another instance gets each event %.1f ms (p50), %.1f ms"
                        + " (p99) after the producer's own follower%n", added.get(added.size() / 2) / 1000.0,
                added.get((int) (added.size() * 0.99)) / 1000.0);
        assertEquals(1, upstream.requestsFor(prompt));
    }

    @Test
    @Order(3)
    void aCancelOnAnotherInstanceStopsTheUpstream() throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        String id = create(cluster.base(0), ALICE, prompt);
        StreamClient follower = follow(cluster.base(1), ALICE, id);
        follower.awaitLine(line -> line.contains("\"type\":\"token\""), 20, TimeUnit.SECONDS);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
        StreamClient cancel = StreamClient.open(cluster.base(2), "DELETE", "/api/generations/" + id, null, null, null,
                auth(ALICE)).awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(204, cancel.status(), cancel.bodyText());
        long asked = System.nanoTime();
        exchange.closedByRelay.get(10, TimeUnit.SECONDS);
        System.out.printf("[measure] cluster: a cancel on another instance closed the upstream in %d ms%n",
                (System.nanoTime() - asked) / 1_000_000);
        follower.awaitEnd(10, TimeUnit.SECONDS);
        JsonObject error = Events.terminalError(Transport.SSE.events(follower.lines()));
        assertEquals("cancelled", error.getString("code"));
        assertEquals("cancelled", status(cluster.base(2), ALICE, id).getString("status"));
    }

    @Test
    @Order(4)
    void theGracePeriodCountsFollowersOnOtherInstances() throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        String id = create(cluster.base(0), ALICE, prompt);
        ScriptedUpstream.Exchange exchange = upstream.exchangeFor(prompt, 10, TimeUnit.SECONDS);
        // Nobody follows on the producer: a client on instance 1 alone keeps it going past several grace periods.
        StreamClient follower = follow(cluster.base(1), ALICE, id);
        TimeUnit.MILLISECONDS.sleep(3 * GRACE_MS);
        assertFalse(exchange.closedByRelay.isDone(), "a follower elsewhere kept the generation");
        assertEquals("running", status(cluster.base(2), ALICE, id).getString("status"));
        follower.close();
        exchange.closedByRelay.get(2 * GRACE_MS + 10_000, TimeUnit.MILLISECONDS);
        assertEquals("cancelled", status(cluster.base(0), ALICE, id).getString("status"));
    }

    @Test
    @Order(5)
    void theStreamLimitOfAKeyHoldsOnEveryInstanceAndItsSlotsComeBack() throws Exception {
        int limit = STREAMS_PER_KEY * 2;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            ids.add(hold(cluster.front(), BOB));
        }
        for (int i = 0; i < 3; i++) {
            StreamClient refused = post(cluster.base(i), BOB, "/api/generations", "application/json",
                    Script.ENDLESS.prompt(UUID.randomUUID().toString())).awaitEnd(10, TimeUnit.SECONDS);
            assertEquals(429, refused.status(), "instance " + i + ": " + refused.bodyText());
            assertTrue(refused.bodyText().contains("\"code\":\"too_many_streams\""), refused.bodyText());
        }
        for (String id : ids) {
            assertEquals(204, StreamClient.open(cluster.front(), "DELETE", "/api/generations/" + id, null, null,
                    null, auth(BOB)).awaitEnd(10, TimeUnit.SECONDS).status());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(0, slotsInUse(cluster.base(i)), "instance " + i);
        }
        // Every slot came back cluster-wide too: the whole allowance is there again, on any instance.
        for (int i = 0; i < limit; i++) {
            String id = hold(cluster.base(i % 3), BOB);
            StreamClient.open(cluster.base(i % 3), "DELETE", "/api/generations/" + id, null, null, null, auth(BOB))
                    .awaitEnd(10, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(0, slotsInUse(cluster.base(i)), "instance " + i);
        }
    }

    @Test
    @Order(6)
    void aCursorOlderThanTheSharedLogGetsReplayExpiredNeverAGap() throws Exception {
        String id = create(cluster.base(0), ALICE, Script.ENDLESS.prompt(UUID.randomUUID().toString()));
        StreamClient producerSide = follow(cluster.base(0), ALICE, id);
        // A token every 50 ms: a batch each for the first half of the ring, then four a batch (200 ms), so the 64
        // batches are overwritten after about 9 s, well before 256 tokens.
        producerSide.awaitLine(line -> line.contains("\"seq\":" + (LOG_BATCHES * 4) + ","), 30, TimeUnit.SECONDS);
        for (String cursor : List.of("", "?after=0")) {
            StreamClient late = StreamClient.open(cluster.base(1), "GET", "/ndjson/generations/" + id + cursor,
                    "application/x-ndjson", null, null, auth(ALICE)).awaitEnd(20, TimeUnit.SECONDS);
            List<Received> events = Transport.NDJSON.events(late.lines());
            assertEquals(1, events.size(), late.bodyText());
            JsonObject error = Events.terminalError(events);
            assertEquals("replay_expired", error.getString("code"));
            assertTrue(error.getBoolean("retryable"));
            assertEquals(cursor.isEmpty() ? 0 : 1, error.getInt("seq"), "the seq right after the cursor");
        }
        // On the producer the whole log is still in memory: the same cursor replays everything there.
        StreamClient local = StreamClient.open(cluster.base(0), "GET", "/ndjson/generations/" + id + "?after=0",
                "application/x-ndjson", null, null, auth(ALICE));
        local.awaitLine(line -> line.contains("\"seq\":1,"), 10, TimeUnit.SECONDS);
        local.close();
        producerSide.close();
        StreamClient.open(cluster.base(0), "DELETE", "/api/generations/" + id, null, null, null, auth(ALICE))
                .awaitEnd(10, TimeUnit.SECONDS);
    }

    @Test
    @Order(7)
    void killingTheProducerEndsItsFollowersElsewhereWithProducerLost() throws Exception {
        String prompt = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        // Bob's whole allowance but one is taken on the instance that dies: it must come back.
        List<String> held = new ArrayList<>();
        for (int i = 0; i < STREAMS_PER_KEY * 2 - 1; i++) {
            held.add(hold(cluster.base(2), BOB));
        }
        String id = create(cluster.base(2), ALICE, prompt);
        StreamClient[] followers = {follow(cluster.base(0), ALICE, id), follow(cluster.base(1), ALICE, id)};
        for (StreamClient follower : followers) {
            follower.awaitLine(line -> line.contains("\"type\":\"token\""), 20, TimeUnit.SECONDS);
        }
        long killed = System.nanoTime();
        new ProcessBuilder("kill", "-9", String.valueOf(cluster.process(2).pid())).start().waitFor();
        for (StreamClient follower : followers) {
            follower.awaitEnd(PRODUCER_LOST_BOUND_MS + 5000, TimeUnit.MILLISECONDS);
            List<Received> events = Transport.SSE.events(follower.lines());
            JsonObject error = Events.terminalError(events);
            assertEquals("producer_lost", error.getString("code"));
            assertTrue(error.getBoolean("retryable"));
            long ms = (Events.last(events).nanos() - killed) / 1_000_000;
            System.out.printf("[measure] cluster: kill -9 of the producer to producer_lost on another instance: %d ms%n",
                    ms);
            assertTrue(ms < PRODUCER_LOST_BOUND_MS, "producer_lost within the bound: " + ms + " ms");
            assertFalse(follower.bodyText().contains("event: done"));
        }
        // The text so far stays readable: at least what the followers got, from the log the grid holds.
        JsonObject view = status(cluster.base(0), ALICE, id);
        assertEquals("error", view.getString("status"));
        String received = Events.text(Transport.SSE.events(followers[0].lines()), "token");
        assertTrue(!received.isEmpty() && view.getString("text").equals(received), view + " / " + received);
        // The dead instance's slots are free: Bob has his whole allowance again.
        for (int i = 0; i < STREAMS_PER_KEY * 2; i++) {
            String again = hold(cluster.base(i % 2), BOB);
            StreamClient.open(cluster.base(i % 2), "DELETE", "/api/generations/" + again, null, null, null, auth(BOB))
                    .awaitEnd(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(8)
    void sigtermDrainsAndItsGenerationsStayReadableElsewhere() throws Exception {
        String finishing = Script.SLOW.prompt(UUID.randomUUID().toString());
        String cut = Script.ENDLESS.prompt(UUID.randomUUID().toString());
        String finishingId = create(cluster.base(1), ALICE, finishing);
        String cutId = create(cluster.base(1), ALICE, cut);
        StreamClient[] followers = {follow(cluster.base(0), ALICE, finishingId), follow(cluster.base(1), ALICE,
                finishingId), follow(cluster.base(0), ALICE, cutId)};
        followers[2].awaitLine(line -> line.contains("\"type\":\"token\""), 20, TimeUnit.SECONDS);
        new ProcessBuilder("kill", "-TERM", String.valueOf(cluster.process(1).pid())).start().waitFor();
        for (StreamClient follower : List.of(followers[0], followers[1])) {
            follower.awaitEnd(DRAIN_MS + 10_000, TimeUnit.MILLISECONDS);
            List<Received> events = Transport.SSE.events(follower.lines());
            assertEquals("done", Events.last(events).type(), follower.bodyText());
            assertEquals(Script.slowText(), Events.text(events, "token"));
        }
        followers[2].awaitEnd(DRAIN_MS + 10_000, TimeUnit.MILLISECONDS);
        JsonObject error = Events.terminalError(Transport.SSE.events(followers[2].lines()));
        assertEquals("server_shutdown", error.getString("code"));
        assertTrue(cluster.process(1).waitFor(60, TimeUnit.SECONDS), "the instance exits");
        assertEquals("done", status(cluster.base(0), ALICE, finishingId).getString("status"));
        assertEquals(Script.slowText(), status(cluster.base(0), ALICE, finishingId).getString("text"));
        assertEquals("error", status(cluster.base(0), ALICE, cutId).getString("status"));
    }

    // --- helpers

    private static String create(URL base, String key, String prompt) throws Exception {
        StreamClient created = post(base, key, "/api/generations", "application/json", prompt)
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.bodyText());
        return Json.object(created.bodyText()).getString("id");
    }

    /**
     * A stream that holds one of the key's slots as long as its client stays (a generation nobody follows would be
     * cancelled after the grace period): an endless answer on the chat endpoint; returns its generation's id.
     */
    private static String hold(URL base, String key) throws Exception {
        StreamClient chat = post(base, key, "/api/chat", "text/event-stream",
                Script.ENDLESS.prompt(UUID.randomUUID().toString()));
        assertEquals(200, chat.status(), chat.bodyText());
        String start = chat.awaitLine(line -> line.startsWith("data: {\"type\":\"start\""), 20, TimeUnit.SECONDS)
                .text();
        return Json.object(start.substring("data: ".length())).getString("generation");
    }

    private static StreamClient post(URL base, String key, String path, String accept, String prompt)
            throws IOException {
        return StreamClient.open(base, "POST", path, accept, "application/json", body(prompt), auth(key));
    }

    private static StreamClient follow(URL base, String key, String id) throws IOException {
        return StreamClient.open(base, "GET", "/api/generations/" + id + "/events", "text/event-stream", null, null,
                auth(key));
    }

    private static JsonObject status(URL base, String key, String id) throws Exception {
        StreamClient view = StreamClient.open(base, "GET", "/api/generations/" + id, "application/json", null, null,
                auth(key)).awaitEnd(10, TimeUnit.SECONDS);
        assertEquals(200, view.status(), view.bodyText());
        return Json.object(view.bodyText());
    }

    private static int slotsInUse(URL base) throws Exception {
        StreamClient metrics = StreamClient.open(base, "GET", "/api/metrics", "application/json", null, null,
                auth(ALICE)).awaitEnd(10, TimeUnit.SECONDS);
        return Json.object(metrics.bodyText()).getInt("streams_in_use");
    }

    private static List<Received> readUntil(Transport transport, StreamClient client, int before, int cut)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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

    private static byte[] body(String prompt) {
        return ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> auth(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
