package io.streamrelay.usage.control;

import io.streamrelay.testing.PostgresCluster;
import io.streamrelay.usage.entity.LedgerEntry;
import io.streamrelay.usage.entity.UsageGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger on a throwaway PostgreSQL cluster, without a server: Flyway on an empty database, on one left at the
 * previous version with its rows, and beside other tables; the store's writes and groups through JPA (EclipseLink,
 * as in Payara); the writer's bounded queue while the database is down and its flush at stop; and the records per
 * second its batches sustain (printed, not asserted: a figure for docs/usage.md).
 */
class LedgerDatabaseIT {

    static PostgresCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = PostgresCluster.start();
        try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE empty");
            statement.execute("CREATE DATABASE previous");
            statement.execute("CREATE DATABASE bench");
            statement.execute("CREATE DATABASE shared");
            statement.execute("CREATE DATABASE writer");
            statement.execute("CREATE DATABASE flush");
            statement.execute("CREATE DATABASE late");
            statement.execute("CREATE DATABASE locked");
            statement.execute("CREATE DATABASE badrows");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anEmptyDatabaseGetsEveryVersion() throws Exception {
        LedgerStore store = store("empty");
        store.open();
        assertEquals(List.of("1", "2"), versions("empty"));
        store.write(List.of(entry("g1", "alice", "deepseek-chat", 17, 11, false, LocalDateTime.of(2026, 11, 2, 10, 0)),
                entry("g2", "alice", "deepseek-chat", 0, 40, true, LocalDateTime.of(2026, 11, 2, 23, 59)),
                entry("g3", "bob", "deepseek-chat", 5, 5, false, LocalDateTime.of(2026, 11, 3, 0, 0))), false);
        // The same batch again, as after a commit whose answer was lost: merged, still three rows.
        store.write(List.of(entry("g1", "alice", "deepseek-chat", 17, 11, false, LocalDateTime.of(2026, 11, 2, 10, 0))),
                true);
        List<UsageGroup> all = store.groups(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), null);
        assertEquals(2, all.size(), all.toString());
        UsageGroup alice = all.get(0);
        assertEquals("alice", alice.key());
        assertEquals(2, alice.requests());
        assertEquals(17, alice.promptTokens());
        assertEquals(51, alice.completionTokens());
        assertEquals(40, alice.estimatedTokens());
        assertEquals(List.of(), store.groups(LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 3), "alice"));
        store.close();
    }

    @Test
    void theDatabaseOfThePreviousVersionIsUpgradedWithItsRows() throws Exception {
        DriverDataSource previous = new DriverDataSource(url("previous"), PostgresCluster.USER, null);
        LedgerSchema.migrate(previous, "1");
        assertEquals(List.of("1"), versions("previous"));
        try (Connection connection = previous.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO usage_record (generation_id, key_id, model_requested, model_answered,"
                    + " upstream, endpoint, transport, prompt_tokens, completion_tokens, reasoning_tokens, estimated,"
                    + " cost_usd, first_token_ms, duration_ms, code, ended_at, usage_day) VALUES ('old', 'carol',"
                    + " 'deepseek-chat', 'deepseek-chat', 'primary', '/api/chat', 'sse', 17, 11, 0, false, 0.5, 120,"
                    + " 900, 'done', '2026-10-31 12:00:00', '2026-10-31')");
        }
        LedgerStore store = store("previous");
        store.open();
        assertEquals(List.of("1", "2"), versions("previous"));
        List<UsageGroup> groups = store.groups(LocalDate.of(2026, 10, 31), LocalDate.of(2026, 10, 31), "carol");
        assertEquals(List.of(new UsageGroup("carol", "deepseek-chat", LocalDate.of(2026, 10, 31), 1, 17, 11, 0, 0.5,
                0)), groups);
        try (Connection connection = previous.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT cached_tokens FROM usage_record WHERE generation_id='old'")) {
            assertTrue(row.next());
            assertEquals(0, row.getInt(1));
        }
        store.close();
    }

    /** A database that holds other tables (Payara's default one holds its own): baselined at 0, then migrated. */
    @Test
    void aDatabaseWithOtherTablesGetsTheLedgerBesideThem() throws Exception {
        DriverDataSource shared = new DriverDataSource(url("shared"), PostgresCluster.USER, null);
        try (Connection connection = shared.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE ejb__timer__tbl (id INTEGER)");
        }
        LedgerSchema.migrate(shared, "latest");
        assertEquals(List.of("0", "1", "2"), versions("shared"));
    }

    @Test
    void theWriterHoldsItsBoundWhileTheDatabaseIsDownThenWritesEverythingItKept() throws Exception {
        LedgerWriter writer = writer("writer", 10, 5);
        writer.offer(entry("w-first", "w", "m", 1, 1, false, LocalDateTime.now()));
        awaitWritten(writer, 1);
        cluster.down();
        int dropped = 0;
        try {
            for (int i = 0; i < 30; i++) {
                if (!writer.offer(entry("w" + i, "w", "m", 1, 1, false, LocalDateTime.now()))) {
                    dropped++;
                }
                Thread.sleep(20);
            }
        } finally {
            cluster.up();
        }
        assertEquals(dropped, writer.dropped());
        assertTrue(dropped >= 30 - 10 - 5 && dropped <= 30 - 10, "dropped " + dropped);
        awaitWritten(writer, 1 + 30 - dropped);
        assertEquals(1 + 30 - dropped, count("writer"), "every record kept was written, once");
        writer.flush();
    }

    @Test
    void aLedgerWhoseDatabaseIsDownAtStartOpensWhenItComesBack() throws Exception {
        cluster.down();
        LedgerWriter writer;
        try {
            writer = writer("late", 100, 10);
            for (int i = 0; i < 5; i++) {
                assertTrue(writer.offer(entry("l" + i, "l", "m", 1, 1, false, LocalDateTime.now())));
            }
            Thread.sleep(500);
            assertEquals(0, writer.written());
        } finally {
            cluster.up();
        }
        awaitWritten(writer, 5);
        assertEquals(List.of("1", "2"), versions("late"), "migrated once it could");
        writer.flush();
    }

    @Test
    void whatIsQueuedAtStopIsWrittenBeforeTheWriterEnds() throws Exception {
        LedgerWriter writer = writer("flush", 1000, 50);
        for (int i = 0; i < 400; i++) {
            assertTrue(writer.offer(entry("f" + i, "f", "m", 1, 1, false, LocalDateTime.now())));
        }
        writer.flush(); // what the container calls after the drain
        assertEquals(400, count("flush"));
    }

    /**
     * A ledger that does not answer (its table locked by another transaction) holds an admission only for the
     * query timeout: the budget starts from 0 (logged) instead of the request waiting for the database.
     */
    @Test
    void aBudgetWhoseLedgerDoesNotAnswerStartsFromZeroAfterTheQueryTimeout() throws Exception {
        LedgerStore store = store("locked");
        store.open();
        store.write(List.of(entry("k1", "alice", "m", 10, 10, false, LocalDateTime.now())), false);
        LedgerSettings settings = new LedgerSettings();
        settings.budgets = Optional.of("alice:100tokens/day");
        settings.prices = Optional.empty();
        Budgets budgets = new Budgets();
        budgets.settings = settings;
        budgets.store = store;
        budgets.read();
        try (Connection locker = new DriverDataSource(url("locked"), PostgresCluster.USER, null).getConnection();
             Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("LOCK TABLE usage_record IN ACCESS EXCLUSIVE MODE");
            // A guard against the old hang, far above the query timeout: not a speed assertion.
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
                assertThrows(RuntimeException.class, () -> store.spent("alice", LocalDate.now()));
                assertNotNull(budgets.open("g", io.streamrelay.admission.entity.Caller.key("alice"), "m",
                        (code, message) -> { }));
            });
            locker.rollback();
        }
        store.close();
    }

    /**
     * A row the database refuses does not stall the ledger: strings longer than their columns are cut to fit, and
     * a row refused for another reason (here a NUL character, which PostgreSQL's text refuses) is dropped, logged
     * and counted while the rest of its batch and every later batch is written.
     */
    @Test
    void aRowTheDatabaseRefusesIsDroppedAndTheRestIsWritten() throws Exception {
        LedgerWriter writer = writer("badrows", 100, 10);
        String longModel = "m".repeat(500);
        writer.offer(entry("b1", "b", longModel, 1, 1, false, LocalDateTime.now()));
        writer.offer(entry("b2", "b", "bad\u0000model", 1, 1, false, LocalDateTime.now()));
        writer.offer(entry("b3", "b", "m", 1, 1, false, LocalDateTime.now()));
        awaitWritten(writer, 2);
        writer.offer(entry("b4", "b", "m", 1, 1, false, LocalDateTime.now()));
        awaitWritten(writer, 3);
        assertEquals(3, count("badrows"));
        assertEquals(1, writer.dropped());
        try (Connection connection = new DriverDataSource(url("badrows"), PostgresCluster.USER, null).getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT model_answered FROM usage_record WHERE"
                     + " generation_id = 'b1'")) {
            assertTrue(rows.next());
            assertEquals(200, rows.getString(1).length(), "cut to the column's width");
        }
        writer.flush();
    }

    private static LedgerWriter writer(String database, int queue, int batch) {
        LedgerWriter writer = new LedgerWriter();
        writer.store = store(database);
        writer.settings = writer.store.settings;
        writer.settings.queueRecords = queue;
        writer.settings.batchRecords = batch;
        writer.settings.flushMs = 20_000;
        writer.threads = new jakarta.enterprise.concurrent.ManagedThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                return new Thread(task);
            }

            @Override
            public java.util.concurrent.ForkJoinWorkerThread newThread(java.util.concurrent.ForkJoinPool pool) {
                throw new UnsupportedOperationException();
            }
        };
        writer.start();
        return writer;
    }

    private static void awaitWritten(LedgerWriter writer, long count) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (writer.written() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(count, writer.written());
    }

    private static long count(String database) throws Exception {
        try (Connection connection = new DriverDataSource(url(database), PostgresCluster.USER, null).getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM usage_record")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The writer's path (one transaction per batch of 500) on this cluster: a figure, printed. */
    @Test
    void recordsPerSecondOnPostgres() throws Exception {
        LedgerStore store = store("bench");
        store.open();
        int batches = 20;
        int size = 500;
        long started = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            List<LedgerEntry> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add(entry("b" + b + "-" + i, "k" + (i % 7), "deepseek-chat", 17, 11, false,
                        LocalDateTime.now()));
            }
            store.write(batch, false);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[figure] ledger writer on PostgreSQL: %d records in %.2f s = %.0f records/s (batches of %d;"
                + " load average %s)%n", batches * size, seconds, batches * size / seconds, size, loadAverage());
        assertEquals(batches * size, store.groups(LocalDate.now().minusDays(1), LocalDate.now().plusDays(1), null)
                .stream().mapToLong(UsageGroup::requests).sum());
        store.close();
    }

    private static LedgerStore store(String database) {
        LedgerStore store = new LedgerStore();
        LedgerSettings settings = new LedgerSettings();
        settings.jdbcUrl = Optional.of(url(database));
        settings.datasource = Optional.empty();
        store.settings = settings;
        store.use(new DriverDataSource(url(database), PostgresCluster.USER, null));
        return store;
    }

    private static String url(String database) {
        return cluster.jdbcUrl().replace("/postgres", "/" + database);
    }

    private static List<String> versions(String database) throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = new DriverDataSource(url(database), PostgresCluster.USER, null).getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM ledger_schema_history WHERE success"
                     + " ORDER BY installed_rank")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }

    static LedgerEntry entry(String id, String key, String model, int prompt, int completion, boolean estimated,
                             LocalDateTime at) {
        return new LedgerEntry(id, key, model, model, "primary", "/api/chat", "sse", prompt, completion, 0, 0,
                estimated, 0, 100, 1000, "done", at);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException unknown) {
            return "unknown";
        }
    }
}
