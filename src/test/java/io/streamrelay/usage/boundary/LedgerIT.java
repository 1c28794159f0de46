package io.streamrelay.usage.boundary;

import io.streamrelay.testing.Json;
import io.streamrelay.testing.PostgresCluster;
import io.streamrelay.testing.RelayOnPayara;
import io.streamrelay.testing.Script;
import io.streamrelay.testing.ScriptedUpstream;
import io.streamrelay.testing.ServerLog;
import io.streamrelay.testing.StreamClient;
import io.streamrelay.testing.Transport;
import io.streamrelay.testing.Transport.Received;
import io.streamrelay.testing.Upstream;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URL;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.streamrelay.testing.Events.last;
import static io.streamrelay.testing.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usage ledger on PostgreSQL (a throwaway cluster, started here before the relay boots, its database left at
 * schema version 1 with one old row, which the relay's start migrates): one record for every way a generation ends,
 * {@code /v1} included; {@code GET /api/usage}; budgets at admission and inside running streams; the database down
 * while streams run, then back, within and past the writer's queue bound.
 */
@RelayOnPayara
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerIT {

    static final int QUEUE = 20;
    static final int BATCH = 5;
    static final int CUT_BUDGET = 25;
    static final int SHARED_BUDGET = 60;
    static final LocalDate OLD_DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    static final double INPUT_PRICE = 0.27;
    static final double OUTPUT_PRICE = 1.10;

    @Upstream
    static ScriptedUpstream upstream;

    static PostgresCluster database;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        database = PostgresCluster.start();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE relay");
        }
        LedgerKeys.previousVersion(database, OLD_DAY);
        Map<String, String> settings = new HashMap<>();
        settings.put("relay.keys", LedgerKeys.relayKeys());
        settings.put("relay.admin-keys", "usage-admin");
        settings.put("relay.ledger.jdbc-url", database.jdbcUrl().replace("/postgres", "/relay"));
        settings.put("relay.ledger.jdbc-user", PostgresCluster.USER);
        settings.put("relay.ledger.queue-records", String.valueOf(QUEUE));
        settings.put("relay.ledger.batch-records", String.valueOf(BATCH));
        settings.put("relay.prices", "deepseek-chat:" + INPUT_PRICE + "/" + OUTPUT_PRICE);
        settings.put("relay.budgets", "budget-cut:" + CUT_BUDGET + "tokens/day, budget-share:" + SHARED_BUDGET
                + "tokens/day");
        settings.put("relay.generations.grace-ms", "1000");
        settings.put("relay.timeout.first-token-ms", "1000");
        settings.put("relay.timeout.max-duration-ms", "2000");
        settings.put("relay.generations.max-events", "100");
        settings.put("relay.heartbeat-ms", "500");
        return io.streamrelay.testing.Deployments.relay(upstream, "sk-ledger-upstream", settings);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    // ---- one record for every exit

    enum Exit { DONE, UPSTREAM_ERROR, CUT, CANCEL, CLIENT_GONE, TIMEOUT, MAX_DURATION, TOO_LARGE }

    static Stream<Arguments> exits() {
        List<Arguments> all = new ArrayList<>();
        for (Exit exit : Exit.values()) {
            for (Transport transport : Transport.values()) {
                all.add(Arguments.of(exit, transport));
            }
        }
        return all.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("exits")
    void everyExitWritesExactlyOneRecord(Exit exit, Transport transport) throws Exception {
        Ledger ledger = new Ledger(database);
        String key = "exits";
        long before = ledger.count(key);
        String path = transport == Transport.SSE ? "/api/chat" : "/ndjson/chat";
        String transportName = transport.name().toLowerCase();
        Finished finished = switch (exit) {
            case DONE -> run(transport, key, Script.NORMAL, "done");
            case UPSTREAM_ERROR -> run(transport, key, Script.HTTP400, "upstream_bad_request");
            case CUT -> run(transport, key, Script.CUT40, "upstream_failed");
            case TIMEOUT -> run(transport, key, Script.SILENT, "first_token_timeout");
            case MAX_DURATION -> run(transport, key, Script.ENDLESS, "max_duration");
            case TOO_LARGE -> run(transport, key, Script.OVERFLOW, "too_large");
            case CANCEL -> {
                String prompt = Script.ENDLESS.prompt(java.util.UUID.randomUUID().toString());
                StreamClient created = client("POST", "/api/generations", "application/json", prompt, key)
                        .awaitEnd(10, TimeUnit.SECONDS);
                assertEquals(201, created.status(), created.bodyText());
                String id = Json.object(created.bodyText()).getString("id");
                StreamClient follower = StreamClient.open(base, "GET", transport == Transport.SSE
                        ? "/api/generations/" + id + "/events" : "/ndjson/generations/" + id, transport.mediaType,
                        null, null, LedgerKeys.auth(key));
                follower.awaitLine(line -> line.contains("\"token\""), 10, TimeUnit.SECONDS);
                assertEquals(204, client("DELETE", "/api/generations/" + id, "application/json", null, key)
                        .awaitEnd(10, TimeUnit.SECONDS).status());
                follower.awaitEnd(10, TimeUnit.SECONDS);
                yield new Finished(id, tokens(transport, follower), "cancelled");
            }
            case CLIENT_GONE -> {
                String prompt = Script.ENDLESS.prompt(java.util.UUID.randomUUID().toString());
                StreamClient client = client("POST", path, transport.mediaType, prompt, key);
                client.awaitLine(line -> line.contains("\"token\""), 10, TimeUnit.SECONDS);
                String id = transport.events(client.lines()).get(0).json().getString("generation");
                client.close();
                assertNotNull(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(10,
                        TimeUnit.SECONDS));
                yield new Finished(id, -1, "cancelled");
            }
        };
        Map<String, Object> row = ledger.await(finished.id());
        assertEquals(before + 1, ledger.count(key), "exactly one record more for the key");
        assertEquals(key, row.get("key_id"));
        assertEquals(finished.code(), row.get("code"));
        assertEquals(transportName, row.get("transport"));
        assertEquals(exit == Exit.CANCEL ? "/api/generations" : path, row.get("endpoint"));
        assertEquals("primary", row.get("upstream"));
        assertEquals("deepseek-chat", row.get("model_answered"));
        long ttft = ((Number) row.get("first_token_ms")).longValue();
        int completion = ((Number) row.get("completion_tokens")).intValue();
        if (exit == Exit.DONE) {
            assertEquals(Script.PROMPT_TOKENS, row.get("prompt_tokens"));
            assertEquals(11, completion);
            assertEquals(false, row.get("estimated"));
            assertEquals((Script.PROMPT_TOKENS * INPUT_PRICE + 11 * OUTPUT_PRICE) / 1e6,
                    ((Number) row.get("cost_usd")).doubleValue(), 1e-12);
            assertTrue(ttft >= 0, "time to first token " + ttft);
        } else if (exit == Exit.UPSTREAM_ERROR || exit == Exit.TIMEOUT) {
            assertEquals(0, completion);
            assertEquals(-1, ttft, "nothing came");
            assertEquals(true, row.get("estimated"));
        } else if (exit == Exit.CUT) {
            assertEquals(Script.CUT40_TOKENS, completion);
            assertEquals(true, row.get("estimated"));
        } else if (exit == Exit.CLIENT_GONE) {
            assertTrue(completion > 0, "pieces relayed until the grace period ended: " + completion);
        } else {
            assertEquals(finished.tokens(), completion, "the pieces the client received");
            assertEquals(OUTPUT_PRICE * completion / 1e6, ((Number) row.get("cost_usd")).doubleValue(), 1e-12);
        }
        assertTrue(((Number) row.get("duration_ms")).longValue() >= Math.max(ttft, 0));
    }

    @Order(2)
    @Test
    void theOpenAiFrontDoorIsRecordedToo() throws Exception {
        Ledger ledger = new Ledger(database);
        String prompt = Script.NORMAL.prompt(java.util.UUID.randomUUID().toString());
        byte[] body = ("{\"model\":\"deepseek-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + jakarta.json.Json.createValue(prompt) + "}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StreamClient answer = StreamClient.open(base, "POST", "/v1/chat/completions", "text/event-stream",
                "application/json", body, LedgerKeys.auth("usage-v1")).awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, answer.status(), answer.bodyText());
        Map<String, Object> row = ledger.awaitKey("usage-v1");
        assertEquals("/v1/chat/completions", row.get("endpoint"));
        assertEquals("openai", row.get("transport"));
        assertEquals("done", row.get("code"));
        assertEquals(Script.PROMPT_TOKENS, row.get("prompt_tokens"));
        assertEquals(11, row.get("completion_tokens"));
    }

    // ---- GET /api/usage

    @Order(3)
    @Test
    void usageIsGroupedScopedAndRangedAsJsonAndCsv() throws Exception {
        Ledger ledger = new Ledger(database);
        for (String key : List.of("usage-a", "usage-a", "usage-b")) {
            run(Transport.NDJSON, key, Script.NORMAL, "done");
        }
        ledger.awaitCount("usage-a", 3); // two today, one old row from schema version 1
        ledger.awaitCount("usage-b", 1);
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        JsonArray own = groups(usage("", "usage-a", 200));
        assertEquals(1, own.size(), own.toString());
        JsonObject a = own.getJsonObject(0);
        assertEquals("usage-a", a.getString("key"));
        assertEquals("deepseek-chat", a.getString("model"));
        assertEquals(today, a.getString("day"));
        assertEquals(2, a.getInt("requests"));
        assertEquals(2 * Script.PROMPT_TOKENS, a.getInt("prompt_tokens"));
        assertEquals(22, a.getInt("completion_tokens"));
        assertEquals(0, a.getInt("reasoning_tokens"));
        assertEquals(0, a.getInt("estimated_tokens"));
        assertEquals(2 * (Script.PROMPT_TOKENS * INPUT_PRICE + 11 * OUTPUT_PRICE) / 1e6,
                a.getJsonNumber("cost_usd").doubleValue(), 1e-12);

        // The range: the old row (written under schema version 1, migrated at start) is in its own day.
        JsonArray old = groups(usage("?from=" + OLD_DAY + "&to=" + OLD_DAY, "usage-a", 200));
        assertEquals(1, old.size(), old.toString());
        assertEquals(OLD_DAY.toString(), old.getJsonObject(0).getString("day"));
        assertEquals(1, old.getJsonObject(0).getInt("requests"));
        assertEquals(2, groups(usage("?from=" + OLD_DAY + "&to=" + today, "usage-a", 200)).size());
        assertEquals(0, groups(usage("?from=" + OLD_DAY.plusDays(1) + "&to=" + OLD_DAY.plusDays(2), "usage-a", 200))
                .size());
        assertProblem(request("/api/usage?from=" + today + "&to=" + OLD_DAY, "usage-a", "application/json"), 400,
                "invalid_range");
        assertProblem(request("/api/usage?from=yesterday", "usage-a", "application/json"), 400, "invalid_range");

        // Scoping: another key's usage is the admin's to read.
        assertProblem(request("/api/usage?key=usage-b", "usage-a", "application/json"), 403, "not_admin");
        JsonArray all = groups(usage("", "usage-admin", 200));
        assertTrue(all.stream().map(JsonObject.class::cast).anyMatch(g -> g.getString("key").equals("usage-a")));
        assertTrue(all.stream().map(JsonObject.class::cast).anyMatch(g -> g.getString("key").equals("usage-b")));
        JsonArray onlyB = groups(usage("?key=usage-b", "usage-admin", 200));
        assertEquals(1, onlyB.size());
        assertEquals(1, onlyB.getJsonObject(0).getInt("requests"));

        StreamClient csv = request("/api/usage", "usage-a", "text/csv");
        assertEquals(200, csv.status(), csv.bodyText());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"), csv.header("Content-Type"));
        List<String> lines = csv.bodyText().lines().toList();
        assertEquals(List.of("key,model,day,requests,prompt_tokens,completion_tokens,reasoning_tokens,cost_usd,"
                + "estimated_tokens", "usage-a,deepseek-chat," + today + ",2," + 2 * Script.PROMPT_TOKENS + ",22,0,"
                + String.format(java.util.Locale.ROOT, "%.6f", 2 * (Script.PROMPT_TOKENS * INPUT_PRICE
                + 11 * OUTPUT_PRICE) / 1e6) + ",0"), lines);
    }

    // ---- budgets

    @Order(4)
    @Test
    void aBudgetCutsTheStreamThenRefusesUntilTheDayEnds() throws Exception {
        Ledger ledger = new Ledger(database);
        String prompt = Script.ENDLESS.prompt(java.util.UUID.randomUUID().toString());
        StreamClient cut = client("POST", "/api/chat", "text/event-stream", prompt, "budget-cut")
                .awaitEnd(20, TimeUnit.SECONDS);
        List<Received> events = Transport.SSE.events(cut.lines());
        Received terminal = last(events);
        assertEquals("error", terminal.type(), cut.bodyText());
        assertEquals("budget_exceeded", terminal.json().getString("code"));
        assertEquals(false, terminal.json().getBoolean("retryable"));
        int relayed = tokens(Transport.SSE, cut);
        // The piece that reached the budget went out, nothing after it: at most one chunk over.
        assertTrue(relayed >= CUT_BUDGET && relayed <= CUT_BUDGET + 1, "relayed " + relayed);
        assertNotNull(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(10, TimeUnit.SECONDS),
                "the upstream was cancelled");
        Map<String, Object> row = ledger.await(events.get(0).json().getString("generation"));
        assertEquals("budget_exceeded", row.get("code"));
        assertEquals(relayed, row.get("completion_tokens"));
        System.out.println("[figure] budget of " + CUT_BUDGET + " tokens: the stream relayed " + relayed);

        for (Transport transport : Transport.values()) {
            StreamClient refused = client("POST", transport.path, transport.mediaType,
                    Script.NORMAL.prompt(java.util.UUID.randomUUID().toString()), "budget-cut")
                    .awaitEnd(10, TimeUnit.SECONDS);
            assertProblem(refused, 429, "budget_exhausted");
            long untilMidnight = Duration.between(LocalDateTime.now(ZoneOffset.UTC),
                    LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay()).toSeconds();
            long retryAfter = Long.parseLong(refused.header("Retry-After"));
            assertTrue(Math.abs(retryAfter - untilMidnight) <= 5, retryAfter + " vs " + untilMidnight);
        }
    }

    @Order(5)
    @Test
    void threeStreamsOfOneKeyShareItsBudget() throws Exception {
        Ledger ledger = new Ledger(database);
        List<String> prompts = new ArrayList<>();
        List<StreamClient> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String prompt = Script.ENDLESS.prompt(java.util.UUID.randomUUID().toString());
            prompts.add(prompt);
            streams.add(client("POST", "/ndjson/chat", "application/x-ndjson", prompt, "budget-share"));
        }
        int total = 0;
        List<String> ids = new ArrayList<>();
        for (StreamClient stream : streams) {
            stream.awaitEnd(20, TimeUnit.SECONDS);
            List<Received> events = Transport.NDJSON.events(stream.lines());
            assertEquals("budget_exceeded", last(events).json().getString("code"), stream.bodyText());
            int relayed = tokens(Transport.NDJSON, stream);
            assertTrue(relayed > 0, "each stream got some of the budget");
            total += relayed;
            ids.add(events.get(0).json().getString("generation"));
        }
        assertTrue(total >= SHARED_BUDGET && total <= SHARED_BUDGET + 3,
                "together " + total + " tokens for a budget of " + SHARED_BUDGET + " (at most one chunk a stream over)");
        for (String prompt : prompts) {
            assertNotNull(upstream.exchangeFor(prompt, 5, TimeUnit.SECONDS).closedByRelay.get(10, TimeUnit.SECONDS));
        }
        int recorded = 0;
        for (String id : ids) {
            recorded += ((Number) ledger.await(id).get("completion_tokens")).intValue();
        }
        assertEquals(total, recorded);
        System.out.println("[figure] three streams sharing a budget of " + SHARED_BUDGET + " tokens relayed " + total);
    }

    // ---- the database goes away

    @Order(6)
    @Test
    void streamsGoOnWhileTheDatabaseIsDownAndTheirRecordsArriveWhenItIsBack() throws Exception {
        Ledger ledger = new Ledger(database);
        database.down();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < QUEUE / 2; i++) {
                Transport transport = Transport.values()[i % 2];
                ids.add(run(transport, "usage-down", Script.NORMAL, "done").id());
            }
            assertProblem(request("/api/usage", "usage-down", "application/json"), 503, "ledger_unavailable");
        } finally {
            database.up();
        }
        for (String id : ids) {
            assertEquals("done", ledger.await(id).get("code"));
        }
    }

    @Order(7)
    @Test
    void pastTheQueueBoundRecordsAreDroppedLoggedAndCounted() throws Exception {
        Ledger ledger = new Ledger(database);
        int streams = QUEUE + BATCH + 10;
        database.down();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                ids.add(run(Transport.NDJSON, "usage-over", Script.NORMAL, "done").id());
            }
            String log = ServerLog.sinceClassStart();
            assertTrue(log.contains("usage ledger queue full"), "the drop is logged");
        } finally {
            database.up();
        }
        long recorded = ledger.awaitCount("usage-over", QUEUE);
        TimeUnit.SECONDS.sleep(1); // nothing more is coming: the rest was dropped
        recorded = ledger.count("usage-over");
        assertTrue(recorded >= QUEUE && recorded <= QUEUE + BATCH, "recorded " + recorded);
        String metrics = StreamClient.get(base, "/metrics?scope=application", "text/plain").awaitEnd(10,
                TimeUnit.SECONDS).bodyText();
        java.util.regex.Matcher dropped = java.util.regex.Pattern.compile(
                "(?m)^relay_ledger_dropped_records(?:_total)?\\{[^}]*} ([0-9.E]+)").matcher(metrics);
        assertTrue(dropped.find(), metrics);
        assertEquals(streams - recorded, (long) Double.parseDouble(dropped.group(1)));
        System.out.println("[figure] queue bound " + QUEUE + ", batch " + BATCH + ": " + streams
                + " generations while the database was down, " + recorded + " recorded after, "
                + (streams - recorded) + " dropped");
    }

    // ---- helpers

    record Finished(String id, int tokens, String code) {
    }

    private Finished run(Transport transport, String key, Script script, String code) throws Exception {
        String prompt = script.prompt(java.util.UUID.randomUUID().toString());
        StreamClient client = client("POST", transport.path, transport.mediaType, prompt, key)
                .awaitEnd(20, TimeUnit.SECONDS);
        assertEquals(200, client.status(), client.bodyText());
        List<Received> events = transport.events(client.lines());
        Received terminal = last(events);
        if (code.equals("done")) {
            assertEquals("done", terminal.type(), client.bodyText());
        } else {
            assertEquals(code, terminal.json().getString("code"), client.bodyText());
        }
        return new Finished(events.get(0).json().getString("generation"), tokens(transport, client), code);
    }

    private static int tokens(Transport transport, StreamClient client) {
        return (int) transport.events(client.lines()).stream().filter(e -> e.type().equals("token")).count();
    }

    private StreamClient client(String method, String path, String accept, String prompt, String key)
            throws Exception {
        byte[] body = prompt == null ? null : ("{\"prompt\":" + jakarta.json.Json.createValue(prompt) + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return StreamClient.open(base, method, path, accept, body == null ? null : "application/json", body,
                LedgerKeys.auth(key));
    }

    private StreamClient request(String pathAndQuery, String key, String accept) throws Exception {
        return StreamClient.open(base, "GET", pathAndQuery, accept, null, null, LedgerKeys.auth(key))
                .awaitEnd(10, TimeUnit.SECONDS);
    }

    private JsonObject usage(String query, String key, int status) throws Exception {
        StreamClient answer = request("/api/usage" + query, key, "application/json");
        assertEquals(status, answer.status(), answer.bodyText());
        return Json.object(answer.bodyText());
    }

    private static JsonArray groups(JsonObject usage) {
        return usage.getJsonArray("groups");
    }
}
