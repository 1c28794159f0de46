package io.streamrelay.usage.boundary;

import io.streamrelay.testing.PostgresCluster;
import io.streamrelay.testing.Secrets;

import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The ledger tests' gateway keys, and a database left at the ledger's schema version 1 with one row. */
final class LedgerKeys {

    static final List<String> IDS = List.of("exits", "usage-a", "usage-b", "usage-admin", "usage-v1", "usage-down",
            "usage-over", "budget-cut", "budget-share");

    private LedgerKeys() {
    }

    static String secret(String id) {
        return "gw-" + id + "-7c2e90d4a1b35f68";
    }

    static Map<String, String> auth(String id) {
        return Map.of("Authorization", "Bearer " + secret(id));
    }

    static String relayKeys() {
        StringBuilder keys = new StringBuilder();
        for (String id : IDS) {
            keys.append(keys.length() == 0 ? "" : ",").append(id).append(':').append(Secrets.sha256(secret(id)));
        }
        return keys.toString();
    }

    /**
     * The database {@code relay} as a relay of the previous schema version left it: {@code V1__usage_record.sql}
     * applied by Flyway (its history table included), one row of key {@code usage-a} on {@code day}.
     */
    static void previousVersion(PostgresCluster cluster, LocalDate day) throws Exception {
        String url = cluster.jdbcUrl().replace("/postgres", "/relay");
        io.streamrelay.usage.control.LedgerSchema.migrate(new org.postgresql.ds.PGSimpleDataSource() {
            {
                setURL(url);
                setUser(PostgresCluster.USER);
            }
        }, "1");
        try (Connection connection = java.sql.DriverManager.getConnection(url, PostgresCluster.USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO usage_record (generation_id, key_id, model_requested, model_answered,"
                    + " upstream, endpoint, transport, prompt_tokens, completion_tokens, reasoning_tokens, estimated,"
                    + " cost_usd, first_token_ms, duration_ms, code, ended_at, usage_day) VALUES ('v1-row', 'usage-a',"
                    + " 'deepseek-chat', 'deepseek-chat', 'primary', '/api/chat', 'sse', 17, 11, 0, false, 0.5, 120,"
                    + " 900, 'done', '" + day + " 12:00:00', '" + day + "')");
        }
    }
}
