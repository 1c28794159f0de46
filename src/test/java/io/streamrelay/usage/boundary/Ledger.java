package io.streamrelay.usage.boundary;

import io.streamrelay.testing.PostgresCluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The ledger's rows as the test reads them straight from the database (not through the relay). */
final class Ledger {

    private final PostgresCluster cluster;

    Ledger(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    /** The generation's row, once the writer wrote it (bounded: the writer retries at most every 5 s). */
    Map<String, Object> await(String generation) throws Exception {
        return awaitRow("SELECT * FROM usage_record WHERE generation_id = ?", generation);
    }

    /** The key's latest row. */
    Map<String, Object> awaitKey(String key) throws Exception {
        return awaitRow("SELECT * FROM usage_record WHERE key_id = ? ORDER BY ended_at DESC LIMIT 1", key);
    }

    long count(String key) throws Exception {
        try (Connection connection = connect();
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM usage_record WHERE key_id = ?")) {
            query.setString(1, key);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Waits until the key has at least {@code atLeast} rows; returns the count. */
    long awaitCount(String key, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long count = count(key);
        while (count < atLeast && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            count = count(key);
        }
        if (count < atLeast) {
            throw new AssertionError(key + ": " + count + " rows, not " + atLeast);
        }
        return count;
    }

    private Map<String, Object> awaitRow(String sql, String value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
                query.setString(1, value);
                try (ResultSet rows = query.executeQuery()) {
                    if (rows.next()) {
                        Map<String, Object> row = new HashMap<>();
                        ResultSetMetaData meta = rows.getMetaData();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.put(meta.getColumnName(i), rows.getObject(i));
                        }
                        return row;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no ledger row for " + value);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private Connection connect() throws Exception {
        return java.sql.DriverManager.getConnection(cluster.jdbcUrl().replace("/postgres", "/relay"),
                PostgresCluster.USER, "");
    }
}
